/**
 * Security controls of the incident responder role, one describe per control: who may assume it,
 * and what it may do, statement by statement.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { STSClient } from "@aws-sdk/client-sts";
import { sdkIncidentAws, type IncidentAws } from "../../scripts/lib/aws/incident-aws";
import { refusals } from "../security/helpers";
import { arnOf, resolvedPolicy } from "../support/iam/policy-documents";
import { isWildcardOnlyAction } from "@cloud-copilot/iam-simulate";
import { simulate, type PolicyJson } from "../support/iam/simulate";
import { resourcesOf, synthStack } from "../support/synth";
import { resource, synth, synthState } from "./helpers";

const USER = "arn:aws:iam::333333333333:user/alice";
const ROOT = "arn:aws:iam::444444444444:root";
const ROLE = "arn:aws:iam::333333333333:role/AWSReservedSSO_IncidentResponse_0123456789abcdef";
const CLOUDTRAIL = "aws-cloudtrail-logs-333333333333-management";

const withResponders = (arns: string[], audit: Record<string, unknown> = {}) => ({
  incidentResponse: { responderPrincipalArns: arns },
  audit,
});
/** The pools the role may act on: every pool of prod's account and Region, narrowed by the tags below. */
const POOLS = "arn:aws:cognito-idp:ap-northeast-1:333333333333:userpool/*";
/** The tags the provider's default_tags put on prod's pool (stacks/aws-provider.ts). */
const PROD_POOL_TAGS = { StringEquals: { "aws:ResourceTag/Project": "TaskFlow", "aws:ResourceTag/Environment": "prod" } };
const groupArn = (name: string) => `arn:aws:logs:ap-northeast-1:333333333333:log-group:${name}`;
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
 * SDK clients of scripts/lib/aws/incident-aws.ts: the evidence of what the responder role must allow.
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
const STATE_READ_SIDS = ["ListStateBucket", "ReadEnvironmentState", "DecryptStateThroughS3AndDynamoDB", "ReadStateDigest"];

describe("IncidentResponderTrust: only the configured principals may assume the responder role; IAM users and account roots only after MFA", () => {
  // Reason: the role can disable and sign out any user of the pool; a stolen access key alone must not be enough.
  const prod = synthState("prod", withResponders([USER, ROOT, ROLE]));

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
    expect(trustOf(synthState("prod", withResponders([USER])))).toEqual([
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
      const json = synthState(env);
      expect(resourcesOf(json, "aws_iam_role")).not.toHaveProperty("incident_responder_role");
      expect(resourcesOf(json, "aws_iam_role_policy")).not.toHaveProperty("incident_responder_policy");
      expect(json.output ?? {}).not.toHaveProperty("responder_role_arn");
    }
  });
  test("9. compliant: the role is in state-<env>, which an administrator applies, never in <env>, which the CI apply role applies without IAM writes", () => {
    const env = synth("prod", withResponders([ROLE]));
    expect(resourcesOf(env, "aws_iam_role")).toEqual({});
    expect(resourcesOf(env, "aws_iam_role_policy")).toEqual({});
    expect(resource(synthState("prod", withResponders([ROLE])), "aws_iam_role", "incident_responder_role").name).toBe(
      "taskflow-prod-incident-responder",
    );
  });
});

describe('IncidentResponderLeastPrivilege: the user commands\' Cognito actions on this pool, queries on the audit log groups, and "*" only for actions without a resource type', () => {
  // Reason: containment must not become a way to change the pool, read other logs, or act on another pool.
  const prod = synthState("prod", withResponders([USER], { cloudTrailLogGroupName: CLOUDTRAIL }));
  const statements = permissionsOf(prod);
  let sent: string[];
  beforeAll(async () => {
    sent = await actionsTheCommandsSend();
  });
  const cognitoActionsSent = () => sent.filter((a) => a.startsWith("cognito-idp:"));

  test("1. statement ContainUsersOfThisPool: exactly the Cognito actions the user commands send, on the pools tagged as this project's and environment's only", () => {
    expect(statements[0]).toEqual({
      Sid: "ContainUsersOfThisPool",
      Effect: "Allow",
      Action: cognitoActionsSent(),
      Resource: POOLS,
      Condition: PROD_POOL_TAGS,
    });
  });
  test("2. statement QueryAuditLogGroups: logs:StartQuery on the two audit log groups and the configured CloudTrail log group only", () => {
    expect(statements[1]).toEqual({
      Sid: "QueryAuditLogGroups",
      Effect: "Allow",
      Action: "logs:StartQuery",
      Resource: [
        ...bothForms(groupArn("/aws/vendedlogs/cognito/taskflow-prod/user-activity")),
        ...bothForms(groupArn("/aws/vendedlogs/cognito/taskflow-prod/user-notification")),
        ...bothForms(groupArn(CLOUDTRAIL)),
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
  test("5. no other statement than these three and the four state-read ones, no Deny to reason about, no wildcard action", () => {
    expect(statements.map((s: { Sid: string }) => s.Sid)).toEqual([
      "ContainUsersOfThisPool",
      "QueryAuditLogGroups",
      "ReadQueriesNoResourceType",
      ...STATE_READ_SIDS,
    ]);
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
  test("7. without exported logs or a CloudTrail group (dev), the role only contains users and reads the state: no logs statement at all", () => {
    const dev = permissionsOf(synthState("dev", withResponders([USER])));
    expect(dev[0]).toEqual({
      Sid: "ContainUsersOfThisPool",
      Effect: "Allow",
      Action: cognitoActionsSent(),
      Resource: "arn:aws:cognito-idp:ap-northeast-1:111111111111:userpool/*",
      Condition: { StringEquals: { "aws:ResourceTag/Project": "TaskFlow", "aws:ResourceTag/Environment": "dev" } },
    });
    expect(dev.slice(1).map((s: { Sid: string }) => s.Sid)).toEqual(STATE_READ_SIDS);
  });
  test("8. the policy is attached to the responder role", () => {
    expect(resource(prod, "aws_iam_role_policy", "incident_responder_policy").role).toBe("${aws_iam_role.incident_responder_role.id}");
  });
});

describe("the responder role's ARN is a pinned output", () => {
  test("responder_role_arn is the role's ARN", () => {
    expect(synthState("staging", withResponders([ROLE])).output.responder_role_arn).toEqual(
      expect.objectContaining({ value: "${aws_iam_role.incident_responder_role.arn}" }),
    );
  });
  test("the role is named per environment", () => {
    expect(resource(synthState("staging", withResponders([ROLE])), "aws_iam_role", "incident_responder_role").name).toBe(
      "taskflow-staging-incident-responder",
    );
  });
});

describe("IncidentResponderSufficient: every request the user and investigate commands make is allowed, simulated against the synthesized policies; changes are denied", () => {
  // Reason: the role must work during an incident (finding the pool id included) and do nothing more.
  const json = synthStack("prod");
  const state = synthState("prod", withResponders([USER]));
  const role = "arn:aws:iam::333333333333:role/taskflow-prod-incident-responder";
  const policies = {
    "incident-response": resolvedPolicy(state, resource(state, "aws_iam_role_policy", "incident_responder_policy").policy),
  };
  const pool = arnOf(json, "aws_cognito_user_pool.user_pool");
  /** What prod's pool carries (the provider's default_tags), as Cognito gives it to IAM for aws:ResourceTag. */
  const prodPool = { "aws:ResourceTag/Project": "TaskFlow", "aws:ResourceTag/Environment": "prod" };
  const group = arnOf(json, "aws_cloudwatch_log_group.audit_user_activity_log_group");
  const bucket = arnOf(state, "aws_s3_bucket.state_bucket");
  const stateKey = arnOf(state, "aws_kms_key.state_key");
  const stateKeyPolicy = resolvedPolicy(state, resource(state, "aws_kms_key", "state_key").policy);
  const table = "arn:aws:dynamodb:ap-northeast-1:333333333333:table/taskflow-tfstate-lock";
  const stateKeyPath = json.terraform.backend.s3.key as string;
  const ask = (action: string, resourceArn: string, context: Record<string, string | string[]> = {}, resourcePolicy?: PolicyJson) =>
    simulate({
      principal: role,
      action,
      resource: resourceArn,
      resourceAccount: "333333333333",
      identityPolicies: policies,
      resourcePolicy,
      context,
    });
  const viaS3 = {
    "kms:ViaService": "s3.ap-northeast-1.amazonaws.com",
    "kms:CallerAccount": "333333333333",
    "kms:ResourceAliases": ["alias/taskflow-tfstate"],
  };
  let sent: string[];
  beforeAll(async () => {
    sent = await actionsTheCommandsSend();
  });

  test("1. every Cognito and Logs action the commands send is allowed (sts:GetCallerIdentity needs no permission: AWS STS API Reference)", async () => {
    const needed = [...new Set(sent)].filter((a) => a !== "sts:GetCallerIdentity");
    expect(needed.length).toBeGreaterThan(5);
    for (const action of needed) {
      // Actions without a resource type are authorized on "*"; the others on this pool or the audit log group.
      const [service, name] = action.split(":");
      const target = (await isWildcardOnlyAction(service, name)) ? "*" : service === "cognito-idp" ? pool : group;
      expect([action, (await ask(action, target, service === "cognito-idp" ? prodPool : {})).decision]).toEqual([action, "Allowed"]);
    }
  });
  test("2. the state read that finds the pool id: list the bucket, read the state object and its digest, decrypting through S3 and DynamoDB", async () => {
    expect((await ask("s3:ListBucket", bucket)).decision).toBe("Allowed");
    expect((await ask("s3:GetObject", `${bucket}/${stateKeyPath}`)).decision).toBe("Allowed");
    expect(await ask("kms:Decrypt", stateKey, viaS3, stateKeyPolicy)).toEqual({
      decision: "Allowed",
      decidedBy: ["identity:incident-response/DecryptStateThroughS3AndDynamoDB", "resource/StateDataOnlyThroughS3AndDynamoDB"],
    });
    const digest = { "dynamodb:LeadingKeys": [`${bucket.split(":::")[1]}/${stateKeyPath}-md5`] };
    expect((await ask("dynamodb:GetItem", table, digest)).decision).toBe("Allowed");
    // The lock table is encrypted with the state key: DynamoDB decrypts it with the caller's permission.
    const viaDynamoDb = { ...viaS3, "kms:ViaService": "dynamodb.ap-northeast-1.amazonaws.com" };
    expect(await ask("kms:Decrypt", stateKey, viaDynamoDb, stateKeyPolicy)).toEqual({
      decision: "Allowed",
      decidedBy: ["identity:incident-response/DecryptStateThroughS3AndDynamoDB", "resource/StateDataOnlyThroughS3AndDynamoDB"],
    });
  });
  test("3. non-compliant: the pool's configuration cannot be changed, nor the pool deleted", async () => {
    for (const action of [
      "cognito-idp:UpdateUserPool",
      "cognito-idp:SetUserPoolMfaConfig",
      "cognito-idp:DeleteUserPool",
      "cognito-idp:AdminDeleteUser",
    ])
      expect([action, (await ask(action, pool, prodPool)).decision]).toEqual([action, "ImplicitlyDenied"]);
  });
  test("3b. non-compliant: no user of another pool of the account (another project's, or staging's tags) can be touched", async () => {
    const other = "arn:aws:cognito-idp:ap-northeast-1:333333333333:userpool/ap-northeast-1_OtherApp";
    const others: Record<string, string>[] = [
      { "aws:ResourceTag/Project": "TaskFlowApi", "aws:ResourceTag/Environment": "prod" },
      { ...prodPool, "aws:ResourceTag/Environment": "staging" },
      {},
    ];
    for (const tags of others)
      expect([tags, (await ask("cognito-idp:AdminDisableUser", other, tags)).decision]).toEqual([tags, "ImplicitlyDenied"]);
  });
  test("4. non-compliant: no state write, no lock, no other state, no decryption outside S3 and DynamoDB", async () => {
    expect((await ask("s3:PutObject", `${bucket}/${stateKeyPath}`, { "s3:x-amz-server-side-encryption": "aws:kms" })).decision).toBe(
      "ImplicitlyDenied",
    );
    expect((await ask("s3:GetObject", `${bucket}/taskflow/prod/state-bootstrap.tfstate`)).decision).toBe("ImplicitlyDenied");
    expect((await ask("dynamodb:PutItem", table, { "dynamodb:LeadingKeys": [`${bucket.split(":::")[1]}/${stateKeyPath}`] })).decision).toBe(
      "ImplicitlyDenied",
    );
    const direct = { "kms:CallerAccount": "333333333333", "kms:ResourceAliases": ["alias/taskflow-tfstate"] };
    expect((await ask("kms:Decrypt", stateKey, direct, stateKeyPolicy)).decision).toBe("ImplicitlyDenied");
  });
});
