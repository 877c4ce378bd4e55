/**
 * npm run state -- versions <stack>     the state object's versions: time, size, serial, lineage
 * npm run state -- restore <stack> <id> put one of them back (locked, digest updated, lineage checked)
 *
 * For a state that was overwritten with something that is not a state, deleted, or rolled back by
 * mistake: the state bucket keeps every version (versioning), and this restores one the way
 * Terraform writes state (scripts/lib/state/state-restore.ts says how and why).
 */
import { booleanOption, yesOption } from "./lib/cli/args";
import { stackCommand, withStack } from "./lib/cli/command";
import { confirm } from "./lib/cli/confirm";
import { EXIT, EXIT_CODES_HELP } from "./lib/cli/exit-codes";
import { runIfMain, type Io } from "./lib/cli/io";
import { checkAccount, checkLock } from "./lib/terraform/preflight";
import {
  md5Hex,
  referenceState,
  releaseLocks,
  renderHistory,
  restoredBody,
  restoreLock,
  stateHistory,
  takeLocks,
} from "./lib/state/state-restore";
import { remoteStateOf } from "./lib/state/state-lock";
import type { StackTarget } from "./lib/cli/stacks";

export const versionsSpec = stackCommand({
  name: "state",
  summary: "List the versions of the stack's state object in S3, newest first: version id, time, size, serial, lineage.",
  positionals: ["versions", "<stack>"],
  options: {},
  details: ["Restore one with: npm run state -- restore <stack> <version-id>"],
});

export const restoreSpec = stackCommand({
  name: "state",
  summary: "Write an earlier version of the stack's state object back as the current state.",
  positionals: ["restore", "<stack>", "<version-id>"],
  options: {
    yes: yesOption(),
    "force-lineage": booleanOption("restore a version whose lineage differs from the current state's (another state)"),
  },
  details: [
    "The restore takes the state lock while it writes (refused, exit 10, while someone holds it), gives the restored",
    "state a serial above every version (so plans saved against other versions are refused as stale), and sets the",
    "lock table's digest item <bucket>/<key>-md5 to the new object's MD5, which Terraform checks when it reads the state.",
    "A version whose lineage differs from the newest readable version's is another state: refused (exit 4) unless --force-lineage.",
    "Afterwards run npm run plan -- <stack>: it should show no changes.",
  ],
});

const overview = [
  "Usage: npm run state -- versions <stack>",
  "       npm run state -- restore <stack> <version-id> [--yes] [--force-lineage]",
  "",
  "versions: list the versions of the stack's state object (time, size, serial, lineage).",
  "restore:  write one of them back as the current state (prod-stage stacks ask for the environment name).",
  "Run `npm run state -- versions --help` or `npm run state -- restore --help` for details.",
  "",
  EXIT_CODES_HELP,
  "",
].join("\n");

export async function state(argv: readonly string[], io: Io): Promise<number> {
  const [sub] = argv;
  if (sub === "versions") return versions(argv, io);
  if (sub === "restore") return restore(argv, io);
  if (sub === undefined || sub === "--help" || sub === "-h") {
    (sub ? io.out : io.err)(overview);
    return sub ? EXIT.OK : EXIT.USAGE;
  }
  io.err(`state: unknown subcommand ${JSON.stringify(sub)}: expected versions or restore.\n${overview}`);
  return EXIT.USAGE;
}

function remoteOrExplain(io: Io, target: StackTarget) {
  const remote = remoteStateOf(target);
  if (!remote) io.err(`${target.name} keeps its state in a local file (state.bootstrapBackend is "local"): it has no versions in S3.\n`);
  return remote;
}

function versions(argv: readonly string[], io: Io): Promise<number> {
  return withStack(versionsSpec, argv, io, async (target) => {
    const remote = remoteOrExplain(io, target);
    if (!remote) return EXIT.FAILED;
    const refused = await checkAccount(io, target);
    if (refused !== undefined) return refused;
    const rows = await stateHistory(io.aws(target.env), remote);
    io.out(`${renderHistory(remote, rows)}\n`);
    const current = rows.find((r) => r.version.isLatest);
    if (current && !current.state)
      io.err(
        `The current state of ${target.name} is ${current.version.deleteMarker ? "deleted" : "not a Terraform state"}. ` +
          `Restore the newest good version with: npm run state -- restore ${target.name} <version-id>\n`,
      );
    return EXIT.OK;
  });
}

function restore(argv: readonly string[], io: Io): Promise<number> {
  return withStack(restoreSpec, argv, io, async (target, values, positionals) => {
    const versionId = positionals[2];
    const remote = remoteOrExplain(io, target);
    if (!remote) return EXIT.FAILED;
    const refused = (await checkAccount(io, target)) ?? (await checkLock(io, target));
    if (refused !== undefined) return refused;
    const aws = io.aws(target.env);
    const rows = await stateHistory(aws, remote);
    const chosen = rows.find((r) => r.version.versionId === versionId);
    if (!chosen || chosen.version.deleteMarker) {
      io.err(
        `state: ${versionId} is not a version of s3://${remote.bucket}/${remote.key}${chosen ? " (it is a delete marker)" : ""}. ` +
          `List them with: npm run state -- versions ${target.name}\n`,
      );
      return EXIT.USAGE;
    }
    if (!chosen.state) {
      io.err(`Refusing to restore ${versionId}: it is not a Terraform state (it does not parse as one). Pick another version.\n`);
      return EXIT.REFUSED;
    }
    const reference = referenceState(rows);
    if (reference?.state && reference.state.lineage !== chosen.state.lineage && values["force-lineage"] !== true) {
      io.err(
        `Refusing to restore ${versionId}: its lineage ${chosen.state.lineage} differs from the current state's ${reference.state.lineage} ` +
          `(version ${reference.version.versionId}, serial ${reference.state.serial}). It is another state, not an earlier version of this one. ` +
          "If you are sure, run again with --force-lineage.\n",
      );
      return EXIT.REFUSED;
    }
    const confirmation = await confirm(
      target,
      `restore state version ${versionId} (serial ${chosen.state.serial}) of`,
      values.yes === true,
      io,
    );
    if (!confirmation.ok) {
      io.err(confirmation.message);
      return EXIT.REFUSED;
    }
    const raw = (await aws.getObject(remote.bucket, remote.key, versionId)) as Buffer;
    const body = restoredBody(chosen.state, raw, rows);
    const lock = restoreLock(remote, `npm run state -- restore ${target.name} ${versionId}`);
    if (!(await takeLocks(aws, remote, lock))) {
      io.err(`The state of ${target.name} was locked by someone else just now: nothing was restored. Try again when their run is over.\n`);
      return EXIT.LOCKED;
    }
    const digest = md5Hex(body);
    try {
      await aws.putObject(remote.bucket, remote.key, body, remote.kmsKeyId);
      await aws.putItem(remote.table, { LockID: remote.digestId, Digest: digest }, false);
    } finally {
      await releaseLocks(aws, remote);
    }
    const serial = (JSON.parse(body.toString("utf8")) as { serial: number }).serial;
    io.err(
      `Restored version ${versionId} of s3://${remote.bucket}/${remote.key} (lineage ${chosen.state.lineage}) as serial ${serial}; ` +
        `digest ${remote.digestId} set to ${digest}.\nNext: npm run plan -- ${target.name} (it should show no changes).\n`,
    );
    return EXIT.OK;
  });
}

runIfMain(module, state);
