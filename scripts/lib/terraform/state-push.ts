/**
 * The confirmed restore, done by Terraform: the deletes `terraform state push` cannot get past, the
 * push (twice onto no state), and the read-back that the version's lineage is in the bucket. Why
 * each step, with the Terraform source that settles it: state-restore.ts.
 * https://developer.hashicorp.com/terraform/cli/commands/state/push
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT } from "../cli/exit-codes";
import type { Io } from "../cli/io";
import { parseState } from "../state/state-file";
import { lockedMessage, lockFromTerraformError, type RemoteState } from "../state/state-lock";
import { digestStep, objectStep, type Restore } from "../state/state-restore";
import type { StackTarget } from "../cli/stacks";
import { terraform } from "./terraform";

/** `terraform state push` of `body` from a private temporary file (a state holds secrets), removed afterwards. */
async function statePush(
  io: Io,
  target: StackTarget,
  body: Buffer,
  force: readonly string[],
  onStderr: (chunk: string) => void,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "taskflow-restore-"));
  try {
    const file = join(dir, `${target.name}.tfstate`);
    writeFileSync(file, body, { mode: 0o600 });
    return await terraform(io, target, ["state", "push", ...force, file], { onStderr });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The confirmed restore: the deletes its obstacles need, then `terraform state push`; the exit status. */
export async function restoreThroughTerraform(io: Io, target: StackTarget, remote: RemoteState, restore: Restore): Promise<number> {
  const aws = io.aws(target.env);
  const { staleDigest, unreadableObject } = restore.obstacles;
  const deleted: string[] = [];
  if (staleDigest !== undefined) {
    if (!(await aws.deleteItemIf(remote.table, remote.digestId, "Digest", staleDigest))) {
      io.err(
        `The digest item ${remote.digestId} changed since it was read: the state of ${target.name} was written meanwhile. ` +
          `Nothing was restored; list the versions again: npm run state -- versions ${target.name}\n`,
      );
      return EXIT.FAILED;
    }
    deleted.push(digestStep(remote, staleDigest));
  }
  if (unreadableObject) {
    await aws.deleteObject(remote.bucket, remote.key);
    deleted.push(objectStep(remote));
  }
  let stderr = "";
  const push = (force: readonly string[]) => statePush(io, target, restore.body, force, (chunk) => (stderr += chunk));
  const readBack = async () => parseState(await aws.getObject(remote.bucket, remote.key));
  let code = await push(restore.force);
  let written = code === 0 ? await readBack() : undefined;
  const newLineage = written && written.lineage !== restore.lineage && restore.obstacles.ontoNoState ? written.lineage : undefined;
  if (written && newLineage) {
    io.err(
      `Terraform stored the version under a new lineage ${written.lineage} (serial ${written.serial}), as it does onto no state; ` +
        `pushing the same file with -force over it puts lineage ${restore.lineage} back.\n`,
    );
    code = await push(["-force"]);
    written = code === 0 ? await readBack() : undefined;
  }
  if (code !== 0) {
    const lock = lockFromTerraformError(stderr);
    const before = deleted.length
      ? ` Before it, this command did: ${deleted.join("; ")}. The state of ${target.name} stays missing until a restore succeeds.`
      : "";
    const outcome = newLineage
      ? `The version's content is the current state, but under Terraform's new lineage ${newLineage}: run the same restore again with --force-lineage once the cause is fixed.`
      : `Nothing was restored.${before} Run the same restore again once the cause is fixed.`;
    io.err(
      `${lock ? `\n${lockedMessage(target, lock)}` : `terraform state push to ${target.name} failed: see the output above.\n`}${outcome}\n`,
    );
    return lock ? EXIT.LOCKED : EXIT.FAILED;
  }
  if (written?.lineage !== restore.lineage) {
    io.err(
      `terraform state push succeeded, but s3://${remote.bucket}/${remote.key} ${written ? `has lineage ${written.lineage}, not ${restore.lineage}` : "does not read as a Terraform state"} now. ` +
        `List the versions: npm run state -- versions ${target.name}\n`,
    );
    return EXIT.FAILED;
  }
  io.err(
    `Restored version ${restore.versionId} of s3://${remote.bucket}/${remote.key} through terraform state push: ` +
      `lineage ${written.lineage}, serial ${written.serial}; Terraform took the state lock and wrote the digest item ${remote.digestId}.\n` +
      `Next: npm run plan -- ${target.name} (it should show no changes).\n`,
  );
  return EXIT.OK;
}
