/**
 * The confirmation rule for anything that changes a prod-stage stack (prod and state-prod):
 * the operator types the environment's name. Without a terminal (CI) nobody can type it, so the
 * command refuses unless --yes says the pipeline has its own approval step. The seed's script
 * exited 0 on "no", which a pipeline reads as "deployed": here a refusal is EXIT.REFUSED.
 */
import type { Io } from "./io";
import type { StackTarget } from "./stacks";

export type Confirmation = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** Stacks whose changes need the typed confirmation: every stack of a prod-stage environment. */
export const needsConfirmation = (target: StackTarget): boolean => target.env.stage === "prod";

export async function confirm(target: StackTarget, verb: string, yes: boolean, io: Io): Promise<Confirmation> {
  if (!needsConfirmation(target) || yes) return { ok: true };
  const { env } = target;
  if (!io.interactive) {
    return {
      ok: false,
      message: `Refusing to ${verb} ${target.name} without confirmation: there is no terminal to type "${env.name}" in. In a pipeline, pass --yes after its approval step.\n`,
    };
  }
  const answer = await io.ask(
    `You are about to ${verb} ${target.name} (account ${env.accountId}, ${env.region}).\nType the environment name "${env.name}" to continue: `,
  );
  if (answer.trim() === env.name) return { ok: true };
  return { ok: false, message: `Cancelled: you typed ${JSON.stringify(answer.trim())}, not "${env.name}". Nothing was changed.\n` };
}
