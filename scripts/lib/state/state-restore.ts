/**
 * The state object's history, and putting an earlier version back through Terraform. The state
 * bucket is versioned (stacks/constructs/state-bucket.ts) precisely so a corrupted or deleted state
 * can be recovered; the recovery is `terraform state push` of the chosen version, so Terraform takes
 * its own locks (the table item and the .tflock object), writes the object as the backend block says
 * (SSE-KMS with the state key, which the bucket policy requires) and writes its own digest item
 * `<bucket>/<key>-md5`. Nothing here writes any of them: when Terraform changes that protocol, the
 * restore changes with it.
 * https://developer.hashicorp.com/terraform/cli/commands/state/push
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/RestoringPreviousVersions.html
 *
 * The pushed file is the version with one change: a serial above every serial the history holds, so
 * a plan saved against any other version is refused as stale. Being above the current serial, it
 * passes `state push`'s own check (a lower serial or another lineage is refused without -force).
 * -force is passed only for a version of another lineage that the operator confirmed
 * (--force-lineage) over a current state Terraform reads, and for the second push below; never for
 * the serial, because that check is what refuses the push when someone wrote a newer state after
 * the history was read.
 *
 * What Terraform cannot do (Terraform 1.11.4; internal/command/state_push.go, internal/backend/
 * remote-state/s3/client.go Get, internal/states/remote/state.go refreshState and PersistState):
 * - `state push` reads the current object before it writes, and no flag skips that read. It fails
 *   when the object was deleted while the digest item still holds the MD5 of the last state
 *   Terraform wrote (Get retries for 10 s: "state data in S3 does not have the expected content"),
 *   and when the object is not a state (reading it fails, whatever the digest says). Only in those
 *   two cases, and named before the confirmation, this command first deletes the digest item, on
 *   the condition that it still holds the value read (a state Terraform writes meanwhile changes it,
 *   and the restore stops), and the unreadable object (a delete marker: the bucket keeps it as a
 *   noncurrent version, listed by `versions`).
 * - Pushed where there is no state, Terraform keeps the content but not the lineage or serial: with
 *   no remote object refreshState empties both and PersistState makes a new lineage, serial 1. Seen
 *   on the emulator too. So onto no state the same file is pushed a second time, with -force over
 *   the lineage Terraform has just made (its own check refuses another lineage): the version's
 *   lineage comes back, with Terraform's serial + 1. If a later Terraform keeps the lineage, the
 *   read-back after the first push finds it and the second push is skipped.
 * The lock was checked just before; between the deletes and Terraform's lock, and between the two
 * pushes, a Terraform run would find no state or the new lineage (`plan` refuses a missing state
 * while a pool of its name exists). The restore ends by reading the object back: it fails unless
 * the version's lineage is there (../terraform/state-push.ts).
 */
import type { AwsApi, ObjectVersion } from "../aws/ops-aws";
import { parseState, type StateSnapshot } from "./state-file";
import type { RemoteState } from "./state-lock";

export interface VersionRow {
  readonly version: ObjectVersion;
  /** The version's bytes, undefined for a delete marker. */
  readonly bytes?: Buffer;
  /** The parsed state, undefined for a delete marker or bytes that are not a state. */
  readonly state?: StateSnapshot;
}

/** Every version of the state object, newest first, each read and parsed. */
export async function stateHistory(aws: AwsApi, remote: RemoteState): Promise<VersionRow[]> {
  const versions = await aws.objectVersions(remote.bucket, remote.key);
  const rows: VersionRow[] = [];
  for (const version of versions) {
    if (version.deleteMarker) rows.push({ version });
    else {
      const bytes = await aws.getObject(remote.bucket, remote.key, version.versionId);
      rows.push({ version, bytes, state: parseState(bytes) });
    }
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

/** The state to push: a version's content (one of `rows`) with a serial above every serial in the history. */
export function restoredBody(raw: Buffer, rows: readonly VersionRow[]): Buffer {
  const highest = Math.max(...rows.flatMap((r) => (r.state ? [r.state.serial] : [])));
  const json = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
  json.serial = highest + 1;
  return Buffer.from(`${JSON.stringify(json, null, 2)}\n`);
}

/** What `terraform state push` cannot get past (see the top of this file); nothing when the current object is a state. */
export interface PushObstacles {
  /** The digest item's value, when the current object is missing or not a state and the item exists. */
  readonly staleDigest?: string;
  /** The current object exists and is not a Terraform state. */
  readonly unreadableObject: boolean;
  /** There is no readable current state (deleted, never written, or unreadable): Terraform pushes onto no state. */
  readonly ontoNoState: boolean;
}

export async function pushObstacles(aws: AwsApi, remote: RemoteState, rows: readonly VersionRow[]): Promise<PushObstacles> {
  const current = rows.find((r) => r.version.isLatest);
  if (current?.state) return { unreadableObject: false, ontoNoState: false };
  const staleDigest = (await aws.getItem(remote.table, remote.digestId))?.Digest;
  return { staleDigest, unreadableObject: current !== undefined && !current.version.deleteMarker, ontoNoState: true };
}

/** ["-force"] only over a current state of another lineage, which the lineage check let through only with --force-lineage. */
export function forceArgs(rows: readonly VersionRow[], chosen: StateSnapshot): string[] {
  const current = rows.find((r) => r.version.isLatest)?.state;
  return current && current.lineage !== chosen.lineage ? ["-force"] : [];
}

export interface Restore {
  readonly versionId: string;
  /** The version's lineage, which the restored state must have. */
  readonly lineage: string;
  /** restoredBody of the version. */
  readonly body: Buffer;
  readonly force: readonly string[];
  readonly obstacles: PushObstacles;
}

export const digestStep = (remote: RemoteState, digest: string) =>
  `delete the digest item ${remote.digestId} of ${remote.table} (${digest}, the MD5 of a state that is no longer the current object)`;
export const objectStep = (remote: RemoteState) =>
  `delete the current object s3://${remote.bucket}/${remote.key}, which is not a Terraform state (a delete marker: that version stays in the history)`;

const serialOf = (body: Buffer): number => (JSON.parse(body.toString("utf8")) as { serial: number }).serial;

/** What the restore will do, one numbered line per step, for the operator to read before confirming. */
export function restoreSteps(remote: RemoteState, restore: Restore): string[] {
  const { staleDigest, unreadableObject, ontoNoState } = restore.obstacles;
  const serial = serialOf(restore.body);
  const because = "terraform state push cannot read past it";
  return [
    ...(staleDigest !== undefined ? [`${digestStep(remote, staleDigest)}: ${because}`] : []),
    ...(unreadableObject ? [`${objectStep(remote)}: ${because}`] : []),
    `${["terraform state push", ...restore.force].join(" ")} of the version as serial ${serial}: Terraform takes the state lock and writes the object and its digest` +
      (ontoNoState ? " (onto no state, under a new lineage of its own)" : ""),
    ...(ontoNoState
      ? [`terraform state push -force of the same file over that new lineage: lineage ${restore.lineage} back, serial ${serial + 1}`]
      : []),
  ].map((step, i) => `  ${i + 1}. ${step}`);
}
