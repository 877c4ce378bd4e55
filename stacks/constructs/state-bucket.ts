import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config";
import { policyDocument } from "./policy-document";

/** Uploads Terraform abandoned half-way (a killed apply) are deleted after this many days. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

export interface StateBucketProps {
  readonly env: EnvironmentConfig;
  /** ARN of the customer-managed key that encrypts every state object by default. */
  readonly kmsKeyArn: string;
}

/**
 * The S3 bucket that holds an environment's Terraform state. Every part of its configuration is a
 * separate resource with a fixed address: if one were renamed, Terraform would destroy the old one
 * first, leaving the bucket briefly unversioned, unencrypted or public.
 */
export class StateBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, { env, kmsKeyArn }: StateBucketProps) {
    super(scope, id);
    const { state } = env;
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: state.bucket,
      // Explicitly false: emptying a state bucket on destroy erases every version of every state.
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    this.bucket.overrideLogicalId("state_bucket");
    const bucket = this.bucket.bucket;

    // Every write is a new version: a corrupted or wrongly applied state can be rolled back.
    const versioning = new S3BucketVersioningA(this, "versioning", {
      bucket,
      versioningConfiguration: { status: "Enabled" },
    });
    versioning.overrideLogicalId("state_bucket_versioning");

    // State holds secrets in plain text: encrypt with our key; the bucket key cuts KMS calls.
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true }],
    }).overrideLogicalId("state_bucket_encryption");

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    publicAccessBlock.overrideLogicalId("state_bucket_public_access_block");

    // ACLs disabled: access is decided by IAM and the bucket policy only.
    new S3BucketOwnershipControls(this, "ownership", {
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    }).overrideLogicalId("state_bucket_ownership");

    new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policyDocument([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
      // S3 refuses concurrent policy and public-access-block changes on one bucket (OperationAborted).
      dependsOn: [publicAccessBlock],
    }).overrideLogicalId("state_bucket_policy");

    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          // Provider 5.x warns (and 6.x fails) when a rule has neither filter nor prefix: {} = whole bucket.
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: state.noncurrentVersionExpirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS }],
        },
      ],
      // The provider's documented order: versioning first, so noncurrent rules apply from the start.
      dependsOn: [versioning],
    }).overrideLogicalId("state_bucket_lifecycle");

    if (state.accessLogBucket) {
      // Who read or wrote state, and from where: evidence that CloudTrail's management events lack.
      new S3BucketLoggingA(this, "access-logging", {
        bucket,
        targetBucket: state.accessLogBucket,
        targetPrefix: `${state.bucket}/`,
      }).overrideLogicalId("state_bucket_logging");
    }
  }
}
