import { S3Backend, type TerraformStack } from "cdktf";
import { partitionOf } from "../config/aws-regions";
import type { EnvironmentConfig } from "../config";

/** ARN of the state key's alias: derived from config, so backend and bootstrap cannot disagree. */
export function stateKeyAliasArn(env: EnvironmentConfig): string {
  return `arn:${partitionOf(env.region)}:kms:${env.region}:${env.accountId}:${env.state.kmsKeyAlias}`;
}

/**
 * S3 backend in the environment's own account, locked twice during the DynamoDB-to-lockfile
 * migration: `dynamodb_table` (deprecated since Terraform 1.11) and S3-native `use_lockfile`
 * (Terraform >= 1.10; cdktf 0.21's S3Backend has no option for it, hence the override).
 */
export function useS3Backend(stack: TerraformStack, env: EnvironmentConfig, key: string = env.state.key): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: env.state.bucket,
    key,
    region: env.region,
    encrypt: true,
    kmsKeyId: stateKeyAliasArn(env),
    dynamodbTable: env.state.lockTable,
  });
  backend.addOverride("use_lockfile", true);
  return backend;
}
