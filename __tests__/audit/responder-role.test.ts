/**
 * Security controls of the incident responder role, one describe per control: who may assume it,
 * and what it may do, statement by statement.
 */
import { refusals } from "../security/helpers";
import { resourcesOf } from "../support/synth";
import { REF, resource, synth } from "./helpers";

const USER = "arn:aws:iam::333333333333:user/alice";
const ROOT = "arn:aws:iam::444444444444:root";
const ROLE = "arn:aws:iam::333333333333:role/AWSReservedSSO_IncidentResponse_0123456789abcdef";
const CLOUDTRAIL = "aws-cloudtrail-logs-333333333333-management";

const withResponders = (arns: string[], audit: Record<string, unknown> = {}) => ({
  incidentResponse: { responderPrincipalArns: arns },
  audit,
});
const trustOf = (json: ReturnType<typeof synth>) =>
  JSON.parse(resource(json, "aws_iam_role", "incident_responder_role").assume_role_policy).Statement;
const permissionsOf = (json: ReturnType<typeof synth>) =>
  JSON.parse(resource(json, "aws_iam_role_policy", "incident_responder_policy").policy).Statement;

const COGNITO_ACTIONS = [
  "cognito-idp:AdminGetUser",
  "cognito-idp:AdminListUserAuthEvents",
  "cognito-idp:AdminDisableUser",
  "cognito-idp:AdminEnableUser",
  "cognito-idp:AdminUserGlobalSignOut",
  "cognito-idp:AdminResetUserPassword",
];
const bothForms = (arn: string) => [arn, `${arn}:*`];

describe("IncidentResponderTrust: only the configured principals may assume the responder role; IAM users and account roots only after MFA", () => {
  // Reason: the role can disable and sign out any user of the pool; a stolen access key alone must not be enough.
  const prod = synth("prod", withResponders([USER, ROOT, ROLE]));

  test("1. compliant: IAM users and roots are in one statement that requires aws:MultiFactorAuthPresent true", () => {
    expect(trustOf(prod)[0]).toEqual({
      Sid: "RespondersWithMfa",
      Effect: "Allow",
      Principal: { AWS: [USER, ROOT] },
      Action: "sts:AssumeRole",
      Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
    });
  });
  test("2. compliant: roles (federated sessions, MFA at their identity provider) are in a second statement without the MFA key, which role sessions do not carry", () => {
    expect(trustOf(prod)[1]).toEqual({ Sid: "ResponderRoles", Effect: "Allow", Principal: { AWS: [ROLE] }, Action: "sts:AssumeRole" });
  });
  test("3. compliant: nothing else may assume it", () => {
    expect(trustOf(prod)).toHaveLength(2);
  });
  test("4. compliant: only users configured: a single MFA statement", () => {
    expect(trustOf(synth("prod", withResponders([USER])))).toEqual([
      expect.objectContaining({ Sid: "RespondersWithMfa", Principal: { AWS: [USER] } }),
    ]);
  });
  test("5. compliant: sessions last at most one hour", () => {
    expect(resource(prod, "aws_iam_role", "incident_responder_role").max_session_duration).toBe(3600);
  });
  test("6. non-compliant: a wildcard principal is refused", () => {
    expect(refusals("prod", withResponders(["*"]))).toEqual([
      'prod.incidentResponse.responderPrincipalArns[0]: must be the ARN of an IAM user, an IAM role or an account root (arn:aws:iam::<account>:user/..., :role/... or :root), got "*"',
    ]);
  });
  test("7. non-compliant: an assumed-role session ARN is refused (it expires; name the role)", () => {
    expect(refusals("prod", withResponders(["arn:aws:sts::333333333333:assumed-role/Admin/alice"]))).toHaveLength(1);
  });
  test("8. not applied: without responders there is no role, no policy and no output", () => {
    for (const env of ["dev", "staging", "prod"] as const) {
      const json = synth(env);
      expect(resourcesOf(json, "aws_iam_role")).toEqual({});
      expect(resourcesOf(json, "aws_iam_role_policy")).toEqual({});
      expect(json.output ?? {}).not.toHaveProperty("responder_role_arn");
    }
  });
});

describe('IncidentResponderLeastPrivilege: the user commands\' Cognito actions on this pool, queries on the audit log groups, and "*" only for actions without a resource type', () => {
  // Reason: containment must not become a way to change the pool, read other logs, or act on another pool.
  const prod = synth("prod", withResponders([USER], { cloudTrailLogGroupName: CLOUDTRAIL }));
  const statements = permissionsOf(prod);

  test("1. statement ContainUsersOfThisPool: exactly the six Admin actions of the user commands, on this pool's ARN only", () => {
    expect(statements[0]).toEqual({ Sid: "ContainUsersOfThisPool", Effect: "Allow", Action: COGNITO_ACTIONS, Resource: REF.poolArn });
  });
  test("2. statement QueryAuditLogGroups: logs:StartQuery on the two audit log groups and the configured CloudTrail log group only", () => {
    expect(statements[1]).toEqual({
      Sid: "QueryAuditLogGroups",
      Effect: "Allow",
      Action: "logs:StartQuery",
      Resource: [
        ...bothForms(REF.userActivityArn),
        ...bothForms(REF.userNotificationArn),
        ...bothForms(`arn:aws:logs:ap-northeast-1:333333333333:log-group:${CLOUDTRAIL}`),
      ],
    });
  });
  test('3. statement ReadQueriesNoResourceType: GetQueryResults, StopQuery and DescribeQueryDefinitions, which support no resource type, on "*"', () => {
    expect(statements[2]).toEqual({
      Sid: "ReadQueriesNoResourceType",
      Effect: "Allow",
      Action: ["logs:GetQueryResults", "logs:StopQuery", "logs:DescribeQueryDefinitions"],
      Resource: "*",
    });
  });
  test("4. no other statement, no Deny to reason about, no wildcard action", () => {
    expect(statements).toHaveLength(3);
    for (const s of statements) {
      expect(s.Effect).toBe("Allow");
      for (const a of [s.Action].flat()) expect(a).not.toContain("*");
    }
  });
  test('5. "*" appears as a Resource in statement 3 only', () => {
    expect(statements.filter((s: { Resource: unknown }) => [s.Resource].flat().includes("*")).map((s: { Sid: string }) => s.Sid)).toEqual([
      "ReadQueriesNoResourceType",
    ]);
  });
  test("6. without exported logs or a CloudTrail group (dev), the role only contains users: no logs statement at all", () => {
    expect(permissionsOf(synth("dev", withResponders([USER])))).toEqual([
      { Sid: "ContainUsersOfThisPool", Effect: "Allow", Action: COGNITO_ACTIONS, Resource: REF.poolArn },
    ]);
  });
  test("7. the policy is attached to the responder role", () => {
    expect(resource(prod, "aws_iam_role_policy", "incident_responder_policy").role).toBe("${aws_iam_role.incident_responder_role.id}");
  });
});

describe("the responder role's ARN is a pinned output", () => {
  test("responder_role_arn is the role's ARN", () => {
    expect(synth("staging", withResponders([ROLE])).output.responder_role_arn).toEqual(
      expect.objectContaining({ value: "${aws_iam_role.incident_responder_role.arn}" }),
    );
  });
  test("the role is named per environment", () => {
    expect(resource(synth("staging", withResponders([ROLE])), "aws_iam_role", "incident_responder_role").name).toBe(
      "taskflow-staging-incident-responder",
    );
  });
});
