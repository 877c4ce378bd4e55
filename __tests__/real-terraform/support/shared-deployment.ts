/**
 * One deployment for every real-Terraform suite: the emulator started once, the app synthesized once,
 * and state-<env> + <env> deployed once for each shipped environment, the way ops deploy them.
 *
 * Jest's globalSetup of the real-terraform and faults projects (global-setup.ts) calls setUpSharedDeployment(), which
 * starts the emulator, names a JSON file in $TASKFLOW_SHARED_DEPLOYMENT (the workers inherit it) and deploys
 * in the background; a suite calls sharedDeployment(), which waits until the file says ready, to get the
 * endpoint, the working copy, the Terraform environment and each account's credentials. globalTeardown
 * waits for the deploys, stops the emulator and removes the copy.
 *
 * The shared environments are read-mostly: suites read back, plan, and run refused operations on them.
 * A suite that changes infrastructure works in a copy the set-up prepares for it at the same time, with
 * an environment in an account of its own, in the same emulator (prepared-copies.ts).
 */
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentConfig } from "../../../config";
import { awsEnvFor, type AwsEnv } from "./aws";
import { startMoto, type Moto } from "./moto";
import { describeRun, run, StepTimer, type RunResult } from "./run";
import { terraformSetup, type TerraformSetup } from "./terraform-env";
import { requireTerraform } from "./tools";
import { validateStacks, type StackValidation } from "./validate";
import { makeWorkingCopy, type WorkingCopy } from "./workdir";
import { cdktfDeploy } from "./cdktf-deploy";
import { PREPARED_COPIES, PREPARED_DIR_VAR, prepareCopy, type PreparedCopyName } from "./prepared-copies";
import { stateStackId } from "../../../config/names";
import { ciDeploy } from "./ci-deploy";
import { sharedEnvironments, writeSharedConfig } from "./shared-config";

/**
 * How the shared emulator authorizes requests (emulator/ext_authz.py): "enforce" refuses what AWS would
 * refuse. Every decision goes to `authz-decisions.jsonl` in the shared copy (SharedDeployment.authzLog).
 * To find every permission a change needs in one run: TASKFLOW_AUTHZ_MODE=record (decide and log, refuse
 * nothing) and TASKFLOW_KEEP_AUTHZ_LOG=<file> (the log is copied there when the run ends).
 */
export const SHARED_AUTHZ_MODE = process.env.TASKFLOW_AUTHZ_MODE === "record" ? "record" : "enforce";
const KEEP_AUTHZ_LOG_VAR = "TASKFLOW_KEEP_AUTHZ_LOG";

export const SHARED_DEPLOYMENT_VAR = "TASKFLOW_SHARED_DEPLOYMENT";

/** What one command of the set-up did (the suites assert on it: a failed deploy fails their tests, with its output). */
export interface StepRecord {
  readonly command: string;
  readonly code: number | null;
  readonly ms: number;
  /** describeRun() of the command: its exit status and the end of its output. */
  readonly described: string;
}

interface SharedDeploymentFile {
  readonly endpoint: string;
  readonly plainEndpoint: string;
  readonly caBundle: string;
  readonly root: string;
  readonly project: string;
  readonly tf: TerraformSetup;
  readonly terraformVersion: string;
  readonly envNames: string[];
  readonly awsEnvs: Record<string, AwsEnv>;
  /** By stack id ("synth" for the synth): each deploy's result. */
  readonly steps: Record<string, StepRecord>;
  /** `terraform validate` of every synthesized stack and the control, by stack id (or the error that stopped it). */
  readonly validation: Record<string, StackValidation> | { error: string };
  readonly motoLog: string;
  readonly authzLog: string;
  /** How many decisions the log held when the set-up was done: the set-up's own (suites add theirs after). */
  readonly authzSetupDecisions: number;
}

export interface SharedDeployment {
  /** https://127.0.0.1:<port>, the emulator every tool uses. */
  readonly endpoint: string;
  /** The same emulator over plain HTTP (only for showing TLS-only policies at work). */
  readonly plainEndpoint: string;
  /** The emulator's throwaway certificate (AWS_CA_BUNDLE). */
  readonly caBundle: string;
  /** The working copy the shared stacks were synthesized and deployed from (do not edit its config). */
  readonly copy: WorkingCopy;
  /** Terraform/cdktf environment without credentials: mirror-only CLI config, no checkpoint, CI output. */
  readonly tf: TerraformSetup;
  readonly terraformVersion: string;
  /** The shipped environments with the shared config's responder and break-glass principals (shared-config.ts), deployed. */
  readonly envs: EnvironmentConfig[];
  /** Credentials (a deploy-role session) plus endpoint, region and CA bundle for an environment's account. */
  awsEnv(envName: string): AwsEnv;
  /** How the set-up's command for `stack` ended ("synth", "state-<env>", "<env>"). */
  step(stack: string): StepRecord;
  /** Path of the emulator's request log (kept while the run lasts). */
  readonly motoLogFile: string;
  /** The emulator's IAM decision log (one JSON line per decision), with the set-up's decisions first. */
  readonly authzLog: string;
  /** How many of its first lines are the set-up's decisions (the deploys), before any suite's. */
  readonly authzSetupDecisions: number;
  /**
   * `terraform init -backend=false` + `terraform validate` of every synthesized stack (and the control
   * stack of support/validate.ts), run by the set-up while the bootstraps wait on the emulator.
   */
  validation(): Map<string, StackValidation>;
}

const timer = new StepTimer("shared deployment");

function record(r: RunResult): StepRecord {
  return { command: r.command, code: r.code, ms: r.ms, described: describeRun(r) };
}

/** Started in globalSetup; finished and stopped in globalTeardown (same process). */
interface Running {
  moto: Moto;
  copy: WorkingCopy;
  logTimer: NodeJS.Timeout;
  deploying: Promise<void>;
  /** The copies prepared for the suites that change infrastructure (prepared-copies.ts). */
  preparing: Promise<WorkingCopy[]>;
}
const RUNNING = Symbol.for("taskflow.sharedDeployment");
type WithRunning = typeof globalThis & { [RUNNING]?: Running };

/** The description file while the deploys run (`ready: false`) and once they are done (`ready: true`). */
type EmulatorInfo = Pick<SharedDeploymentFile, "endpoint" | "plainEndpoint" | "caBundle">;
type StatusFile = ({ ready: false; startedAt: number } & EmulatorInfo) | ({ ready: true } & SharedDeploymentFile);

/**
 * Starts the emulator and the deploys, and returns as soon as the emulator answers: the synth, the
 * validation, the deploys and the prepared copies go on in this (Jest's main) process while the
 * workers already run the unit suites. sharedDeployment() waits until the file says ready;
 * preparedCopy() until its own copy is.
 */
export async function setUpSharedDeployment(): Promise<string> {
  const t0 = Date.now();
  const terraformVersion = requireTerraform().version;
  const copy = makeWorkingCopy("shared");
  const tf = await terraformSetup(copy.root);
  const authzLog = join(copy.root, "authz-decisions.jsonl");
  const moto = await timer.time("start the emulator (HTTPS + plain HTTP, until both answer)", () =>
    startMoto({ authz: { mode: SHARED_AUTHZ_MODE, log: authzLog } }),
  );
  const motoLogFile = join(copy.root, "emulator.log");
  // The emulator's log lives in this process; suites read the copy of it kept in a file.
  const logTimer = setInterval(() => writeFileSync(motoLogFile, moto.log()), 2000);
  logTimer.unref();
  const path = join(copy.root, "shared-deployment.json");
  const status = (s: StatusFile) => writeFileSync(`${path}.tmp`, JSON.stringify(s, null, 2));
  const publish = () => renameSync(`${path}.tmp`, path); // atomic: a reader never sees half a file
  status({ ready: false, startedAt: t0, endpoint: moto.endpoint, plainEndpoint: moto.plainEndpoint, caBundle: moto.caBundle });
  publish();
  process.env[SHARED_DEPLOYMENT_VAR] = path;
  process.env[PREPARED_DIR_VAR] = copy.root;
  // Side by side with the shipped environments' deploys below: all bootstraps wait at the same time.
  const preparing = Promise.all(
    (Object.keys(PREPARED_COPIES) as PreparedCopyName[]).map((name) => prepareCopy(name, moto, copy.root, timer)),
  );

  const deploying = (async () => {
    const envs = sharedEnvironments();
    const awsEnvs: Record<string, AwsEnv> = {};
    const steps: Record<string, StepRecord> = {};
    let validation: SharedDeploymentFile["validation"] = { error: "not run: the synth failed" };
    try {
      for (const env of envs) awsEnvs[env.name] = await awsEnvFor(moto, env.accountId, env.region);
      writeSharedConfig(copy);
      // The app itself (what `npm run synth` runs): writes cdktf.out with the manifest cdktf deploy reads.
      const synth = await run(process.execPath, ["scripts/run-ts.js", "main.ts"], {
        cwd: copy.project,
        env: tf.env,
        label: "synth (all stacks)",
        timer,
      });
      steps.synth = record(synth);
      if (synth.code === 0) {
        // Validation is CPU work; the bootstraps below mostly wait (see README.md, "Timings"): side by side.
        const validating = validateStacks(copy, tf, timer).then(
          (m) => (validation = Object.fromEntries(m)),
          (e: unknown) => (validation = { error: String(e instanceof Error ? e.message : e) }),
        );
        // Environments are independent (own accounts): all deploy at once. Within one, the bootstrap comes
        // first (its bucket holds the environment's state). A bootstrap is mostly the provider's fixed wait
        // for the lifecycle configuration (README.md, "Timings"), so running them side by side costs one wait.
        // The bootstrap is applied by an administrator (break-glass); the environment by the pipeline's CI
        // roles, plan then apply of that plan (support/ci-deploy.ts).
        await Promise.all(
          envs.map(async (env) => {
            const state = stateStackId(env.name);
            const r = await cdktfDeploy(copy, tf, awsEnvs[env.name], state, `cdktf deploy ${state}`, timer);
            steps[state] = record(r);
            if (r.code !== 0) return;
            const ci = await ciDeploy(moto, copy, tf, awsEnvs[env.name], env, timer);
            steps[`plan ${env.name}`] = record(ci.plan);
            steps[env.name] = record(ci.apply ?? ci.plan);
          }),
        );
        await validating;
      }
    } catch (e) {
      steps.setup = { command: "shared deployment set-up", code: null, ms: Date.now() - t0, described: String(e) };
    }
    writeFileSync(motoLogFile, moto.log());
    status({
      ready: true,
      endpoint: moto.endpoint,
      plainEndpoint: moto.plainEndpoint,
      caBundle: moto.caBundle,
      root: copy.root,
      project: copy.project,
      tf,
      terraformVersion,
      envNames: envs.map((e) => e.name),
      awsEnvs,
      steps,
      validation,
      motoLog: motoLogFile,
      authzLog,
      authzSetupDecisions: readFileSync(authzLog, "utf8").split("\n").filter(Boolean).length,
    });
    publish();
    timer.record("shared deployment ready (from the start of globalSetup)", Date.now() - t0);
  })();
  (globalThis as WithRunning)[RUNNING] = { moto, copy, logTimer, deploying, preparing };
  return path;
}

export async function tearDownSharedDeployment(): Promise<void> {
  const running = (globalThis as WithRunning)[RUNNING];
  if (!running) return;
  await running.deploying; // only still running when no suite needed it, or after a failure
  const prepared = await running.preparing;
  clearInterval(running.logTimer);
  await running.moto.stop();
  const keep = process.env[KEEP_AUTHZ_LOG_VAR];
  if (keep) copyFileSync(join(running.copy.root, "authz-decisions.jsonl"), keep);
  for (const copy of prepared) copy.remove();
  running.copy.remove();
  delete (globalThis as WithRunning)[RUNNING];
  timer.printSummary();
}

/** How long a suite waits for the set-up's deploys (2-4 minutes on the 2-core machine when it is not overloaded). */
const READY_TIMEOUT_MS = 15 * 60_000;
/** For a suite's beforeAll that calls sharedDeployment(): the longest wait plus a margin. */
export const SHARED_DEPLOYMENT_WAIT_MS = READY_TIMEOUT_MS + 60_000;

function statusFile(): { path: string; status: StatusFile } {
  const path = process.env[SHARED_DEPLOYMENT_VAR];
  if (!path || !existsSync(path))
    throw new Error(
      `No shared deployment ($${SHARED_DEPLOYMENT_VAR} is ${path ?? "unset"}): run real-Terraform suites through jest's ` +
        `real-terraform or faults project (npx jest __tests__/real-terraform/<file>), whose globalSetup starts it.`,
    );
  return { path, status: JSON.parse(readFileSync(path, "utf8")) as StatusFile };
}

/** The shared emulator alone, at once (no waiting for the deploys): for suites that work in accounts of their own. */
export function sharedEmulator(): EmulatorInfo {
  const { status } = statusFile();
  return { endpoint: status.endpoint, plainEndpoint: status.plainEndpoint, caBundle: status.caBundle };
}

/**
 * The shared deployment, for a suite of the real-terraform project. Fails loudly when the project's
 * globalSetup did not run (e.g. a real-Terraform file run outside its jest project).
 */
export async function sharedDeployment(): Promise<SharedDeployment> {
  const { path, status } = statusFile();
  let f = status;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!f.ready) {
    if (Date.now() > deadline) throw new Error(`the shared deployment was not ready after ${READY_TIMEOUT_MS / 60_000} minutes (${path})`);
    await new Promise((r) => setTimeout(r, 1000));
    f = JSON.parse(readFileSync(path, "utf8")) as StatusFile;
  }
  const envs = sharedEnvironments().filter((e) => f.envNames.includes(e.name));
  const project = f.project;
  return {
    endpoint: f.endpoint,
    plainEndpoint: f.plainEndpoint,
    caBundle: f.caBundle,
    copy: {
      root: f.root,
      project,
      stackDir: (stack) => join(project, "cdktf.out", "stacks", stack),
      remove: () => undefined, // globalTeardown removes it
    },
    tf: f.tf,
    terraformVersion: f.terraformVersion,
    envs,
    awsEnv: (name) => {
      const env = f.awsEnvs[name];
      if (!env) throw new Error(`the shared deployment has no environment ${name} (it has ${f.envNames.join(", ")})`);
      return env;
    },
    step: (stack) => f.steps[stack] ?? { command: `(${stack} was not run: an earlier step failed)`, code: null, ms: 0, described: "" },
    motoLogFile: f.motoLog,
    authzLog: f.authzLog,
    authzSetupDecisions: f.authzSetupDecisions,
    validation: () => {
      if ("error" in f.validation) throw new Error(`the set-up's validation failed: ${String(f.validation.error)}`);
      return new Map(Object.entries(f.validation as Record<string, StackValidation>));
    },
  };
}
