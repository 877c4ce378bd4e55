/**
 * npm run drift -- <stack> | --all: what changed in AWS outside Terraform. A refresh-only plan
 * (`terraform plan -refresh-only`: Terraform reads every resource and compares it with the state,
 * proposing no change) is summarised in plans/<stack>/drift.md and drift.json, security drift
 * first. The exit status tells a scheduled job whether to alert: 2 drift, 5 security drift.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentConfig } from "../config";
import { booleanOption, type CommandSpec } from "./lib/cli/args";
import { STACKS_HELP, withConfig, withStack } from "./lib/cli/command";
import { awsErrorText } from "./lib/aws/ops-aws";
import { clientsOfManagedLoginV2, clientsWithoutStyle } from "./lib/review/branding-check";
import { analyseDrift, driftJson, renderDrift, type DriftAnalysis } from "./lib/review/drift-report";
import { EXIT } from "./lib/cli/exit-codes";
import { initIfNeeded } from "./lib/terraform/init-once";
import { runIfMain, type Io, type RunOptions } from "./lib/cli/io";
import { parsePlanJson } from "./lib/review/plan-json";
import { planAndShow } from "./lib/terraform/saved-plan";
import { stackTargets, type StackTarget } from "./lib/cli/stacks";
import { planFiles, shown, synth } from "./lib/terraform/terraform";

export const spec: CommandSpec = {
  name: "drift",
  summary:
    "Compare AWS with the Terraform state of one stack (or of every stack with --all) and write plans/<stack>/drift.md and drift.json.",
  positionals: ["<stack>"],
  usage: "<stack> | --all",
  options: { all: booleanOption("every stack of every environment whose credentials are available; one summary line each") },
  details: [
    STACKS_HELP.split("\n")[0],
    "Runs `terraform plan -refresh-only` (nothing is changed, in AWS or in the state) and lists every attribute that",
    "differs between the state and AWS, and every resource deleted outside Terraform. Drift in a security control",
    "(stacks/security-controls.ts: password policy, MFA, deletion protection, token lifetimes, callback URLs, ...)",
    "is listed first as security drift. Cognito is also asked whether every app client of a managed login v2 domain",
    "still has its branding style (a deleted one leaves Terraform's state unchanged, and the client's sign-in page down).",
    "",
    "--all: an environment's credentials are available when STS GetCallerIdentity, with the credentials this",
    "process has (or the profile named by TASKFLOW_AWS_PROFILE_<ENV>, e.g. TASKFLOW_AWS_PROFILE_PROD), returns",
    "that environment's accountId. Other environments are listed as skipped. The exit status is the most urgent",
    "one: 5 if any stack has security drift, else 1 if any check failed or no environment could be checked,",
    "else 2 if any stack drifted, else 0.",
  ].join("\n"),
};

export interface DriftResult {
  readonly code: number;
  readonly analysis?: DriftAnalysis;
  readonly report?: string;
}

const exitFor = (analysis: DriftAnalysis) =>
  analysis.status === "security-drift" ? EXIT.SECURITY_DRIFT : analysis.status === "drift" ? EXIT.CHANGES : EXIT.OK;

/** Init if needed, refresh-only plan, drift.md and drift.json, for a stack already synthesized. */
async function checkStack(io: Io, target: StackTarget, options: RunOptions = {}): Promise<DriftResult> {
  const files = planFiles(io, target);
  const report = join(files.dir, "drift.md");
  const json = join(files.dir, "drift.json");
  // The refresh-only plan is only read: if it were applied it would write AWS's values into the state.
  const tfplan = join(files.dir, "drift.tfplan");
  for (const f of [report, json, tfplan]) rmSync(f, { force: true });
  mkdirSync(files.dir, { recursive: true });

  if ((await initIfNeeded(io, target, options)) !== 0) return { code: EXIT.FAILED };
  const checkedAt = new Date().toISOString();
  let planned;
  try {
    planned = await planAndShow(io, target, ["-refresh-only"], tfplan, options);
  } finally {
    rmSync(tfplan, { force: true });
  }
  if (planned.code !== 0 || planned.json === undefined) {
    io.err(`terraform plan -refresh-only of ${target.name} failed: see the output above. No drift report was written.\n`);
    return { code: EXIT.FAILED };
  }
  const plan = parsePlanJson(planned.json, `the refresh-only plan of ${target.name}`);
  // A style deleted in Cognito leaves its CloudFormation stack unchanged: ask Cognito (branding-check.ts).
  let withoutStyle;
  try {
    withoutStyle = await clientsWithoutStyle(io.aws(target.env, options.env?.AWS_PROFILE), clientsOfManagedLoginV2(plan));
  } catch (e) {
    io.err(
      `Could not check the managed login branding styles of ${target.name} (cognito-idp:DescribeManagedLoginBrandingByClient): ${awsErrorText(e)}. No drift report was written.\n`,
    );
    return { code: EXIT.FAILED };
  }
  const analysis = analyseDrift(plan, withoutStyle);
  const code = exitFor(analysis);
  const context = { target, checkedAt, terraformVersion: plan.terraform_version, exitCode: code };
  writeFileSync(report, renderDrift(analysis, context));
  writeFileSync(json, `${JSON.stringify(driftJson(analysis, context), null, 2)}\n`);
  return { code, analysis, report: shown(io, report) };
}

/** One line per stack, for the operator and for a scheduled job's log. */
export function summaryLine(target: StackTarget, result: DriftResult): string {
  const name = target.name.padEnd(16);
  const a = result.analysis;
  if (!a) return `${name}failed: see the output above`;
  if (a.status === "none") return `${name}no drift (${a.resourcesInState} resources in state)`;
  const changed = a.resources.filter((r) => r.status === "changed").length;
  const deleted = a.resources.filter((r) => r.status === "deleted").length;
  const unstyled = a.resources.filter((r) => r.status === "no-style").length;
  const counts = `${changed} changed, ${deleted} deleted outside Terraform${unstyled ? `, ${unstyled} app client(s) without a sign-in page` : ""}`;
  return a.status === "security-drift"
    ? `${name}SECURITY DRIFT in ${a.controls.join(", ")} (${counts}): ${result.report}`
    : `${name}drift: ${counts}: ${result.report}`;
}

/** Variable naming the AWS profile of an environment for --all, e.g. TASKFLOW_AWS_PROFILE_PROD. */
export const profileVariable = (env: EnvironmentConfig): string => `TASKFLOW_AWS_PROFILE_${env.name.toUpperCase().replace(/-/g, "_")}`;

/** The credentials to use for an environment, or why there are none. */
async function credentialsFor(io: Io, env: EnvironmentConfig): Promise<{ env: NodeJS.ProcessEnv } | { skipped: string }> {
  const profile = io.env[profileVariable(env)];
  const extra: NodeJS.ProcessEnv = profile ? { AWS_PROFILE: profile } : {};
  const via = profile ? `profile ${profile} (${profileVariable(env)})` : "this process's credentials";
  let account: string;
  try {
    account = await io.callerAccount({ ...io.env, ...extra });
  } catch (e) {
    return { skipped: `skipped: no usable credentials from ${via} (${(e as Error).message})` };
  }
  if (account !== env.accountId) return { skipped: `skipped: ${via} are for account ${account}, not ${env.accountId}` };
  return { env: extra };
}

async function checkAll(io: Io, envs: EnvironmentConfig[]): Promise<number> {
  const checks: { env: EnvironmentConfig; credentials: Awaited<ReturnType<typeof credentialsFor>> }[] = [];
  for (const env of envs) checks.push({ env, credentials: await credentialsFor(io, env) });
  if (!checks.some((c) => "env" in c.credentials)) {
    for (const c of checks) io.out(`${c.env.name.padEnd(16)}${(c.credentials as { skipped: string }).skipped}\n`);
    io.err("No environment's credentials are available: nothing was checked.\n");
    return EXIT.FAILED;
  }
  // stdout carries only the summary lines; Terraform's own output goes to stderr.
  if ((await synth(io, { stdout: "stderr" })) !== 0) return EXIT.FAILED;
  const codes: number[] = [];
  const lines: string[] = [];
  for (const { env, credentials } of checks) {
    const targets = stackTargets([env]).reverse(); // state-<env> first: the environment's state lives in it
    if (!("env" in credentials)) {
      lines.push(...targets.map((t) => `${t.name.padEnd(16)}${credentials.skipped}`));
      continue;
    }
    for (const target of targets) {
      const result = await checkStack(io, target, { env: credentials.env, stdout: "stderr" });
      codes.push(result.code);
      lines.push(summaryLine(target, result));
    }
  }
  io.out(`${lines.join("\n")}\n`);
  if (codes.includes(EXIT.SECURITY_DRIFT)) return EXIT.SECURITY_DRIFT;
  if (codes.includes(EXIT.FAILED)) return EXIT.FAILED;
  return codes.includes(EXIT.CHANGES) ? EXIT.CHANGES : EXIT.OK;
}

export function drift(argv: readonly string[], io: Io): Promise<number> {
  if (argv.includes("--all")) return withConfig({ ...spec, positionals: [] }, argv, io, (envs) => checkAll(io, envs));
  return withStack(spec, argv, io, async (target) => {
    if ((await synth(io)) !== 0) return EXIT.FAILED;
    const result = await checkStack(io, target);
    io.err(`\n${summaryLine(target, result)}\n`);
    return result.code;
  });
}

runIfMain(module, drift);
