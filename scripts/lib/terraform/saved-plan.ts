/**
 * One saved Terraform plan with its text and its JSON, in as few Terraform runs as Terraform
 * allows: the text is what `terraform plan` prints while it plans (the same rendering `terraform
 * show` would give of the saved file, plus the refresh lines before it), so only `show -json` runs
 * afterwards; every `show` starts the provider again to read its schema. Shared by plan and drift.
 */
import type { Io, RunOptions } from "../cli/io";
import { initIfNeeded, needsInit } from "./init-once";
import type { StackTarget } from "../cli/stacks";
import { terraform, terraformCapture } from "./terraform";
import { stripColours } from "../cli/colours";

export interface SavedPlan {
  /** Exit status of `terraform plan` (0: the plan file is written). */
  readonly code: number;
  /** What Terraform wrote to stderr (errors, e.g. a prevent_destroy refusal). */
  readonly stderr: string;
  /** The plan as text, colours removed. */
  readonly text: string;
  /** `terraform show -json` of the plan file (undefined when plan or show failed). */
  readonly json?: string;
}

async function runPlan(io: Io, target: StackTarget, args: readonly string[], options: RunOptions) {
  let stdout = "";
  let stderr = "";
  const code = await terraform(io, target, ["plan", "-input=false", ...args], {
    ...options,
    onStdout: (chunk) => (stdout += chunk),
    onStderr: (chunk) => (stderr += chunk),
  });
  return { code, stdout, stderr };
}

/**
 * `terraform plan -input=false <args> -out=<tfplan>`, then `terraform show -json <tfplan>`. When
 * Terraform says the working directory needs init (a backend or lock file init has not seen), init
 * runs and the plan is tried once more.
 */
export async function planAndShow(
  io: Io,
  target: StackTarget,
  args: readonly string[],
  tfplan: string,
  options: RunOptions = {},
): Promise<SavedPlan> {
  const planArgs = [...args, `-out=${tfplan}`];
  let run = await runPlan(io, target, planArgs, options);
  if (run.code !== 0 && needsInit(run.stderr)) {
    io.err("Terraform asks for init: running terraform init, then planning again.\n");
    if ((await initIfNeeded(io, target, { ...options, force: true })) !== 0) return { ...run, text: stripColours(run.stdout) };
    run = await runPlan(io, target, planArgs, options);
  }
  const text = stripColours(run.stdout);
  if (run.code !== 0) return { code: run.code, stderr: run.stderr, text };
  const json = await terraformCapture(io, target, ["show", "-json", tfplan], { env: options.env });
  return { code: run.code, stderr: run.stderr, text, json: json.code === 0 ? json.stdout : undefined };
}
