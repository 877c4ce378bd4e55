import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Construct } from "constructs";
import type { EnvironmentIdentity } from "../../../config/names";
import type { ProjectLogs } from "../monitoring/log-groups";
import { wafRules, webAclName } from "./names";
import { rateStatement, type WafRateLimits } from "./statements";
import { WafRequestLog } from "./request-log";

export type { WafRateLimits } from "./statements";
export { MANAGED_LOGIN_RATE_RULE, RATE_RULE, SIGN_IN_API_RATE_RULE, wafLogGroupName, wafRules, webAclName } from "./names";

/** Pinned Terraform addresses: aws_wafv2_web_acl.user_pool_web_acl and aws_wafv2_web_acl_association.user_pool_web_acl. */
export const WEB_ACL_LOGICAL_ID = "user_pool_web_acl";
export const WEB_ACL_ASSOCIATION_LOGICAL_ID = "user_pool_web_acl";

export interface UserPoolWafProps {
  /**
   * The environment (its name, e.g. prod): the web ACL is taskflow-<env>-user-pool, its request log
   * aws-waf-logs-taskflow-<env>, and the description starts "TaskFlow <env>". Required.
   */
  readonly environment: Pick<EnvironmentIdentity, "name">;
  /** ARN of the user pool to protect (a Terraform reference). Required. */
  readonly userPoolArn: string;
  /** Name of that user pool, for the web ACL's description. Required. */
  readonly userPoolName: string;
  /**
   * "block": every rule acts (managed groups with their own actions, rate rules block); "count": every
   * rule only counts, to measure false positives on real traffic before blocking. Required.
   */
  readonly mode: "count" | "block";
  /** Requests one source IP may send per window, for each rate-based rule. Required. */
  readonly rateLimits: WafRateLimits;
  /** Evaluation window of the rate-based rules: 60, 120, 300 or 600 seconds (AWS WAF's choices). Required. */
  readonly rateWindowSeconds: number;
  /**
   * More AWS managed rule groups (vendor AWS) by name, after the IP reputation and known-bad-inputs
   * groups. Never Fraud Control: AWS WAF refuses it on a user pool (config rule WafRuleGroupsForUserPools).
   * @default - none
   */
  readonly extraManagedRuleGroups?: readonly string[];
  /** Creates the request log group, with the environment's retention and log key. Required. */
  readonly logs: ProjectLogs;
}

/** CloudWatch metrics on for the web ACL and every rule: the alarm and the console's traffic overview read them. */
const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

/**
 * A regional AWS WAF web ACL associated with the user pool (Cognito Developer Guide, "Associate an
 * AWS WAF web ACL with a user pool"; AssociateWebACL with the pool's ARN, one web ACL per pool). It
 * sees managed login and the unauthenticated user pools API, and blocked requests do not count
 * against Cognito's request quotas. Rules:
 * - AWS managed IP reputation list (known bots and malicious sources) and known bad inputs;
 * - rate-based rules per source IP (`rateWindowSeconds`): every request (`rateLimits.perIp`),
 *   and, tighter, the sign-in operations of the API and of managed login (`rateLimits.signInApi`,
 *   `rateLimits.managedLogin`, statements.ts), which is what slows credential stuffing and sign-up
 *   floods: rules cannot match usernames or passwords, Cognito hides them from AWS WAF;
 * - any extra AWS managed groups (`extraManagedRuleGroups`).
 * In "count" mode every rule only counts (managed groups with override_action count), so staging
 * can measure false positives before prod blocks. Only Block and Count: a CAPTCHA can break managed
 * login's TOTP registration. Every request is logged (request-log.ts).
 */
export class UserPoolWaf extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly association: Wafv2WebAclAssociation;
  readonly requestLog: WafRequestLog;

  constructor(scope: Construct, id: string, props: UserPoolWafProps) {
    super(scope, id);
    const { environment, mode } = props;
    const name = webAclName(environment);
    const block = mode === "block";
    const rules: Wafv2WebAclRule[] = wafRules(props.extraManagedRuleGroups).map((rule, priority) =>
      rule.managedRuleGroup
        ? {
            name: rule.name,
            priority,
            // none: the group's own actions (block); count: every match only counted.
            overrideAction: block ? { none: {} } : { count: {} },
            // The statement is untyped in the provider bindings (recursive schema): Terraform's snake_case.
            statement: { managed_rule_group_statement: { vendor_name: "AWS", name: rule.managedRuleGroup } },
            visibilityConfig: visibility(rule.name),
          }
        : {
            name: rule.name,
            priority,
            action: block ? { block: {} } : { count: {} },
            statement: rateStatement(props.rateLimits, props.rateWindowSeconds, rule.rateScope ?? "all"),
            visibilityConfig: visibility(rule.name),
          },
    );

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      name,
      description: `TaskFlow ${environment.name}: rate limits per IP, IP reputation and known bad inputs in front of user pool ${props.userPoolName} (${mode})`,
      // REGIONAL: a user pool is a regional resource (CLOUDFRONT is only for distributions).
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(name),
    });
    this.webAcl.overrideLogicalId(WEB_ACL_LOGICAL_ID);

    this.association = new Wafv2WebAclAssociation(this, "association", {
      resourceArn: props.userPoolArn,
      webAclArn: this.webAcl.arn,
    });
    this.association.overrideLogicalId(WEB_ACL_ASSOCIATION_LOGICAL_ID);

    this.requestLog = new WafRequestLog(this, "request-log", { environment, webAclArn: this.webAcl.arn, logs: props.logs });
  }
}
