/**
 * npm run --silent ci-role -- <stack> --role plan|apply: the role a CI job assumes for this stack and
 * the Region to use, as `name=value` lines for $GITHUB_OUTPUT (or any CI's variables), taken from the
 * same config and naming that state-<env> creates the roles with, so the two cannot disagree.
 */
import { stringOption } from "./lib/cli/args";
import { stackCommand, withStack } from "./lib/cli/command";
import { EXIT } from "./lib/cli/exit-codes";
import { runIfMain, type Io } from "./lib/cli/io";
import { ciRoleArn } from "../stacks/constructs/ci-roles/names";

export const spec = stackCommand({
  name: "ci-role",
  summary: "Print role_arn=<the stack's CI role> and aws_region=<its Region> for a CI job (plan: read-only; apply: the reviewed plan).",
  options: { role: stringOption("plan (read-only: plan and drift) or apply (applies a reviewed plan of an environment)") },
  details: ["The roles exist once state-<env> is deployed with ci.githubRepository set in config."],
});

export function ciRole(argv: readonly string[], io: Io): Promise<number> {
  return withStack(spec, argv, io, async (target, values) => {
    const role = values.role;
    if (role !== "plan" && role !== "apply") {
      io.err(`ci-role: --role must be plan or apply, got ${JSON.stringify(role ?? null)}\n`);
      return EXIT.USAGE;
    }
    if (!target.env.ci.githubRepository) {
      io.err(
        `ci-role: ${target.env.name} has no ci.githubRepository in config/environments.ts, so state-${target.env.name} creates no CI roles.\n`,
      );
      return EXIT.FAILED;
    }
    if (role === "apply" && target.kind === "bootstrap") {
      io.err(`ci-role: ${target.name} is applied by an administrator, never by the pipeline (its apply role cannot change it).\n`);
      return EXIT.USAGE;
    }
    io.out(`role_arn=${ciRoleArn(target.env, role)}\naws_region=${target.env.region}\n`);
    return EXIT.OK;
  });
}

runIfMain(module, ciRole);
