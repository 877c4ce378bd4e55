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

/** One config rule as an auditor reads it: a compliant patch that is accepted, a non-compliant one and the exact problem line. */
export interface RefusalCase {
  rule: string;
  env: EnvName;
  compliant: Patch;
  nonCompliant: Patch;
  problem: string;
}

/** One describe per rule: 1. compliant accepted, 2. non-compliant refused naming environment and field. */
export function describeRefusals(cases: readonly RefusalCase[]): void {
  describe.each(cases)("$rule", ({ env, compliant, nonCompliant, problem }) => {
    test("1. compliant: accepted", () => {
      expect(problemsOf(env, compliant)).toEqual([]);
    });
    test("2. non-compliant: refused, naming environment and field", () => {
      expect(problemsOf(env, nonCompliant)).toContain(problem);
    });
  });
}
