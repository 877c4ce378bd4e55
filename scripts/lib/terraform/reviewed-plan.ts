/**
 * The record that ties a saved plan to what was reviewed: which stack, which commit, when, and
 * digests of the plan file and of the synthesized configuration it was made from. `plan-record`
 * writes it next to the plan; `plan-verify` checks it before a pipeline applies the plan in another
 * job, so a plan of another stack, another commit, a half-downloaded artifact or an old plan is
 * refused before Terraform runs.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Io } from "../cli/io";
import type { StackTarget } from "../cli/stacks";
import { planFiles, stackDir } from "./terraform";

export interface PlanRecord {
  readonly stack: string;
  readonly commit: string;
  /** ISO 8601, when the record was written (right after the plan). */
  readonly createdAt: string;
  readonly tfplanSha256: string;
  /** Digest of cdktf.out/stacks/<stack>/cdk.tf.json: the configuration the plan was made from. */
  readonly configurationSha256: string;
}

/** Default for plan-verify --max-age-minutes: a working day between the plan and its approval. */
export const DEFAULT_MAX_AGE_MINUTES = 720;
/** Clocks of two CI machines may differ a little; a record further in the future than this is refused. */
const CLOCK_SKEW_MINUTES = 5;

export const recordPath = (io: Io, target: StackTarget): string => join(planFiles(io, target).dir, "reviewed-plan.json");
export const configurationPath = (io: Io, target: StackTarget): string => join(stackDir(io, target), "cdk.tf.json");

export function sha256Of(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The commit being built: --commit when given, else `git rev-parse HEAD` (the checkout a CI job made). */
export async function currentCommit(io: Io, explicit: string | boolean | undefined): Promise<string | { error: string }> {
  if (typeof explicit === "string") {
    return COMMIT.test(explicit)
      ? explicit
      : { error: `--commit must be a full commit hash (40 hex digits), got ${JSON.stringify(explicit)}` };
  }
  const git = await io.capture("git", ["rev-parse", "HEAD"]);
  const commit = git.stdout.trim();
  return git.code === 0 && COMMIT.test(commit)
    ? commit
    : { error: "could not read the current commit (git rev-parse HEAD); pass --commit <sha>" };
}

export interface Expected {
  readonly stack: string;
  readonly commit: string;
  readonly tfplanSha256: string;
  readonly configurationSha256: string;
  readonly now: Date;
  readonly maxAgeMinutes: number;
}

/** Every reason the record does not describe the plan about to be applied ([] when it does). */
export function recordProblems(record: Partial<PlanRecord>, expected: Expected): string[] {
  const problems: string[] = [];
  if (record.stack !== expected.stack) {
    problems.push(`the plan is of stack ${JSON.stringify(record.stack)}, not ${JSON.stringify(expected.stack)}`);
  }
  if (record.commit !== expected.commit) {
    problems.push(`the plan was made at commit ${record.commit ?? "(none)"}, this job builds ${expected.commit}`);
  }
  if (record.tfplanSha256 !== expected.tfplanSha256) {
    problems.push("tfplan is not the file that was planned and reviewed (its SHA-256 differs from the record)");
  }
  if (record.configurationSha256 !== expected.configurationSha256) {
    problems.push("the synthesized configuration differs from the one the plan was made from (cdk.tf.json SHA-256)");
  }
  const created = Date.parse(record.createdAt ?? "");
  if (Number.isNaN(created)) {
    problems.push(`the record has no valid creation time, got ${JSON.stringify(record.createdAt)}`);
  } else {
    const ageMinutes = (expected.now.getTime() - created) / 60_000;
    if (ageMinutes > expected.maxAgeMinutes) {
      problems.push(
        `the plan is ${Math.floor(ageMinutes)} minutes old, more than the ${expected.maxAgeMinutes} allowed: plan and review again`,
      );
    } else if (ageMinutes < -CLOCK_SKEW_MINUTES) {
      problems.push(`the record says it was made in the future (${record.createdAt})`);
    }
  }
  return problems;
}

export function readRecord(path: string): Partial<PlanRecord> | { error: string } {
  if (!existsSync(path)) return { error: "missing" };
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Partial<PlanRecord>) : { error: "not a JSON object" };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
