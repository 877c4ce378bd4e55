/**
 * The start every stack command shares: --help, strict arguments, validated config, and a stack
 * name checked against config, all before anything is synthesized or Terraform runs.
 */
import { ConfigError, type EnvironmentConfig } from "../../../config";
import { helpText, parseCommand, usageLine, type CommandSpec, type OptionValues } from "./args";
import { EXIT } from "./exit-codes";
import type { Io } from "./io";
import { findStack, stackTargets, unknownStackMessage, type StackTarget } from "./stacks";

function loadConfig(io: Io): EnvironmentConfig[] | ConfigError {
  try {
    return io.environments();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
}

/** --help, strict arguments and validated config, before `body` runs anything. */
export async function withConfig(
  spec: CommandSpec,
  argv: readonly string[],
  io: Io,
  body: (envs: EnvironmentConfig[], positionals: readonly string[], values: OptionValues) => Promise<number>,
): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (parsed.kind === "help") {
    io.out(helpText(spec));
    return EXIT.OK;
  }
  const envs = loadConfig(io);
  if (parsed.kind === "error") {
    const valid = Array.isArray(envs)
      ? `Valid stacks: ${stackTargets(envs)
          .map((t) => t.name)
          .join(", ")}\n`
      : "";
    io.err(`${spec.name}: ${parsed.message}\nUsage: ${usageLine(spec)}\n${valid}Run with --help for details.\n`);
    return EXIT.USAGE;
  }
  if (!Array.isArray(envs)) {
    io.err(`${envs.name}: ${envs.message}\nNothing ran.\n`);
    return EXIT.FAILED;
  }
  return body(envs, parsed.positionals, parsed.values);
}

/** What a stack command does once its arguments, config and stack name are valid. */
export type StackBody = (target: StackTarget, values: OptionValues, positionals: readonly string[]) => Promise<number>;

export function withStack(spec: CommandSpec, argv: readonly string[], io: Io, body: StackBody): Promise<number> {
  return withConfig(spec, argv, io, async (envs, positionals, values) => {
    // The stack is the positional named <stack> (the first one, unless a subcommand comes before it).
    const stackName = positionals[Math.max(spec.positionals.indexOf("<stack>"), 0)];
    const target = findStack(stackName, envs);
    if (!target) {
      io.err(unknownStackMessage(stackName, envs));
      return EXIT.USAGE;
    }
    return body(target, values, positionals);
  });
}

/** Shared --help paragraph on stack names. */
export const STACKS_HELP =
  "<stack> is an environment from config/environments.ts (dev, staging, prod, ...) or its bootstrap stack state-<env>.\nprod-stage stacks (prod, state-prod) ask you to type the environment name; without a terminal they need --yes.";

/** What a stack command's spec says itself; stackCommand adds the rest. */
export type StackCommand = Omit<CommandSpec, "positionals" | "details"> & {
  /** Default ["<stack>"]; a command with more arguments names them all, <stack> among them. */
  readonly positionals?: readonly string[];
  /** Lines of help after STACKS_HELP, which every stack command shows first. */
  readonly details: readonly string[];
};

/** The spec of a command on one stack (run with withStack). */
export const stackCommand = ({ positionals = ["<stack>"], details, ...rest }: StackCommand): CommandSpec => ({
  ...rest,
  positionals,
  details: [STACKS_HELP, ...details].join("\n"),
});
