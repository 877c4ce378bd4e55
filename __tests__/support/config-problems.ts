import { ConfigError, loadEnvironments, parseEnvironmentConfig } from "../../config";
import { rawEnv, rawEnvironments, type EnvName } from "./synth";

type Patch = Parameters<typeof rawEnv>[1];

/** Problems ConfigError reports for all shipped environments with patches applied ([] when valid). */
export function problemsOfAll(patches: Partial<Record<EnvName, Patch>>): readonly string[] {
  try {
    loadEnvironments(rawEnvironments(patches));
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

/** Problems of one shipped environment with a patch applied ([] when valid). */
export function problemsOf(env: EnvName, patch: Patch): readonly string[] {
  try {
    parseEnvironmentConfig(rawEnv(env, patch), env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}
