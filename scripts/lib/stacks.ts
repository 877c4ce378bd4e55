/**
 * Which stacks the commands accept: derived from the validated config (every environment and its
 * bootstrap stack state-<env>), so adding an environment needs no change here.
 */
import type { EnvironmentConfig } from "../../config";
import { stateStackId } from "../../config/names";

export interface StackTarget {
  /** Stack id as cdktf knows it: `prod`, `state-prod`. */
  readonly name: string;
  /** environment: the platform itself; bootstrap: the state bucket, lock table and key it needs first. */
  readonly kind: "environment" | "bootstrap";
  readonly env: EnvironmentConfig;
}

/** Every stack of the app, environments first, in config order. */
export function stackTargets(envs: readonly EnvironmentConfig[]): StackTarget[] {
  return [
    ...envs.map((env): StackTarget => ({ name: env.name, kind: "environment", env })),
    ...envs.map((env): StackTarget => ({ name: stateStackId(env.name), kind: "bootstrap", env })),
  ];
}

export function findStack(name: string, envs: readonly EnvironmentConfig[]): StackTarget | undefined {
  return stackTargets(envs).find((t) => t.name === name);
}

export function unknownStackMessage(name: string, envs: readonly EnvironmentConfig[]): string {
  return `Unknown stack ${JSON.stringify(name)}. Valid stacks: ${stackTargets(envs)
    .map((t) => t.name)
    .join(", ")}\n(environments come from config/environments.ts; state-<env> bootstraps an environment's remote state)\n`;
}
