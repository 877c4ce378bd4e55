/**
 * npm run plan-record -- <stack>: after `npm run plan -- <stack>`, write plans/<stack>/reviewed-plan.json
 * (stack, commit, time, digests of tfplan and of the synthesized configuration), which travels with
 * the plan so that `npm run plan-verify` can check it before the apply in another job.
 */
import { existsSync, writeFileSync } from "node:fs";
import { stringOption } from "./lib/cli/args";
import { stackCommand, withStack } from "./lib/cli/command";
import { EXIT } from "./lib/cli/exit-codes";
import { runIfMain, type Io } from "./lib/cli/io";
import { configurationPath, currentCommit, recordPath, sha256Of, type PlanRecord } from "./lib/terraform/reviewed-plan";
import { planFiles, shown } from "./lib/terraform/terraform";

export const spec = stackCommand({
  name: "plan-record",
  summary: "Record which stack, commit and configuration plans/<stack>/tfplan was made from (plans/<stack>/reviewed-plan.json).",
  options: { commit: stringOption("the commit the plan was made from (default: git rev-parse HEAD)") },
  details: ["Run it right after npm run plan -- <stack>; ship reviewed-plan.json with tfplan and review.md."],
});

export function planRecord(argv: readonly string[], io: Io, now: () => Date = () => new Date()): Promise<number> {
  return withStack(spec, argv, io, async (target, values) => {
    const files = planFiles(io, target);
    const configuration = configurationPath(io, target);
    for (const [path, what] of [
      [files.tfplan, `no saved plan: run npm run plan -- ${target.name} first`],
      [configuration, "no synthesized configuration: run npm run plan (it synthesizes) first"],
    ] as const) {
      if (!existsSync(path)) {
        io.err(`plan-record: ${shown(io, path)}: ${what}.\n`);
        return EXIT.FAILED;
      }
    }
    const commit = await currentCommit(io, values.commit);
    if (typeof commit !== "string") {
      io.err(`plan-record: ${commit.error}.\n`);
      return EXIT.FAILED;
    }
    const record: PlanRecord = {
      stack: target.name,
      commit,
      createdAt: now().toISOString(),
      tfplanSha256: sha256Of(files.tfplan),
      configurationSha256: sha256Of(configuration),
    };
    const path = recordPath(io, target);
    writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
    io.err(`Recorded ${shown(io, files.tfplan)} of ${target.name} at ${commit} in ${shown(io, path)}.\n`);
    return EXIT.OK;
  });
}

runIfMain(module, planRecord);
