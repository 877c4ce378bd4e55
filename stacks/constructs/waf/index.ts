import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../../config";
import type { ProjectLogs } from "../monitoring/log-groups";
import { wafRules, webAclName } from "./names";
import { rateStatement } from "./statements";
import { WafRequestLog } from "./request-log";

export { MANAGED_LOGIN_RATE_RULE, RATE_RULE, SIGN_IN_API_RATE_RULE, wafLogGroupName, wafRules, webAclName } from "./names";

/** Pinned Terraform addresses: aws_wafv2_web_acl.user_pool_web_acl and aws_wafv2_web_acl_association.user_pool_web_acl. */
export const WEB_ACL_LOGICAL_ID = "user_pool_web_acl";
export const WEB_ACL_ASSOCIATION_LOGICAL_ID = "user_pool_web_acl";

export interface UserPoolWafProps {
  readonly env: EnvironmentConfig;
  /** ARN of the user pool to protect (a Terraform reference). */
  readonly userPoolArn: string;
  /** The environment's log groups factory: the request log's retention and key come from there. */
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
 * - rate-based rules per source IP (`waf.rateWindowSeconds`): every request (`waf.rateLimitPerIp`),
 *   and, tighter, the sign-in operations of the API and of managed login (`waf.signInRateLimits`,
 *   statements.ts), which is what slows credential stuffing and sign-up floods: rules cannot match
 *   usernames or passwords, Cognito hides them from AWS WAF;
 * - any extra AWS managed groups from config (never Fraud Control: rules.ts refuses it).
 * In "count" mode every rule only counts (managed groups with override_action count), so staging
 * can measure false positives before prod blocks. Only Block and Count: a CAPTCHA can break managed
 * login's TOTP registration. Every request is logged (request-log.ts). Nothing is created when
 * waf.mode is "off".
 */
export class UserPoolWaf extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly association: Wafv2WebAclAssociation;
  readonly requestLog: WafRequestLog;

  constructor(scope: Construct, id: string, { env, userPoolArn, logs }: UserPoolWafProps) {
    super(scope, id);
    const block = env.waf.mode === "block";
    const rules: Wafv2WebAclRule[] = wafRules(env).map((rule, priority) =>
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
            statement: rateStatement(env, rule.rateScope ?? "all"),
            visibilityConfig: visibility(rule.name),
          },
    );

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      name: webAclName(env),
      description: `TaskFlow ${env.name}: rate limits per IP, IP reputation and known bad inputs in front of user pool ${env.userPool.name} (${env.waf.mode})`,
      // REGIONAL: a user pool is a regional resource (CLOUDFRONT is only for distributions).
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(webAclName(env)),
    });
    this.webAcl.overrideLogicalId(WEB_ACL_LOGICAL_ID);

    this.association = new Wafv2WebAclAssociation(this, "association", {
      resourceArn: userPoolArn,
      webAclArn: this.webAcl.arn,
    });
    this.association.overrideLogicalId(WEB_ACL_ASSOCIATION_LOGICAL_ID);

    this.requestLog = new WafRequestLog(this, "request-log", { env, webAclArn: this.webAcl.arn, logs });
  }
}
