/**
 * The state object's history and putting an earlier version back. The state bucket is versioned
 * (stacks/constructs/state-bucket.ts) precisely so a corrupted or deleted state can be recovered;
 * this is that recovery done the way Terraform itself writes state:
 * - under the same two locks Terraform takes (table item and .tflock object), so no plan or apply
 *   runs while the object changes;
 * - with the DynamoDB digest item `<bucket>/<key>-md5` set to the MD5 of what was written, because
 *   Terraform refuses a state whose MD5 differs from the digest ("state data in S3 does not have the
 *   expected content");
 * - with a serial above every serial the history holds, so a plan saved against any other version
 *   is refused as stale rather than applied onto the restored one.
 * https://developer.hashicorp.com/terraform/language/backend/s3 (dynamodb_table, use_lockfile)
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/RestoringPreviousVersions.html
 */
import { createHash, randomUUID } from "node:crypto";
import { hostname, userInfo } from "node:os";
import type { AwsApi, ObjectVersion } from "../aws/ops-aws";
import { parseState, type StateSnapshot } from "./state-file";
import type { LockInfo, RemoteState } from "./state-lock";

export interface VersionRow {
  readonly version: ObjectVersion;
  /** The parsed state, undefined for a delete marker or bytes that are not a state. */
  readonly state?: StateSnapshot;
}

/** Every version of the state object, newest first, each read and parsed. */
export async function stateHistory(aws: AwsApi, remote: RemoteState): Promise<VersionRow[]> {
  const versions = await aws.objectVersions(remote.bucket, remote.key);
  const rows: VersionRow[] = [];
  for (const version of versions) {
    if (version.deleteMarker) rows.push({ version });
    else rows.push({ version, state: parseState(await aws.getObject(remote.bucket, remote.key, version.versionId)) });
  }
  return rows;
}

/** The lineage restores are compared with: the newest version that is a readable state. */
export const referenceState = (rows: readonly VersionRow[]): VersionRow | undefined => rows.find((r) => r.state);

export function renderHistory(remote: RemoteState, rows: readonly VersionRow[]): string {
  const table = rows.map((r) => [
    r.version.versionId,
    r.version.lastModified?.toISOString() ?? "",
    r.version.deleteMarker ? "-" : String(r.version.size ?? ""),
    r.state ? String(r.state.serial) : "-",
    r.state?.lineage ?? "-",
    [
      r.version.isLatest ? "current" : "",
      r.version.deleteMarker ? "delete marker (object deleted)" : r.state ? "" : "not a Terraform state",
    ]
      .filter(Boolean)
      .join(", "),
  ]);
  const head = ["version id", "time (UTC)", "size", "serial", "lineage", "note"];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [
    `Versions of s3://${remote.bucket}/${remote.key}, newest first:`,
    line(head),
    ...table.map(line),
    rows.length ? "" : "(no versions: the state was never written)",
  ].join("\n");
}

/** The state to write back: the version's content with a serial above every serial in the history. */
export function restoredBody(chosen: StateSnapshot, raw: Buffer, rows: readonly VersionRow[]): Buffer {
  const highest = Math.max(...rows.flatMap((r) => (r.state ? [r.state.serial] : [])), chosen.serial);
  const json = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
  json.serial = highest + 1;
  return Buffer.from(`${JSON.stringify(json, null, 2)}\n`);
}

export const md5Hex = (body: Buffer): string => createHash("md5").update(body).digest("hex");

/** A lock record in Terraform's own format, so Terraform's message names this command if it meets it. */
export function restoreLock(remote: RemoteState, what: string): LockInfo {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry (containers) */
  }
  return {
    ID: randomUUID(),
    Operation: "OperationTypeInvalid",
    Info: what,
    Who: `${user}@${hostname()}`,
    Version: "",
    Created: new Date().toISOString(),
    Path: remote.lockId,
  };
}

/** Takes both locks; false (and nothing held) when either is taken. */
export async function takeLocks(aws: AwsApi, remote: RemoteState, lock: LockInfo): Promise<boolean> {
  const info = JSON.stringify(lock);
  if (!(await aws.putItem(remote.table, { LockID: remote.lockId, Info: info }, true))) return false;
  if (!(await aws.putObjectIfAbsent(remote.bucket, remote.lockfileKey, Buffer.from(info), remote.kmsKeyId))) {
    await aws.deleteItem(remote.table, remote.lockId);
    return false;
  }
  return true;
}

export async function releaseLocks(aws: AwsApi, remote: RemoteState): Promise<void> {
  await aws.deleteObject(remote.bucket, remote.lockfileKey);
  await aws.deleteItem(remote.table, remote.lockId);
}
