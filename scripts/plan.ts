/**
 * npm run plan -- <stack>: synth, init, and a saved plan in plans/<stack>/ with its text, its JSON
 * and review.md for the approver. The exit status tells a pipeline whether anything protected is
 * replaced or destroyed (3), so it can stop before anyone applies.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { CommandSpec } from "./lib/args";
import { STACKS_HELP, withStack } from "./lib/command";
import { EXIT } from "./lib/exit-codes";
import { runIfMain, type Io } from "./lib/io";
import { parsePlanJson } from "./lib/plan-json";
import { preventDestroyRefusals } from "./lib/refusal";
import { analysePlan, renderRefusal, renderReview } from "./lib/review";
import { initIfNeeded } from "./lib/init-once";
import { planAndShow } from "./lib/saved-plan";
import { planFiles, shown, synth } from "./lib/terraform";

export const spec: CommandSpec = {
  name: "plan",
  summary:
    "Synthesize, `terraform init` (skipped when already initialised), and save a plan of one stack in plans/<stack>/: tfplan, plan.txt, plan.json, review.md.",
  positionals: ["<stack>"],
  options: {
    "detailed-exitcode": { type: "boolean", description: "exit 2 when the plan has changes (none protected), 0 only when there are none" },
  },
  details: [
    STACKS_HELP,
    "review.md lists counts, every resource change with the attributes it touches (sensitive values masked),",
    "a warning for any replace or destroy of a protected resource, and the environment's security posture.",
    "Apply exactly this plan with `npm run apply -- <stack>`.",
  ].join("\n"),
};

export function plan(argv: readonly string[], io: Io): Promise<number> {
  return withStack(spec, argv, io, async (target, values) => {
    const files = planFiles(io, target);
    // A failed run must not leave an older tfplan behind for apply to pick up.
    for (const f of [files.tfplan, files.text, files.json, files.review]) rmSync(f, { force: true });
    mkdirSync(files.dir, { recursive: true });

    if ((await synth(io)) !== 0) return EXIT.FAILED;
    if ((await initIfNeeded(io, target)) !== 0) return EXIT.FAILED;
    const planned = await planAndShow(io, target, [], files.tfplan);
    if (planned.code !== 0) {
      rmSync(files.tfplan, { force: true });
      const refused = preventDestroyRefusals(planned.stderr);
      if (refused.length) {
        writeFileSync(files.review, renderRefusal(refused, { target, tfplan: shown(io, files.tfplan) }, new Date().toISOString()));
        io.err(
          `\nTerraform refused the plan: it would destroy ${refused.join(", ")} (lifecycle.prevent_destroy). See ${shown(io, files.review)}.\n`,
        );
        return EXIT.PROTECTED;
      }
      io.err(`terraform plan of ${target.name} failed: see the output above. No plan was saved.\n`);
      return EXIT.FAILED;
    }
    if (planned.json === undefined) {
      io.err(`terraform show -json of ${shown(io, files.tfplan)} failed: see the output above.\n`);
      return EXIT.FAILED;
    }
    writeFileSync(files.text, planned.text);
    writeFileSync(files.json, planned.json);
    const planJson = parsePlanJson(planned.json, shown(io, files.json));
    const analysis = analysePlan(planJson);
    writeFileSync(files.review, renderReview(planJson, { target, tfplan: shown(io, files.tfplan) }, analysis));

    const { add, change, replace, destroy, import: imported } = analysis.counts;
    io.err(
      `\nPlan of ${target.name}: ${add} to add, ${change} to change, ${replace} to replace, ${destroy} to destroy, ${imported} to import.\n` +
        `Review: ${shown(io, files.review)}  (saved plan: ${shown(io, files.tfplan)}; text: plan.txt; JSON: plan.json)\n`,
    );
    if (analysis.protectedChanges.length) {
      io.err(
        `\nWARNING: this plan replaces or destroys protected resources:\n${analysis.protectedChanges.map((c) => `  - ${c.action} ${c.resource.address}\n`).join("")}` +
          `Read the warning in ${shown(io, files.review)}. apply refuses this plan without --allow-protected.\n`,
      );
      return EXIT.PROTECTED;
    }
    io.err(analysis.hasChanges ? `Next: read the review, then npm run apply -- ${target.name}\n` : "No changes.\n");
    return values["detailed-exitcode"] === true && analysis.hasChanges ? EXIT.CHANGES : EXIT.OK;
  });
}

runIfMain(module, plan);
