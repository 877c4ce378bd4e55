/**
 * Entry point of the configuration: validate raw settings and return typed, defaulted config.
 *
 * Every problem is collected before anything is thrown, so an operator fixes a config in one pass:
 *   ConfigError: 2 problems in the environment config:
 *     - prod.accountId: must be 12 digits, got "12345"
 *     - prod.userPool.mfa: must be OPTIONAL or ON in prod, got "OFF"
 */
import type { ZodIssue } from "zod";
import { environments as defaultEnvironments } from "./environments";
import { formatPath } from "./format-path";
import { resolveEnvironment, type EnvironmentConfig } from "./resolve";
import { RULES, type Problem } from "./rules";
import { environmentSchema, STAGES, type EnvironmentInput, type Stage } from "./schema";

export type { EnvironmentConfig, AuthDomain } from "./resolve";
export type { EnvironmentInput, Stage } from "./schema";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the environment config:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

const ENV_NAME = /^[a-z][a-z0-9-]{0,19}$/;

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined),
    input,
  );
}

function describeIssue(issue: ZodIssue, input: unknown): Problem[] {
  const got = valueAt(input, issue.path);
  const gotText = got === undefined ? "" : `, got ${JSON.stringify(got)}`;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: [...issue.path, key],
        message: "is not a known setting (check the spelling against config/schema.ts)",
      }));
    case "invalid_type": {
      if (got === undefined) return [{ path: issue.path, message: issue.message === "Required" ? "is required" : issue.message }];
      // Keep the schema's own wording (e.g. "must be a whole number of seconds") over zod's generic one.
      const own = !issue.message.startsWith("Expected ");
      return [{ path: issue.path, message: own ? `${issue.message}${gotText}` : `must be ${issue.expected}${gotText}` }];
    }
    case "invalid_enum_value":
      return [{ path: issue.path, message: `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}${gotText}` }];
    case "invalid_union_discriminator":
      return [{ path: issue.path, message: `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}${gotText}` }];
    default:
      return [{ path: issue.path, message: `${issue.message}${gotText}` }];
  }
}

function stageOf(envName: string, declared: unknown): Stage | undefined {
  if (typeof declared === "string" && (STAGES as readonly string[]).includes(declared)) return declared as Stage;
  return (STAGES as readonly string[]).includes(envName) ? (envName as Stage) : undefined;
}

/** Problems of one environment, each as `<env>.<path>: <message>`. Empty when the config is valid. */
function problemsOf(input: unknown, envName: string): { config?: EnvironmentConfig; problems: string[] } {
  const at = (p: Problem) => `${[envName, formatPath(p.path)].filter(Boolean).join(".")}: ${p.message}`;
  if (!ENV_NAME.test(envName)) {
    return {
      problems: [
        `${envName}: environment names must be 1-20 lowercase letters, digits or hyphens, starting with a letter (they become stack ids and resource names)`,
      ],
    };
  }
  const parsed = environmentSchema.safeParse(input);
  const problems = parsed.success ? [] : parsed.error.issues.flatMap((i) => describeIssue(i, input)).map(at);
  const stage = stageOf(envName, (input as { stage?: unknown } | undefined)?.stage);
  if (!stage) {
    problems.push(
      `${envName}.stage: is required for an environment not named dev, staging or prod; must be one of "dev", "staging", "prod"`,
    );
  }
  if (!parsed.success || !stage) return { problems };
  const config = resolveEnvironment(envName, stage, parsed.data);
  problems.push(...RULES.flatMap((rule) => rule.check(config)).map(at));
  return problems.length ? { problems } : { config, problems };
}

/** Validate one environment's raw settings and return the typed, defaulted config; throws ConfigError listing every problem. */
export function parseEnvironmentConfig(input: unknown, envName: string): EnvironmentConfig {
  const { config, problems } = problemsOf(input, envName);
  if (!config) throw new ConfigError(problems);
  return config;
}

/** Values that must differ between environments, and why. */
const DISTINCT_ACROSS_ENVIRONMENTS: readonly { path: string; get: (c: EnvironmentConfig) => string | undefined; why: string }[] = [
  { path: "accountId", get: (c) => c.accountId, why: "each environment has its own AWS account" },
  {
    path: "authDomain.prefix",
    get: (c) => (c.authDomain.kind === "prefix" ? `${c.region}/${c.authDomain.prefix}` : undefined),
    why: "prefix domains are unique per region across all of AWS",
  },
];

/**
 * Validate every environment (default: config/environments.ts) and return them in declaration
 * order. Throws one ConfigError with the problems of all environments.
 */
export function loadEnvironments(raw: Record<string, unknown> = defaultEnvironments): EnvironmentConfig[] {
  const results = Object.entries(raw).map(([name, input]) => ({ name, ...problemsOf(input, name) }));
  const problems = results.flatMap((r) => r.problems);
  const configs = results.flatMap((r) => (r.config ? [r.config] : []));
  if (results.length === 0) problems.push("environments: must define at least one environment");
  for (const rule of DISTINCT_ACROSS_ENVIRONMENTS) {
    const seen = new Map<string, string>();
    for (const c of configs) {
      const value = rule.get(c);
      if (value === undefined) continue;
      const first = seen.get(value);
      if (first)
        problems.push(
          `${c.name}.${rule.path}: must differ from ${first}.${rule.path} (${rule.why}), got ${JSON.stringify(value.split("/").pop())}`,
        );
      else seen.set(value, c.name);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return configs;
}

/** For code that builds environments programmatically (tests, bench). */
export type EnvironmentsInput = Record<string, EnvironmentInput>;
