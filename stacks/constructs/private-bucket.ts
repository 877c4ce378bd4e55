/**
 * What every bucket of this project has in common: nobody outside the account reads it, access is
 * decided by IAM and the bucket policy only, every write is a new version, and requests without TLS
 * are refused. Each part is its own resource at a pinned address (`<address>_ownership`,
 * `<address>_public_access_block`, `<address>_versioning`): a renamed address would make Terraform
 * destroy the old part first, leaving the bucket briefly public or unversioned.
 */
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { Construct } from "constructs";
import type { PolicyStatement } from "./policy-document";

export interface PrivateBucketParts {
  readonly versioning: S3BucketVersioningA;
  /** S3 refuses concurrent policy and public-access-block changes (OperationAborted): policies depend on it. */
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
}

export function makeBucketPrivate(scope: Construct, bucket: S3Bucket, address: string): PrivateBucketParts {
  const versioning = new S3BucketVersioningA(scope, "versioning", {
    bucket: bucket.bucket,
    versioningConfiguration: { status: "Enabled" },
  });
  versioning.overrideLogicalId(`${address}_versioning`);

  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, "public-access-block", {
    bucket: bucket.bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  publicAccessBlock.overrideLogicalId(`${address}_public_access_block`);

  // ACLs disabled: access is decided by IAM and the bucket policy only.
  new S3BucketOwnershipControls(scope, "ownership", {
    bucket: bucket.bucket,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  }).overrideLogicalId(`${address}_ownership`);

  return { versioning, publicAccessBlock };
}

/** The bucket policy statement that refuses every request made without TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/**
 * A Deny for everyone but the break-glass principals (with none, for everyone). aws:PrincipalArn is
 * the role's ARN, not the session's, so it names the role whoever assumed it (IAM User Guide, "AWS
 * global condition context keys"). A bucket policy's explicit Deny binds the account's own
 * administrators too; only PutBucketPolicy/DeleteBucketPolicy stay open to the root user.
 */
export function denyExceptBreakGlass(
  sid: string,
  action: string | string[],
  resource: string | string[],
  breakGlass: readonly string[],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Deny",
    Principal: "*",
    Action: action,
    Resource: resource,
    ...(breakGlass.length ? { Condition: { ArnNotLike: { "aws:PrincipalArn": [...breakGlass] } } } : {}),
  };
}

/** Uploads Terraform abandoned half-way (a killed apply) are deleted after this many days. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/** What a bucket's lifecycle rule expires; bucketLifecycle adds the rest. */
export type LifecycleRule = Pick<S3BucketLifecycleConfigurationRule, "id" | "expiration" | "noncurrentVersionExpiration">;

/**
 * The bucket's lifecycle configuration (`<address>_lifecycle`): one rule over the whole bucket that
 * also deletes uploads abandoned half-way, applied after the bucket's versioning.
 */
export function bucketLifecycle(
  scope: Construct,
  bucket: S3Bucket,
  address: string,
  versioning: S3BucketVersioningA,
  rule: LifecycleRule,
): S3BucketLifecycleConfiguration {
  const lifecycle = new S3BucketLifecycleConfiguration(scope, "lifecycle", {
    bucket: bucket.bucket,
    rule: [
      {
        ...rule,
        status: "Enabled",
        // Provider 5.x warns (and 6.x fails) when a rule has neither filter nor prefix: {} = whole bucket.
        filter: [{}],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS }],
      },
    ],
    // The provider's documented order: versioning first, so noncurrent rules apply from the start.
    dependsOn: [versioning],
  });
  lifecycle.overrideLogicalId(`${address}_lifecycle`);
  return lifecycle;
}
