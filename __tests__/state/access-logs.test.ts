/**
 * Server access logs of the state bucket (checkov CKV_AWS_18). From staging up, state-<env>
 * creates the log bucket; its settings follow the S3 User Guide, "Enabling Amazon S3 server access
 * logging": bucket-owner-enforced ownership with a bucket policy for logging.s3.amazonaws.com scoped
 * to the source bucket and account, and SSE-S3 default encryption ("Default server-side encryption
 * with AWS KMS keys (SSE-KMS) is not supported").
 */
import { parseEnvironmentConfig } from "../../config";
import { describeRefusals } from "../support/config-problems";
import { rawEnv, resourcesOf, type TfJson } from "../support/synth";
import { BUCKET, configOf, deniesInsecureTransport, ref, resourceAt, shippedStateStack, synthStateStack } from "./helpers";
import { denyingStatements, type Statement } from "./policy-eval";

const LOG_BUCKET = "aws_s3_bucket.state_access_log_bucket";
const logBucketRef = ref(LOG_BUCKET, "bucket");
const logArn = ref(LOG_BUCKET, "arn");
const synthWith = (env: "dev" | "staging" | "prod", state: Record<string, unknown>): TfJson =>
  synthStateStack(parseEnvironmentConfig(rawEnv(env, { state }), env));

describe.each(["staging", "prod"] as const)(
  "StateAccessLogBucket: state-%s creates its access-log bucket and logs the state bucket into it",
  (name) => {
    const env = configOf(name);
    const json = shippedStateStack(name);
    const accountId = env.accountId;

    test("the state bucket logs into the created bucket, under its own name as prefix", () => {
      expect(resourceAt(json, LOG_BUCKET)).toMatchObject({
        bucket: `taskflow-tfstate-logs-${accountId}-ap-northeast-1`,
        force_destroy: false,
      });
      expect(resourceAt(json, "aws_s3_bucket_logging.state_bucket_logging")).toMatchObject({
        bucket: ref(BUCKET, "bucket"),
        target_bucket: ref(LOG_BUCKET, "bucket"),
        target_prefix: `${env.state.bucket}/`,
      });
    });

    test("logging is switched on only after the log bucket lets the logging service write (S3 refuses it before)", () => {
      expect(resourceAt(json, "aws_s3_bucket_logging.state_bucket_logging").depends_on).toEqual([
        "aws_s3_bucket_policy.state_access_log_bucket_policy",
      ]);
    });

    test("bucket-owner-enforced ownership, all four public-access-block flags, versioning", () => {
      expect(resourceAt(json, "aws_s3_bucket_ownership_controls.state_access_log_bucket_ownership")).toMatchObject({
        bucket: logBucketRef,
        rule: { object_ownership: "BucketOwnerEnforced" },
      });
      expect(resourceAt(json, "aws_s3_bucket_public_access_block.state_access_log_bucket_public_access_block")).toMatchObject({
        bucket: logBucketRef,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(resourceAt(json, "aws_s3_bucket_versioning.state_access_log_bucket_versioning")).toMatchObject({
        bucket: logBucketRef,
        versioning_configuration: { status: "Enabled" },
      });
    });

    test("SSE-S3 (AES256), not SSE-KMS: log delivery cannot write into an SSE-KMS default-encrypted bucket", () => {
      expect(resourceAt(json, "aws_s3_bucket_server_side_encryption_configuration.state_access_log_bucket_encryption").rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ]);
    });

    test("logs expire after state.accessLogRetentionDays (default 365)", () => {
      const [rule] = resourceAt(json, "aws_s3_bucket_lifecycle_configuration.state_access_log_bucket_lifecycle").rule;
      expect(rule).toMatchObject({ status: "Enabled", expiration: [{ days: 365 }] });
    });

    test("the policy lets only the S3 logging service write, for this state bucket and account, and denies requests without TLS", () => {
      const policy = resourceAt(json, "aws_s3_bucket_policy.state_access_log_bucket_policy");
      expect(policy.bucket).toBe(logBucketRef);
      expect(JSON.parse(policy.policy).Statement).toEqual([
        {
          Sid: "S3ServerAccessLogsFromStateBucket",
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${logArn}/${env.state.bucket}/*`,
          Condition: {
            ArnLike: { "aws:SourceArn": `arn:aws:s3:::${env.state.bucket}` },
            StringEquals: { "aws:SourceAccount": accountId },
          },
        },
        deniesInsecureTransport(logArn),
        {
          Sid: "DenyAccessLogErasure",
          Effect: "Deny",
          Principal: "*",
          Action: ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutLifecycleConfiguration"],
          Resource: [logArn, `${logArn}/*`],
        },
      ]);
    });
  },
);

describe("StateAccessLogOptions: dev may stay without; an existing log bucket still works; retention from config", () => {
  test("1. state-dev as shipped: no log bucket, no logging", () => {
    const json = shippedStateStack("dev");
    expect(resourcesOf(json, "aws_s3_bucket_logging")).toEqual({});
    expect(resourcesOf(json, "aws_s3_bucket")).toEqual({ state_bucket: expect.anything() });
  });
  test("2. dev can opt in with createAccessLogBucket", () => {
    const json = synthWith("dev", { createAccessLogBucket: true });
    expect(resourceAt(json, LOG_BUCKET).bucket).toBe("taskflow-tfstate-logs-111111111111-ap-northeast-1");
  });
  test("3. state.accessLogBucket (an existing bucket): logging goes there and no log bucket is created", () => {
    const json = synthWith("prod", { accessLogBucket: "acme-central-access-logs" });
    expect(resourcesOf(json, "aws_s3_bucket")).toEqual({ state_bucket: expect.anything() });
    expect(resourceAt(json, "aws_s3_bucket_logging.state_bucket_logging").target_bucket).toBe("acme-central-access-logs");
  });
  test("4. state.accessLogRetentionDays sets the expiry", () => {
    const json = synthWith("prod", { accessLogRetentionDays: 730 });
    expect(resourceAt(json, "aws_s3_bucket_lifecycle_configuration.state_access_log_bucket_lifecycle").rule[0].expiration).toEqual([
      { days: 730 },
    ]);
  });
});

const logPolicy = (json: TfJson): Statement[] =>
  JSON.parse(resourceAt(json, "aws_s3_bucket_policy.state_access_log_bucket_policy").policy).Statement;
const LIFECYCLE = "aws_s3_bucket_lifecycle_configuration.state_access_log_bucket_lifecycle";
const DEPLOY_ROLE = "arn:aws:iam::333333333333:role/taskflow-deploy";
const BREAK_GLASS = "arn:aws:iam::333333333333:role/state-break-glass";
/** A request to the log bucket by a principal over TLS: an object-level action on a log, or a bucket-level one. */
const logRequest = (action: string, principal: string) => ({
  action,
  resource: action === "s3:PutLifecycleConfiguration" ? logArn : `${logArn}/taskflow-tfstate-333333333333-ap-northeast-1/2026-12-06-log`,
  context: { "aws:SecureTransport": "true", "aws:PrincipalArn": principal },
});
const ERASING = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutLifecycleConfiguration"];

describe("StateAccessLogNotErasable: nobody but break-glass principals deletes access logs or shortens their lifecycle; deleted logs stay 30 days", () => {
  // Reason: the access log is the evidence of who read state; whoever can erase it within a day can hide that read.
  test.each(ERASING)("1. compliant (shipped prod, no break-glass): %s is denied to the deploy role", async (action) => {
    expect(await denyingStatements(logPolicy(shippedStateStack("prod")), logRequest(action, DEPLOY_ROLE))).toEqual([
      "DenyAccessLogErasure",
    ]);
  });
  test.each(ERASING)("2. compliant: %s is allowed to a break-glass principal from config, denied to anyone else", async (action) => {
    const statements = logPolicy(synthWith("prod", { breakGlassPrincipalArns: [BREAK_GLASS] }));
    expect(await denyingStatements(statements, logRequest(action, BREAK_GLASS))).toEqual([]);
    expect(await denyingStatements(statements, logRequest(action, DEPLOY_ROLE))).toEqual(["DenyAccessLogErasure"]);
  });
  test("3. compliant: the logging service's delivery (PutObject over TLS) is not denied", async () => {
    expect(await denyingStatements(logPolicy(shippedStateStack("prod")), logRequest("s3:PutObject", DEPLOY_ROLE))).toEqual([]);
  });
  test.each(["staging", "prod"] as const)("4. compliant: %s keeps deleted or overwritten logs 30 days as noncurrent versions", (env) => {
    const [rule] = resourceAt(shippedStateStack(env), LIFECYCLE).rule;
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
  });
  test("5. compliant: state.accessLogNoncurrentVersionDays sets how long", () => {
    const [rule] = resourceAt(synthWith("prod", { accessLogNoncurrentVersionDays: 400 }), LIFECYCLE).rule;
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 400 }]);
  });
  test("6. compliant: the policy is applied after the lifecycle rule, which it then protects (a first deploy is not denied)", () => {
    expect(resourceAt(shippedStateStack("prod"), "aws_s3_bucket_policy.state_access_log_bucket_policy").depends_on).toContain(
      `aws_s3_bucket_lifecycle_configuration.state_access_log_bucket_lifecycle`,
    );
  });
});

describeRefusals([
  {
    rule: "deleted access logs are kept at least 30 days",
    env: "prod",
    compliant: { state: { accessLogNoncurrentVersionDays: 30 } },
    nonCompliant: { state: { accessLogNoncurrentVersionDays: 29 } },
    problem: "prod.state.accessLogNoncurrentVersionDays: must be between 30 and 3650 days, got 29",
  },
  {
    rule: "access-log retention is 1 to 3650 days",
    env: "prod",
    compliant: { state: { accessLogRetentionDays: 1 } },
    nonCompliant: { state: { accessLogRetentionDays: 0 } },
    problem: "prod.state.accessLogRetentionDays: must be between 1 and 3650 days, got 0",
  },
]);
