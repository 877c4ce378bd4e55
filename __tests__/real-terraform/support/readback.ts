/**
 * Reading deployed resources back through the AWS API (SDK v3), into plain objects the deploy
 * suite compares with what the validated config asks for. Only reads: nothing here changes AWS.
 */
import { DescribeAlarmsCommand, type MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeManagedLoginBrandingByClientCommand,
  DescribeUserPoolDomainCommand,
  GetUserPoolMfaConfigCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DescribeContinuousBackupsCommand, DescribeTableCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { ListRulesCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand } from "@aws-sdk/client-kms";
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
} from "@aws-sdk/client-s3";
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, ListTopicsCommand } from "@aws-sdk/client-sns";
import { createHash } from "node:crypto";
import type { AwsClients } from "./aws";

/** A policy document's statements (IAM, KMS, SNS and S3 share the grammar). */
export interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
export const statementsOf = (policy: string | undefined): Statement[] =>
  policy ? ((JSON.parse(policy) as { Statement: Statement[] }).Statement ?? []) : [];
export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Key metadata and rotation of a key given by id, ARN or alias. */
export async function readKey(c: AwsClients, keyId: string) {
  const { KeyMetadata: meta } = await c.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
  if (!meta?.KeyId) throw new Error(`KMS key ${keyId} not found`);
  const rotation = await c.kms.send(new GetKeyRotationStatusCommand({ KeyId: meta.KeyId }));
  const policy = await c.kms.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: "default" }));
  return {
    arn: meta.Arn,
    manager: meta.KeyManager,
    state: meta.KeyState,
    rotation: rotation.KeyRotationEnabled,
    statements: statementsOf(policy.Policy),
  };
}

/** Everything the state bucket's configuration says, from S3. */
export async function readStateBucket(c: AwsClients, bucket: string) {
  await c.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  const versioning = await c.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  const encryption = await c.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
  const pab = await c.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
  const ownership = await c.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
  const lifecycle = await c.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
  const policy = await c.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
  return {
    versioning: versioning.Status,
    encryption: (encryption.ServerSideEncryptionConfiguration?.Rules ?? []).map((r) => ({
      algorithm: r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
      key: r.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID,
      bucketKey: r.BucketKeyEnabled,
    })),
    publicAccessBlock: pab.PublicAccessBlockConfiguration,
    ownership: (ownership.OwnershipControls?.Rules ?? []).map((r) => r.ObjectOwnership),
    lifecycle: (lifecycle.Rules ?? []).map((r) => ({
      status: r.Status,
      noncurrentDays: r.NoncurrentVersionExpiration?.NoncurrentDays,
      abortIncompleteUploadDays: r.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
    })),
    policy: statementsOf(policy.Policy),
  };
}

export async function readLockTable(c: AwsClients, table: string) {
  const { Table: t } = await c.dynamodb.send(new DescribeTableCommand({ TableName: table }));
  const backups = await c.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: table }));
  return {
    keySchema: t?.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`),
    attributes: t?.AttributeDefinitions?.map((a) => `${a.AttributeName}:${a.AttributeType}`),
    billing: t?.BillingModeSummary?.BillingMode,
    deletionProtection: t?.DeletionProtectionEnabled,
    sse: { status: t?.SSEDescription?.Status, type: t?.SSEDescription?.SSEType, key: t?.SSEDescription?.KMSMasterKeyArn },
    pointInTimeRecovery: backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
  };
}

export interface RemoteState {
  readonly body: string;
  readonly md5: string;
  readonly serial: number;
  readonly lineage: string;
  /** Managed resource addresses (type.name) in the state. */
  readonly addresses: string[];
  readonly encryption?: string;
  readonly encryptionKey?: string;
}

/** The state object Terraform's S3 backend wrote. */
export async function readRemoteState(c: AwsClients, bucket: string, key: string): Promise<RemoteState> {
  const object = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = (await object.Body?.transformToString("utf8")) ?? "";
  const state = JSON.parse(body) as { serial: number; lineage: string; resources: { mode: string; type: string; name: string }[] };
  return {
    body,
    md5: createHash("md5").update(body).digest("hex"),
    serial: state.serial,
    lineage: state.lineage,
    addresses: state.resources
      .filter((r) => r.mode === "managed")
      .map((r) => `${r.type}.${r.name}`)
      .sort(),
    encryption: object.ServerSideEncryption,
    encryptionKey: object.SSEKMSKeyId,
  };
}

/** Versions of the state object (a changed state is a new version). */
export async function stateVersions(c: AwsClients, bucket: string, key: string): Promise<string[]> {
  const v = await c.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return (v.Versions ?? []).filter((x) => x.Key === key).map((x) => x.VersionId ?? "null");
}

/** Whether an object exists (for the S3-native lock file). */
export async function objectExists(c: AwsClients, bucket: string, key: string): Promise<boolean> {
  try {
    await c.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}

/** An item of the lock table by LockID, or undefined. */
export async function lockItem(c: AwsClients, table: string, lockId: string): Promise<Record<string, string> | undefined> {
  const { Item } = await c.dynamodb.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: lockId } }, ConsistentRead: true }));
  return Item ? Object.fromEntries(Object.entries(Item).map(([k, v]) => [k, v.S ?? JSON.stringify(v)])) : undefined;
}

/** User pools with this name in the account (there must be exactly one). */
export async function userPoolsNamed(c: AwsClients, name: string): Promise<string[]> {
  const { UserPools } = await c.cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  return (UserPools ?? []).filter((p) => p.Name === name).map((p) => p.Id as string);
}

export async function readUserPool(c: AwsClients, poolId: string) {
  const { UserPool: pool } = await c.cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  const mfa = await c.cognito.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
  const { UserPoolClients } = await c.cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }));
  const clients = await Promise.all(
    (UserPoolClients ?? []).map(
      async (cl) => (await c.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: cl.ClientId }))).UserPoolClient,
    ),
  );
  return { pool, mfa, clients: clients.filter((cl): cl is NonNullable<typeof cl> => Boolean(cl)) };
}

export async function readUserPoolDomain(c: AwsClients, domain: string) {
  const { DomainDescription } = await c.cognito.send(new DescribeUserPoolDomainCommand({ Domain: domain }));
  return DomainDescription;
}

/** The app client's managed login branding style, or undefined when it has none (its sign-in page is unavailable). */
export async function readManagedLoginBranding(c: AwsClients, poolId: string, clientId: string) {
  try {
    return (await c.cognito.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: clientId })))
      .ManagedLoginBranding;
  } catch (e) {
    if ((e as Error).name === "ResourceNotFoundException") return undefined;
    throw e;
  }
}

/** The topic that has a subscription for this endpoint (the alert email), with its settings. */
export async function readTopicSubscribedBy(c: AwsClients, endpoint: string) {
  const { Topics } = await c.sns.send(new ListTopicsCommand({}));
  for (const t of Topics ?? []) {
    const { Subscriptions } = await c.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: t.TopicArn }));
    const sub = (Subscriptions ?? []).find((s) => s.Endpoint === endpoint);
    if (!sub) continue;
    const { Attributes: attrs } = await c.sns.send(new GetTopicAttributesCommand({ TopicArn: t.TopicArn }));
    return { arn: t.TopicArn as string, protocol: sub.Protocol, kmsKey: attrs?.KmsMasterKeyId, statements: statementsOf(attrs?.Policy) };
  }
  return undefined;
}

export async function readAlarms(c: AwsClients): Promise<MetricAlarm[]> {
  const { MetricAlarms } = await c.cloudwatch.send(new DescribeAlarmsCommand({ MaxRecords: 100 }));
  return MetricAlarms ?? [];
}

/** The metrics an alarm watches (its own, or the inputs of its metric math). */
export function alarmMetrics(
  a: MetricAlarm,
): { namespace?: string; name?: string; dimensions: Record<string, string>; period?: number; stat?: string }[] {
  if (a.MetricName) {
    return [
      {
        namespace: a.Namespace,
        name: a.MetricName,
        dimensions: Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name, d.Value])),
        period: a.Period,
        stat: a.Statistic ?? a.ExtendedStatistic,
      },
    ];
  }
  return (a.Metrics ?? [])
    .filter((q) => q.MetricStat)
    .map((q) => ({
      namespace: q.MetricStat?.Metric?.Namespace,
      name: q.MetricStat?.Metric?.MetricName,
      dimensions: Object.fromEntries((q.MetricStat?.Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value])),
      period: q.MetricStat?.Period,
      stat: q.MetricStat?.Stat,
    }));
}

export async function readLogGroups(c: AwsClients) {
  const { logGroups } = await c.logs.send(new DescribeLogGroupsCommand({}));
  return (logGroups ?? []).map((g) => ({ name: g.logGroupName, retention: g.retentionInDays, kmsKey: g.kmsKeyId }));
}

export async function readRules(c: AwsClients) {
  const { Rules } = await c.events.send(new ListRulesCommand({}));
  return Promise.all(
    (Rules ?? []).map(async (r) => ({
      name: r.Name,
      state: r.State,
      pattern: r.EventPattern ? (JSON.parse(r.EventPattern) as Record<string, unknown>) : undefined,
      targets: ((await c.events.send(new ListTargetsByRuleCommand({ Rule: r.Name }))).Targets ?? []).map((t) => t.Arn as string),
    })),
  );
}
