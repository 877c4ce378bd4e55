/**
 * The one place the ops commands create AWS SDK clients: one client per service, made on first use,
 * for one region (the environment's, from config: where its pool, state and log groups are) and
 * optionally a named profile. Credentials and endpoint come from the SDK's standard chain
 * (AWS_PROFILE, AWS_ACCESS_KEY_ID..., AWS_ENDPOINT_URL), as for Terraform's S3 backend and the
 * provider. A service's SDK package is loaded only when its first client is made, so --help and
 * usage errors stay instant.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";

export interface AwsClients {
  sts(): STSClient;
  s3(): S3Client;
  dynamodb(): DynamoDBClient;
  cognito(): CognitoIdentityProviderClient;
  logs(): CloudWatchLogsClient;
}

/** `profile`: a named AWS profile instead of the process's own credentials (drift --all, TASKFLOW_AWS_PROFILE_<ENV>). */
export function awsClients(region: string, profile?: string): AwsClients {
  const config = { region, ...(profile ? { profile } : {}) };
  const made = new Map<string, unknown>();
  const once = <T>(name: string, make: () => T): T => {
    if (!made.has(name)) made.set(name, make());
    return made.get(name) as T;
  };
  return {
    sts: () => once("sts", () => new (require("@aws-sdk/client-sts") as typeof import("@aws-sdk/client-sts")).STSClient(config)),
    s3: () => once("s3", () => new (require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3")).S3Client(config)),
    dynamodb: () =>
      once("dynamodb", () => new (require("@aws-sdk/client-dynamodb") as typeof import("@aws-sdk/client-dynamodb")).DynamoDBClient(config)),
    cognito: () =>
      once(
        "cognito",
        () =>
          new (
            require("@aws-sdk/client-cognito-identity-provider") as typeof import("@aws-sdk/client-cognito-identity-provider")
          ).CognitoIdentityProviderClient(config),
      ),
    logs: () =>
      once(
        "logs",
        () =>
          new (require("@aws-sdk/client-cloudwatch-logs") as typeof import("@aws-sdk/client-cloudwatch-logs")).CloudWatchLogsClient(config),
      ),
  };
}
