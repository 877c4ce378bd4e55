/**
 * npm run deploy -- <stack> [--yes]: the seed's deploy.sh done properly. One named stack (never
 * --all), validated against config before anything runs; prod needs the typed confirmation; a
 * refusal exits non-zero; offline provider mirrors work. Runs `cdktf deploy <stack>`, which plans
 * and applies in one go: for prod, the reviewed path is plan → review.md → apply.
 */
import { dirname, join } from "node:path";
import { adoptionAdvice, alreadyExisting } from "./lib/terraform/already-existing";
import { booleanOption, yesOption } from "./lib/cli/args";
import { stackCommand, withStack } from "./lib/cli/command";
import { confirm } from "./lib/cli/confirm";
import { EXIT } from "./lib/cli/exit-codes";
import { runIfMain, type Io } from "./lib/cli/io";
import { preflight } from "./lib/terraform/preflight";
import { providerMirror } from "./lib/terraform/provider-mirror";
import { shown, stackDir } from "./lib/terraform/terraform";

export const spec = stackCommand({
  name: "deploy",
  summary: "Synthesize every stack and deploy one with `cdktf deploy <stack>` (plan and apply in one step).",
  options: {
    yes: yesOption(", and cdktf applies without asking (CI, after the pipeline's approval)"),
    "migrate-state": booleanOption('move a bootstrap stack\'s state into its bucket (after state.bootstrapBackend = "s3")'),
  },
  details: [
    "On a terminal without --yes, cdktf shows its plan and asks before applying.",
    "When TF_CLI_CONFIG_FILE installs providers from a filesystem_mirror, cdktf's provider-lock step",
    "(which needs the registry) is skipped with --skip-provider-lock.",
    "For prod, prefer `npm run plan -- prod`, review plans/prod/review.md, then `npm run apply -- prod`.",
  ],
});

/** cdktf-cli's entry script, run by this Node: no npx resolution, same version as package.json pins. */
function cdktfBin(): string {
  const pkgFile = require.resolve("cdktf-cli/package.json");
  const pkg = require(pkgFile) as { bin: { cdktf: string } };
  return join(dirname(pkgFile), pkg.bin.cdktf);
}

export function deploy(argv: readonly string[], io: Io): Promise<number> {
  return withStack(spec, argv, io, async (target, values) => {
    const confirmation = await confirm(target, "deploy", values.yes === true, io);
    if (!confirmation.ok) {
      io.err(confirmation.message);
      return EXIT.REFUSED;
    }
    const refused = await preflight(io, target);
    if (refused !== undefined) return refused;
    const args = ["deploy", target.name];
    // Without a terminal nobody can answer cdktf's own prompt; on one, let it show the plan and ask.
    if (values.yes === true || !io.interactive) args.push("--auto-approve");
    if (values["migrate-state"] === true) args.push("--migrate-state");
    const mirror = await providerMirror(io.env);
    if (mirror) {
      args.push("--skip-provider-lock");
      io.err(
        `Provider lock skipped (--skip-provider-lock): ${mirror.file} installs providers from the filesystem mirror ${mirror.paths.join(", ")}, ` +
          "and cdktf's lock step (terraform providers lock) needs the registry. terraform init still records the mirror's hashes in .terraform.lock.hcl.\n",
      );
    }
    io.err(`Running: cdktf ${args.join(" ")}\n`);
    const env: Record<string, string> = io.interactive ? {} : { CI: "1" };
    if (values["migrate-state"] === true) {
      // cdktf runs `terraform init -migrate-state` without a way to answer Terraform's "copy the existing
      // state to the new backend?" question: without a terminal (or with TF_INPUT=0) init stops with "Error:
      // input is disabled" and the state stays local. -force-copy answers it yes, which the operator already
      // did by confirming this deploy (https://developer.hashicorp.com/terraform/cli/commands/init, -force-copy;
      // TF_CLI_ARGS_init: https://developer.hashicorp.com/terraform/cli/config/environment-variables).
      env.TF_CLI_ARGS_init = [io.env.TF_CLI_ARGS_init, "-force-copy"].filter(Boolean).join(" ");
    }
    // Without a terminal cdktf's output is plain text, so it can be read for Terraform's "already
    // exists" errors too (on a terminal it stays cdktf's own interactive display).
    let output = "";
    const collect = io.interactive
      ? {}
      : { onStdout: (chunk: string) => (output += chunk), onStderr: (chunk: string) => (output += chunk) };
    const code = await io.run(process.execPath, [cdktfBin(), ...args], { env, ...collect });
    if (code !== 0) {
      const existing = alreadyExisting(output);
      const advice = existing.length
        ? adoptionAdvice(existing, shown(io, stackDir(io, target)), target.env.region, [`npm run deploy -- ${target.name}`])
        : "see the output above.\n";
      io.err(`cdktf deploy ${target.name} failed (exit ${code}): ${advice}`);
      return EXIT.FAILED;
    }
    io.err(`Deployed ${target.name}.${target.kind === "environment" ? ` Outputs: npm run outputs -- ${target.name}` : ""}\n`);
    return EXIT.OK;
  });
}

runIfMain(module, deploy);
