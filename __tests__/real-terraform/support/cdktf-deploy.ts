/**
 * `npx cdktf deploy <stack>` as ops run it, for the set-up's deploys (shared environments and
 * prepared copies): the copy is synthesized already, and the provider comes from the mirror.
 */
import type { AwsEnv } from "./aws";
import { run, type RunResult, type StepTimer } from "./run";
import type { TerraformSetup } from "./terraform-env";
import type { WorkingCopy } from "./workdir";

/** `cdktf deploy` flags of every deploy here; see README.md for why the provider lock is skipped. */
export const DEPLOY_FLAGS = ["--auto-approve", "--skip-synth", "--skip-provider-lock"] as const;

export function cdktfDeploy(
  copy: WorkingCopy,
  tf: TerraformSetup,
  aws: AwsEnv,
  stack: string,
  label: string,
  timer: StepTimer,
): Promise<RunResult> {
  return run("npx", ["cdktf", "deploy", stack, ...DEPLOY_FLAGS], {
    cwd: copy.project,
    env: { ...tf.env, ...aws },
    label,
    timer,
    timeoutMs: 300_000,
  });
}
