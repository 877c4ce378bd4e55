/**
 * AWS WAF in front of the user pool, as an auditor checks it: one describe per control with its
 * reason, on the synthesized JSON of every environment. Expected names and dimensions are written
 * here from the AWS pages, not imported from the construct, so a typo there fails here.
 * Sources: Cognito Developer Guide "Associate an AWS WAF web ACL with a user pool"; AWS WAF
 * Developer Guide "AWS WAF metrics and dimensions" and "Sending web ACL traffic logs to an Amazon
 * CloudWatch Logs log group"; AWS WAF API reference, RateBasedStatement and LoggingConfiguration;
 * AWS Security Blog "Protect your Amazon Cognito user pool with AWS WAF"; AWS WAF Developer Guide
 * "AWS WAF information in AWS CloudTrail" (requestParameters of the CloudTrail events).
 */
import { ENV_NAMES, onlyResource, resourcesOf, synthConfig, synthStack, type TfJson } from "../support/synth";
import { parseEnvironmentConfig } from "../../config";
import { rawEnv } from "../support/synth";
import { eventMatches } from "../support/event-pattern";
import { controlled, describeControl, refusals } from "./helpers";

const STAGING_AND_PROD = ["staging", "prod"] as const;
const ACL = "aws_wafv2_web_acl";
const ASSOCIATION = "aws_wafv2_web_acl_association";
const MANAGED_GROUPS = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet"];

const webAcl = (json: TfJson): TfJson => onlyResource(json, ACL);
const rulesOf = (json: TfJson): TfJson[] => webAcl(json).rule;
const managedRules = (json: TfJson) => rulesOf(json).filter((r) => r.statement.managed_rule_group_statement);
const RATE_RULES = ["RateLimitPerIp", "RateLimitSignInApi", "RateLimitManagedLogin"];
const ruleNamed = (json: TfJson, name: string): TfJson => {
  const found = rulesOf(json).filter((r) => r.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};
/** The rate rule over every request (no scope-down statement). */
const rateRule = (json: TfJson): TfJson => ruleNamed(json, "RateLimitPerIp");
const rateRules = (json: TfJson): TfJson[] => rulesOf(json).filter((r) => r.statement.rate_based_statement);
const alarms = (json: TfJson): TfJson[] => Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
const wafAlarms = (json: TfJson): TfJson[] =>
  alarms(json).filter(
    (a) => (a.metric_query ?? []).some((q: TfJson) => q.metric?.namespace === "AWS/WAFV2") || a.namespace === "AWS/WAFV2",
  );
const patchedJson = (env: "dev" | "staging" | "prod", patch: Parameters<typeof rawEnv>[1]): TfJson =>
  JSON.parse(synthConfig(parseEnvironmentConfig(rawEnv(env, patch), env)));

describeControl("UserPoolWebAcl", "staging and prod user pools sit behind a regional AWS WAF web ACL; dev has none", () => {
  // Reason: the pool allows self sign-up and password sign-in from anywhere; without a web ACL nothing limits a single source.
  test.each(STAGING_AND_PROD)("1. compliant: %s has one REGIONAL web ACL that allows what no rule stops", (env) => {
    const acl = webAcl(synthStack(env));
    expect(acl.name).toBe(`taskflow-${env}-user-pool`);
    // Exactly what drift detection watches: a default action switched outside Terraform is security drift.
    expect(controlled("UserPoolWebAcl", ACL, acl)).toEqual({ default_action: { allow: {} }, scope: "REGIONAL" });
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

describeControl("UserPoolWebAclAssociation", "the web ACL is associated with this stack's user pool, at pinned addresses", () => {
  // Reason: a web ACL protects nothing until AssociateWebACL names the pool's ARN; a moved address would re-create it.
  test.each(STAGING_AND_PROD)("1. compliant: %s associates its web ACL with aws_cognito_user_pool.user_pool's ARN", (env) => {
    const json = synthStack(env);
    expect(Object.keys(resourcesOf(json, ACL))).toEqual(["user_pool_web_acl"]);
    expect(Object.keys(resourcesOf(json, ASSOCIATION))).toEqual(["user_pool_web_acl"]);
    expect(controlled("UserPoolWebAclAssociation", ASSOCIATION, resourcesOf(json, ASSOCIATION).user_pool_web_acl)).toEqual({
      resource_arn: "${aws_cognito_user_pool.user_pool.arn}",
      web_acl_arn: "${aws_wafv2_web_acl.user_pool_web_acl.arn}",
    });
  });
});

describeControl(
  "UserPoolWebAclRules",
  "AWS IP reputation, known bad inputs, a rate limit per source IP and tighter ones on sign-in; prod blocks, staging counts",
  () => {
    // Reason: credential stuffing and sign-up floods come from few sources; Cognito hides usernames and passwords from WAF, so rate and reputation are what it can judge.
    test.each(STAGING_AND_PROD)(
      "1. compliant: %s has both AWS managed groups and three per-IP rate rules, with distinct priorities",
      (env) => {
        const json = synthStack(env);
        expect(managedRules(json).map((r) => r.statement.managed_rule_group_statement)).toEqual(
          MANAGED_GROUPS.map((name) => ({ vendor_name: "AWS", name })),
        );
        expect(rateRules(json).map((r) => r.name)).toEqual(RATE_RULES);
        expect(rateRule(json).statement.rate_based_statement).toEqual({
          aggregate_key_type: "IP",
          limit: 1000,
          evaluation_window_sec: 300,
        });
        const priorities = rulesOf(json).map((r) => r.priority);
        expect(new Set(priorities).size).toBe(priorities.length);
      },
    );
    test("2. compliant: prod blocks (every rate rule's action block, managed groups keep their own block actions)", () => {
      const json = synthStack("prod");
      expect(rateRules(json).map((r) => r.action)).toEqual(RATE_RULES.map(() => ({ block: {} })));
      for (const r of managedRules(json)) expect(r.override_action).toEqual({ none: {} });
    });
    test("3. compliant: staging only counts (every rate rule's action count, managed groups overridden to count)", () => {
      const json = synthStack("staging");
      expect(rateRules(json).map((r) => r.action)).toEqual(RATE_RULES.map(() => ({ count: {} })));
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

    /** What the scope-down statement of a sign-in rate rule lets through, as AWS WAF evaluates it: lowercased, then the regex. */
    const scopeDown = (rule: TfJson) => rule.statement.rate_based_statement.scope_down_statement.regex_match_statement;
    const selects = (rule: TfJson, value: string) => {
      const statement = scopeDown(rule);
      expect(statement.text_transformation).toEqual([{ priority: 0, type: "LOWERCASE" }]);
      return new RegExp(statement.regex_string).test(value.toLowerCase());
    };
    const SIGN_IN_TARGETS = ["InitiateAuth", "RespondToAuthChallenge", "SignUp", "ForgotPassword", "ConfirmForgotPassword"].map(
      (op) => `AWSCognitoIdentityProviderService.${op}`,
    );

    test.each(STAGING_AND_PROD)(
      "7. compliant: %s limits the x-amz-target header's five sign-in operations to 100 per IP per 300 s, and no other operation",
      (env) => {
        const rule = ruleNamed(synthStack(env), "RateLimitSignInApi");
        expect(rule.statement.rate_based_statement).toMatchObject({ aggregate_key_type: "IP", limit: 100, evaluation_window_sec: 300 });
        expect(scopeDown(rule).field_to_match).toEqual({ single_header: { name: "x-amz-target" } });
        expect(SIGN_IN_TARGETS.filter((t) => !selects(rule, t))).toEqual([]);
        expect(SIGN_IN_TARGETS.filter((t) => !selects(rule, t.toUpperCase()))).toEqual([]);
        const others = ["GetUser", "GlobalSignOut", "InitiateAuthX", "RevokeToken"].map((op) => `AWSCognitoIdentityProviderService.${op}`);
        expect(others.filter((t) => selects(rule, t))).toEqual([]);
        expect(selects(rule, "xAWSCognitoIdentityProviderService.SignUp")).toBe(false);
      },
    );
    test.each(STAGING_AND_PROD)(
      "8. compliant: %s limits managed login's sign-in, sign-up and reset pages and /oauth2/token to 100 per IP per 300 s",
      (env) => {
        const rule = ruleNamed(synthStack(env), "RateLimitManagedLogin");
        expect(rule.statement.rate_based_statement).toMatchObject({ aggregate_key_type: "IP", limit: 100, evaluation_window_sec: 300 });
        expect(scopeDown(rule).field_to_match).toEqual({ uri_path: {} });
        const signIn = ["/login", "/signup", "/forgotPassword", "/confirmForgotPassword", "/oauth2/token", "/LOGIN", "/oauth2/token/"];
        expect(signIn.filter((p) => !selects(rule, p))).toEqual([]);
        expect(["/oauth2/authorize", "/logout", "/oauth2/userInfo", "/", "/loginx", "/x/login"].filter((p) => selects(rule, p))).toEqual(
          [],
        );
      },
    );
    test("9. compliant: the sign-in limits come from waf.signInRateLimits, in the window of waf.rateWindowSeconds", () => {
      const json = patchedJson("prod", { waf: { rateWindowSeconds: 60, signInRateLimits: { api: 20, managedLogin: 30 } } });
      expect(ruleNamed(json, "RateLimitSignInApi").statement.rate_based_statement).toMatchObject({ limit: 20, evaluation_window_sec: 60 });
      expect(ruleNamed(json, "RateLimitManagedLogin").statement.rate_based_statement).toMatchObject({
        limit: 30,
        evaluation_window_sec: 60,
      });
    });
    test.each(STAGING_AND_PROD)("10. compliant: %s matches no request field that can carry PII (only x-amz-target and the path)", (env) => {
      // Cognito withholds usernames, passwords, emails and phone numbers from AWS WAF: a rule on the body or a query could never act.
      const fields = rateRules(synthStack(env))
        .filter((r) => r.statement.rate_based_statement.scope_down_statement)
        .map((r) => scopeDown(r).field_to_match);
      expect(fields).toEqual([{ single_header: { name: "x-amz-target" } }, { uri_path: {} }]);
    });
  },
);

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
  // 2. non-compliant: refused by config rule WafRuleGroupsForUserPools (its cases are in __tests__/config-rules.test.ts).
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
  test.each([
    [{ signInRateLimits: { api: 5 } }, "prod.waf.signInRateLimits.api: must be between 10 and 2000000000 requests, got 5"],
    [
      { signInRateLimits: { managedLogin: 2000 } },
      "prod.waf.signInRateLimits.managedLogin: must not exceed waf.rateLimitPerIp (1000), got 2000",
    ],
  ])("8. non-compliant: sign-in limit %j is outside AWS WAF's range or above the limit on every request", (waf, line) => {
    expect(refusals("prod", { waf })).toEqual([line]);
  });
  test("7. compliant: extra AWS groups such as AWSManagedRulesCommonRuleSet are accepted", () => {
    expect(refusals("prod", { waf: { extraManagedRuleGroups: ["AWSManagedRulesCommonRuleSet"] } })).toEqual([]);
  });
});

const LOG = "aws_wafv2_web_acl_logging_configuration";
const logGroupNamed = (json: TfJson, name: string): TfJson[] =>
  Object.values(resourcesOf(json, "aws_cloudwatch_log_group")).filter((g) => g.name === name);

describeControl(
  "UserPoolWebAclRequestLog",
  "every request the web ACL inspects is logged to aws-waf-logs-taskflow-<env>, credentials redacted",
  () => {
    // Reason: without a request log a blocked (or counted) attack leaves only a number; AWS WAF accepts only a destination named aws-waf-logs-*.
    test.each([
      ["staging", 90],
      ["prod", 365],
    ] as const)("1. compliant: %s logs to its own aws-waf-logs- group, kept %s days and encrypted with the log key", (env, days) => {
      const json = synthStack(env);
      const groups = logGroupNamed(json, `aws-waf-logs-taskflow-${env}`);
      expect(groups).toHaveLength(1);
      expect(groups[0]).toMatchObject({ retention_in_days: days, kms_key_id: "${aws_kms_key.log_group_key.arn}" });
      expect(controlled("UserPoolWebAclRequestLog", LOG, onlyResource(json, LOG))).toEqual({
        resource_arn: "${aws_wafv2_web_acl.user_pool_web_acl.arn}",
        log_destination_configs: ["${aws_cloudwatch_log_group.waf_log_group.arn}"],
        redacted_fields: [{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }],
      });
    });
    test.each(STAGING_AND_PROD)(
      "2. compliant: %s lets only delivery.logs.amazonaws.com write that group's streams, for this account and region, before logging starts",
      (env) => {
        const json = synthStack(env);
        const account = { staging: "222222222222", prod: "333333333333" }[env];
        const policy = resourcesOf(json, "aws_cloudwatch_log_resource_policy").waf_log_delivery_policy;
        expect(JSON.parse(policy.policy_document).Statement).toEqual([
          {
            Sid: "WafLogDeliveryWrites",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: ["${aws_cloudwatch_log_group.waf_log_group.arn}:log-stream:*"],
            Condition: {
              StringEquals: { "aws:SourceAccount": account },
              ArnLike: { "aws:SourceArn": `arn:aws:logs:ap-northeast-1:${account}:*` },
            },
          },
        ]);
        expect(onlyResource(json, LOG).depends_on).toEqual(["aws_cloudwatch_log_resource_policy.waf_log_delivery_policy"]);
      },
    );
    test("3. compliant: the retention follows monitoring.logRetentionDays", () => {
      const json = patchedJson("staging", { monitoring: { logRetentionDays: 180 } });
      expect(logGroupNamed(json, "aws-waf-logs-taskflow-staging")[0].retention_in_days).toBe(180);
    });
    test("4. not applied: dev (no web ACL) has no request log", () => {
      const json = synthStack("dev");
      expect(resourcesOf(json, LOG)).toEqual({});
      expect(logGroupNamed(json, "aws-waf-logs-taskflow-dev")).toEqual([]);
    });
  },
);

describe("UserPoolWebAclChangeEvents: switching the web ACL off, changing its rules or stopping its log alerts on-call like a Cognito change", () => {
  // Reason: an attacker who can call AWS WAF disassociates the web ACL or turns its rules to count before the attack; without an event nobody notices until the next drift check.
  const ruleOf = (json: TfJson) => {
    const rules = Object.entries(resourcesOf(json, "aws_cloudwatch_event_rule"));
    expect(rules).toHaveLength(1);
    return { ref: `\${aws_cloudwatch_event_rule.${rules[0][0]}.name}`, pattern: JSON.parse(rules[0][1].event_pattern) };
  };
  /** A CloudTrail event of AWS WAF as EventBridge delivers it (requestParameters as in the CloudTrail examples of AWS WAF). */
  const wafCall = (eventName: string, requestParameters: TfJson) => ({
    source: "aws.wafv2",
    "detail-type": "AWS API Call via CloudTrail",
    detail: { eventSource: "wafv2.amazonaws.com", eventName, requestParameters },
  });
  const aclArn = (env: string, account: string, name = `taskflow-${env}-user-pool`) =>
    `arn:aws:wafv2:ap-northeast-1:${account}:regional/webacl/${name}/0f3c5a1e-1111-4222-8333-944455556666`;
  const POOL_ARN = "${aws_cognito_user_pool.user_pool.arn}";
  const callsOn = (env: string, account: string, name?: string, poolArn = POOL_ARN) => [
    wafCall("DisassociateWebACL", { resourceArn: poolArn }),
    wafCall("UpdateWebACL", { name: name ?? `taskflow-${env}-user-pool`, scope: "REGIONAL", id: "0f3c5a1e" }),
    wafCall("DeleteWebACL", { name: name ?? `taskflow-${env}-user-pool`, scope: "REGIONAL", id: "0f3c5a1e" }),
    wafCall("PutLoggingConfiguration", { loggingConfiguration: { resourceArn: aclArn(env, account, name), logDestinationConfigs: [] } }),
    wafCall("DeleteLoggingConfiguration", { resourceArn: aclArn(env, account, name) }),
  ];
  const ACCOUNTS = { staging: "222222222222", prod: "333333333333" } as const;

  test.each(STAGING_AND_PROD)(
    "1. compliant: %s: each of the five calls on its web ACL or user pool matches the security-event rule",
    (env) => {
      const { pattern } = ruleOf(synthStack(env));
      const calls = callsOn(env, ACCOUNTS[env]);
      expect(calls.filter((e) => !eventMatches(pattern, e)).map((e) => e.detail.eventName)).toEqual([]);
    },
  );
  test.each(STAGING_AND_PROD)(
    "2. not matched: %s: the same calls on another web ACL or pool, and read-only calls, raise nothing",
    (env) => {
      const { pattern } = ruleOf(synthStack(env));
      const elsewhere = callsOn(env, ACCOUNTS[env], "someone-elses-acl", "arn:aws:cognito-idp:ap-northeast-1:111111111111:userpool/x");
      expect(elsewhere.filter((e) => eventMatches(pattern, e)).map((e) => e.detail.eventName)).toEqual([]);
      expect(eventMatches(pattern, wafCall("GetWebACL", { name: `taskflow-${env}-user-pool`, scope: "REGIONAL" }))).toBe(false);
    },
  );
  test.each(STAGING_AND_PROD)("3. compliant: %s: Cognito changes still match the same rule (its pattern is one alternative)", (env) => {
    const { pattern } = ruleOf(synthStack(env));
    const cognito = { source: "aws.cognito-idp", "detail-type": "AWS API Call via CloudTrail" };
    expect(eventMatches(pattern, { ...cognito, detail: { eventSource: "cognito-idp.amazonaws.com", eventName: "UpdateUserPool" } })).toBe(
      true,
    );
  });
  test.each(STAGING_AND_PROD)(
    "4. compliant: %s: the rule's targets are the alert topic and the audit log group, as for Cognito changes",
    (env) => {
      const json = synthStack(env);
      const { ref } = ruleOf(json);
      const targets = Object.values(resourcesOf(json, "aws_cloudwatch_event_target")).filter((t) => t.rule === ref);
      expect(targets.map((t) => t.target_id).sort()).toEqual(["alert-topic", "audit-log"]);
      const toTopic = targets.find((t) => t.target_id === "alert-topic")!;
      expect(toTopic.input_transformer.input_template).toContain(`taskflow-${env}-user-pool`);
    },
  );
  test("5. not applied: dev (no web ACL) matches no AWS WAF call", () => {
    const { pattern } = ruleOf(synthStack("dev"));
    expect(JSON.stringify(pattern)).not.toContain("wafv2");
  });
});

test.each(ENV_NAMES)("%s: every WAF rule name is unique within its web ACL (AWS WAF requires it)", (env) => {
  const acl = Object.values(resourcesOf(synthStack(env), ACL))[0];
  if (!acl) return expect(env).toBe("dev");
  const names = acl.rule.map((r: TfJson) => r.name);
  expect(new Set(names).size).toBe(names.length);
});
