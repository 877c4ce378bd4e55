/**
 * Where a stack's remote state and its locks are, and what a lock left behind says.
 *
 * The S3 backend (stacks/backend.ts) locks twice: an item `<bucket>/<key>` in the DynamoDB lock table
 * whose `Info` attribute is the lock's JSON, and an object `<key>.tflock` next to the state holding the
 * same JSON (use_lockfile). The table also holds `<bucket>/<key>-md5`, the MD5 of the last state
 * Terraform wrote, which it compares with the object it reads.
 * https://developer.hashicorp.com/terraform/language/backend/s3 ("State Locking", dynamodb_table, use_lockfile)
 */
import { bootstrapStateKey, stateKeyAliasArn } from "../../config/names";
import type { AwsApi } from "./aws";
import type { StackTarget } from "./stacks";
import { stripColours } from "./colours";

export interface RemoteState {
  readonly bucket: string;
  readonly key: string;
  readonly table: string;
  /** The KMS key the backend encrypts the state with (the alias ARN, as in the backend block). */
  readonly kmsKeyId: string;
  /** LockID of the lock item, and of the digest item with "-md5" appended. */
  readonly lockId: string;
  readonly digestId: string;
  readonly lockfileKey: string;
}

/** The stack's S3 backend, or undefined for a bootstrap stack that still keeps its state in a local file. */
export function remoteStateOf(target: StackTarget): RemoteState | undefined {
  const { env } = target;
  if (target.kind === "bootstrap" && env.state.bootstrapBackend !== "s3") return undefined;
  const key = target.kind === "environment" ? env.state.key : bootstrapStateKey(env.name);
  const lockId = `${env.state.bucket}/${key}`;
  return {
    bucket: env.state.bucket,
    key,
    table: env.state.lockTable,
    kmsKeyId: stateKeyAliasArn(env.region, env.accountId, env.state.kmsKeyAlias),
    lockId,
    digestId: `${lockId}-md5`,
    lockfileKey: `${key}.tflock`,
  };
}

/** Terraform's lock record (statemgr.LockInfo as JSON). */
export interface LockInfo {
  readonly ID: string;
  readonly Operation?: string;
  readonly Info?: string;
  readonly Who?: string;
  readonly Version?: string;
  readonly Created?: string;
  readonly Path?: string;
}

const parseLockJson = (text: string | undefined): LockInfo | undefined => {
  if (!text) return undefined;
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info.ID === "string" && info.ID ? info : undefined;
  } catch {
    return undefined;
  }
};

/** The lock currently held on the stack's state, from the table item or the lockfile (whichever exists). */
export async function currentLock(aws: AwsApi, state: RemoteState): Promise<LockInfo | undefined> {
  const item = await aws.getItem(state.table, state.lockId);
  const fromTable = parseLockJson(item?.Info);
  if (fromTable) return fromTable;
  const file = await aws.getObject(state.bucket, state.lockfileKey);
  return parseLockJson(file?.toString("utf8"));
}

/** Terraform's "Error acquiring the state lock" diagnostic, read back into the lock it names. */
export function lockFromTerraformError(output: string): LockInfo | undefined {
  const text = stripColours(output).replace(/[│╷╵]/g, "");
  const at = text.indexOf("Error acquiring the state lock");
  if (at < 0) return undefined;
  const block = text.slice(at);
  const field = (name: string) => block.match(new RegExp(`^\\s*${name}:[ \\t]*(.*)$`, "m"))?.[1]?.trim() || undefined;
  const ID = field("ID");
  if (!ID) return undefined;
  return {
    ID,
    Path: field("Path"),
    Operation: field("Operation"),
    Who: field("Who"),
    Version: field("Version"),
    Created: field("Created"),
  };
}

/** The unlock command for a lock, exactly as the operator should type it. */
export const unlockCommand = (target: StackTarget, lock: LockInfo): string => `npm run unlock -- ${target.name} ${lock.ID}`;

/** What the operator sees when a stack is locked: which lock, who took it and when, and how to release it. */
export function lockedMessage(target: StackTarget, lock: LockInfo): string {
  const operation = lock.Operation?.replace(/^OperationType/, "").toLowerCase();
  return [
    `The state of ${target.name} is locked${lock.Path ? ` (${lock.Path})` : ""}:`,
    `  lock id:   ${lock.ID}`,
    `  taken by:  ${lock.Who ?? "unknown"}${operation ? ` for terraform ${operation}` : ""}${lock.Version ? ` (Terraform ${lock.Version})` : ""}`,
    `  taken at:  ${lock.Created ?? "unknown"}`,
    "If that run is still going, wait for it. If it was killed or crashed, the lock stays until someone releases it:",
    `  ${unlockCommand(target, lock)}`,
    `Then plan again (npm run plan -- ${target.name}) before applying: an interrupted apply may have created resources it did not record.`,
    "",
  ].join("\n");
}
