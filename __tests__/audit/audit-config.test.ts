/**
 * Audit and incident-response settings: defaults per environment and field formats. The rule that
 * refuses a user-activity export Cognito would not produce (UserActivityLogsNeedThreatProtection) has
 * its cases in __tests__/config-rules.test.ts with every other rule.
 */
import { describeRefusals, problemsOf, type RefusalCase } from "../support/config-problems";
import { config } from "./helpers";

describe("audit.userActivityLogs defaults to on exactly where Cognito can export user activity", () => {
  test.each([
    ["staging", true],
    ["prod", true],
    ["dev", false],
  ] as const)("%s: %s", (env, expected) => {
    expect(config(env).audit.userActivityLogs).toBe(expected);
  });
  test("a PLUS pool with threat protection OFF defaults to off (and is accepted)", () => {
    expect(config("dev", { userPool: { tier: "PLUS" } }).audit.userActivityLogs).toBe(false);
  });
  test("prod may switch it off explicitly", () => {
    expect(config("prod", { audit: { userActivityLogs: false } }).audit.userActivityLogs).toBe(false);
  });
  test("no responders and no CloudTrail log group by default", () => {
    expect(config("prod").incidentResponse.responderPrincipalArns).toEqual([]);
    expect(config("prod").audit.cloudTrailLogGroupName).toBeUndefined();
  });
});

const cases: RefusalCase[] = [
  {
    rule: "audit.cloudTrailLogGroupName is a log group name",
    env: "prod",
    compliant: { audit: { cloudTrailLogGroupName: "aws-cloudtrail-logs-333333333333-management" } },
    nonCompliant: { audit: { cloudTrailLogGroupName: "arn:aws:logs:ap-northeast-1:333333333333:log-group:trail" } },
    problem:
      'prod.audit.cloudTrailLogGroupName: must be a CloudWatch log group name (1-512 letters, digits, _ - / . #), got "arn:aws:logs:ap-northeast-1:333333333333:log-group:trail"',
  },
  {
    rule: "incidentResponse.responderPrincipalArns are IAM users, roles or account roots",
    env: "staging",
    compliant: { incidentResponse: { responderPrincipalArns: ["arn:aws:iam::222222222222:role/IncidentResponders"] } },
    nonCompliant: { incidentResponse: { responderPrincipalArns: ["arn:aws:iam::222222222222:group/Responders"] } },
    problem:
      'staging.incidentResponse.responderPrincipalArns[0]: must be the ARN of an IAM user, an IAM role or an account root (arn:aws:iam::<account>:user/..., :role/... or :root), got "arn:aws:iam::222222222222:group/Responders"',
  },
];

describeRefusals(cases);

test("an unknown audit setting is refused with the spelling hint", () => {
  expect(problemsOf("prod", { audit: { userActivityLog: true } })).toEqual([
    "prod.audit.userActivityLog: is not a known setting (check the spelling against config/schema.ts)",
  ]);
});
