/**
 * npm run plan-verify -- <stack>: before `npm run apply -- <stack> --yes` in a job other than the one
 * that planned, check that plans/<stack>/tfplan is the reviewed plan of this stack at this commit,
 * made from the configuration this checkout synthesizes, and not older than --max-age-minutes.
 * Terraform itself refuses a plan whose state changed since ("Saved plan is stale").
 */
import { existsSync } from "node:fs";
import { stringOption } from "./lib/cli/args";
import { stackCommand, withStack } from "./lib/cli/command";
import { EXIT } from "./lib/cli/exit-codes";
import { runIfMain, type Io } from "./lib/cli/io";
import {
  DEFAULT_MAX_AGE_MINUTES,
  configurationPath,
  currentCommit,
  readRecord,
  recordPath,
  recordProblems,
  sha256Of,
} from "./lib/terraform/reviewed-plan";
import { planFiles, shown } from "./lib/terraform/terraform";

export const spec = stackCommand({
  name: "plan-verify",
  summary: "Check that plans/<stack>/tfplan is the reviewed plan of this stack at this commit, and recent enough to apply.",
  options: {
    commit: stringOption("the commit being deployed (default: git rev-parse HEAD)"),
    "max-age-minutes": stringOption(`refuse plans older than this (default: ${DEFAULT_MAX_AGE_MINUTES})`),
  },
  details: [
    "Needs plans/<stack>/tfplan and reviewed-plan.json (npm run plan-record) and the synthesized stack (npm run synth).",
    "A plan that fails any check is refused with status 4 and every reason; nothing is applied.",
  ],
});

export function planVerify(argv: readonly string[], io: Io, now: () => Date = () => new Date()): Promise<number> {
  return withStack(spec, argv, io, async (target, values) => {
    const raw = values["max-age-minutes"];
    const maxAgeMinutes = typeof raw === "string" ? Number(raw) : DEFAULT_MAX_AGE_MINUTES;
    if (!Number.isInteger(maxAgeMinutes) || maxAgeMinutes <= 0) {
      io.err(`plan-verify: --max-age-minutes must be a whole number of minutes above 0, got ${JSON.stringify(raw)}\n`);
      return EXIT.USAGE;
    }
    const files = planFiles(io, target);
    const configuration = configurationPath(io, target);
    const record = readRecord(recordPath(io, target));
    const missing = [
      ...(existsSync(files.tfplan) ? [] : [`${shown(io, files.tfplan)} is missing (was the plan artifact downloaded?)`]),
      ...("error" in record
        ? [`${shown(io, recordPath(io, target))}: ${record.error} (npm run plan-record writes it after the plan)`]
        : []),
      ...(existsSync(configuration) ? [] : [`${shown(io, configuration)} is missing: run npm run synth first`]),
    ];
    const commit = await currentCommit(io, values.commit);
    if (typeof commit !== "string") missing.push(commit.error);
    const problems =
      missing.length || "error" in record || typeof commit !== "string"
        ? missing
        : recordProblems(record, {
            stack: target.name,
            commit,
            tfplanSha256: sha256Of(files.tfplan),
            configurationSha256: sha256Of(configuration),
            now: now(),
            maxAgeMinutes,
          });
    if (problems.length) {
      io.err(`Refusing to apply ${shown(io, files.tfplan)}:\n${problems.map((p) => `  - ${p}\n`).join("")}Plan and review again.\n`);
      return EXIT.REFUSED;
    }
    io.err(
      `${shown(io, files.tfplan)} is the reviewed plan of ${target.name} at ${commit as string}: apply it with npm run apply -- ${target.name} --yes\n`,
    );
    return EXIT.OK;
  });
}

runIfMain(module, planVerify);
