/**
 * npm run apply -- <stack> [--yes]: applies plans/<stack>/tfplan, the plan that was reviewed, and
 * nothing else (`cdktf deploy` would plan again and could apply something nobody has seen). A
 * stale plan is Terraform's to refuse: it checks the state has not changed since the plan.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { adoptionAdvice, alreadyExisting } from "./lib/terraform/already-existing";
import { booleanOption, yesOption } from "./lib/cli/args";
import { stackCommand } from "./lib/cli/command";
import { withCheckedStack } from "./lib/terraform/preflight";
import { confirm } from "./lib/cli/confirm";
import { EXIT } from "./lib/cli/exit-codes";
import { runIfMain, type Io } from "./lib/cli/io";
import { parsePlanJson } from "./lib/review/plan-json";
import { analysePlan } from "./lib/review/review";
import { lockedMessage, lockFromTerraformError } from "./lib/state/state-lock";
import { planFiles, shown, stackDir, synth, terraform, terraformCapture, terraformInit } from "./lib/terraform/terraform";

export const spec = stackCommand({
  name: "apply",
  summary: "Apply exactly the saved plan plans/<stack>/tfplan written by `npm run plan -- <stack>`.",
  options: {
    yes: yesOption(" (CI, after the pipeline's approval of review.md)"),
    "allow-protected": booleanOption("apply even though the plan replaces or destroys a protected resource"),
  },
  details: [
    'Terraform refuses a saved plan when the state changed after it was made ("Saved plan is stale"):',
    "plan again and review the new plan.",
  ],
});

export function apply(argv: readonly string[], io: Io): Promise<number> {
  return withCheckedStack(spec, argv, io, async (target, values) => {
    const files = planFiles(io, target);
    const planPath = shown(io, files.tfplan);
    if (!existsSync(files.tfplan)) {
      io.err(`No saved plan at ${planPath}. Run npm run plan -- ${target.name}, review ${shown(io, files.review)}, then apply.\n`);
      return EXIT.FAILED;
    }
    const dir = stackDir(io, target);
    // Plan and apply may run in different jobs: the plan file travels, the working directory may not.
    if (!existsSync(join(dir, ".terraform"))) {
      if (!existsSync(join(dir, "cdk.tf.json")) && (await synth(io)) !== 0) return EXIT.FAILED;
      if ((await terraformInit(io, target)) !== 0) return EXIT.FAILED;
    }
    // Judge the plan file itself, not a plan.json that could belong to another run.
    const json = await terraformCapture(io, target, ["show", "-json", files.tfplan]);
    if (json.code !== 0) {
      io.err(`terraform show could not read ${planPath}: see the output above.\n`);
      return EXIT.FAILED;
    }
    const analysis = analysePlan(parsePlanJson(json.stdout, planPath));
    if (analysis.protectedChanges.length && values["allow-protected"] !== true) {
      io.err(
        `Refusing to apply ${planPath}: it replaces or destroys protected resources:\n${analysis.protectedChanges.map((c) => `  - ${c.action} ${c.resource.address}\n`).join("")}` +
          `Read the warning in ${shown(io, files.review)}; if this is really intended, run again with --allow-protected.\n`,
      );
      return EXIT.REFUSED;
    }
    if (!analysis.hasChanges) {
      io.err(`${planPath} has no changes: nothing to apply.\n`);
      return EXIT.OK;
    }
    const confirmation = await confirm(target, "apply the saved plan to", values.yes === true, io);
    if (!confirmation.ok) {
      io.err(confirmation.message);
      return EXIT.REFUSED;
    }
    io.err(
      `Applying ${planPath} exactly as reviewed. If the state changed since it was planned, Terraform refuses the stale plan: ` +
        `then run npm run plan -- ${target.name} again and review the new plan.\n`,
    );
    let stderr = "";
    if ((await terraform(io, target, ["apply", "-input=false", files.tfplan], { onStderr: (chunk) => (stderr += chunk) })) !== 0) {
      const lock = lockFromTerraformError(stderr);
      if (lock) {
        io.err(`\n${lockedMessage(target, lock)}`);
        return EXIT.LOCKED;
      }
      const existing = alreadyExisting(stderr);
      if (existing.length) {
        const then = [`npm run plan -- ${target.name}`, `npm run apply -- ${target.name}`];
        io.err(`\nterraform apply of ${planPath} failed: ${adoptionAdvice(existing, shown(io, dir), target.env.region, then)}`);
        return EXIT.FAILED;
      }
      io.err(`terraform apply of ${planPath} failed: see the output above. If it says the plan is stale, plan and review again.\n`);
      return EXIT.FAILED;
    }
    io.err(`Applied ${planPath}.${target.kind === "environment" ? ` Outputs: npm run outputs -- ${target.name}` : ""}\n`);
    return EXIT.OK;
  });
}

runIfMain(module, apply);
