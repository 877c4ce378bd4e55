/**
 * npm run unlock -- <stack> <lock-id> [--yes]: releases a state lock left behind by a run that was
 * killed or crashed (`terraform force-unlock`), after checking that the id is the lock held right
 * now: an id copied from an old message must not release somebody else's running apply.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { yesOption } from "./lib/cli/args";
import { stackCommand, withStack } from "./lib/cli/command";
import { confirm } from "./lib/cli/confirm";
import { EXIT } from "./lib/cli/exit-codes";
import { runIfMain, type Io } from "./lib/cli/io";
import { checkAccount } from "./lib/terraform/preflight";
import { currentLock, lockedMessage, remoteStateOf } from "./lib/state/state-lock";
import { stackDir, synth, terraform, terraformInit } from "./lib/terraform/terraform";

export const spec = stackCommand({
  name: "unlock",
  summary: "Release the state lock <lock-id> of one stack, left by a killed or crashed run (terraform force-unlock).",
  positionals: ["<stack>", "<lock-id>"],
  options: { yes: yesOption() },
  details: [
    "The lock id is printed by plan, apply and deploy when they find the state locked (exit 10), with who took it and when.",
    "unlock refuses (exit 4) an id that is not the lock held right now. Release a lock only when the run that took it",
    "is gone: two runs writing one state lose changes. Plan again afterwards: an interrupted apply may have created",
    "resources it did not record (plan stops, exit 3, if a user pool of the configured name is outside the state).",
  ],
});

export function unlock(argv: readonly string[], io: Io): Promise<number> {
  return withStack(spec, argv, io, async (target, values, positionals) => {
    const id = positionals[1];
    const remote = remoteStateOf(target);
    if (!remote) {
      io.err(`${target.name} keeps its state in a local file (state.bootstrapBackend is "local"): there is no remote lock to release.\n`);
      return EXIT.FAILED;
    }
    const wrongAccount = await checkAccount(io, target);
    if (wrongAccount !== undefined) return wrongAccount;
    const lock = await currentLock(io.aws(target.env), remote);
    if (!lock) {
      io.err(
        `Refusing to unlock ${target.name}: its state is not locked (no lock ${id} in ${remote.table} or s3://${remote.bucket}/${remote.lockfileKey}). Nothing to do.\n`,
      );
      return EXIT.REFUSED;
    }
    if (lock.ID !== id) {
      io.err(`Refusing to unlock ${target.name}: ${id} is not the current lock.\n${lockedMessage(target, lock)}`);
      return EXIT.REFUSED;
    }
    io.err(lockedMessage(target, lock).split("\n").slice(0, 4).join("\n") + "\n");
    const confirmation = await confirm(target, `release the state lock ${id} of`, values.yes === true, io);
    if (!confirmation.ok) {
      io.err(confirmation.message);
      return EXIT.REFUSED;
    }
    if (!existsSync(join(stackDir(io, target), "cdk.tf.json")) && (await synth(io)) !== 0) return EXIT.FAILED;
    if ((await terraformInit(io, target)) !== 0) return EXIT.FAILED;
    if ((await terraform(io, target, ["force-unlock", "-force", id])) !== 0) {
      io.err(`terraform force-unlock of ${target.name} failed: see the output above. The lock may still be held.\n`);
      return EXIT.FAILED;
    }
    const left = await currentLock(io.aws(target.env), remote);
    if (left) {
      io.err(`terraform force-unlock ran, but ${target.name} is still locked:\n${lockedMessage(target, left)}`);
      return EXIT.FAILED;
    }
    io.err(
      `Released the state lock ${id} of ${target.name}.\n` +
        `Next: npm run plan -- ${target.name}. The interrupted run may have created resources it did not record; plan checks for a user pool outside the state before Terraform plans.\n`,
    );
    return EXIT.OK;
  });
}

runIfMain(module, unlock);
