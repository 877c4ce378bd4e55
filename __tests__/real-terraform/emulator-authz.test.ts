/**
 * Requests AWS services make with the caller's credentials, decided by the emulator as the caller
 * (emulator/ext_authz.py for_caller, ext_cloudformation_authz.py), and S3's per-object decisions of a
 * DeleteObjects, made by the same evaluator as every other request. SDK calls only, on an emulator of its
 * own with authorization enforced; identities are roles made here with exactly the policy each case needs.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from "@aws-sdk/client-cloudformation";
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeManagedLoginBrandingByClientCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CreateTableCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateKeyCommand, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import { CreateBucketCommand, DeleteObjectsCommand, PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { loadEnvironments } from "../../config";
import { KEY_ADMINISTRATION_ACTIONS, accountRoot } from "../../stacks/constructs/customer-managed-key";
import { stateKeyStatements } from "../../stacks/constructs/state-key-policy";
import { awsEnvFor, roleSessionEnv, sdkTlsConfig, withAwsClients, type AwsEnv } from "./support/aws";
import { readDecisions } from "./support/authz-log";
import { startMoto, type Moto } from "./support/moto";

jest.setTimeout(60_000);

const ACCOUNT = "545454545454";
const REGION = "ap-northeast-1";
const env = { ...loadEnvironments().find((e) => e.name === "prod")!, accountId: ACCOUNT, region: REGION };
const policy = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const allow = (Action: string[], Resource: string | string[] = "*") => ({ Effect: "Allow", Action, Resource });

let moto: Moto;
let admin: AwsEnv;

beforeAll(async () => {
  moto = await startMoto();
  admin = await awsEnvFor(moto, ACCOUNT, REGION);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => "no error",
    (e: Error) => `${e.name}: ${e.message}`,
  );
const decisions = () => readDecisions(moto.authzLog!);

describe("Control: DynamoDB uses an encrypted table's KMS key with the caller's permissions, through kms:ViaService", () => {
  // The state key's policy as state-<env> deploys it: administration for the account, data use only through
  // S3 and DynamoDB in the Region (stacks/constructs/state-key-policy.ts).
  const keyPolicy = (statements = stateKeyStatements(env.accountId, env.region)) =>
    JSON.stringify(
      policy(
        {
          Sid: "AccountAdministersKey",
          Effect: "Allow",
          Principal: { AWS: accountRoot(env.accountId, env.region) },
          Action: KEY_ADMINISTRATION_ACTIONS,
          Resource: "*",
        },
        ...statements,
      ),
    );
  let keyArn: string;
  let tableArn: string;
  let lockHolder: AwsEnv;
  let withoutKey: AwsEnv;
  const lockItem = (who: AwsEnv, id: string) =>
    withAwsClients(who, (c) => c.dynamodb.send(new PutItemCommand({ TableName: "locks", Item: { LockID: { S: id } } })));

  beforeAll(async () => {
    await withAwsClients(admin, async (c) => {
      keyArn = (await c.kms.send(new CreateKeyCommand({ Policy: keyPolicy() }))).KeyMetadata!.Arn!;
      tableArn = (
        await c.dynamodb.send(
          new CreateTableCommand({
            TableName: "locks",
            AttributeDefinitions: [{ AttributeName: "LockID", AttributeType: "S" }],
            KeySchema: [{ AttributeName: "LockID", KeyType: "HASH" }],
            BillingMode: "PAY_PER_REQUEST",
            SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: keyArn },
          }),
        )
      ).TableDescription!.TableArn!;
    });
    const items = allow(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], tableArn);
    // What the CI roles hold for the lock table and the state key (stacks/constructs/github-ci-roles.ts).
    lockHolder = await roleSessionEnv(
      admin,
      "lock-holder",
      policy(items, allow(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], keyArn)),
    );
    withoutKey = await roleSessionEnv(admin, "lock-holder-without-key", policy(items));
  });

  test("1. compliant: the table's creator and a role with the key take and read a lock; DynamoDB's KMS calls were decided as them", async () => {
    expect(await errorOf(lockItem(lockHolder, "bucket/prod.tfstate"))).toBe("no error");
    const read = await withAwsClients(lockHolder, (c) =>
      c.dynamodb.send(new GetItemCommand({ TableName: "locks", Key: { LockID: { S: "bucket/prod.tfstate" } } })),
    );
    expect(read.Item?.LockID?.S).toBe("bucket/prod.tfstate");
    const viaDynamoDb = decisions().filter(
      (d) => d.resource === keyArn && d.context?.["kms:ViaService"] === `dynamodb.${REGION}.amazonaws.com`,
    );
    expect(viaDynamoDb.map((d) => [d.principal.split("/")[1], d.action, d.decision, d.context?.["kms:CallerAccount"]])).toEqual([
      ["taskflow-deploy", "kms:DescribeKey", "Allowed", ACCOUNT],
      ["taskflow-deploy", "kms:CreateGrant", "Allowed", ACCOUNT],
      ["taskflow-deploy", "kms:GenerateDataKey", "Allowed", ACCOUNT],
      ["lock-holder", "kms:Decrypt", "Allowed", ACCOUNT],
      ["lock-holder", "kms:Decrypt", "Allowed", ACCOUNT],
    ]);
  });

  test("2. non-compliant: a role that may write the table but not use its key is refused, with kms:Decrypt named", async () => {
    expect(await errorOf(lockItem(withoutKey, "bucket/prod.tfstate-2"))).toMatch(
      /^AccessDeniedException: .*lock-holder-without-key.* is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:/,
    );
  });

  test("3. non-compliant: with DynamoDB taken out of the key policy's kms:ViaService, even the role with the key is refused", async () => {
    const s3Only = stateKeyStatements(env.accountId, env.region).map((s) =>
      s.Sid === "StateDataOnlyThroughS3AndDynamoDB"
        ? { ...s, Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": [`s3.${REGION}.amazonaws.com`] } } }
        : s,
    );
    await withAwsClients(admin, (c) =>
      c.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: keyPolicy(s3Only) })),
    );
    try {
      expect(await errorOf(lockItem(lockHolder, "bucket/prod.tfstate-3"))).toMatch(/^AccessDeniedException: .* kms:Decrypt /);
    } finally {
      await withAwsClients(admin, (c) =>
        c.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: keyPolicy() })),
      );
    }
  });
});

describe("Control: CloudFormation handles a stack's resources with the caller's permissions (no service role)", () => {
  let poolId: string;
  let clientId: string;
  let stackOnly: AwsEnv;
  let stackAndBranding: AwsEnv;
  const cfn = (who: AwsEnv) =>
    new CloudFormationClient({
      region: REGION,
      endpoint: who.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: who.AWS_ACCESS_KEY_ID, secretAccessKey: who.AWS_SECRET_ACCESS_KEY, sessionToken: who.AWS_SESSION_TOKEN },
      ...sdkTlsConfig(who),
    });
  const template = (primary: string) =>
    JSON.stringify({
      Parameters: { UserPoolId: { Type: "String" }, ClientId: { Type: "String" } },
      Resources: {
        Style: {
          Type: "AWS::Cognito::ManagedLoginBranding",
          Properties: { UserPoolId: { Ref: "UserPoolId" }, ClientId: { Ref: "ClientId" }, Settings: { primary } },
        },
      },
    });
  const parameters = () => [
    { ParameterKey: "UserPoolId", ParameterValue: poolId },
    { ParameterKey: "ClientId", ParameterValue: clientId },
  ];
  async function withCfn<T>(who: AwsEnv, fn: (c: CloudFormationClient) => Promise<T>): Promise<T> {
    const c = cfn(who);
    try {
      return await fn(c);
    } finally {
      c.destroy();
    }
  }
  const stackState = (who: AwsEnv, name: string) =>
    withCfn(who, async (c) => ({
      status: (await c.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0]?.StackStatus,
      failed: ((await c.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents ?? [])
        .filter((e) => e.ResourceStatus?.endsWith("_FAILED") && e.LogicalResourceId === "Style")
        .map((e) => `${e.ResourceStatus}: ${e.ResourceStatusReason}`),
    }));
  const style = () =>
    withAwsClients(admin, (c) =>
      c.cognito.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: clientId })),
    ).then(
      (r) => r.ManagedLoginBranding?.Settings,
      (e: Error) => e.name,
    );

  beforeAll(async () => {
    await withAwsClients(admin, async (c) => {
      poolId = (await c.cognito.send(new CreateUserPoolCommand({ PoolName: "branding-via-stack" }))).UserPool!.Id!;
      clientId = (await c.cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "web" }))).UserPoolClient!
        .ClientId!;
    });
    const stacks = allow(
      [
        "cloudformation:CreateStack",
        "cloudformation:UpdateStack",
        "cloudformation:DeleteStack",
        "cloudformation:DescribeStacks",
        "cloudformation:DescribeStackEvents",
      ],
      `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/branding*`,
    );
    stackOnly = await roleSessionEnv(admin, "stack-only", policy(stacks));
    stackAndBranding = await roleSessionEnv(
      admin,
      "stack-and-branding",
      policy(
        stacks,
        allow(
          ["Create", "Update", "Delete", "Describe"].map((verb) => `cognito-idp:${verb}ManagedLoginBranding`),
          `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${poolId}`,
        ),
      ),
    );
  });

  test("1. non-compliant: a caller who may create the stack but not the style gets ROLLBACK_COMPLETE, the style's CREATE_FAILED naming the action, and no style", async () => {
    await withCfn(stackOnly, (c) =>
      c.send(new CreateStackCommand({ StackName: "branding-refused", TemplateBody: template("#111111"), Parameters: parameters() })),
    );
    expect(await stackState(stackOnly, "branding-refused")).toEqual({
      status: "ROLLBACK_COMPLETE",
      failed: [
        expect.stringMatching(
          /^CREATE_FAILED: .*stack-only.* is not authorized to perform: cognito-idp:CreateManagedLoginBranding on resource: arn:aws:cognito-idp:/,
        ),
      ],
    });
    expect(await style()).toBe("ResourceNotFoundException");
  });

  test("2. compliant: a caller who may create the style gets CREATE_COMPLETE; CloudFormation's call was decided as that caller, via cloudformation.amazonaws.com", async () => {
    await withCfn(stackAndBranding, (c) =>
      c.send(new CreateStackCommand({ StackName: "branding", TemplateBody: template("#222222"), Parameters: parameters() })),
    );
    expect(await stackState(stackAndBranding, "branding")).toEqual({ status: "CREATE_COMPLETE", failed: [] });
    expect(await style()).toEqual({ primary: "#222222" });
    const via = decisions().filter((d) => d.action === "cognito-idp:CreateManagedLoginBranding" && d.decision === "Allowed");
    expect(via.map((d) => [d.principal.split("/")[1], d.context?.["aws:CalledVia"]])).toEqual([
      ["stack-and-branding", ["cloudformation.amazonaws.com"]],
    ]);
  });

  test("3. non-compliant: an update by a caller who may not update the style ends UPDATE_ROLLBACK_COMPLETE, the style unchanged", async () => {
    await withCfn(stackOnly, (c) =>
      c.send(new UpdateStackCommand({ StackName: "branding", TemplateBody: template("#333333"), Parameters: parameters() })),
    );
    expect(await stackState(stackOnly, "branding")).toEqual({
      status: "UPDATE_ROLLBACK_COMPLETE",
      failed: [expect.stringMatching(/^UPDATE_FAILED: .* is not authorized to perform: cognito-idp:UpdateManagedLoginBranding /)],
    });
    expect(await style()).toEqual({ primary: "#222222" });
  });

  test("4. compliant: the same update by the caller who may update the style is applied", async () => {
    await withCfn(stackAndBranding, (c) =>
      c.send(new UpdateStackCommand({ StackName: "branding", TemplateBody: template("#444444"), Parameters: parameters() })),
    );
    expect((await stackState(stackAndBranding, "branding")).status).toBe("UPDATE_COMPLETE");
    expect(await style()).toEqual({ primary: "#444444" });
  });

  test("5. non-compliant, then compliant: a delete by a caller who may not delete the style ends DELETE_FAILED with the style kept; its owner's delete removes it", async () => {
    await withCfn(stackOnly, (c) => c.send(new DeleteStackCommand({ StackName: "branding" })));
    expect(await stackState(stackOnly, "branding")).toEqual({
      status: "DELETE_FAILED",
      // The refused update of test 3 stays in the stack's history.
      failed: expect.arrayContaining([
        expect.stringMatching(/^DELETE_FAILED: .* is not authorized to perform: cognito-idp:DeleteManagedLoginBranding /),
      ]),
    });
    expect(await style()).toEqual({ primary: "#444444" });
    await withCfn(stackAndBranding, (c) => c.send(new DeleteStackCommand({ StackName: "branding" })));
    expect(await style()).toBe("ResourceNotFoundException");
  });
  test("6. with a service role, CloudFormation uses the role's permissions, not the caller's: a caller without the style's permissions gets CREATE_COMPLETE", async () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/stack-and-branding`;
    await withCfn(stackOnly, (c) =>
      c.send(
        new CreateStackCommand({
          StackName: "branding-with-role",
          TemplateBody: template("#555555"),
          Parameters: parameters(),
          RoleARN: role,
        }),
      ),
    );
    expect(await stackState(stackOnly, "branding-with-role")).toEqual({ status: "CREATE_COMPLETE", failed: [] });
    const made = decisions().filter(
      (d) => d.action === "cognito-idp:CreateManagedLoginBranding" && d.operation?.includes("branding-with-role"),
    );
    expect(made.map((d) => [d.principal, d.decision])).toEqual([
      [`arn:aws:sts::${ACCOUNT}:assumed-role/stack-and-branding/AWSCloudFormation`, "Allowed"],
    ]);
  });
});

describe("Control: each object of a DeleteObjects is decided by the one evaluator, with its own action", () => {
  test("1. a role that may delete objects but not versions: the plain key is deleted, the version refused AccessDenied", async () => {
    await withAwsClients(admin, async (c) => {
      await c.s3.send(new CreateBucketCommand({ Bucket: "delete-objects", CreateBucketConfiguration: { LocationConstraint: REGION } }));
      await c.s3.send(new PutBucketVersioningCommand({ Bucket: "delete-objects", VersioningConfiguration: { Status: "Enabled" } }));
    });
    const versionId = await withAwsClients(admin, async (c) => {
      await c.s3.send(new PutObjectCommand({ Bucket: "delete-objects", Key: "plain", Body: "a" }));
      return (await c.s3.send(new PutObjectCommand({ Bucket: "delete-objects", Key: "versioned", Body: "b" }))).VersionId!;
    });
    const deleter = await roleSessionEnv(admin, "object-deleter", policy(allow(["s3:DeleteObject"], "arn:aws:s3:::delete-objects/*")));
    const result = await withAwsClients(deleter, (c) =>
      c.s3.send(
        new DeleteObjectsCommand({
          Bucket: "delete-objects",
          Delete: { Objects: [{ Key: "plain" }, { Key: "versioned", VersionId: versionId }] },
        }),
      ),
    );
    expect({ deleted: result.Deleted?.map((d) => d.Key), refused: result.Errors?.map((e) => [e.Key, e.Code]) }).toEqual({
      deleted: ["plain"],
      refused: [["versioned", "AccessDenied"]],
    });
  });
});
