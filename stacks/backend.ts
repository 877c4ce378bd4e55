import { S3Backend, type TerraformStack } from "cdktf";
import type { EnvironmentConfig } from "../config";
import { stateKeyAliasArn } from "../config/names";

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
    kmsKeyId: stateKeyAliasArn(env.region, env.accountId, env.state.kmsKeyAlias),
    dynamodbTable: env.state.lockTable,
  });
  backend.addOverride("use_lockfile", true);
  return backend;
}
