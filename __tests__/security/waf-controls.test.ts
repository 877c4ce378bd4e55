/**
 * AWS WAF in front of the user pool, as an auditor checks it: one describe per control with its
 * reason, on the synthesized JSON of every environment. Expected names and dimensions are written
 * here from the AWS pages, not imported from the construct, so a typo there fails here.
 * Sources: Cognito Developer Guide "Associate an AWS WAF web ACL with a user pool"; AWS WAF
 * Developer Guide "AWS WAF metrics and dimensions"; AWS WAF API reference, RateBasedStatement.
 */
import { ENV_NAMES, onlyResource, resourcesOf, synthConfig, synthStack, type TfJson } from "../support/synth";
import { parseEnvironmentConfig } from "../../config";
import { rawEnv } from "../support/synth";
import { refusals } from "./helpers";

const STAGING_AND_PROD = ["staging", "prod"] as const;
const ACL = "aws_wafv2_web_acl";
const ASSOCIATION = "aws_wafv2_web_acl_association";
const MANAGED_GROUPS = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet"];

const webAcl = (json: TfJson): TfJson => onlyResource(json, ACL);
const rulesOf = (json: TfJson): TfJson[] => webAcl(json).rule;
const managedRules = (json: TfJson) => rulesOf(json).filter((r) => r.statement.managed_rule_group_statement);
const rateRule = (json: TfJson): TfJson => {
  const rate = rulesOf(json).filter((r) => r.statement.rate_based_statement);
  expect(rate).toHaveLength(1);
  return rate[0];
};
const alarms = (json: TfJson): TfJson[] => Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
const wafAlarms = (json: TfJson): TfJson[] =>
  alarms(json).filter(
    (a) => (a.metric_query ?? []).some((q: TfJson) => q.metric?.namespace === "AWS/WAFV2") || a.namespace === "AWS/WAFV2",
  );
const patchedJson = (env: "dev" | "staging" | "prod", patch: Parameters<typeof rawEnv>[1]): TfJson =>
  JSON.parse(synthConfig(parseEnvironmentConfig(rawEnv(env, patch), env)));

describe("UserPoolWebAcl: staging and prod user pools sit behind a regional AWS WAF web ACL; dev has none", () => {
  // Reason: the pool allows self sign-up and password sign-in from anywhere; without a web ACL nothing limits a single source.
  test.each(STAGING_AND_PROD)("1. compliant: %s has one REGIONAL web ACL that allows what no rule stops", (env) => {
    const acl = webAcl(synthStack(env));
    expect(acl).toMatchObject({ name: `taskflow-${env}-user-pool`, scope: "REGIONAL", default_action: { allow: {} } });
  });
  test("2. not applied: dev synthesizes no web ACL and no association (waf.mode off)", () => {
    const json = synthStack("dev");
    expect(resourcesOf(json, ACL)).toEqual({});
    expect(resourcesOf(json, ASSOCIATION)).toEqual({});
  });
  test("3. compliant: dev with waf.mode count gets one too", () => {
    expect(webAcl(patchedJson("dev", { waf: { mode: "count" } })).scope).toBe("REGIONAL");
  });
});

describe("UserPoolWebAclAssociation: the web ACL is associated with this stack's user pool, at pinned addresses", () => {
  // Reason: a web ACL protects nothing until AssociateWebACL names the pool's ARN; a moved address would re-create it.
  test.each(STAGING_AND_PROD)("1. compliant: %s associates its web ACL with aws_cognito_user_pool.user_pool's ARN", (env) => {
    const json = synthStack(env);
    expect(Object.keys(resourcesOf(json, ACL))).toEqual(["user_pool_web_acl"]);
    expect(resourcesOf(json, ASSOCIATION)).toEqual({
      user_pool_web_acl: expect.objectContaining({
        resource_arn: "${aws_cognito_user_pool.user_pool.arn}",
        web_acl_arn: "${aws_wafv2_web_acl.user_pool_web_acl.arn}",
      }),
    });
  });
});

describe("UserPoolWebAclRules: AWS IP reputation, known bad inputs and a rate limit per source IP; prod blocks, staging counts", () => {
  // Reason: credential stuffing and sign-up floods come from few sources; Cognito hides usernames and passwords from WAF, so rate and reputation are what it can judge.
  test.each(STAGING_AND_PROD)("1. compliant: %s has both AWS managed groups and one per-IP rate rule, with distinct priorities", (env) => {
    const json = synthStack(env);
    expect(managedRules(json).map((r) => r.statement.managed_rule_group_statement)).toEqual(
      MANAGED_GROUPS.map((name) => ({ vendor_name: "AWS", name })),
    );
    expect(rateRule(json).statement.rate_based_statement).toEqual({ aggregate_key_type: "IP", limit: 1000, evaluation_window_sec: 300 });
    const priorities = rulesOf(json).map((r) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });
  test("2. compliant: prod blocks (rate rule action block, managed groups keep their own block actions)", () => {
    const json = synthStack("prod");
    expect(rateRule(json).action).toEqual({ block: {} });
    for (const r of managedRules(json)) expect(r.override_action).toEqual({ none: {} });
  });
  test("3. compliant: staging only counts (rate rule action count, managed groups overridden to count)", () => {
    const json = synthStack("staging");
    expect(rateRule(json).action).toEqual({ count: {} });
    for (const r of managedRules(json)) expect(r.override_action).toEqual({ count: {} });
  });
  test("4. compliant: the rate limit and window come from config", () => {
    const json = patchedJson("staging", { waf: { mode: "block", rateLimitPerIp: 300, rateWindowSeconds: 60 } });
    expect(rateRule(json)).toMatchObject({
      action: { block: {} },
      statement: { rate_based_statement: { aggregate_key_type: "IP", limit: 300, evaluation_window_sec: 60 } },
    });
  });
  test.each(STAGING_AND_PROD)("5. compliant: %s has no CAPTCHA or challenge action and no Fraud Control group", (env) => {
    const acl = webAcl(synthStack(env));
    for (const r of acl.rule) {
      expect(Object.keys(r.action ?? {})).not.toEqual(expect.arrayContaining(["captcha"]));
      expect(Object.keys(r.action ?? {})).not.toEqual(expect.arrayContaining(["challenge"]));
      expect(["AWSManagedRulesATPRuleSet", "AWSManagedRulesACFPRuleSet"]).not.toContain(r.statement.managed_rule_group_statement?.name);
    }
  });
  test("6. compliant: an extra AWS managed group from config follows the built-in rules", () => {
    const json = patchedJson("prod", { waf: { extraManagedRuleGroups: ["AWSManagedRulesCommonRuleSet"] } });
    const last = rulesOf(json).at(-1)!;
    expect(last.statement.managed_rule_group_statement).toEqual({ vendor_name: "AWS", name: "AWSManagedRulesCommonRuleSet" });
    expect(last.override_action).toEqual({ none: {} });
  });
});

describe("UserPoolWebAclMetrics: CloudWatch metrics are on for the web ACL and every rule, each under its own metric name", () => {
  // Reason: without metrics there is nothing to alarm on; the metric names are the WebACL and Rule dimensions of AWS/WAFV2.
  test.each(STAGING_AND_PROD)("1. compliant: %s", (env) => {
    const acl = webAcl(synthStack(env));
    const configs = [acl.visibility_config, ...acl.rule.map((r: TfJson) => r.visibility_config)];
    for (const v of configs) expect(v).toMatchObject({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true });
    const names = configs.map((v) => v.metric_name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[\w-]{1,128}$/);
  });
});

describe("UserPoolWafAlarm: what the web ACL blocks (prod) or would block (staging) alarms to the alert topic", () => {
  // Reason: a flood the web ACL stops is still an attack on-call must hear about; in count mode no request is ever blocked, so the counted ones alarm.
  test.each([
    ["prod", "BlockedRequests", "UserPoolWafBlockedRequests"],
    ["staging", "CountedRequests", "UserPoolWafCountedRequests"],
  ] as const)(
    "1. compliant: %s sums %s of every rule, with the dimensions Region, Rule and WebACL of its web ACL",
    (env, metricName, alarmName) => {
      const json = synthStack(env);
      const acl = webAcl(json);
      const found = wafAlarms(json);
      expect(found.map((a) => a.alarm_name)).toEqual([`TaskFlow-${env}-${alarmName}`]);
      const alarm = found[0];
      const inputs = alarm.metric_query.filter((q: TfJson) => q.metric).map((q: TfJson) => q.metric);
      expect(inputs.map((m: TfJson) => m.dimensions.Rule).sort()).toEqual(
        acl.rule.map((r: TfJson) => r.visibility_config.metric_name).sort(),
      );
      for (const m of inputs) {
        expect(m).toMatchObject({ namespace: "AWS/WAFV2", metric_name: metricName, stat: "Sum" });
        expect(Object.keys(m.dimensions).sort()).toEqual(["Region", "Rule", "WebACL"]);
        expect(m.dimensions.Region).toBe("ap-northeast-1");
        expect(m.dimensions.WebACL).toBe(acl.visibility_config.metric_name);
      }
      const output = alarm.metric_query.filter((q: TfJson) => q.return_data);
      expect(output).toHaveLength(1);
      expect(output[0].expression).toBe(inputs.map((_: TfJson, i: number) => `FILL(m${i + 1}, 0)`).join(" + "));
      const topic = Object.keys(resourcesOf(json, "aws_sns_topic"))[0];
      expect(alarm).toMatchObject({
        alarm_actions: [`\${aws_sns_topic.${topic}.arn}`],
        ok_actions: [`\${aws_sns_topic.${topic}.arn}`],
        comparison_operator: "GreaterThanOrEqualToThreshold",
        threshold: 100,
        evaluation_periods: 1,
        treat_missing_data: "notBreaching",
      });
    },
  );
  test("2. not applied: dev has no WAF alarm", () => {
    expect(wafAlarms(synthStack("dev"))).toEqual([]);
  });
  test("3. compliant: threshold and period come from waf.alarm", () => {
    const alarm = wafAlarms(patchedJson("prod", { waf: { alarm: { threshold: 20, periodSeconds: 60, evaluationPeriods: 2 } } }))[0];
    expect(alarm).toMatchObject({ threshold: 20, evaluation_periods: 2 });
    for (const q of alarm.metric_query.filter((x: TfJson) => x.metric)) expect(q.metric.period).toBe(60);
  });
});

describe("UserPoolWafConfig: config that AWS or Cognito would reject, or that leaves staging/prod unprotected, is refused", () => {
  // Reason: a user-pool web ACL may not use Fraud Control (ATP cannot be associated with a pool), and a CAPTCHA rule can break managed login's TOTP registration.
  test.each(STAGING_AND_PROD)("1. non-compliant: %s with waf.mode off is refused", (env) => {
    expect(refusals(env, { waf: { mode: "off" } })).toEqual([`${env}.waf.mode: must be "count" or "block" in ${env}, got "off"`]);
  });
  test("2. non-compliant: the account takeover prevention (ATP) group is refused, with the reason", () => {
    expect(refusals("prod", { waf: { extraManagedRuleGroups: ["AWSManagedRulesATPRuleSet"] } })).toEqual([
      "prod.waf.extraManagedRuleGroups[0]: must not be AWSManagedRulesATPRuleSet: AWS WAF refuses to associate a web ACL with account takeover prevention (ATP) with a Cognito user pool",
    ]);
  });
  test("3. non-compliant: the account creation fraud prevention (ACFP) group is refused", () => {
    expect(refusals("staging", { waf: { extraManagedRuleGroups: ["AWSManagedRulesACFPRuleSet"] } })).toEqual([
      "staging.waf.extraManagedRuleGroups[0]: must not be AWSManagedRulesACFPRuleSet: account creation fraud prevention (ACFP) is not available for Cognito user pools (use threat protection instead)",
    ]);
  });
  test("4. non-compliant: a built-in group listed again is refused (rule names would collide)", () => {
    expect(refusals("prod", { waf: { extraManagedRuleGroups: ["AWSManagedRulesKnownBadInputsRuleSet"] } })).toHaveLength(1);
  });
  test("5. non-compliant: a CAPTCHA mode is refused, naming the TOTP registration problem", () => {
    const [line] = refusals("prod", { waf: { mode: "captcha" } });
    expect(line).toMatch(/^prod\.waf\.mode: must be "off", "count" or "block" \(no CAPTCHA or challenge: .*TOTP registration/);
  });
  test.each([
    [{ rateLimitPerIp: 5 }, "prod.waf.rateLimitPerIp: must be between 10 and 2000000000 requests"],
    [{ rateWindowSeconds: 30 }, "prod.waf.rateWindowSeconds: must be 60, 120, 300 or 600 seconds (AWS WAF's evaluation windows)"],
  ])("6. non-compliant: %j is outside what AWS WAF accepts", (waf, line) => {
    expect(refusals("prod", { waf })[0]).toMatch(new RegExp(`^${line.replace(/[()]/g, "\\$&")}`));
  });
  test("7. compliant: extra AWS groups such as AWSManagedRulesCommonRuleSet are accepted", () => {
    expect(refusals("prod", { waf: { extraManagedRuleGroups: ["AWSManagedRulesCommonRuleSet"] } })).toEqual([]);
  });
});

test.each(ENV_NAMES)("%s: every WAF rule name is unique within its web ACL (AWS WAF requires it)", (env) => {
  const acl = Object.values(resourcesOf(synthStack(env), ACL))[0];
  if (!acl) return expect(env).toBe("dev");
  const names = acl.rule.map((r: TfJson) => r.name);
  expect(new Set(names).size).toBe(names.length);
});
