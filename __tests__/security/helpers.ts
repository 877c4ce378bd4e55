/**
 * Helpers of the security control suite: the Cognito resources of a synthesized environment,
 * synthesis of a patched config, and config refusals.
 */
import { parseEnvironmentConfig } from "../../config";
import { controlledValues, securityControl } from "../../stacks/security-controls";
import { problemsOf } from "../support/config-problems";
import { onlyResource, rawEnv, resourcesOf, synthConfig, synthStack, type EnvName, type TfJson } from "../support/synth";

export type Patch = Parameters<typeof rawEnv>[1];

export const POOL = "aws_cognito_user_pool";
export const CLIENT = "aws_cognito_user_pool_client";
export const DOMAIN = "aws_cognito_user_pool_domain";
export const RISK = "aws_cognito_risk_configuration";

/** The Cognito resources of one synthesized stack (snake_case, as Terraform reads them). */
export interface Auth {
  json: TfJson;
  pool: TfJson;
  client: TfJson;
  domain: TfJson;
  /** undefined when the stack has no risk configuration. */
  risk: TfJson | undefined;
}

export function authOf(json: TfJson): Auth {
  const risks = Object.values(resourcesOf(json, RISK));
  if (risks.length > 1) throw new Error(`expected at most one ${RISK}, found ${risks.length}`);
  return { json, pool: onlyResource(json, POOL), client: onlyResource(json, CLIENT), domain: onlyResource(json, DOMAIN), risk: risks[0] };
}

/** The risk configuration of a stack that must have one. */
export function riskOf(auth: Auth): TfJson {
  if (!auth.risk) throw new Error(`expected an ${RISK}`);
  return auth.risk;
}

/** Cognito resources of a shipped environment (config/environments.ts as is). */
export const shipped = (env: EnvName): Auth => authOf(synthStack(env));

/** Cognito resources of a shipped environment with a config patch (the patch must pass validation). */
export function patched(env: EnvName, patch: Patch): Auth {
  return authOf(JSON.parse(synthConfig(parseEnvironmentConfig(rawEnv(env, patch), env))));
}

/** ConfigError problem lines for a shipped environment with a patch ([] when accepted). */
export const refusals = (env: EnvName, patch: Patch): readonly string[] => problemsOf(env, patch);

/** The account of each shipped environment, for expected ARNs. */
export const ACCOUNT: Record<EnvName, string> = { dev: "111111111111", staging: "222222222222", prod: "333333333333" };
export const DOMAIN_NAME: Record<EnvName, string> = {
  dev: "dev.taskflow.example.com",
  staging: "staging.taskflow.example.com",
  prod: "taskflow.example.com",
};

/**
 * A control's describe, by its name in stacks/security-controls.ts (the list drift detection
 * watches): a control missing there fails here, so the suite and drift detection cannot disagree.
 */
export function describeControl(name: string, enforces: string, body: () => void): void {
  describe(`${controlName(name)}: ${enforces}`, body);
}

/** A control's name, checked against the list, for a describe that keeps its own layout: describe(`${controlName("Name")}: what it enforces`, ...). */
export function controlName(name: string): string {
  securityControl(name);
  return name;
}

/**
 * The values of a synthesized resource that a control covers, by attribute path as listed in
 * security-controls.ts. Asserting on all of them with toEqual checks exactly what drift watches.
 */
export const controlled = (control: string, type: string, resource: TfJson): Record<string, unknown> =>
  controlledValues(control, type, resource);
