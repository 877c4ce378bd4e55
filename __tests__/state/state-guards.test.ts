/**
 * Guards on the state storage beyond TLS: the bucket refuses writes that are not SSE-KMS and
 * refuses erasing state history (s3:DeleteObjectVersion) except by break-glass principals; the
 * state key decrypts only through S3 and DynamoDB. The bucket policy is evaluated by the emulator's
 * IAM evaluator (policy-eval.ts).
 */
import { parseEnvironmentConfig } from "../../config";
import { rawEnv, type TfJson } from "../support/synth";
import { BUCKET, KEY, controlInEveryStateStack, ref, resourceAt, shippedStateStack, synthStateStack } from "./helpers";
import { denyingStatements, type Statement } from "./policy-eval";

const bucketPolicy = (json: TfJson): Statement[] =>
  JSON.parse(resourceAt(json, "aws_s3_bucket_policy.state_bucket_policy").policy).Statement;
const keyPolicy = (json: TfJson): Statement[] => JSON.parse(resourceAt(json, KEY).policy).Statement;
const synthProd = (state: Record<string, unknown>): TfJson => synthStateStack(parseEnvironmentConfig(rawEnv("prod", { state }), "prod"));

const arn = ref(BUCKET, "arn");
const DEPLOY_ROLE = "arn:aws:iam::333333333333:role/taskflow-deploy";
const BREAK_GLASS = "arn:aws:iam::333333333333:role/state-break-glass";

/**
 * What Terraform's S3 backend sends when it writes (encrypt = true, kms_key_id = the alias ARN):
 * RemoteClient.PutObject sets ServerSideEncryption aws:kms and SSEKMSKeyId for the state object
 * and for the use_lockfile object <key>.tflock alike (hashicorp/terraform
 * internal/backend/remote-state/s3/client.go).
 */
const backendPut = (key: string) => ({
  action: "s3:PutObject",
  resource: `${arn}/${key}`,
  context: {
    "aws:SecureTransport": "true",
    "aws:PrincipalArn": DEPLOY_ROLE,
    "s3:x-amz-server-side-encryption": "aws:kms",
    "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:ap-northeast-1:333333333333:alias/taskflow-tfstate",
  },
});

describe("StateBucketWritesOnlySseKms: objects are written only with SSE-KMS (the backend's own state and lock writes pass)", () => {
  const statements = bucketPolicy(shippedStateStack("prod"));
  test("1. compliant: the backend's state object write is not denied", async () => {
    expect(await denyingStatements(statements, backendPut("taskflow/prod/terraform.tfstate"))).toEqual([]);
  });
  test("2. compliant: the backend's .tflock write (use_lockfile) is not denied", async () => {
    expect(await denyingStatements(statements, backendPut("taskflow/prod/terraform.tfstate.tflock"))).toEqual([]);
  });
  test("3. non-compliant: a write without the encryption header is denied", async () => {
    const { context, ...rest } = backendPut("taskflow/prod/terraform.tfstate");
    const plain = { ...rest, context: { ...context, "s3:x-amz-server-side-encryption": undefined } };
    expect(await denyingStatements(statements, plain)).toEqual(["DenyStateWritesWithoutSseKms"]);
  });
  test("4. non-compliant: a write asking for SSE-S3 (AES256) is denied", async () => {
    const { context, ...rest } = backendPut("taskflow/prod/terraform.tfstate");
    expect(await denyingStatements(statements, { ...rest, context: { ...context, "s3:x-amz-server-side-encryption": "AES256" } })).toEqual([
      "DenyStateWritesWithoutSseKms",
    ]);
  });
});

controlInEveryStateStack(
  "StateBucketWritesOnlySseKms (statement)",
  "s3:PutObject on every object is denied unless x-amz-server-side-encryption is aws:kms",
  (json) => {
    expect(bucketPolicy(json)).toContainEqual({
      Sid: "DenyStateWritesWithoutSseKms",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${arn}/*`,
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    });
  },
);

describe("StateBucketHistoryNotErasable: deleting state versions is denied to everyone but the configured break-glass principals", () => {
  const deleteVersion = (principal: string) => ({
    action: "s3:DeleteObjectVersion",
    resource: `${arn}/taskflow/prod/terraform.tfstate`,
    context: { "aws:SecureTransport": "true", "aws:PrincipalArn": principal },
  });

  test("1. compliant (shipped, no break-glass): nobody may delete a version, the deploy role included", async () => {
    const statements = bucketPolicy(shippedStateStack("prod"));
    expect(await denyingStatements(statements, deleteVersion(DEPLOY_ROLE))).toEqual(["DenyStateHistoryErasure"]);
    expect(statements.find((s) => s.Sid === "DenyStateHistoryErasure")?.Condition).toBeUndefined();
  });
  test("2. compliant: a break-glass principal from config may; any other principal may not", async () => {
    const statements = bucketPolicy(synthProd({ breakGlassPrincipalArns: [BREAK_GLASS] }));
    expect(await denyingStatements(statements, deleteVersion(BREAK_GLASS))).toEqual([]);
    expect(await denyingStatements(statements, deleteVersion(DEPLOY_ROLE))).toEqual(["DenyStateHistoryErasure"]);
    expect(statements.find((s) => s.Sid === "DenyStateHistoryErasure")?.Condition).toEqual({
      ArnNotLike: { "aws:PrincipalArn": [BREAK_GLASS] },
    });
  });
  test("3. compliant: an ordinary delete (a delete marker, history kept) is not affected", async () => {
    const statements = bucketPolicy(shippedStateStack("prod"));
    expect(await denyingStatements(statements, { ...deleteVersion(DEPLOY_ROLE), action: "s3:DeleteObject" })).toEqual([]);
  });
  test("4. non-compliant: a break-glass principal of another account is refused in config", () => {
    expect(() =>
      parseEnvironmentConfig(rawEnv("prod", { state: { breakGlassPrincipalArns: ["arn:aws:iam::111111111111:role/x"] } }), "prod"),
    ).toThrow('prod.state.breakGlassPrincipalArns[0]: must be in account 333333333333, got "arn:aws:iam::111111111111:role/x"');
  });
});

const DATA_ACTIONS = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:CreateGrant",
];
const allows = (s: Statement, action: string): boolean =>
  s.Effect === "Allow" &&
  (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => new RegExp(`^${a.replace(/\*/g, ".*")}$`).test(action));

controlInEveryStateStack(
  "StateKeyDataOnlyThroughS3AndDynamoDB",
  "the account administers the key, but decrypts state only through S3 or DynamoDB (kms:ViaService)",
  (json, env) => {
    const statements = keyPolicy(json);
    const root = `arn:aws:iam::${env.accountId}:root`;
    const viaServices = [`s3.${env.region}.amazonaws.com`, `dynamodb.${env.region}.amazonaws.com`];
    for (const action of DATA_ACTIONS) {
      const grants = statements.filter((s) => allows(s, action));
      expect(grants.length).toBeGreaterThan(0);
      for (const s of grants) {
        const via = s.Condition?.StringEquals?.["kms:ViaService"];
        expect([action, via]).toEqual([action, expect.any(Array)]);
        for (const service of via as string[]) expect(viaServices).toContain(service);
        expect(s.Condition?.StringEquals?.["kms:CallerAccount"]).toBe(env.accountId);
      }
    }
    const admin = statements.find((s) => s.Sid === "AccountAdministersKey")!;
    expect(admin.Principal).toEqual({ AWS: root });
    expect(admin.Condition).toBeUndefined();
    for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:EnableKeyRotation", "kms:DescribeKey"]) {
      expect([action, allows(admin, action)]).toEqual([action, true]);
    }
    for (const action of DATA_ACTIONS) expect([action, allows(admin, action)]).toEqual([action, false]);
  },
);
