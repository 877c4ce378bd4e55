/**
 * Helpers of the audit suites: synthesized JSON of shipped or patched environments, and the
 * Terraform references the audit resources must point at.
 */
import { parseEnvironmentConfig, type EnvironmentConfig } from "../../config";
import { rawEnv, synthConfig, synthStack, type EnvName, type TfJson } from "../support/synth";

export type Patch = Parameters<typeof rawEnv>[1];

/** Environments whose pool is on PLUS with threat protection: they export user activity. */
export const EXPORTING = ["staging", "prod"] as const;

export const config = (env: EnvName, patch: Patch = {}): EnvironmentConfig => parseEnvironmentConfig(rawEnv(env, patch), env);

/** Synthesized JSON of a shipped environment, or of one with a config patch (which must pass validation). */
export const synth = (env: EnvName, patch?: Patch): TfJson => (patch ? JSON.parse(synthConfig(config(env, patch))) : synthStack(env));

/** Synthesized JSON of the environment's bootstrap stack state-<env>, shipped or patched. */
export const synthState = (env: EnvName, patch?: Patch): TfJson =>
  patch ? JSON.parse(synthConfig(config(env, patch), `state-${env}`)) : synthStack(`state-${env}`);

export const REF = {
  poolId: "${aws_cognito_user_pool.user_pool.id}",
  poolArn: "${aws_cognito_user_pool.user_pool.arn}",
  userActivityArn: "${aws_cloudwatch_log_group.audit_user_activity_log_group.arn}",
  userNotificationArn: "${aws_cloudwatch_log_group.audit_user_notification_log_group.arn}",
  userActivityName: "${aws_cloudwatch_log_group.audit_user_activity_log_group.name}",
  deliveryPolicy: "aws_cloudwatch_log_resource_policy.audit_log_delivery_policy",
} as const;

/** One resource by type and pinned name; fails loudly when it is missing. */
export function resource(json: TfJson, type: string, name: string): TfJson {
  const found = json.resource?.[type]?.[name];
  if (!found) throw new Error(`no ${type}.${name}; has: ${Object.keys(json.resource?.[type] ?? {}).join(", ") || "none"}`);
  return found;
}

/** Addresses (type.name) of every resource in the stack. */
export const addressesOf = (json: TfJson): string[] =>
  Object.entries(json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName as object).map((n) => `${type}.${n}`));
