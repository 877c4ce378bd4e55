/**
 * Working copies the shared set-up prepares for the suites that change infrastructure (drift, the ops
 * workflow, the faults). Each gets its own copy of the project whose config moves an environment into
 * an account of its own or adds one, so it can deploy, break and repair it in the shared emulator
 * without touching the shipped environments the other suites read. The set-up synthesizes each copy
 * and deploys the stacks listed here with `cdktf deploy <stack>` as the shared ones, side by side with the
 * shared bootstraps: every bootstrap then waits on the provider's fixed S3 lifecycle wait at the same
 * time (README.md, "Timings") instead of once per suite, one after the other.
 *
 * A suite calls preparedCopy(name) and owns the copy from then on (it edits the config, plans,
 * applies); globalTeardown removes it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvironments, type EnvironmentConfig } from "../../../config";
import { environments as shippedEnvironments } from "../../../config/environments";
import { stateStackId } from "../../../config/names";
import { awsEnvFor, type AwsEnv } from "./aws";
import type { Moto } from "./moto";
import { cdktfDeploy } from "./cdktf-deploy";
import { describeRun, run, StepTimer, type RunResult } from "./run";
import { terraformSetup, type TerraformSetup } from "./terraform-env";
import { makeWorkingCopy, type WorkingCopy } from "./workdir";

/** What the set-up prepares for one copy. */
export interface CopyPlan {
  /** Shipped environments moved into an account of their own in this copy (name → account id). */
  readonly accounts?: Readonly<Record<string, string>>;
  /** Environments added to this copy's config (name → its input, as in config/environments.ts). */
  readonly added?: Readonly<Record<string, object>>;
  /** Stacks the set-up deploys from this copy, in this order. */
  readonly deploy: readonly string[];
}

/** dev's rules in an account of its own: the adoption's environment (a pool created through the API is imported). */
export const ADOPT_INPUT = {
  stage: "dev",
  accountId: "444444444444",
  domainName: "adopt.taskflow.example.com",
  alertEmail: "taskflow-alerts-adopt@example.com",
  userPool: {
    tier: "ESSENTIALS",
    deletionProtection: false,
    threatProtection: "OFF",
    email: { sender: "COGNITO_DEFAULT" },
    emailMfa: { enabled: false },
  },
} as const;

/**
 * A second prod-stage environment for the kill after the persist interval: a pool can be created by a
 * first apply only once per environment, and prod's is taken by the kill right after it appears.
 */
export const LATE_INPUT = {
  stage: "prod",
  accountId: "555555555555",
  domainName: "late.taskflow.example.com",
  alertEmail: "taskflow-alerts-late@example.com",
  userPool: { name: "taskflow-late" },
} as const;

/** Every prepared copy, by name. Account ids are unique across copies and the shipped environments. */
export const PREPARED_COPIES = {
  /** dev deployed; the suite changes it through the API and puts it back. */
  drift: { accounts: { dev: "611111111111" }, deploy: ["state-dev", "dev"] },
  /** dev's bootstrap only: the suite's first step is deploying dev. */
  "ops-dev": { accounts: { dev: "622222222222" }, deploy: ["state-dev"] },
  "ops-adopt": { added: { adopt: ADOPT_INPUT }, deploy: ["state-adopt"] },
  /** prod's bootstrap only: the first apply of prod is the one the suite kills. */
  faults: { accounts: { prod: "633333333333" }, deploy: ["state-prod"] },
  "faults-late": { added: { late: LATE_INPUT }, deploy: ["state-late"] },
  /** Nothing deployed: the README's prod walkthrough starts from an empty account. */
  walkthrough: { accounts: { prod: "644444444444" }, deploy: [] },
  /** staging deployed (WAF, branding and log-delivery stacks); the suite changes and removes some of it as the CI roles. */
  "ci-changes": { accounts: { staging: "655555555555" }, deploy: ["state-staging", "staging"] },
} as const satisfies Record<string, CopyPlan>;

export type PreparedCopyName = keyof typeof PREPARED_COPIES;

/** One line of config/environments.ts for an added environment (a suite may replace it later, whole). */
export const configLine = (name: string, input: object): string => `  ${name}: ${JSON.stringify(input)},\n`;

const CONFIG_END = "} satisfies Record<string, EnvironmentInput>;";

/** The environments of a copy prepared by `plan`, validated as the app validates them. */
export function environmentsOf(plan: CopyPlan): EnvironmentConfig[] {
  const inputs: Record<string, object> = { ...shippedEnvironments, ...plan.added };
  for (const [name, accountId] of Object.entries(plan.accounts ?? {}))
    inputs[name] = { ...(shippedEnvironments as Record<string, object>)[name], accountId };
  return loadEnvironments(inputs);
}

/** Replaces one exact, unique piece of the copy's config/environments.ts, as an engineer would edit it. */
export function editConfig(copy: WorkingCopy, from: string, to: string): void {
  const file = join(copy.project, "config", "environments.ts");
  const source = readFileSync(file, "utf8");
  if (source.split(from).length !== 2) throw new Error(`config/environments.ts must contain ${JSON.stringify(from)} exactly once`);
  writeFileSync(file, source.replace(from, to));
}

/** Writes the plan's account moves and added environments into the copy's config/environments.ts. */
function writeConfig(copy: WorkingCopy, plan: CopyPlan): void {
  const shipped = loadEnvironments();
  for (const [name, accountId] of Object.entries(plan.accounts ?? {})) {
    const env = shipped.find((e) => e.name === name);
    if (!env) throw new Error(`prepared copy: no shipped environment ${name}`);
    editConfig(copy, `accountId: "${env.accountId}",`, `accountId: "${accountId}",`);
  }
  const added = Object.entries(plan.added ?? {}).map(([name, input]) => configLine(name, input));
  if (added.length) editConfig(copy, CONFIG_END, `${added.join("")}${CONFIG_END}`);
}

/** What a prepared copy's status file holds once the set-up is done with it. */
interface PreparedFile {
  readonly root: string;
  readonly project: string;
  readonly tf: TerraformSetup;
  /** Each command's result by stack id ("synth" for the synth); a failed one ends the list. */
  readonly steps: Record<string, { code: number | null; described: string }>;
}

const statusPath = (root: string, name: string) => join(root, `prepared-${name}.json`);
/** Where the set-up writes the status files (the shared deployment's folder), for the workers. */
export const PREPARED_DIR_VAR = "TASKFLOW_PREPARED_COPIES";

/**
 * In the set-up: makes, configures, synthesizes and deploys one copy into the emulator, then writes
 * its status file. Never throws: a failure is recorded, and the suite that asks for the copy fails on it.
 */
export async function prepareCopy(name: PreparedCopyName, moto: Pick<Moto, "endpoint" | "caBundle">, dir: string, timer: StepTimer) {
  const plan: CopyPlan = PREPARED_COPIES[name];
  const copy = makeWorkingCopy(`prepared-${name}`);
  const steps: PreparedFile["steps"] = {};
  const record = (stack: string, r: RunResult) => (steps[stack] = { code: r.code, described: describeRun(r) });
  let tf: TerraformSetup | undefined;
  try {
    tf = await terraformSetup(copy.root);
    writeConfig(copy, plan);
    const envs = environmentsOf(plan);
    const synth = await run(process.execPath, ["scripts/run-ts.js", "main.ts"], {
      cwd: copy.project,
      env: tf.env,
      label: `synth (${name})`,
      timer,
    });
    record("synth", synth);
    for (const stack of synth.code === 0 ? plan.deploy : []) {
      const env = envs.find((e) => stack === e.name || stack === stateStackId(e.name)) as EnvironmentConfig;
      const aws = await awsEnvFor(moto, env.accountId, env.region);
      const r = await cdktfDeploy(copy, tf, aws, stack, `cdktf deploy ${stack} (${name})`, timer);
      record(stack, r);
      if (r.code !== 0) break;
    }
  } catch (e) {
    steps.setup = { code: null, described: String(e instanceof Error ? e.stack : e) };
  }
  const status: PreparedFile = { root: copy.root, project: copy.project, tf: tf as TerraformSetup, steps };
  writeFileSync(`${statusPath(dir, name)}.tmp`, JSON.stringify(status));
  renameSync(`${statusPath(dir, name)}.tmp`, statusPath(dir, name)); // atomic: a reader never sees half a file
  return copy;
}

export interface PreparedCopy {
  readonly copy: WorkingCopy;
  readonly tf: TerraformSetup;
  /** The copy's environments (its config as prepared). */
  readonly envs: EnvironmentConfig[];
  env(name: string): EnvironmentConfig;
  /** Credentials (a deploy-role session) for an environment's account in the shared emulator. */
  awsEnv(name: string): Promise<AwsEnv>;
}

/** How long a suite waits for its copy: the set-up's bootstraps on a loaded 2-core machine, with a margin. */
export const PREPARED_WAIT_MS = 15 * 60_000;

/**
 * The copy the set-up prepared for this suite, once its deploys are done; throws with the failed
 * command's output if one failed.
 */
export async function preparedCopy(name: PreparedCopyName, emulator: Pick<Moto, "endpoint" | "caBundle">): Promise<PreparedCopy> {
  const dir = process.env[PREPARED_DIR_VAR];
  if (!dir) throw new Error(`$${PREPARED_DIR_VAR} is unset: run real-Terraform suites through jest's real-terraform or faults project`);
  const path = statusPath(dir, name);
  const deadline = Date.now() + PREPARED_WAIT_MS;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`the set-up did not prepare the copy ${name} within ${PREPARED_WAIT_MS / 60_000} minutes`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const status = JSON.parse(readFileSync(path, "utf8")) as PreparedFile;
  const failed = Object.entries(status.steps).find(([, s]) => s.code !== 0);
  if (failed) throw new Error(`preparing the copy ${name} failed at ${failed[0]}:\n${failed[1].described}`);
  const envs = environmentsOf(PREPARED_COPIES[name]);
  const env = (envName: string) => {
    const found = envs.find((e) => e.name === envName);
    if (!found) throw new Error(`the prepared copy ${name} has no environment ${envName}`);
    return found;
  };
  const project = status.project;
  return {
    copy: { root: status.root, project, stackDir: (stack) => join(project, "cdktf.out", "stacks", stack), remove: () => undefined },
    tf: status.tf,
    envs,
    env,
    awsEnv: (envName) => awsEnvFor(emulator, env(envName).accountId, env(envName).region),
  };
}
