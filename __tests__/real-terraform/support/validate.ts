/**
 * `terraform init -backend=false` + `terraform validate -json` of every synthesized stack with the
 * real aws provider, on pristine copies of the synthesized JSON (no emulator override), plus a
 * control stack that must fail so a passing validation means something.
 */
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeRun, inParallel, run, runOk, type RunResult, type StepTimer } from "./run";
import type { TerraformSetup } from "./terraform-env";
import { stackJson, synthesizedStacks, type WorkingCopy } from "./workdir";

export interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  range?: { filename: string };
}

export interface Validation {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: Diagnostic[];
}

export interface StackValidation {
  readonly init: RunResult;
  readonly validate: RunResult;
  readonly validation: Validation;
}

/** Id of the control: the first stack with one argument the provider does not have. */
export const CONTROL_STACK = "control-with-unknown-argument";
export const CONTROL_ARGUMENT = "not_an_aws_provider_argument";

function parseValidation(r: RunResult): Validation {
  try {
    return JSON.parse(r.stdout) as Validation;
  } catch {
    throw new Error(`terraform validate did not print JSON:\n${describeRun(r)}`);
  }
}

/**
 * Validates every stack of an already synthesized copy (and the control), two at a time (loading
 * the provider schema is CPU-bound; this machine has 2 cores). Works in <copy.root>/validate/<stack>
 * so it can run while other commands use cdktf.out.
 */
export async function validateStacks(copy: WorkingCopy, setup: TerraformSetup, timer: StepTimer): Promise<Map<string, StackValidation>> {
  const base = join(copy.root, "validate");
  // Only cdk.tf.json: an emulator_override.tf.json beside it is not part of what ops deploy.
  const stacks = synthesizedStacks(copy).map(({ id, file }) => {
    const dir = join(base, id);
    mkdirSync(dir, { recursive: true });
    cpSync(file, join(dir, "cdk.tf.json"));
    return { id, dir };
  });
  const first = stacks[0];
  const control = { id: CONTROL_STACK, dir: join(base, CONTROL_STACK) };
  mkdirSync(control.dir, { recursive: true });
  const json = stackJson(copy, first.id);
  json.provider.aws[0][CONTROL_ARGUMENT] = true;
  writeFileSync(join(control.dir, "cdk.tf.json"), JSON.stringify(json));

  const results = new Map<string, StackValidation>();
  await inParallel([...stacks, control], 2, async ({ id, dir }) => {
    const init = await runOk("terraform", ["init", "-backend=false", "-input=false", "-no-color"], {
      cwd: dir,
      env: setup.env,
      label: `terraform init -backend=false  ${id}`,
      timer,
      timeoutMs: 120_000,
    });
    // validate exits 1 on an invalid configuration and still prints its JSON: the assertions use that.
    const validate = await run("terraform", ["validate", "-json", "-no-color"], {
      cwd: dir,
      env: setup.env,
      label: `terraform validate  ${id}`,
      timer,
      timeoutMs: 120_000,
    });
    results.set(id, { init, validate, validation: parseValidation(validate) });
  });
  return results;
}
