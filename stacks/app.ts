import type { App } from "cdktf";
import type { EnvironmentConfig } from "../config";
import { EnvironmentStack } from "./environment-stack";
import { StateStack } from "./state-stack";

/** Every stack of the app, for already validated environments. Used by main.ts, tests and the bench. */
export function buildStacks(app: App, envs: readonly EnvironmentConfig[]): void {
  for (const env of envs) {
    new EnvironmentStack(app, env);
    // Bootstrap of the environment's remote state (`cdktf deploy state-<env>`, before `<env>`).
    new StateStack(app, env);
  }
}
