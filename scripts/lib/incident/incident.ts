/**
 * What `npm run user` and `npm run investigate` share: they work on an environment (not its
 * bootstrap stack), check the caller's account before any other AWS call, take the pool id from
 * the stack's Terraform outputs (never typed by hand), and print tables.
 */
import type { EnvironmentConfig } from "../../../config";
import { EXIT } from "../cli/exit-codes";
import type { CallerIdentity, IncidentAws } from "../aws/incident-aws";
import type { Io } from "../cli/io";
import { readStackOutputs } from "../terraform/stack-outputs";
import type { StackTarget } from "../cli/stacks";

export const ENVIRONMENT_HELP =
  "<env> is an environment from config/environments.ts (dev, staging, prod, ...). Run it with credentials of that\nenvironment's account (e.g. AWS_PROFILE): the account is checked before anything else is called.";

/** Refusal message for a bootstrap stack name, or undefined for an environment. */
export function environmentOnly(command: string, target: StackTarget): string | undefined {
  return target.kind === "environment"
    ? undefined
    : `${command} works on an environment (${target.env.name}), not on its bootstrap stack ${target.name}.\n`;
}

/**
 * STS GetCallerIdentity, compared with the environment's account: a responder with prod's
 * session must not disable a user of staging's pool by mistake (and vice versa).
 */
export async function checkAccount(
  aws: IncidentAws,
  env: EnvironmentConfig,
  io: Io,
): Promise<{ ok: true; caller: CallerIdentity } | { ok: false; code: number }> {
  let caller: CallerIdentity;
  try {
    caller = await aws.callerIdentity();
  } catch (e) {
    io.err(
      `Cannot tell who you are (STS GetCallerIdentity failed: ${(e as Error).message}). Set credentials for ${env.name}'s account ${env.accountId}.\n`,
    );
    return { ok: false, code: EXIT.FAILED };
  }
  if (caller.account !== env.accountId) {
    io.err(
      `Wrong account: your credentials are ${caller.arn} in account ${caller.account}, but ${env.name} is account ${env.accountId}. ` +
        `Nothing was called. Use ${env.name}'s credentials (e.g. its AWS_PROFILE or responder role).\n`,
    );
    return { ok: false, code: EXIT.WRONG_ACCOUNT };
  }
  return { ok: true, caller };
}

/** The user pool id from the stack's outputs (user_pool_id), as `npm run outputs` reads them. */
export async function userPoolId(io: Io, target: StackTarget): Promise<{ ok: true; poolId: string } | { ok: false; code: number }> {
  const result = await readStackOutputs(io, target, { quietInit: true });
  if (!result.ok) return { ok: false, code: EXIT.FAILED };
  const value = result.outputs.user_pool_id?.value;
  if (typeof value !== "string" || value === "") {
    io.err(
      `${target.name} has no user_pool_id output (${Object.keys(result.outputs).length ? `outputs: ${Object.keys(result.outputs).join(", ")}` : "no outputs at all"}). ` +
        `Is it deployed? Check with npm run outputs -- ${target.name} --stdout. Nothing was changed.\n`,
    );
    return { ok: false, code: EXIT.NOT_DEPLOYED };
  }
  return { ok: true, poolId: value };
}

/** A plain-text table: a header, a rule, one line per row; columns as wide as their longest value. */
export function formatTable(columns: readonly string[], rows: readonly Readonly<Record<string, string>>[]): string {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return (
    [line(columns), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c] ?? "")))].join("\n") + "\n"
  );
}

/** ISO time without milliseconds, UTC: what a ticket wants. */
export const isoTime = (d: Date | undefined): string => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "");
