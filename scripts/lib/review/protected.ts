/**
 * Resource types whose replacement or destruction loses something that cannot be recreated from
 * code: users, client ids that apps are configured with, Terraform state, keys that decrypt it.
 * A plan that replaces or destroys one is flagged in review.md and by plan's exit status, and
 * apply refuses it without --allow-protected.
 */
export const PROTECTED_TYPES: Readonly<Record<string, { readonly what: string; readonly loss: string }>> = {
  aws_cognito_user_pool: {
    what: "Cognito user pool",
    loss: "every user, password, MFA enrolment and passkey in it is deleted; the new pool has a new id, issuer URL and app clients",
  },
  aws_cognito_user_pool_client: {
    what: "Cognito app client",
    loss: "the client id changes, so every app configured with it stops signing in, and its refresh tokens stop working",
  },
  aws_s3_bucket: {
    what: "S3 state bucket",
    loss: "Terraform state and its old versions are deleted with the bucket; the environment's resources become unmanaged",
  },
  aws_dynamodb_table: {
    what: "DynamoDB state lock table",
    loss: "state locking stops until the table exists again; concurrent applies can corrupt state",
  },
  aws_kms_key: {
    what: "KMS key",
    loss: "once the key is deleted, everything encrypted with it (state, alert messages) can never be decrypted again",
  },
};

export const isProtectedType = (type: string): boolean => Object.hasOwn(PROTECTED_TYPES, type);

/** `aws_s3_bucket.state_bucket` → `aws_s3_bucket` */
export const typeOf = (address: string): string => address.slice(0, address.indexOf("."));

export const isProtectedAddress = (address: string): boolean => isProtectedType(typeOf(address));
