/**
 * npm run state -- versions <stack>     the state object's versions: time, size, serial, lineage
 * npm run state -- restore <stack> <id> put one of them back through terraform state push (lineage checked)
 *
 * For a state that was overwritten with something that is not a state, deleted, or rolled back by
 * mistake: the state bucket keeps every version (versioning), and Terraform writes one of them back
 * with its own lock and digest (scripts/lib/state/state-restore.ts says how, and what Terraform cannot do).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { booleanOption, yesOption } from "./lib/cli/args";
import { stackCommand, withStack } from "./lib/cli/command";
import { confirm } from "./lib/cli/confirm";
import { EXIT, EXIT_CODES_HELP } from "./lib/cli/exit-codes";
import { initIfNeeded } from "./lib/terraform/init-once";
import { runIfMain, type Io } from "./lib/cli/io";
import { checkAccount, checkLock } from "./lib/terraform/preflight";
import {
  forceArgs,
  pushObstacles,
  referenceState,
  renderHistory,
  restoredBody,
  restoreSteps,
  stateHistory,
  type Restore,
} from "./lib/state/state-restore";
import { restoreThroughTerraform } from "./lib/terraform/state-push";
import { remoteStateOf } from "./lib/state/state-lock";
import type { StackTarget } from "./lib/cli/stacks";
import { stackDir, synth } from "./lib/terraform/terraform";

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
    "The restore is terraform state push of the version with a serial above every version (so plans saved against other",
    "versions are refused as stale): Terraform takes the state lock (refused, exit 10, while someone holds it) and writes",
    "the object and its digest. When the current object is deleted or not a state, push cannot read past it: the restore",
    "first deletes the stale digest item <bucket>/<key>-md5 (and an unreadable object, as a delete marker), and says so first.",
    "Onto no state Terraform gives the pushed content a new lineage: a second push with -force over it brings the version's back.",
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
    if (!chosen.state || !chosen.bytes) {
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
    const restoring: Restore = {
      versionId,
      lineage: chosen.state.lineage,
      body: restoredBody(chosen.bytes, rows),
      force: forceArgs(rows, chosen.state),
      obstacles: await pushObstacles(aws, remote, rows),
    };
    io.err(
      `Restoring version ${versionId} (serial ${chosen.state.serial}, lineage ${chosen.state.lineage}) of s3://${remote.bucket}/${remote.key}:\n` +
        `${restoreSteps(remote, restoring).join("\n")}\n`,
    );
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
    if (!existsSync(join(stackDir(io, target), "cdk.tf.json")) && (await synth(io)) !== 0) return EXIT.FAILED;
    if ((await initIfNeeded(io, target)) !== 0) return EXIT.FAILED;
    return restoreThroughTerraform(io, target, remote, restoring);
  });
}

runIfMain(module, state);
