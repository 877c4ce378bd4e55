/**
 * Names of the user pool's web ACL and its rules. The CloudWatch metric names double as the values
 * of the WebACL and Rule dimensions of AWS/WAFV2 metrics, so the alarms (monitoring/alarms.ts) take
 * them from here rather than from the resources: they are literals known at synth time.
 */
import type { EnvironmentConfig } from "../../../config";
import { BUILT_IN_WAF_GROUPS } from "../../../config/rules";

/** Name (and CloudWatch metric name) of the web ACL: taskflow-<env>-user-pool. */
export const webAclName = (env: EnvironmentConfig): string => `taskflow-${env.name}-user-pool`;

export interface WafRuleName {
  /** Rule name inside the web ACL; also its metric name (the Rule dimension). */
  readonly name: string;
  /** For a managed rule group rule: the AWS group it references. */
  readonly managedRuleGroup?: string;
}

/** The rate-based rule, counting requests per source IP. */
export const RATE_RULE = "RateLimitPerIp";

/** Every rule of the web ACL in priority order: IP reputation, known bad inputs, rate per IP, then any extra AWS groups. */
export function wafRules(env: EnvironmentConfig): WafRuleName[] {
  const managed = [...BUILT_IN_WAF_GROUPS, ...env.waf.extraManagedRuleGroups];
  const [ipReputation, knownBadInputs, ...extras] = managed.map((group) => ({
    // "AWSManagedRulesKnownBadInputsRuleSet" -> "AWS-KnownBadInputsRuleSet", the console's naming.
    name: `AWS-${group.replace(/^AWSManagedRules/, "")}`,
    managedRuleGroup: group,
  }));
  return [ipReputation, knownBadInputs, { name: RATE_RULE }, ...extras];
}
