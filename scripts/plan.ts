/**
 * npm run plan -- <stack>: synth, init, and a saved plan in plans/<stack>/ with its text, its JSON
 * and review.md for the approver. The exit status tells a pipeline whether anything protected is
 * replaced or destroyed (3), so it can stop before anyone applies.
 */
import { rmSync, writeFileSync } from "node:fs";
import { booleanOption, stringOption, type OptionValues } from "./lib/cli/args";
import { stackCommand } from "./lib/cli/command";
import { withCheckedStack } from "./lib/terraform/preflight";
import { EXIT } from "./lib/cli/exit-codes";
import { runIfMain, type Io } from "./lib/cli/io";
import { parsePlanJson } from "./lib/review/plan-json";
import { preventDestroyRefusals } from "./lib/terraform/refusal";
import { analysePlan, renderRefusal, renderReview } from "./lib/review/review";
import { unreachableApi } from "./lib/terraform/api-errors";
import { withStagedPlanFiles } from "./lib/terraform/staged-plan";
import { lockedMessage, lockFromTerraformError } from "./lib/state/state-lock";
import type { StackTarget } from "./lib/cli/stacks";
import { initIfNeeded } from "./lib/terraform/init-once";
import { planAndShow } from "./lib/terraform/saved-plan";
import { shown, synth, type PlanFiles } from "./lib/terraform/terraform";
import { findUnmanagedPools, renderUnmanagedReview, unmanagedCheckFailed, unmanagedPoolAdvice } from "./lib/review/unmanaged-pool";

export const spec = stackCommand({
  name: "plan",
  summary:
    "Synthesize, `terraform init` (skipped when already initialised), and save a plan of one stack in plans/<stack>/: tfplan, plan.txt, plan.json, review.md.",
  options: {
    "detailed-exitcode": booleanOption("exit 2 when the plan has changes (none protected), 0 only when there are none"),
    replace: stringOption(
      "a resource address to plan as replaced (terraform plan -replace), e.g. aws_cloudformation_stack.managed_login_branding when drift reports an app client without a sign-in page",
    ),
  },
  details: [
    "review.md lists counts, every resource change with the attributes it touches (sensitive values masked),",
    "a warning for any replace or destroy of a protected resource, and the environment's security posture.",
    "Apply exactly this plan with `npm run apply -- <stack>`.",
  ],
});

export function plan(argv: readonly string[], io: Io): Promise<number> {
  return withCheckedStack(spec, argv, io, (target, values) =>
    withStagedPlanFiles(io, target, ({ files, final }) => planInto(io, target, values, files, final)),
  );
}

async function planInto(io: Io, target: StackTarget, values: OptionValues, files: PlanFiles, final: PlanFiles): Promise<number> {
  const unmanaged = await checkUnmanagedPools(io, target, files, final);
  if (unmanaged !== undefined) return unmanaged;
  if ((await synth(io)) !== 0) return EXIT.FAILED;
  if ((await initIfNeeded(io, target)) !== 0) return EXIT.FAILED;
  const replaceArgs = typeof values.replace === "string" ? [`-replace=${values.replace}`] : [];
  const planned = await planAndShow(io, target, replaceArgs, files.tfplan);
  const stderr = planned.stderr;
  if (planned.code !== 0) {
    rmSync(files.tfplan, { force: true });
    const refused = preventDestroyRefusals(stderr);
    if (refused.length) {
      writeFileSync(files.review, renderRefusal(refused, { target, tfplan: shown(io, final.tfplan) }, new Date().toISOString()));
      io.err(
        `\nTerraform refused the plan: it would destroy ${refused.join(", ")} (lifecycle.prevent_destroy). See ${shown(io, final.review)}.\n`,
      );
      return EXIT.PROTECTED;
    }
    const lock = lockFromTerraformError(stderr);
    if (lock) {
      io.err(`\n${lockedMessage(target, lock)}`);
      return EXIT.LOCKED;
    }
    const unreachable = unreachableApi(stderr);
    if (unreachable)
      io.err(
        `\nTerraform could not reach the AWS API (${unreachable}): nothing was planned. Check the network, the endpoint and the credentials' region, then run npm run plan -- ${target.name} again.\n`,
      );
    io.err(`terraform plan of ${target.name} failed: see the output above. No plan was saved; plans/${target.name}/ holds no review.\n`);
    return EXIT.FAILED;
  }
  if (planned.json === undefined) {
    io.err(`terraform show -json of ${shown(io, final.tfplan)} failed: see the output above.\n`);
    return EXIT.FAILED;
  }
  writeFileSync(files.text, planned.text);
  writeFileSync(files.json, planned.json);
  const planJson = parsePlanJson(planned.json, shown(io, final.json));
  const analysis = analysePlan(planJson);
  writeFileSync(files.review, renderReview(planJson, { target, tfplan: shown(io, final.tfplan) }, analysis));

  const { add, change, replace, destroy, import: imported } = analysis.counts;
  io.err(
    `\nPlan of ${target.name}: ${add} to add, ${change} to change, ${replace} to replace, ${destroy} to destroy, ${imported} to import.\n` +
      `Review: ${shown(io, final.review)}  (saved plan: ${shown(io, final.tfplan)}; text: plan.txt; JSON: plan.json)\n`,
  );
  if (analysis.protectedChanges.length) {
    io.err(
      `\nWARNING: this plan replaces or destroys protected resources:\n${analysis.protectedChanges.map((c) => `  - ${c.action} ${c.resource.address}\n`).join("")}` +
        `Read the warning in ${shown(io, final.review)}. apply refuses this plan without --allow-protected.\n`,
    );
    return EXIT.PROTECTED;
  }
  io.err(analysis.hasChanges ? `Next: read the review, then npm run apply -- ${target.name}\n` : "No changes.\n");
  return values["detailed-exitcode"] === true && analysis.hasChanges ? EXIT.CHANGES : EXIT.OK;
}

/** A pool of the configured name outside the state stops the plan before Terraform plans a second one. */
async function checkUnmanagedPools(io: Io, target: StackTarget, files: PlanFiles, final: PlanFiles): Promise<number | undefined> {
  let found;
  try {
    found = await findUnmanagedPools(io, target);
  } catch (e) {
    io.err(unmanagedCheckFailed(target, e));
    return EXIT.FAILED;
  }
  if (!found?.pools.length) return undefined;
  writeFileSync(files.review, renderUnmanagedReview(target, found, new Date().toISOString()));
  io.err(
    `\nA user pool named ${target.env.userPool.name} exists in account ${target.env.accountId} but the state of ${target.name} does not manage it: ` +
      `${found.pools.map((p) => p.id).join(", ")}. Terraform would create a second pool. Nothing was planned.\n` +
      unmanagedPoolAdvice(target, found).join("\n") +
      `\nSee ${shown(io, final.review)}.\n`,
  );
  return EXIT.PROTECTED;
}

runIfMain(module, plan);
