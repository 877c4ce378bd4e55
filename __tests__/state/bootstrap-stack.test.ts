/**
 * The bootstrap stacks state-<env>: every control of the state bucket, the lock table and their key,
 * checked in every shipped environment (one describe per control, its reason in the test title),
 * then the settings that come from config.
 */
import { parseEnvironmentConfig } from "../../config";
import { standardTags } from "../../stacks/aws-provider";
import { controlName } from "../security/helpers";
import { rawEnv, resourcesOf, type TfJson } from "../support/synth";
import {
  BUCKET,
  KEY,
  TABLE,
  configOf,
  controlInEveryStateStack,
  deniesInsecureTransport,
  ref,
  resourceAt,
  synthStateStack,
} from "./helpers";

// State bucket

const bucketRef = ref(BUCKET, "bucket");

controlInEveryStateStack(
  `${controlName("StateBucketProtection")}: bucket name`,
  "the environment backend's bucket, from config",
  (json, env) => {
    expect(resourceAt(json, BUCKET).bucket).toBe(env.state.bucket);
  },
);

controlInEveryStateStack(
  `${controlName("StateBucketProtection")}: versioning`,
  "every write keeps the previous state as a version to roll back to",
  (json) => {
    expect(resourceAt(json, "aws_s3_bucket_versioning.state_bucket_versioning")).toMatchObject({
      bucket: bucketRef,
      versioning_configuration: { status: "Enabled" },
    });
  },
);

controlInEveryStateStack(
  `${controlName("StateBucketProtection")}: SSE-KMS with the customer-managed key`,
  "state holds secrets; our key, with a bucket key to cut KMS calls",
  (json) => {
    const sse = resourceAt(json, "aws_s3_bucket_server_side_encryption_configuration.state_bucket_encryption");
    expect(sse.bucket).toBe(bucketRef);
    expect(sse.rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: ref(KEY, "arn") },
        bucket_key_enabled: true,
      },
    ]);
  },
);

controlInEveryStateStack(
  `${controlName("StateBucketProtection")}: public access block`,
  "all four flags: state is never public, whatever a later policy or ACL says",
  (json) => {
    expect(resourceAt(json, "aws_s3_bucket_public_access_block.state_bucket_public_access_block")).toMatchObject({
      bucket: bucketRef,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  },
);

controlInEveryStateStack(
  `${controlName("StateBucketProtection")}: ACLs disabled`,
  "BucketOwnerEnforced: only IAM and the bucket policy grant access",
  (json) => {
    expect(resourceAt(json, "aws_s3_bucket_ownership_controls.state_bucket_ownership")).toMatchObject({
      bucket: bucketRef,
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  },
);

controlInEveryStateStack(
  `${controlName("StateBucketProtection")}: TLS-only bucket policy`,
  "requests without TLS are denied for the bucket and every object",
  (json) => {
    const policy = resourceAt(json, "aws_s3_bucket_policy.state_bucket_policy");
    expect(policy.bucket).toBe(bucketRef);
    const arn = ref(BUCKET, "arn");
    expect(JSON.parse(policy.policy).Statement).toContainEqual(deniesInsecureTransport(arn));
  },
);

controlInEveryStateStack(
  `${controlName("StateBucketProtection")}: lifecycle`,
  "noncurrent versions expire after the configured days; abandoned uploads are aborted",
  (json, env) => {
    const lifecycle = resourceAt(json, "aws_s3_bucket_lifecycle_configuration.state_bucket_lifecycle");
    expect(lifecycle.bucket).toBe(bucketRef);
    expect(lifecycle.rule).toEqual([
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{}],
        noncurrent_version_expiration: [{ noncurrent_days: env.state.noncurrentVersionExpirationDays }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
    ]);
    expect(env.state.noncurrentVersionExpirationDays).toBe(90);
  },
);

controlInEveryStateStack(
  `${controlName("StateBucketProtection")}: prevent_destroy, no force_destroy`,
  "Terraform refuses to delete the bucket, and never empties it",
  (json) => {
    const bucket = resourceAt(json, BUCKET);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(bucket.force_destroy).toBe(false);
  },
);

controlInEveryStateStack(
  `${controlName("StateBucketProtection")}: access logging from staging up`,
  "staging and prod log into the bucket state-<env> creates; dev has no logging (shipped config)",
  (json, env) => {
    const logging = resourcesOf(json, "aws_s3_bucket_logging");
    if (env.stage === "dev") expect(logging).toEqual({});
    else expect(Object.keys(logging)).toEqual(["state_bucket_logging"]);
  },
);

// Lock table

controlInEveryStateStack(
  `${controlName("StateLockTableProtection")}: table name`,
  "the environment backend's dynamodb_table, from config",
  (json, env) => {
    expect(resourceAt(json, TABLE).name).toBe(env.state.lockTable);
  },
);

controlInEveryStateStack(
  `${controlName("StateLockTableProtection")}: key LockID (string)`,
  "the only key the S3 backend writes lock items with",
  (json) => {
    const table = resourceAt(json, TABLE);
    expect(table.hash_key).toBe("LockID");
    expect(table.range_key).toBeUndefined();
    expect(table.attribute).toEqual([{ name: "LockID", type: "S" }]);
  },
);

controlInEveryStateStack(
  `${controlName("StateLockTableProtection")}: on-demand billing`,
  "a few requests per apply: never throttled, no capacity to manage",
  (json) => {
    const table = resourceAt(json, TABLE);
    expect(table.billing_mode).toBe("PAY_PER_REQUEST");
    expect(table.read_capacity).toBeUndefined();
    expect(table.write_capacity).toBeUndefined();
  },
);

controlInEveryStateStack(
  `${controlName("StateLockTableProtection")}: point-in-time recovery`,
  "a deleted or overwritten lock item can be restored",
  (json) => {
    expect(resourceAt(json, TABLE).point_in_time_recovery).toEqual({ enabled: true });
  },
);

controlInEveryStateStack(
  `${controlName("StateLockTableProtection")}: encryption with the state key`,
  "lock items carry state digests: same customer-managed key as the bucket",
  (json) => {
    expect(resourceAt(json, TABLE).server_side_encryption).toEqual({ enabled: true, kms_key_arn: ref(KEY, "arn") });
  },
);

controlInEveryStateStack(
  `${controlName("StateLockTableProtection")}: deletion protection`,
  "DynamoDB itself refuses DeleteTable, whoever asks",
  (json) => {
    expect(resourceAt(json, TABLE).deletion_protection_enabled).toBe(true);
  },
);

controlInEveryStateStack(
  `${controlName("StateLockTableProtection")}: prevent_destroy`,
  "Terraform refuses any plan that would delete the table",
  (json) => {
    expect(resourceAt(json, TABLE).lifecycle).toEqual({ prevent_destroy: true });
  },
);

// Key and stack

controlInEveryStateStack(
  `${controlName("CustomerManagedKeys")}: customer-managed key with rotation`,
  "one rotating key of ours encrypts bucket and table",
  (json, env) => {
    expect(resourceAt(json, KEY)).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(resourceAt(json, "aws_kms_alias.state_key_alias")).toMatchObject({
      name: env.state.kmsKeyAlias,
      target_key_id: ref(KEY, "key_id"),
    });
  },
);

controlInEveryStateStack(
  `${controlName("CustomerManagedKeys")}: key prevent_destroy`,
  "a key scheduled for deletion makes every state version unreadable",
  (json) => {
    expect(resourceAt(json, KEY).lifecycle).toEqual({ prevent_destroy: true });
  },
);

controlInEveryStateStack(
  "provider pinned like the environment's",
  "only the environment's account, its region, the standard tags",
  (json, env) => {
    expect(json.provider).toEqual({
      aws: [{ region: env.region, allowed_account_ids: [env.accountId], default_tags: [{ tags: standardTags(env) }] }],
    });
  },
);

controlInEveryStateStack("outputs", "stable names for scripts and runbooks", (json) => {
  expect(Object.fromEntries(Object.entries(json.output as TfJson).map(([name, o]) => [name, o.value]))).toEqual({
    state_bucket_name: ref(BUCKET, "bucket"),
    state_bucket_arn: ref(BUCKET, "arn"),
    lock_table_name: ref(TABLE, "name"),
    state_key_arn: ref(KEY, "arn"),
    ci_plan_role_arn: ref("aws_iam_role.ci_plan", "arn"),
    ci_apply_role_arn: ref("aws_iam_role.ci_apply", "arn"),
  });
});

controlInEveryStateStack(
  "fixed addresses",
  "a changed address makes Terraform destroy and recreate (or briefly unprotect) state storage",
  (json, env) => {
    const addresses = Object.entries(json.resource as TfJson).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${type}.${name}`),
    );
    const accessLogs =
      env.stage === "dev"
        ? []
        : [
            "aws_s3_bucket_logging.state_bucket_logging",
            "aws_s3_bucket.state_access_log_bucket",
            "aws_s3_bucket_ownership_controls.state_access_log_bucket_ownership",
            "aws_s3_bucket_public_access_block.state_access_log_bucket_public_access_block",
            "aws_s3_bucket_server_side_encryption_configuration.state_access_log_bucket_encryption",
            "aws_s3_bucket_versioning.state_access_log_bucket_versioning",
            "aws_s3_bucket_lifecycle_configuration.state_access_log_bucket_lifecycle",
            "aws_s3_bucket_policy.state_access_log_bucket_policy",
          ];
    expect(addresses.sort()).toEqual(
      [
        ...accessLogs,
        BUCKET,
        TABLE,
        KEY,
        "aws_kms_alias.state_key_alias",
        "aws_s3_bucket_versioning.state_bucket_versioning",
        "aws_s3_bucket_server_side_encryption_configuration.state_bucket_encryption",
        "aws_s3_bucket_public_access_block.state_bucket_public_access_block",
        "aws_s3_bucket_ownership_controls.state_bucket_ownership",
        "aws_s3_bucket_policy.state_bucket_policy",
        "aws_s3_bucket_lifecycle_configuration.state_bucket_lifecycle",
        "aws_iam_openid_connect_provider.github_actions",
        "aws_iam_role.ci_plan",
        "aws_iam_role.ci_apply",
        "aws_iam_policy.ci_read",
        "aws_iam_role_policy_attachment.ci_plan_read",
        "aws_iam_role_policy_attachment.ci_apply_read",
        "aws_iam_role_policy.ci_apply",
      ].sort(),
    );
  },
);

controlInEveryStateStack("no cross-stack reads", "the bootstrap reads config, never another stack's state", (json) => {
  expect(json.data?.terraform_remote_state).toBeUndefined();
});

describe("settings from config", () => {
  const synthProd = (state: Record<string, unknown>): TfJson => synthStateStack(parseEnvironmentConfig(rawEnv("prod", { state }), "prod"));

  test("access logging goes to config.state.accessLogBucket when set", () => {
    const json = synthProd({ accessLogBucket: "taskflow-access-logs-333333333333" });
    expect(resourceAt(json, "aws_s3_bucket_logging.state_bucket_logging")).toEqual(
      expect.objectContaining({
        bucket: ref(BUCKET, "bucket"),
        target_bucket: "taskflow-access-logs-333333333333",
        target_prefix: `${configOf("prod").state.bucket}/`,
      }),
    );
  });

  test("noncurrent version retention follows config.state.noncurrentVersionExpirationDays", () => {
    const json = synthProd({ noncurrentVersionExpirationDays: 30 });
    expect(resourceAt(json, "aws_s3_bucket_lifecycle_configuration.state_bucket_lifecycle").rule[0].noncurrent_version_expiration).toEqual([
      { noncurrent_days: 30 },
    ]);
  });

  test("bucket, table and alias names follow config", () => {
    const json = synthProd({ bucket: "acme-prod-tfstate", lockTable: "acme-locks", kmsKeyAlias: "alias/acme-tfstate" });
    expect(resourceAt(json, BUCKET).bucket).toBe("acme-prod-tfstate");
    expect(resourceAt(json, TABLE).name).toBe("acme-locks");
    expect(Object.values(resourcesOf(json, "aws_kms_alias")).map((a) => a.name)).toEqual(["alias/acme-tfstate"]);
  });
});
