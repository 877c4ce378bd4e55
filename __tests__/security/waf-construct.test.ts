/**
 * The user pool's web ACL built from its props alone, in a bare stack with no environment config:
 * what a reuse of the construct (another pool, other limits) gets. Expected names, limits and ARNs
 * are written here, not computed with the construct's own helpers. The shipped environments' web
 * ACLs are checked in waf-controls.test.ts.
 */
import { TerraformStack, Testing } from "cdktf";
import { ProjectLogs } from "../../stacks/constructs/monitoring/log-groups";
import { UserPoolWaf, type UserPoolWafProps } from "../../stacks/constructs/waf";
import { onlyResource, resourcesOf, testApp, type TfJson } from "../support/synth";

const DEMO = { name: "demo", accountId: "444455556666", region: "eu-west-1" };
const POOL_ARN = "arn:aws:cognito-idp:eu-west-1:444455556666:userpool/eu-west-1_Example";

/** One UserPoolWaf (and the log groups it logs through) in an otherwise empty stack. */
function bareWaf(props: Partial<UserPoolWafProps> = {}): TfJson {
  const stack = new TerraformStack(testApp(), "bare");
  const logs = new ProjectLogs(stack, "logs", { environment: DEMO, retentionDays: 90 });
  new UserPoolWaf(stack, "waf", {
    environment: DEMO,
    userPoolArn: POOL_ARN,
    userPoolName: "demo-pool",
    mode: "count",
    rateLimits: { perIp: 500, signInApi: 40, managedLogin: 60 },
    rateWindowSeconds: 120,
    logs,
    ...props,
  });
  return JSON.parse(Testing.synth(stack));
}

const acl = (json: TfJson): TfJson => onlyResource(json, "aws_wafv2_web_acl");
const rule = (json: TfJson, name: string): TfJson => {
  const found = acl(json).rule.filter((r: TfJson) => r.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};
const rate = (json: TfJson, name: string): TfJson => rule(json, name).statement.rate_based_statement;

describe("UserPoolWaf from props alone: rate limits, mode and request log follow the props, no environment config needed", () => {
  // Reason: a construct whose inputs are its props can be reused and reviewed from its signature.
  test("1. compliant: each rate rule counts per source IP with its own limit from rateLimits, in the rateWindowSeconds window", () => {
    const json = bareWaf();
    expect(rate(json, "RateLimitPerIp")).toEqual({ aggregate_key_type: "IP", limit: 500, evaluation_window_sec: 120 });
    expect(rate(json, "RateLimitSignInApi")).toMatchObject({ aggregate_key_type: "IP", limit: 40, evaluation_window_sec: 120 });
    expect(rate(json, "RateLimitSignInApi").scope_down_statement.regex_match_statement.field_to_match).toEqual({
      single_header: { name: "x-amz-target" },
    });
    expect(rate(json, "RateLimitManagedLogin")).toMatchObject({ aggregate_key_type: "IP", limit: 60, evaluation_window_sec: 120 });
    expect(rate(json, "RateLimitManagedLogin").scope_down_statement.regex_match_statement.field_to_match).toEqual({ uri_path: {} });
  });
  test("2. compliant: mode count makes every rule only count (rate rules' action count, managed groups overridden to count)", () => {
    const rules: TfJson[] = acl(bareWaf()).rule;
    expect(rules.map((r) => r.action ?? r.override_action)).toEqual(rules.map(() => ({ count: {} })));
  });
  test("3. compliant: mode block makes rate rules block and leaves the managed groups' own actions (override none)", () => {
    const json = bareWaf({ mode: "block" });
    for (const name of ["RateLimitPerIp", "RateLimitSignInApi", "RateLimitManagedLogin"])
      expect(rule(json, name).action).toEqual({ block: {} });
    for (const name of ["AWS-AmazonIpReputationList", "AWS-KnownBadInputsRuleSet"]) {
      expect(rule(json, name).override_action).toEqual({ none: {} });
    }
  });
  test("4. compliant: extraManagedRuleGroups come after the built-in rules; without them there are exactly five rules", () => {
    expect(acl(bareWaf()).rule).toHaveLength(5);
    const rules: TfJson[] = acl(bareWaf({ extraManagedRuleGroups: ["AWSManagedRulesCommonRuleSet"] })).rule;
    expect(rules.map((r) => r.name)).toEqual([
      "AWS-AmazonIpReputationList",
      "AWS-KnownBadInputsRuleSet",
      "RateLimitPerIp",
      "RateLimitSignInApi",
      "RateLimitManagedLogin",
      "AWS-CommonRuleSet",
    ]);
  });
  test("5. compliant: the web ACL is named after the environment's name, regional, and associated with the given pool's ARN", () => {
    const json = bareWaf();
    expect(acl(json)).toMatchObject({ name: "taskflow-demo-user-pool", scope: "REGIONAL", default_action: { allow: {} } });
    expect(acl(json).description).toContain("user pool demo-pool (count)");
    expect(onlyResource(json, "aws_wafv2_web_acl_association").resource_arn).toBe(POOL_ARN);
  });
  test("6. compliant: requests are logged to aws-waf-logs-taskflow-<env>, kept retentionDays, encrypted with the logs' key", () => {
    const json = bareWaf();
    expect(resourcesOf(json, "aws_cloudwatch_log_group").waf_log_group).toEqual(
      expect.objectContaining({
        name: "aws-waf-logs-taskflow-demo",
        retention_in_days: 90,
        kms_key_id: "${aws_kms_key.log_group_key.arn}",
      }),
    );
    expect(onlyResource(json, "aws_wafv2_web_acl_logging_configuration").log_destination_configs).toEqual([
      "${aws_cloudwatch_log_group.waf_log_group.arn}",
    ]);
  });
  test("7. compliant: only log deliveries for the props' account and region may write the request log", () => {
    const policy = JSON.parse(onlyResource(bareWaf(), "aws_cloudwatch_log_resource_policy").policy_document);
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "444455556666" },
      ArnLike: { "aws:SourceArn": "arn:aws:logs:eu-west-1:444455556666:*" },
    });
  });
});
