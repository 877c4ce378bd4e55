/**
 * AWS access for the suites, through standard environment variables only: the tools (terraform,
 * cdktf) get AWS_ENDPOINT_URL / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN /
 * AWS_REGION in their environment, and the SDK clients that read resources back are created with
 * no configuration at all while the same variables are set in this process. No endpoint, region or
 * credential is passed in code, so what the tests prove is what ops get from their environment.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { assumeDeployRole } from "./moto";

/** The standard AWS variables that point everything at the emulator, as one account. */
export type AwsEnv = Readonly<
  Record<"AWS_ENDPOINT_URL" | "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY" | "AWS_SESSION_TOKEN" | "AWS_REGION", string>
>;

/** Variables for working in `accountId` against the emulator at `endpoint`. */
export async function awsEnvFor(endpoint: string, accountId: string, region: string): Promise<AwsEnv> {
  const session = await assumeDeployRole(endpoint, accountId, region);
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: session.accessKeyId,
    AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
    AWS_SESSION_TOKEN: session.sessionToken,
    AWS_REGION: region,
  };
}

export interface AwsClients {
  readonly cognito: CognitoIdentityProviderClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly cloudwatch: CloudWatchClient;
  readonly kms: KMSClient;
  readonly events: EventBridgeClient;
  readonly logs: CloudWatchLogsClient;
}

/** Every AWS_* variable of this process, to restore after a block that replaced them. */
function snapshotAwsVars(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => k.startsWith("AWS_"))
      .map((k) => [k, process.env[k]]),
  );
}

/**
 * Runs `fn` with SDK clients that configure themselves from the environment, while this process's
 * AWS_* variables are exactly `awsEnv` (restored afterwards). The clients are created and used
 * inside, so their lazily-read settings all come from awsEnv. Calls are sequential within a suite.
 */
export async function withAwsClients<T>(awsEnv: AwsEnv, fn: (clients: AwsClients) => Promise<T>): Promise<T> {
  const saved = snapshotAwsVars();
  for (const k of Object.keys(saved)) delete process.env[k];
  Object.assign(process.env, awsEnv);
  const clients: AwsClients = {
    cognito: new CognitoIdentityProviderClient({}),
    s3: new S3Client({}),
    dynamodb: new DynamoDBClient({}),
    sns: new SNSClient({}),
    cloudwatch: new CloudWatchClient({}),
    kms: new KMSClient({}),
    events: new EventBridgeClient({}),
    logs: new CloudWatchLogsClient({}),
  };
  try {
    return await fn(clients);
  } finally {
    Object.values(clients).forEach((c) => c.destroy());
    for (const k of Object.keys(process.env).filter((k) => k.startsWith("AWS_"))) delete process.env[k];
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}
