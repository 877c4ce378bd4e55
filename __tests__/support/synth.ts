/**
 * Shared helpers for unit tests: synthesize stacks from config, and build raw configs with patches.
 */
import { Testing, type TerraformStack } from "cdktf";
import { environments } from "../../config/environments";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import { buildStacks } from "../../stacks/app";

/** Synthesized Terraform JSON of one stack (snake_case keys, as Terraform reads it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TfJson = Record<string, any>;

export const ENV_NAMES = ["dev", "staging", "prod"] as const;
export type EnvName = (typeof ENV_NAMES)[number];

/** Validated configs of the shipped environments. */
export const shippedConfigs = (): EnvironmentConfig[] => loadEnvironments();

/** Builds every stack of the app from the given configs (default: the shipped ones). */
export function buildTestApp(envs: readonly EnvironmentConfig[] = shippedConfigs()): Map<string, TerraformStack> {
  const app = Testing.app();
  buildStacks(app, envs);
  const stacks = new Map<string, TerraformStack>();
  for (const child of app.node.children) stacks.set(child.node.id, child as TerraformStack);
  return stacks;
}

const cache = new Map<string, TfJson>();

/** Parsed synthesized JSON of a stack of the shipped app (`dev`, `prod`, `state-prod`, ...), cached per test file. */
export function synthStack(id: string): TfJson {
  if (cache.size === 0) {
    for (const [name, stack] of buildTestApp()) cache.set(name, JSON.parse(Testing.synth(stack)));
  }
  const json = cache.get(id);
  if (!json) throw new Error(`no stack ${id}; stacks: ${[...cache.keys()].join(", ")}`);
  return json;
}

/** Synthesized JSON (as a string, for cdktf matchers) of one environment built from a given config. */
export function synthConfig(env: EnvironmentConfig, stackId: string = env.name): string {
  const stack = buildTestApp([env]).get(stackId);
  if (!stack) throw new Error(`no stack ${stackId}`);
  return Testing.synth(stack);
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
