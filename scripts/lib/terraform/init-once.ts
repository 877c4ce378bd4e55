/**
 * `terraform init` only when the working directory needs it. Init costs a second or more (backend
 * set-up, provider installation) and changes nothing when the backend block, the provider
 * requirements and the dependency lock file are what the last successful init saw: synth rewrites
 * cdk.tf.json but leaves .terraform/ and .terraform.lock.hcl in place.
 *
 * After each successful init a fingerprint of those three is written to .terraform/; the next
 * command skips init when it matches and says so. Anything else (no .terraform, a changed backend
 * or lock file, a fingerprint from an older run) runs init as before. Terraform itself refuses to
 * plan with a backend or lock file that init has not seen ("Backend initialization required",
 * "Inconsistent dependency lock file"), and plan.ts then runs init and tries once more.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Io, RunOptions } from "../cli/io";
import type { StackTarget } from "../cli/stacks";
import { shown, stackDir, terraformBin, terraformInit } from "./terraform";

const MARKER = join(".terraform", "taskflow-init.json");

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const readOr = (file: string, fallback: string) => (existsSync(file) ? readFileSync(file, "utf8") : fallback);

/** What init depends on: the terraform block (backend, required providers), the lock file, the binary. */
function fingerprint(io: Io, dir: string): string | undefined {
  const file = join(dir, "cdk.tf.json");
  if (!existsSync(file)) return undefined;
  const terraformBlock = (JSON.parse(readFileSync(file, "utf8")) as { terraform?: unknown }).terraform ?? null;
  return JSON.stringify({
    terraform: sha256(JSON.stringify(terraformBlock)),
    lockFile: sha256(readOr(join(dir, ".terraform.lock.hcl"), "")),
    binary: terraformBin(io),
  });
}

/** True when the working directory was initialised for exactly this backend, these providers and this lock file. */
export function initialised(io: Io, target: StackTarget): boolean {
  const dir = stackDir(io, target);
  const current = fingerprint(io, dir);
  return current !== undefined && readOr(join(dir, MARKER), "") === current;
}

/** `terraform init`, unless the working directory is already initialised for the same configuration. */
export async function initIfNeeded(io: Io, target: StackTarget, options: RunOptions & { force?: boolean } = {}): Promise<number> {
  const dir = stackDir(io, target);
  if (!options.force && initialised(io, target)) {
    io.err(`terraform init skipped: ${shown(io, dir)} is initialised for this backend, these providers and this lock file.\n`);
    return 0;
  }
  const code = await terraformInit(io, target, options);
  const current = code === 0 ? fingerprint(io, dir) : undefined;
  if (current !== undefined && existsSync(join(dir, ".terraform"))) writeFileSync(join(dir, MARKER), current);
  return code;
}

/** Terraform's refusals that mean "run init first" (the fingerprint could not have known). */
export const needsInit = (stderr: string): boolean =>
  /Backend initialization required|Inconsistent dependency lock file|Required plugins are not installed|Missing required provider|please run "terraform init"/i.test(
    stderr,
  );
