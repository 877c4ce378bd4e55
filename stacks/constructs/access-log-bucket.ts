import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { Construct } from "constructs";
import { partitionOf } from "../../config/aws-regions";
import { policyDocument } from "./policy-document";
import { bucketLifecycle, denyExceptBreakGlass, denyInsecureTransport, makeBucketPrivate } from "./private-bucket";

/** Key prefix of a bucket's logs in the log bucket (one log bucket may serve several buckets). */
export const accessLogPrefix = (sourceBucketName: string): string => `${sourceBucketName}/`;

export interface AccessLogBucketProps {
  /**
   * The log bucket's name (globally unique).
   * Required.
   */
  readonly bucketName: string;
  /**
   * The bucket whose server access logs this one receives (the state bucket), in the same account:
   * only its deliveries may write, under the prefix `<sourceBucketName>/`.
   * Required.
   */
  readonly sourceBucketName: string;
  /**
   * The account of both buckets (the logging service's aws:SourceAccount).
   * Required.
   */
  readonly accountId: string;
  /**
   * The buckets' Region (its partition is in the source bucket's ARN).
   * Required.
   */
  readonly region: string;
  /**
   * Days a log is kept.
   * Required.
   */
  readonly retentionDays: number;
  /**
   * Days an expired, deleted or overwritten log stays recoverable as a noncurrent version.
   * Required.
   */
  readonly noncurrentVersionDays: number;
  /**
   * IAM roles or users that may still delete logs or change their lifecycle rule; everyone else is denied.
   * @default - none: nobody may erase a log
   */
  readonly breakGlassPrincipalArns?: readonly string[];
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

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const { bucketName, sourceBucketName } = props;
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
      expiration: [{ days: props.retentionDays }],
      // Expired, deleted or overwritten logs become noncurrent versions (the bucket is versioned):
      // kept noncurrentVersionDays (config: 30 at least), so a deleted log can be restored.
      noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }],
    });

    const partition = partitionOf(props.region);
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policyDocument([
        {
          // The page's policy for the logging service principal, scoped to the state bucket and account.
          Sid: "S3ServerAccessLogsFromStateBucket",
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${this.bucket.arn}/${accessLogPrefix(sourceBucketName)}*`,
          Condition: {
            ArnLike: { "aws:SourceArn": `arn:${partition}:s3:::${sourceBucketName}` },
            StringEquals: { "aws:SourceAccount": props.accountId },
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
          props.breakGlassPrincipalArns ?? [],
        ),
      ]),
      // S3 refuses concurrent policy and public-access-block changes on one bucket (OperationAborted).
      // After the lifecycle rule: once the policy is in place only break-glass principals may change it.
      dependsOn: [publicAccessBlock, lifecycle],
    });
    this.policy.overrideLogicalId("state_access_log_bucket_policy");
  }
}
