/**
 * Checks every command that touches a stack's state makes first, before it writes anything
 * (plans/, cdktf.out/, the state, a lock):
 * - the credentials belong to the environment's account (STS GetCallerIdentity). Expired or wrong
 *   credentials would otherwise fail half-way (the provider checks allowed_account_ids only after
 *   init, and the backend may already have read another account's bucket); here they are refused
 *   naming the expected and the found account.
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 * - nobody holds the state lock. Terraform would refuse too, but only after synth and init, and its
 *   message does not say how to release a lock left by a killed run.
 */
import { awsErrorText } from "../aws/ops-aws";
import { EXIT } from "../cli/exit-codes";
import type { Io } from "../cli/io";
import type { CommandSpec } from "../cli/args";
import { withStack, type StackBody } from "../cli/command";
import { currentLock, lockedMessage, remoteStateOf } from "../state/state-lock";
import type { StackTarget } from "../cli/stacks";

/** EXIT.WRONG_ACCOUNT with a message, or undefined when the credentials are the environment's. */
export async function checkAccount(io: Io, target: StackTarget): Promise<number | undefined> {
  const { env } = target;
  let found: string;
  try {
    found = await io.aws(env).callerAccount();
  } catch (e) {
    io.err(
      `Refusing to touch ${target.name}: the AWS credentials could not be verified (${awsErrorText(e)}).\n` +
        `Expected credentials of account ${env.accountId} (${env.name}). They may be missing or expired: ` +
        `sign in again (e.g. aws sso login, or a fresh session of the deploy role) and retry. Nothing was written.\n`,
    );
    return EXIT.WRONG_ACCOUNT;
  }
  if (found !== env.accountId) {
    io.err(
      `Refusing to touch ${target.name}: the AWS credentials belong to account ${found}, but ${env.name} is account ${env.accountId}.\n` +
        `Use credentials of ${env.accountId} (e.g. AWS_PROFILE for ${env.name}). Nothing was written.\n`,
    );
    return EXIT.WRONG_ACCOUNT;
  }
  return undefined;
}

/** EXIT.LOCKED with the lock and the unlock command, or undefined when the state is not locked. */
export async function checkLock(io: Io, target: StackTarget): Promise<number | undefined> {
  const state = remoteStateOf(target);
  if (!state) return undefined;
  const lock = await currentLock(io.aws(target.env), state);
  if (!lock) return undefined;
  io.err(lockedMessage(target, lock));
  return EXIT.LOCKED;
}

/** Both checks, in order; the first refusal's exit status, or undefined when the command may go on. */
export async function preflight(io: Io, target: StackTarget): Promise<number | undefined> {
  return (await checkAccount(io, target)) ?? (await checkLock(io, target));
}

/** withStack for a command that reads or writes the stack's state: `body` runs only after preflight passed. */
export function withCheckedStack(spec: CommandSpec, argv: readonly string[], io: Io, body: StackBody): Promise<number> {
  return withStack(
    spec,
    argv,
    io,
    async (target, values, positionals) => (await preflight(io, target)) ?? body(target, values, positionals),
  );
}
