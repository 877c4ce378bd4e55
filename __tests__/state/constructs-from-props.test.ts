/**
 * The state storage and CI role constructs built from their props alone, each in a bare stack with
 * no environment config: what each guarantees to whoever builds it, including when an optional prop
 * is left out (its documented default).
 */
import { TerraformStack, Testing } from "cdktf";
import { GithubCiRoles, type GithubCiRolesProps } from "../../stacks/constructs/ci-roles";
import { StateBucket, type StateBucketProps } from "../../stacks/constructs/state-bucket";
import { StateLockTable } from "../../stacks/constructs/state-lock-table";
import { ciRolePolicies } from "../support/ci-role-policies";
import { resourcesOf, testApp, type TfJson } from "../support/synth";
import { BUCKET, TABLE, ref, resourceAt } from "./helpers";
import { denyingStatements, type Statement } from "./policy-eval";

/** Synthesized JSON of a stack holding only what `build` adds. */
function synthBare(build: (stack: TerraformStack) => void): TfJson {
  const stack = new TerraformStack(testApp(), "bare");
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const BREAK_GLASS = "arn:aws:iam::111122223333:role/state-break-glass";

describe("StateBucket: built from its props alone", () => {
  const bucketProps: StateBucketProps = { bucketName: "example-state", kmsKeyArn: KEY_ARN, noncurrentVersionExpirationDays: 14 };
  const synthBucket = (props: Partial<StateBucketProps> = {}) =>
    synthBare((stack) => new StateBucket(stack, "state-bucket", { ...bucketProps, ...props }));
  const policyOf = (json: TfJson): Statement[] => JSON.parse(resourceAt(json, "aws_s3_bucket_policy.state_bucket_policy").policy).Statement;
  const deleteVersionBy = (principal: string) => ({
    action: "s3:DeleteObjectVersion",
    resource: `${ref(BUCKET, "arn")}/any/terraform.tfstate`,
    context: { "aws:SecureTransport": "true", "aws:PrincipalArn": principal },
  });

  test("1. the bucket has the given name, is never destroyed by Terraform and is encrypted by default with the given key", () => {
    const json = synthBucket();
    expect(resourceAt(json, BUCKET)).toMatchObject({ bucket: "example-state", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(resourceAt(json, "aws_s3_bucket_server_side_encryption_configuration.state_bucket_encryption").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY_ARN }, bucket_key_enabled: true },
    ]);
  });
  test("2. old state versions expire after the given number of days", () => {
    const [rule] = resourceAt(synthBucket(), "aws_s3_bucket_lifecycle_configuration.state_bucket_lifecycle").rule;
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 14 }]);
  });
  test("3. without break-glass principals (the default), nobody may delete a state version", async () => {
    expect(await denyingStatements(policyOf(synthBucket()), deleteVersionBy(BREAK_GLASS))).toEqual(["DenyStateHistoryErasure"]);
  });
  test("4. a given break-glass principal may delete a state version; anyone else still may not", async () => {
    const statements = policyOf(synthBucket({ breakGlassPrincipalArns: [BREAK_GLASS] }));
    expect(await denyingStatements(statements, deleteVersionBy(BREAK_GLASS))).toEqual([]);
    expect(await denyingStatements(statements, deleteVersionBy("arn:aws:iam::111122223333:role/deploy"))).toEqual([
      "DenyStateHistoryErasure",
    ]);
  });
  test("5. without accessLogs (the default) the bucket has no server access logging", () => {
    expect(resourcesOf(synthBucket(), "aws_s3_bucket_logging")).toEqual({});
  });
  test("6. with accessLogs, logs go to the given bucket under the prefix <bucketName>/", () => {
    const logging = resourceAt(synthBucket({ accessLogs: { bucket: "example-logs" } }), "aws_s3_bucket_logging.state_bucket_logging");
    expect(logging).toMatchObject({ bucket: ref(BUCKET, "bucket"), target_bucket: "example-logs", target_prefix: "example-state/" });
  });
});

describe("StateLockTable: built from its props alone", () => {
  const json = synthBare((stack) => new StateLockTable(stack, "state-lock-table", { tableName: "example-locks", kmsKeyArn: KEY_ARN }));
  test("1. the table has the given name and the S3 backend's key (LockID, a string)", () => {
    expect(resourceAt(json, TABLE)).toMatchObject({
      name: "example-locks",
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
    });
  });
  test("2. it is encrypted with the given key, recoverable to a point in time, and protected from deletion", () => {
    expect(resourceAt(json, TABLE)).toMatchObject({
      server_side_encryption: { enabled: true, kms_key_arn: KEY_ARN },
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });
});

describe("GithubCiRoles: built from its props alone", () => {
  const ciProps: GithubCiRolesProps = {
    environment: { name: "sandbox", accountId: "111122223333", region: "eu-west-1" },
    github: { githubRepository: "example-org/example-repo", mainBranch: "trunk" },
    state: {
      bucket: "example-state",
      lockTable: "example-locks",
      keyArn: KEY_ARN,
      environmentKey: "sandbox/terraform.tfstate",
      bootstrapKey: "sandbox/bootstrap.tfstate",
    },
    tags: { Project: "Example", Environment: "sandbox" },
    environmentStack: { eventRuleNamePrefix: "example-sandbox-", brandingStackName: "example-sandbox-branding" },
  };
  const synthRoles = (environmentStack: Partial<GithubCiRolesProps["environmentStack"]> = {}) =>
    synthBare(
      (stack) =>
        new GithubCiRoles(stack, "github-ci", { ...ciProps, environmentStack: { ...ciProps.environmentStack, ...environmentStack } }),
    );
  const applyActions = (json: TfJson): string[] =>
    Object.values(ciRolePolicies(json, "apply"))
      .flatMap((policy) => JSON.parse(policy).Statement)
      .filter((s: { Effect: string }) => s.Effect === "Allow")
      .flatMap((s: { Action: string[] }) => s.Action);
  const subjectsOf = (json: TfJson, kind: "plan" | "apply"): string[] =>
    JSON.parse(resourceAt(json, `aws_iam_role.ci_${kind}`).assume_role_policy).Statement[0].Condition.StringEquals[
      "token.actions.githubusercontent.com:sub"
    ];

  test('1. without oidcProvider (the default "create") the account\'s GitHub OIDC provider is created, not looked up', () => {
    const json = synthRoles();
    expect(resourceAt(json, "aws_iam_openid_connect_provider.github_actions").url).toBe("https://token.actions.githubusercontent.com");
    expect(json.data?.aws_iam_openid_connect_provider).toBeUndefined();
  });
  test("2. the apply role trusts only jobs in the GitHub environment named like the environment, of the given repository", () => {
    expect(subjectsOf(synthRoles(), "apply")).toEqual(["repo:example-org/example-repo:environment:sandbox"]);
  });
  test("3. the plan role also trusts pushes to the given main branch", () => {
    expect(subjectsOf(synthRoles(), "plan")).toEqual([
      "repo:example-org/example-repo:environment:sandbox",
      "repo:example-org/example-repo:ref:refs/heads/trunk",
    ]);
  });
  test("4. the apply role writes only the environment's state object, not the bootstrap stack's", () => {
    const writes = Object.values(ciRolePolicies(synthRoles(), "apply"))
      .flatMap((policy) => JSON.parse(policy).Statement)
      .find((s: { Sid: string }) => s.Sid === "StateWrite");
    expect(writes.Resource).toBe("arn:aws:s3:::example-state/sandbox/terraform.tfstate");
  });
  test("5. without userPoolDeletionProtection (the default: protected), the apply role may not delete a user pool", () => {
    expect(applyActions(synthRoles())).not.toContain("cognito-idp:DeleteUserPool");
  });
  test("6. with userPoolDeletionProtection false, the apply role may delete the project's user pools", () => {
    expect(applyActions(synthRoles({ userPoolDeletionProtection: false }))).toContain("cognito-idp:DeleteUserPool");
  });
  test("7. without a web ACL or a user-activity export (the defaults), the apply role has no WAF or log-delivery permissions", () => {
    const actions = applyActions(synthRoles());
    expect(actions).toContain("cognito-idp:UpdateUserPool");
    expect(actions.filter((a) => a.startsWith("wafv2:") || a.startsWith("logs:CreateLogDelivery"))).toEqual([]);
  });
});
