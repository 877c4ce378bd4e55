/**
 * Names of the user pool's web ACL and its rules. The CloudWatch metric names double as the values
 * of the WebACL and Rule dimensions of AWS/WAFV2 metrics, so the alarms (monitoring/alarms.ts) take
 * them from here rather than from the resources: they are literals known at synth time.
 */
import { BUILT_IN_WAF_GROUPS } from "../../../config/rules";
import { resourcePrefix, type EnvironmentIdentity } from "../../../config/names";

/** Name (and CloudWatch metric name) of the web ACL: taskflow-<env>-user-pool. */
export const webAclName = (env: Pick<EnvironmentIdentity, "name">): string => `${resourcePrefix(env.name)}-user-pool`;

/** The web ACL's request log group. AWS WAF refuses a destination whose name lacks the aws-waf-logs- prefix. */
export const wafLogGroupName = (env: Pick<EnvironmentIdentity, "name">): string => `aws-waf-logs-${resourcePrefix(env.name)}`;

/** Which requests a rate-based rule counts per source IP. */
export type RateScope = "all" | "signInApi" | "managedLogin";

export interface WafRuleName {
  /** Rule name inside the web ACL; also its metric name (the Rule dimension). */
  readonly name: string;
  /** For a managed rule group rule: the AWS group it references. */
  readonly managedRuleGroup?: string;
  /** For a rate-based rule: the requests it counts. */
  readonly rateScope?: RateScope;
}

/** The rate-based rule, counting every request per source IP. */
export const RATE_RULE = "RateLimitPerIp";
/** The rate-based rule counting the user pools API's sign-in operations per source IP. */
export const SIGN_IN_API_RATE_RULE = "RateLimitSignInApi";
/** The rate-based rule counting managed login's sign-in pages and the token endpoint per source IP. */
export const MANAGED_LOGIN_RATE_RULE = "RateLimitManagedLogin";

/**
 * Every rule of the web ACL in priority order: IP reputation, known bad inputs, the rate rules
 * (every request, then the sign-in operations), then `extraManagedRuleGroups` (AWS managed groups by name).
 */
export function wafRules(extraManagedRuleGroups: readonly string[] = []): WafRuleName[] {
  const managed = [...BUILT_IN_WAF_GROUPS, ...extraManagedRuleGroups];
  const [ipReputation, knownBadInputs, ...extras] = managed.map((group) => ({
    // "AWSManagedRulesKnownBadInputsRuleSet" -> "AWS-KnownBadInputsRuleSet", the console's naming.
    name: `AWS-${group.replace(/^AWSManagedRules/, "")}`,
    managedRuleGroup: group,
  }));
  return [
    ipReputation,
    knownBadInputs,
    { name: RATE_RULE, rateScope: "all" },
    { name: SIGN_IN_API_RATE_RULE, rateScope: "signInApi" },
    { name: MANAGED_LOGIN_RATE_RULE, rateScope: "managedLogin" },
    ...extras,
  ];
}
