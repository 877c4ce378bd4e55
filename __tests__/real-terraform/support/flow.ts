/**
 * A suite's way through one prepared copy (prepared-copies.ts): one environment of the copy, its
 * account's credentials, and the npm scripts run in the copy as a pipeline runs them (no terminal).
 * The fault suites put a relay in front of the emulator (fault-flow.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentConfig } from "../../../config";
import { parsePlanJson } from "../../../scripts/lib/review/plan-json";
import type { AwsEnv } from "./aws";
import { classify, describeDiffs, diffsOf } from "./plan";
import { preparedCopy, type PreparedCopy, type PreparedCopyName } from "./prepared-copies";
import { describeRun, npmScript, type RunResult, type StepTimer } from "./run";
import { sharedEmulator } from "./shared-deployment";
import type { TerraformSetup } from "./terraform-env";
import type { WorkingCopy } from "./workdir";

/** One environment's working copy (own cdktf.out, plans/, CLI config) in an account of its own. */
export interface Flow {
  readonly env: EnvironmentConfig;
  readonly prepared: PreparedCopy;
  readonly copy: WorkingCopy;
  readonly setup: TerraformSetup;
  /** Credentials of the environment's account in the shared emulator. */
  readonly aws: AwsEnv;
  readonly timer: StepTimer;
}

/** The prepared copy `name` (once the shared set-up has deployed what it lists), for environment `envName`. */
export async function makeFlow(name: PreparedCopyName, envName: string, timer: StepTimer): Promise<Flow> {
  const prepared = await preparedCopy(name, sharedEmulator());
  return { env: prepared.env(envName), prepared, copy: prepared.copy, setup: prepared.tf, aws: await prepared.awsEnv(envName), timer };
}

/** `npm run <script> -- <args>` in the flow's copy: no terminal, the flow's credentials (or `awsEnv`). */
export function npmRun(
  flow: Flow,
  script: string,
  args: string[],
  awsEnv: NodeJS.ProcessEnv = flow.aws,
  timeoutMs = 240_000,
): Promise<RunResult> {
  return npmScript(script, args, { cwd: flow.copy.project, env: { ...flow.setup.env, ...awsEnv }, timer: flow.timer, timeoutMs });
}

export function expectExit(r: RunResult, code: number): RunResult {
  if (r.code !== code) throw new Error(`expected exit ${code}:\n${describeRun(r)}`);
  return r;
}

export const plansFile = (flow: Flow, name: string) => join(flow.copy.project, "plans", flow.env.name, name);

/** The plan's diffs that the emulator-gap list does not explain ("" when the plan is empty but for the gaps), less `ignore`d addresses. */
export function unexpectedDiffs(flow: Flow, ignore: readonly string[] = []): string {
  const plan = parsePlanJson(readFileSync(plansFile(flow, "plan.json"), "utf8"), `plans/${flow.env.name}/plan.json`);
  const { unexpected } = classify(diffsOf(plan as Parameters<typeof diffsOf>[0]), "environment", flow.env);
  return describeDiffs(unexpected.filter((d) => !ignore.includes(d.address)));
}
