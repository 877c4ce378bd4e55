/**
 * The AWS calls the ops commands make themselves (everything else goes through Terraform): who the
 * credentials belong to, which user pools exist, and the state object, its versions and its locks,
 * read. The only writes are the two deletes a restore may need before Terraform can write the state
 * (../state/state-restore.ts says when and why); the state, its locks and its digest are Terraform's.
 * Behind this interface so unit tests pass a fake; the real one uses clients.ts.
 */
import type { EnvironmentConfig } from "../../../config";
import { awsClients } from "./clients";

/** One version (or delete marker) of an S3 object, newest first as S3 lists them. */
export interface ObjectVersion {
  readonly versionId: string;
  readonly lastModified?: Date;
  readonly size?: number;
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
}

export interface AwsApi {
  /** STS GetCallerIdentity: the account the credentials belong to. Throws when they are missing, expired or invalid. */
  callerAccount(): Promise<string>;
  /** Every user pool in the region (ListUserPools, all pages). */
  userPools(): Promise<{ readonly id: string; readonly name: string }[]>;
  /** The object's bytes (a given version, or the current one); undefined when there is none (deleted or never written). */
  getObject(bucket: string, key: string, versionId?: string): Promise<Buffer | undefined>;
  /** Versions and delete markers of exactly this key, newest first. */
  objectVersions(bucket: string, key: string): Promise<ObjectVersion[]>;
  /** DeleteObject without a version id: in a versioned bucket a delete marker, the object stays as a noncurrent version. */
  deleteObject(bucket: string, key: string): Promise<void>;
  /** A lock-table item's string attributes, or undefined. */
  getItem(table: string, lockId: string): Promise<Record<string, string> | undefined>;
  /** DeleteItem only while the item's string attribute still holds `value`; false (nothing deleted) when it does not. */
  deleteItemIf(table: string, lockId: string, attribute: string, value: string): Promise<boolean>;
  /**
   * The id of the app client's managed login branding style (DescribeManagedLoginBrandingByClient), or
   * undefined when the client has none (ResourceNotFoundException: its sign-in page is unavailable).
   */
  managedLoginBrandingId(userPoolId: string, clientId: string): Promise<string | undefined>;
}

const errorName = (e: unknown): string => (e as { name?: string })?.name ?? "";
const statusOf = (e: unknown): number | undefined => (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
/** S3's answer for an object that is not there: NoSuchKey, or a bare 404 (a delete marker as the current version). Any other error is not an answer. */
export const isMissingObject = (e: unknown): boolean => errorName(e) === "NoSuchKey" || statusOf(e) === 404;

/** `profile`: a named AWS profile instead of the process's own credentials (drift --all, TASKFLOW_AWS_PROFILE_<ENV>). */
export function realAws(env: EnvironmentConfig, profile?: string): AwsApi {
  const clients = awsClients(env.region, profile);
  const S3 = () => require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
  const DDB = () => require("@aws-sdk/client-dynamodb") as typeof import("@aws-sdk/client-dynamodb");
  const IDP = () => require("@aws-sdk/client-cognito-identity-provider") as typeof import("@aws-sdk/client-cognito-identity-provider");
  const s3Client = clients.s3;
  const ddbClient = clients.dynamodb;

  return {
    async callerAccount() {
      const { GetCallerIdentityCommand } = require("@aws-sdk/client-sts") as typeof import("@aws-sdk/client-sts");
      const { Account } = await clients.sts().send(new GetCallerIdentityCommand({}));
      if (!Account) throw new Error("STS GetCallerIdentity returned no account");
      return Account;
    },
    async userPools() {
      const pools: { id: string; name: string }[] = [];
      let NextToken: string | undefined;
      do {
        // MaxResults is at most 60 (Cognito API Reference, ListUserPools).
        const page = await clients.cognito().send(new (IDP().ListUserPoolsCommand)({ MaxResults: 60, NextToken }));
        for (const p of page.UserPools ?? []) if (p.Id) pools.push({ id: p.Id, name: p.Name ?? "" });
        NextToken = page.NextToken;
      } while (NextToken);
      return pools;
    },
    async getObject(bucket, key, versionId) {
      try {
        const res = await s3Client().send(new (S3().GetObjectCommand)({ Bucket: bucket, Key: key, VersionId: versionId }));
        return Buffer.from((await res.Body?.transformToByteArray()) ?? []);
      } catch (e) {
        if (isMissingObject(e)) return undefined;
        throw e;
      }
    },
    async objectVersions(bucket, key) {
      const out: ObjectVersion[] = [];
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      for (;;) {
        const page = await s3Client().send(
          new (S3().ListObjectVersionsCommand)({ Bucket: bucket, Prefix: key, KeyMarker, VersionIdMarker }),
        );
        for (const v of page.Versions ?? [])
          if (v.Key === key && v.VersionId)
            out.push({
              versionId: v.VersionId,
              lastModified: v.LastModified,
              size: v.Size,
              isLatest: v.IsLatest === true,
              deleteMarker: false,
            });
        for (const m of page.DeleteMarkers ?? [])
          if (m.Key === key && m.VersionId)
            out.push({ versionId: m.VersionId, lastModified: m.LastModified, isLatest: m.IsLatest === true, deleteMarker: true });
        if (!page.IsTruncated) break;
        KeyMarker = page.NextKeyMarker;
        VersionIdMarker = page.NextVersionIdMarker;
      }
      return out.sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0));
    },
    async deleteObject(bucket, key) {
      await s3Client().send(new (S3().DeleteObjectCommand)({ Bucket: bucket, Key: key }));
    },
    async getItem(table, lockId) {
      const { Item } = await ddbClient().send(
        new (DDB().GetItemCommand)({ TableName: table, Key: { LockID: { S: lockId } }, ConsistentRead: true }),
      );
      if (!Item) return undefined;
      return Object.fromEntries(Object.entries(Item).flatMap(([k, v]) => (v.S !== undefined ? [[k, v.S]] : [])));
    },
    async deleteItemIf(table, lockId, attribute, value) {
      try {
        await ddbClient().send(
          new (DDB().DeleteItemCommand)({
            TableName: table,
            Key: { LockID: { S: lockId } },
            ConditionExpression: "#attribute = :value",
            ExpressionAttributeNames: { "#attribute": attribute },
            ExpressionAttributeValues: { ":value": { S: value } },
          }),
        );
        return true;
      } catch (e) {
        if (errorName(e) === "ConditionalCheckFailedException") return false;
        throw e;
      }
    },
    async managedLoginBrandingId(userPoolId, clientId) {
      try {
        const res = await clients
          .cognito()
          .send(new (IDP().DescribeManagedLoginBrandingByClientCommand)({ UserPoolId: userPoolId, ClientId: clientId }));
        return res.ManagedLoginBranding?.ManagedLoginBrandingId;
      } catch (e) {
        if (errorName(e) === "ResourceNotFoundException") return undefined;
        throw e;
      }
    },
  };
}

/** An AWS error as one line for the operator: its name and message. */
export function awsErrorText(e: unknown): string {
  const name = errorName(e);
  const message = (e as Error)?.message ?? String(e);
  // A plain Error's name says nothing; an SDK error's name (ExpiredToken, AccessDenied) does.
  return name && name !== "Error" && !message.startsWith(name) ? `${name}: ${message}` : message;
}
