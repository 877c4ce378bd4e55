/**
 * Security controls of the incident responder role, one describe per control: who may assume it,
 * and what it may do, statement by statement.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { STSClient } from "@aws-sdk/client-sts";
import { sdkIncidentAws, type IncidentAws } from "../../scripts/lib/incident-aws";
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

/** Every call of the AWS access the user and investigate commands use (a new method must be added here: the type says so). */
const EVERY_CALL: Record<keyof IncidentAws, (aws: IncidentAws) => Promise<unknown>> = {
  callerIdentity: (aws) => aws.callerIdentity(),
  getUser: (aws) => aws.getUser("pool", "alice"),
  listAuthEvents: (aws) => aws.listAuthEvents("pool", "alice", 10),
  disableUser: (aws) => aws.disableUser("pool", "alice"),
  enableUser: (aws) => aws.enableUser("pool", "alice"),
  globalSignOut: (aws) => aws.globalSignOut("pool", "alice"),
  resetPassword: (aws) => aws.resetPassword("pool", "alice"),
  startQuery: (aws) => aws.startQuery({ logGroupNames: ["group"], queryString: "fields @message", startTime: 0, endTime: 1 }),
  queryResults: (aws) => aws.queryResults("query"),
  stopQuery: (aws) => aws.stopQuery("query"),
};

/**
 * The IAM actions the incident commands send, as "<service prefix>:<API action>", recorded from the
 * SDK clients of scripts/lib/incident-aws.ts: the evidence of what the responder role must allow.
 */
async function actionsTheCommandsSend(): Promise<string[]> {
  const sent: string[] = [];
  const spies = (
    [
      [CognitoIdentityProviderClient, "cognito-idp"],
      [CloudWatchLogsClient, "logs"],
      [STSClient, "sts"],
    ] as const
  ).map(([client, prefix]) =>
    jest.spyOn(client.prototype as { send(command: object): Promise<unknown> }, "send").mockImplementation(async (command: object) => {
      sent.push(`${prefix}:${command.constructor.name.replace(/Command$/, "")}`);
      return { queryId: "query" };
    }),
  );
  try {
    const aws = sdkIncidentAws("ap-northeast-1");
    for (const call of Object.values(EVERY_CALL)) await call(aws);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return sent;
}
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
  let sent: string[];
  beforeAll(async () => {
    sent = await actionsTheCommandsSend();
  });
  const cognitoActionsSent = () => sent.filter((a) => a.startsWith("cognito-idp:"));

  test("1. statement ContainUsersOfThisPool: exactly the Cognito actions the user commands send, on this pool's ARN only", () => {
    expect(statements[0]).toEqual({ Sid: "ContainUsersOfThisPool", Effect: "Allow", Action: cognitoActionsSent(), Resource: REF.poolArn });
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
  test('3. statement ReadQueriesNoResourceType: exactly the Logs actions the investigate command sends besides StartQuery (they support no resource type), on "*"', () => {
    const unscopedSent = [...new Set(sent.filter((a) => a.startsWith("logs:") && a !== "logs:StartQuery"))].sort();
    expect(unscopedSent).toEqual(["logs:GetQueryResults", "logs:StopQuery"]);
    expect({ ...statements[2], Action: [statements[2].Action].flat().sort() }).toEqual({
      Sid: "ReadQueriesNoResourceType",
      Effect: "Allow",
      Action: unscopedSent,
      Resource: "*",
    });
  });
  test("4. every Logs action the investigate command sends is allowed by statement 2 or 3", () => {
    const allowed = [statements[1], statements[2]].flatMap((st: { Action: string | string[] }) => [st.Action].flat());
    const logsSent = sent.filter((a) => a.startsWith("logs:"));
    expect(logsSent.length).toBeGreaterThan(0);
    expect(allowed).toEqual(expect.arrayContaining(logsSent));
  });
  test("5. no other statement, no Deny to reason about, no wildcard action", () => {
    expect(statements).toHaveLength(3);
    for (const s of statements) {
      expect(s.Effect).toBe("Allow");
      for (const a of [s.Action].flat()) expect(a).not.toContain("*");
    }
  });
  test('6. "*" appears as a Resource in statement 3 only', () => {
    expect(statements.filter((s: { Resource: unknown }) => [s.Resource].flat().includes("*")).map((s: { Sid: string }) => s.Sid)).toEqual([
      "ReadQueriesNoResourceType",
    ]);
  });
  test("7. without exported logs or a CloudTrail group (dev), the role only contains users: no logs statement at all", () => {
    expect(permissionsOf(synth("dev", withResponders([USER])))).toEqual([
      { Sid: "ContainUsersOfThisPool", Effect: "Allow", Action: cognitoActionsSent(), Resource: REF.poolArn },
    ]);
  });
  test("8. the policy is attached to the responder role", () => {
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
