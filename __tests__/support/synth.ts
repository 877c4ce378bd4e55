/**
 * Shared helpers for unit tests: the shipped app's synthesized JSON, synthesis from a patched config,
 * and raw configs with patches.
 *
 * The shipped app is synthesized once per jest run, by the unit project's global set-up
 * (unit-global-setup.ts), which writes each stack's JSON to a folder of the run: `synthStack` reads it.
 * Synthesizing it again in each test file cost ~0.4 s of CPU per file under jest, and loading cdktf
 * and the stacks' modules (the provider's resource classes) another ~0.3 s: a file that only reads
 * the shipped JSON or builds raw configs loads neither (`cdktf()` and `stacks()` below). Every cdktf
 * app a test builds writes into a folder of the run's folder, removed at the end of the run (cdktf's
 * `Testing.app()` leaves one folder per app in the temp directory otherwise).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { App, TerraformStack } from "cdktf";
import { environments } from "../../config/environments";
import { loadEnvironments, type EnvironmentConfig } from "../../config";

/** Synthesized Terraform JSON of one stack (snake_case keys, as Terraform reads it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TfJson = Record<string, any>;

export const ENV_NAMES = ["dev", "staging", "prod"] as const;
export type EnvName = (typeof ENV_NAMES)[number];

/** Names the folder of this run (set by the unit project's global set-up, inherited by the workers). */
export const RUN_DIR_VARIABLE = "TASKFLOW_UNIT_RUN_DIR";
const SHIPPED = "shipped";
/** Written instead of the JSON when the shipped app does not synthesize: the tests that read it fail with it. */
const SHIPPED_ERROR = "synth-error.txt";

function runDir(): string {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (!dir)
    throw new Error(
      `${RUN_DIR_VARIABLE} is not set: run unit tests through jest's unit project (its global set-up synthesizes the shipped app)`,
    );
  return dir;
}

/** cdktf and the stack classes, loaded on first use only (see the header). */
const cdktf = (): typeof import("cdktf") => require("cdktf");
const stacks = (): typeof import("../../stacks/app") => require("../../stacks/app");

/** Validated configs of the shipped environments. */
export const shippedConfigs = (): EnvironmentConfig[] => loadEnvironments();

/** A cdktf test app whose output folder is removed with the run's folder. */
export function testApp(): App {
  return cdktf().Testing.app({ outdir: mkdtempSync(join(runDir(), "app-")) });
}

/** Builds every stack of the app from the given configs (default: the shipped ones). */
export function buildTestApp(envs: readonly EnvironmentConfig[] = shippedConfigs()): Map<string, TerraformStack> {
  const app = testApp();
  stacks().buildStacks(app, envs);
  const built = new Map<string, TerraformStack>();
  for (const child of app.node.children) built.set(child.node.id, child as TerraformStack);
  return built;
}

/** Synthesizes the shipped app into the run's folder: one `<stack id>.json` each (the unit project's global set-up). */
export function writeShippedSynth(dir: string): void {
  const out = join(dir, SHIPPED);
  mkdirSync(out);
  try {
    for (const [id, stack] of buildTestApp()) writeFileSync(join(out, `${id}.json`), cdktf().Testing.synth(stack));
  } catch (e) {
    writeFileSync(join(out, SHIPPED_ERROR), e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
}

const cache = new Map<string, TfJson>();

/** Parsed synthesized JSON of a stack of the shipped app (`dev`, `prod`, `state-prod`, ...), synthesized once per run. */
export function synthStack(id: string): TfJson {
  const cached = cache.get(id);
  if (cached) return cached;
  const dir = join(runDir(), SHIPPED);
  let text: string;
  try {
    text = readFileSync(join(dir, `${id}.json`), "utf8");
  } catch {
    let failure: string | undefined;
    try {
      failure = readFileSync(join(dir, SHIPPED_ERROR), "utf8");
    } catch {
      throw new Error(`no stack ${id} in the shipped app's synth (${dir})`);
    }
    throw new Error(`the shipped app did not synthesize: ${failure}`);
  }
  const json: TfJson = JSON.parse(text);
  cache.set(id, json);
  return json;
}

/** Synthesized JSON (as a string, for cdktf matchers) of one environment built from a given config. */
export function synthConfig(env: EnvironmentConfig, stackId: string = env.name): string {
  const stack = buildTestApp([env]).get(stackId);
  if (!stack) throw new Error(`no stack ${stackId}`);
  return cdktf().Testing.synth(stack);
}

/** Resources of one type in a synthesized stack, keyed by logical name. */
export function resourcesOf(json: TfJson, type: string): Record<string, TfJson> {
  return json.resource?.[type] ?? {};
}

/** The single resource of a type; fails when there are none or several. */
export function onlyResource(json: TfJson, type: string): TfJson {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

type Patch = { [key: string]: unknown };

function merge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (
    patch === null ||
    typeof patch !== "object" ||
    Array.isArray(patch) ||
    base === null ||
    typeof base !== "object" ||
    Array.isArray(base)
  )
    return patch;
  const out: Patch = { ...(base as Patch) };
  for (const [k, v] of Object.entries(patch as Patch)) {
    if (v === undefined) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

/** A shipped environment's raw settings with a deep patch applied (`undefined` removes a key). */
export function rawEnv(name: EnvName, patch: Patch = {}): Patch {
  return merge(structuredClone(environments[name]), patch) as Patch;
}

/** All shipped raw environments, with per-environment patches. */
export function rawEnvironments(patches: Partial<Record<EnvName, Patch>> = {}): Record<string, Patch> {
  return Object.fromEntries(ENV_NAMES.map((n) => [n, rawEnv(n, patches[n])]));
}
