import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { Construct } from "constructs";
import { partitionOf } from "../../config/aws-regions";
import { STAGES } from "../../config/schema";
import type { EnvironmentConfig } from "../../config";
import { policyDocument } from "./policy-document";
import { bucketLifecycle, denyExceptBreakGlass, denyInsecureTransport, makeBucketPrivate } from "./private-bucket";
import { accessLogBucketName } from "../../config/names";

/** Name of the access-log bucket state-<env> creates (globally unique by account and region). */
export const createdAccessLogBucketName = (env: EnvironmentConfig): string => accessLogBucketName(env.accountId, env.region);

/** Where the state bucket's server access logs go: a bucket this stack creates, an existing one, or nowhere. */
export type AccessLogTarget = { kind: "create"; bucket: string } | { kind: "existing"; bucket: string } | { kind: "off" };

/**
 * The one reading of the three state.* access-log settings: an existing bucket wins (the rule
 * AccessLogBucketOneSource refuses both); otherwise createAccessLogBucket, which defaults to on
 * from staging up (checkov CKV_AWS_18: every state bucket has server access logs) and off in dev.
 */
export function accessLogTarget(env: EnvironmentConfig): AccessLogTarget {
  if (env.state.accessLogBucket) return { kind: "existing", bucket: env.state.accessLogBucket };
  const create = env.state.createAccessLogBucket ?? STAGES.indexOf(env.stage) >= STAGES.indexOf("staging");
  return create ? { kind: "create", bucket: createdAccessLogBucketName(env) } : { kind: "off" };
}

/** Key prefix of the state bucket's logs in the log bucket (one log bucket may serve several buckets). */
export const accessLogPrefix = (env: EnvironmentConfig): string => `${env.state.bucket}/`;

export interface AccessLogBucketProps {
  readonly env: EnvironmentConfig;
  readonly bucketName: string;
}

/**
 * The state bucket's server access-log bucket. Each part is its own resource at a pinned address
 * (like the state bucket: a renamed address would destroy the old part first). Requirements from
 * the S3 User Guide, "Enabling Amazon S3 server access logging" (enable-server-access-logging.html):
 * same account and region; with BucketOwnerEnforced, log delivery is granted by a bucket policy to
 * logging.s3.amazonaws.com; default encryption only SSE-S3, "Default server-side encryption with
 * AWS KMS keys (SSE-KMS) is not supported"; no Object Lock; the log bucket itself should not log.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  /** Lets the S3 logging service write: logging may be switched on only once it exists. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, { env, bucketName }: AccessLogBucketProps) {
    super(scope, id);
    const { state } = env;
    this.bucket = new S3Bucket(this, "bucket", { bucket: bucketName, forceDestroy: false, lifecycle: { preventDestroy: true } });
    this.bucket.overrideLogicalId("state_access_log_bucket");
    const bucket = this.bucket.bucket;

    const { versioning, publicAccessBlock } = makeBucketPrivate(this, this.bucket, "state_access_log_bucket");

    // SSE-S3 (AES256): the only default encryption server access logging can deliver into (page above).
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    }).overrideLogicalId("state_access_log_bucket_encryption");

    const lifecycle = bucketLifecycle(this, this.bucket, "state_access_log_bucket", versioning, {
      id: "expire-access-logs",
      expiration: [{ days: state.accessLogRetentionDays }],
      // Expired, deleted or overwritten logs become noncurrent versions (the bucket is versioned):
      // kept state.accessLogNoncurrentVersionDays (30 at least), so a deleted log can be restored.
      noncurrentVersionExpiration: [{ noncurrentDays: state.accessLogNoncurrentVersionDays }],
    });

    const partition = partitionOf(env.region);
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policyDocument([
        {
          // The page's policy for the logging service principal, scoped to the state bucket and account.
          Sid: "S3ServerAccessLogsFromStateBucket",
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${this.bucket.arn}/${accessLogPrefix(env)}*`,
          Condition: {
            ArnLike: { "aws:SourceArn": `arn:${partition}:s3:::${state.bucket}` },
            StringEquals: { "aws:SourceAccount": env.accountId },
          },
        },
        denyInsecureTransport(this.bucket.arn),
        // The log is evidence of who read state: nobody but break-glass principals may erase it, by
        // deleting logs or their versions, or by shortening the lifecycle rule that keeps them
        // (s3:PutLifecycleConfiguration also covers DeleteBucketLifecycle: S3 API reference).
        denyExceptBreakGlass(
          "DenyAccessLogErasure",
          ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutLifecycleConfiguration"],
          [this.bucket.arn, `${this.bucket.arn}/*`],
          state.breakGlassPrincipalArns,
        ),
      ]),
      // S3 refuses concurrent policy and public-access-block changes on one bucket (OperationAborted).
      // After the lifecycle rule: once the policy is in place only break-glass principals may change it.
      dependsOn: [publicAccessBlock, lifecycle],
    });
    this.policy.overrideLogicalId("state_access_log_bucket_policy");
  }
}
