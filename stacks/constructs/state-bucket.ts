import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, type PolicyStatement } from "./policy-document";
import { accessLogPrefix } from "./access-log-bucket";
import { bucketLifecycle, denyExceptBreakGlass, denyInsecureTransport, makeBucketPrivate } from "./private-bucket";

export interface StateBucketProps {
  /**
   * The bucket's name (globally unique): the S3 backend's `bucket`.
   * Required.
   */
  readonly bucketName: string;
  /**
   * ARN of the customer-managed key that encrypts every state object by default.
   * Required.
   */
  readonly kmsKeyArn: string;
  /**
   * Days an old state version is kept before it expires.
   * Required.
   */
  readonly noncurrentVersionExpirationDays: number;
  /**
   * IAM roles or users that may still delete old state versions (erase history); everyone else is denied.
   * @default - none: nobody may delete a state version
   */
  readonly breakGlassPrincipalArns?: readonly string[];
  /**
   * Where the server access logs go, under the prefix `<bucketName>/`. `after`: what must exist first
   * (the created log bucket's policy: S3 refuses PutBucketLogging into a bucket that does not exist
   * or does not let the logging service write).
   * @default - no server access logs
   */
  readonly accessLogs?: { readonly bucket: string; readonly after?: ITerraformDependable[] };
}

/**
 * The state bucket's policy. Condition forms used (and only these): Bool aws:SecureTransport,
 * StringNotEquals s3:x-amz-server-side-encryption, ArnNotLike aws:PrincipalArn.
 */
export function stateBucketPolicyStatements(bucketArn: string, breakGlass: readonly string[]): PolicyStatement[] {
  const objects = `${bucketArn}/*`;
  return [
    denyInsecureTransport(bucketArn),
    {
      // Every object Terraform's S3 backend writes with encrypt = true and kms_key_id (the state,
      // the use_lockfile .tflock object and, with S3 locking only, the -md5 digest) goes through
      // RemoteClient.PutObject, which sets ServerSideEncryption = aws:kms and SSEKMSKeyId
      // (hashicorp/terraform internal/backend/remote-state/s3/client.go; Terraform docs, S3
      // backend: "encrypt - Enable server side encryption of the state and lock files"). The
      // condition key is the header x-amz-server-side-encryption (S3 User Guide, "Specifying
      // server-side encryption with AWS KMS (SSE-KMS)", "Requiring SSE-KMS for all objects"):
      // a request without it, or asking for SSE-S3 or SSE-C, is refused. Observed with Terraform
      // 1.11.4 (TF_LOG=debug, emulator): the .tflock and the state PutObject both carry
      // x-amz-server-side-encryption: aws:kms and x-amz-server-side-encryption-aws-kms-key-id = the
      // configured alias ARN, which is why the key id is not pinned to the key ARN here.
      Sid: "DenyStateWritesWithoutSseKms",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    },
    // Deleting a version erases state history for good; ordinary deletes only add a delete marker.
    // Only the configured break-glass principals may; with none, nobody may (S3 lifecycle expiry of
    // noncurrent versions is done by S3 itself and is not subject to this policy).
    denyExceptBreakGlass("DenyStateHistoryErasure", "s3:DeleteObjectVersion", objects, breakGlass),
  ];
}

/**
 * The S3 bucket that holds an environment's Terraform state. Every part of its configuration is a
 * separate resource with a fixed address: if one were renamed, Terraform would destroy the old one
 * first, leaving the bucket briefly unversioned, unencrypted or public.
 */
export class StateBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const { bucketName, kmsKeyArn, accessLogs } = props;
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: bucketName,
      // Explicitly false: emptying a state bucket on destroy erases every version of every state.
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    this.bucket.overrideLogicalId("state_bucket");
    const bucket = this.bucket.bucket;

    // Every write is a new version: a corrupted or wrongly applied state can be rolled back.
    const { versioning, publicAccessBlock } = makeBucketPrivate(this, this.bucket, "state_bucket");

    // State holds secrets in plain text: encrypt with our key; the bucket key cuts KMS calls.
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true }],
    }).overrideLogicalId("state_bucket_encryption");

    new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policyDocument(stateBucketPolicyStatements(this.bucket.arn, props.breakGlassPrincipalArns ?? [])),
      // S3 refuses concurrent policy and public-access-block changes on one bucket (OperationAborted).
      dependsOn: [publicAccessBlock],
    }).overrideLogicalId("state_bucket_policy");

    bucketLifecycle(this, this.bucket, "state_bucket", versioning, {
      id: "expire-noncurrent-versions",
      noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays }],
    });

    if (accessLogs) {
      // Who read or wrote state, and from where: evidence that CloudTrail's management events lack.
      new S3BucketLoggingA(this, "access-logging", {
        bucket,
        targetBucket: accessLogs.bucket,
        targetPrefix: accessLogPrefix(bucketName),
        dependsOn: accessLogs.after,
      }).overrideLogicalId("state_bucket_logging");
    }
  }
}
