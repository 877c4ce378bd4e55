/**
 * A stack's Terraform outputs, the way `npm run outputs` reads them: synth when the stack's JSON is
 * missing, `terraform init` (the S3 backend in the environment's account), `terraform output -json`.
 * The incident-response commands take the pool id from here, so nobody types it by hand.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Io } from "../cli/io";
import type { StackTarget } from "../cli/stacks";
import { stackDir, synth, terraformCapture, terraformInit } from "./terraform";

/** `terraform output -json` format. */
export type StackOutputs = Readonly<Record<string, { readonly value: unknown; readonly type?: unknown; readonly sensitive?: boolean }>>;

export type OutputsResult = { readonly ok: true; readonly json: string; readonly outputs: StackOutputs } | { readonly ok: false };

/**
 * Terraform's chatter goes to stderr, so the caller's stdout stays clean; with `quietInit` (the
 * incident commands, where the operator reads a table) init's output is shown only when it fails.
 */
export async function readStackOutputs(io: Io, target: StackTarget, options: { quietInit?: boolean } = {}): Promise<OutputsResult> {
  const quiet = { stdout: "stderr" as const };
  if (!existsSync(join(stackDir(io, target), "cdk.tf.json")) && (await synth(io, quiet)) !== 0) return { ok: false };
  let result: { code: number; stdout: string } | undefined;
  if (options.quietInit) {
    // Already initialized (a backend recorded in .terraform): `terraform output` needs nothing more, and
    // init costs seconds per call. If the backend changed, output fails and init runs as usual.
    if (existsSync(join(stackDir(io, target), ".terraform", "terraform.tfstate"))) {
      result = await terraformCapture(io, target, ["output", "-json"]);
      if (result.code !== 0) result = undefined;
    }
    if (!result) {
      const init = await terraformCapture(io, target, ["init", "-input=false"]);
      if (init.code !== 0) {
        io.err(`${init.stdout}terraform init of ${target.name} failed: see the output above.\n`);
        return { ok: false };
      }
    }
  } else if ((await terraformInit(io, target, quiet)) !== 0) return { ok: false };
  result ??= await terraformCapture(io, target, ["output", "-json"]);
  if (result.code !== 0) {
    io.err(`terraform output of ${target.name} failed: see the output above.\n`);
    return { ok: false };
  }
  return { ok: true, json: result.stdout, outputs: JSON.parse(result.stdout || "{}") as StackOutputs };
}
