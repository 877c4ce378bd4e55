/**
 * The emulator's IAM decision log (emulator/ext_authz.py): one JSON line per decision.
 */
import { readFileSync } from "node:fs";

export interface Decision {
  readonly principal: string;
  readonly action: string;
  /** The ARN evaluated, "*" for an action AWS authorizes on all resources or one the emulator could not tell. */
  readonly resource?: string;
  readonly decision: "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "Error";
  /** <policy>/<Sid> of the deciding statements. */
  readonly statements: string[];
  readonly operation?: string;
  readonly error?: string;
  /** The request context the decision was made with. */
  readonly context?: Record<string, string | string[]>;
}

/** The log's decisions, or its first `count` (SharedDeployment.authzSetupDecisions: the set-up's own). */
export function readDecisions(path: string, count?: number): Decision[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .slice(0, count)
    .map((line) => JSON.parse(line) as Decision);
}

export const isDenied = (d: Decision) => d.decision === "ExplicitlyDenied" || d.decision === "ImplicitlyDenied";

/** Decisions made for sessions of `roleName` (arn:aws:sts::<account>:assumed-role/<roleName>/<session>). */
export const byRole = (decisions: readonly Decision[], account: string, roleName: string) =>
  decisions.filter((d) => d.principal.startsWith(`arn:aws:sts::${account}:assumed-role/${roleName}/`));

/** "action on resource (decision)" lines, sorted and unique: a readable failure message. */
export const describeDecisions = (decisions: readonly Decision[]) =>
  [...new Set(decisions.map((d) => `${d.action} on ${d.resource ?? "*"} (${d.decision}${d.error ? `: ${d.error}` : ""})`))].sort();
