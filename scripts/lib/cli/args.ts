/**
 * Command-line parsing for the ops commands: strict (an unknown option is an error, not ignored,
 * so a typo like --yse never deploys without confirmation) and with --help from the same spec.
 */
import { parseArgs } from "node:util";
import { EXIT_CODES_HELP } from "./exit-codes";

export interface OptionSpec {
  readonly type: "boolean" | "string";
  readonly description: string;
}

/** An option that is there or not, e.g. --all. */
export const booleanOption = (description: string): OptionSpec => ({ type: "boolean", description });

/** An option that takes a value, e.g. --out <file>. */
export const stringOption = (description: string): OptionSpec => ({ type: "string", description });

/**
 * --yes: the confirmation given in advance, for a run without a terminal to type it on. `note`
 * follows "confirmed: no prompt" and says when that is right.
 */
export const yesOption = (note = " (CI, after the pipeline's approval)"): OptionSpec => booleanOption(`confirmed: no prompt${note}`);

export interface CommandSpec {
  /** npm script name, e.g. "plan". */
  readonly name: string;
  /** One line: what the command does. */
  readonly summary: string;
  /** Positional arguments as shown in the usage line, e.g. ["<stack>"]. */
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Paragraphs after the options. */
  readonly details?: string;
  /** The usage line's arguments when positionals and options do not say it (e.g. "<stack> | --all"). */
  readonly usage?: string;
}

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export type Parsed =
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "ok"; readonly positionals: readonly string[]; readonly values: OptionValues };

export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(Object.entries(spec.options).map(([k, o]) => [k, { type: o.type }])),
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    return { kind: "error", message: (e as Error).message };
  }
  if (parsed.values.help) return { kind: "help" };
  const expected = spec.positionals.length;
  if (parsed.positionals.length !== expected) {
    const what = expected === 0 ? "no arguments" : spec.positionals.join(" ");
    return {
      kind: "error",
      message: `expected ${what}, got ${parsed.positionals.length ? parsed.positionals.map((p) => JSON.stringify(p)).join(" ") : "nothing"}`,
    };
  }
  return { kind: "ok", positionals: parsed.positionals, values: parsed.values as OptionValues };
}

export function usageLine(spec: CommandSpec): string {
  if (spec.usage) return `npm run ${spec.name} -- ${spec.usage}`;
  const flags = Object.entries(spec.options).map(([k, o]) => (o.type === "boolean" ? `[--${k}]` : `[--${k} <value>]`));
  return `npm run ${spec.name} -- ${[...spec.positionals, ...flags].join(" ")}`;
}

export function helpText(spec: CommandSpec): string {
  const width = Math.max(...Object.keys(spec.options).map((k) => k.length + 2), 6);
  const options = Object.entries(spec.options).map(([k, o]) => `  --${k.padEnd(width)}  ${o.description}`);
  return [
    `Usage: ${usageLine(spec)}`,
    "",
    spec.summary,
    "",
    "Options:",
    ...options,
    `  --${"help".padEnd(width)}  show this help`,
    ...(spec.details ? ["", spec.details] : []),
    "",
    EXIT_CODES_HELP,
    "",
  ].join("\n");
}
