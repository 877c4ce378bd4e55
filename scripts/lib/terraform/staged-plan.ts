/**
 * plan writes its files (tfplan, plan.txt, plan.json, review.md) into a temporary folder beside
 * plans/<stack>/ and moves them into place only when the run got as far as a review. A run that
 * fails half-way (the AWS API goes away, Terraform crashes, the machine is killed) so never leaves a
 * tfplan or review.md in plans/<stack>/ that could be taken for a finished review; older files are
 * removed at the start, so neither can an earlier run's.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import type { Io } from "../cli/io";
import type { StackTarget } from "../cli/stacks";
import { planFiles, type PlanFiles } from "./terraform";

export interface StagedPlanFiles {
  /** Where this run writes. */
  readonly files: PlanFiles;
  /** Where the files end up, and what messages and review.md name. */
  readonly final: PlanFiles;
}

const PLAN_OUTPUTS = ["tfplan", "text", "json", "review"] as const;

/**
 * Runs `body` with a staging folder; moves what it wrote into plans/<stack>/ when it wrote a review
 * (a finished plan, or a refusal that explains itself), and discards everything otherwise.
 */
export async function withStagedPlanFiles(
  io: Io,
  target: StackTarget,
  body: (staged: StagedPlanFiles) => Promise<number>,
): Promise<number> {
  const final = planFiles(io, target);
  for (const k of PLAN_OUTPUTS) rmSync(final[k], { force: true });
  mkdirSync(final.dir, { recursive: true });
  const stage = mkdtempSync(join(final.dir, "..", `.partial-${target.name}-`));
  const files: PlanFiles = { ...final, dir: stage, ...Object.fromEntries(PLAN_OUTPUTS.map((k) => [k, join(stage, basename(final[k]))])) };
  try {
    const code = await body({ files, final });
    if (existsSync(files.review)) for (const k of PLAN_OUTPUTS) if (existsSync(files[k])) renameSync(files[k], final[k]);
    return code;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
