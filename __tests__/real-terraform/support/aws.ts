/**
 * AWS access for the suites, through standard environment variables only: the tools (terraform,
 * cdktf) get AWS_ENDPOINT_URL / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN /
 * AWS_REGION in their environment, and the SDK clients that read resources back are created with
 * no configuration at all while the same variables are set in this process. No endpoint, region or
 * credential is passed in code, so what the tests prove is what ops get from their environment.
 *
 * The emulator speaks HTTPS with a throwaway certificate (support/moto.ts). AWS_CA_BUNDLE names it for
 * Terraform, the aws provider and the S3 backend (aws-sdk-go-base reads it); NODE_EXTRA_CA_CERTS for
 * Node child processes (cdktf, the ops scripts), read when such a process starts. The SDK for
 * JavaScript reads neither, and this process started long before the certificate existed, so the
 * clients here get an https agent that trusts the file AWS_CA_BUNDLE names: still taken from the
 * environment, as the rest.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { WAFV2Client } from "@aws-sdk/client-wafv2";
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { assumeDeployRole, type Moto } from "./moto";

/** The standard AWS variables that point everything at the emulator, as one account. */
export type AwsEnv = Readonly<
  Record<
    | "AWS_ENDPOINT_URL"
    | "AWS_ACCESS_KEY_ID"
    | "AWS_SECRET_ACCESS_KEY"
    | "AWS_SESSION_TOKEN"
    | "AWS_REGION"
    | "AWS_CA_BUNDLE"
    | "NODE_EXTRA_CA_CERTS",
    string
  >
>;

/** Variables for working in `accountId` (as role `roleName` there) against the emulator. */
export async function awsEnvFor(
  moto: Pick<Moto, "endpoint" | "caBundle">,
  accountId: string,
  region: string,
  roleName?: string,
): Promise<AwsEnv> {
  const session = await assumeDeployRole(moto, accountId, region, roleName);
  return {
    AWS_CA_BUNDLE: moto.caBundle,
    NODE_EXTRA_CA_CERTS: moto.caBundle,
    AWS_ENDPOINT_URL: moto.endpoint,
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
  readonly iam: IAMClient;
  readonly waf: WAFV2Client;
  readonly sts: STSClient;
}

/** Client configuration that trusts the CA bundle named by AWS_CA_BUNDLE (nothing else is configured in code). */
export function sdkTlsConfig(env: NodeJS.ProcessEnv = process.env): { requestHandler?: { httpsAgent: Agent } } {
  const bundle = env.AWS_CA_BUNDLE;
  if (!bundle) return {};
  // The clients accept the options of their Node HTTP handler in place of a handler.
  return { requestHandler: { httpsAgent: new Agent({ ca: readFileSync(bundle) }) } };
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
  const savedNodeCa = process.env.NODE_EXTRA_CA_CERTS;
  Object.assign(process.env, awsEnv);
  const tls = sdkTlsConfig();
  const clients: AwsClients = {
    cognito: new CognitoIdentityProviderClient(tls),
    s3: new S3Client(tls),
    dynamodb: new DynamoDBClient(tls),
    sns: new SNSClient(tls),
    cloudwatch: new CloudWatchClient(tls),
    kms: new KMSClient(tls),
    events: new EventBridgeClient(tls),
    logs: new CloudWatchLogsClient(tls),
    iam: new IAMClient(tls),
    waf: new WAFV2Client(tls),
    sts: new STSClient(tls),
  };
  try {
    return await fn(clients);
  } finally {
    Object.values(clients).forEach((c) => c.destroy());
    for (const k of Object.keys(process.env).filter((k) => k.startsWith("AWS_"))) delete process.env[k];
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    if (savedNodeCa === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = savedNodeCa;
  }
}

/**
 * Credentials of a session of a role that holds exactly `policy` (inline), created in `admin`'s account by
 * `admin` and trusted by that account, as the emulator's STS issues them: what a suite uses to show one
 * identity allowed and another refused.
 */
export async function roleSessionEnv(admin: AwsEnv, roleName: string, policy: unknown): Promise<AwsEnv> {
  const account = (await withAwsClients(admin, (c) => c.sts.send(new GetCallerIdentityCommand({})))).Account!;
  const trust = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" }],
  };
  await withAwsClients(admin, async (c) => {
    await c.iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await c.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: roleName, PolicyDocument: JSON.stringify(policy) }));
  });
  return assumeRole(admin, `arn:aws:iam::${account}:role/${roleName}`, roleName);
}

/**
 * A session of `roleArn` from sts:AssumeRole with the credentials of `from`, as an operator gets one on AWS:
 * the emulator evaluates the role's trust policy (and the caller's own policies) and refuses with AccessDenied.
 */
export async function assumeRole(from: AwsEnv, roleArn: string, sessionName: string): Promise<AwsEnv> {
  const { Credentials } = await withAwsClients(from, (c) =>
    c.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName })),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken)
    throw new Error(`sts:AssumeRole of ${roleArn} returned no credentials`);
  return {
    ...from,
    AWS_ACCESS_KEY_ID: Credentials.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: Credentials.SecretAccessKey,
    AWS_SESSION_TOKEN: Credentials.SessionToken,
  };
}
