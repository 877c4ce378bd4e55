/**
 * npm run outputs -- <stack>: the stack's Terraform outputs as JSON for other pipelines, in
 * `terraform output -json` format ({ "<name>": { "value", "type", "sensitive" } }).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { booleanOption, stringOption } from "./lib/cli/args";
import { stackCommand, withStack } from "./lib/cli/command";
import { EXIT } from "./lib/cli/exit-codes";
import { runIfMain, type Io } from "./lib/cli/io";
import { checkAccount } from "./lib/terraform/preflight";
import { readStackOutputs } from "./lib/terraform/stack-outputs";
import { planFiles, shown } from "./lib/terraform/terraform";

export const spec = stackCommand({
  name: "outputs",
  summary: "Write the stack's outputs as JSON to plans/<stack>/outputs.json (or --out <file>, or stdout with --stdout).",
  options: {
    stdout: booleanOption("print the JSON on stdout (progress goes to stderr)"),
    out: stringOption("write the JSON to this file instead"),
  },
  details: ["Sensitive outputs are included in clear, as terraform output -json does: treat the file as a secret if there are any."],
});

export function outputs(argv: readonly string[], io: Io): Promise<number> {
  return withStack(spec, argv, io, async (target, values) => {
    // Another account's credentials would fail in the backend with an access error that does not say
    // whose account was expected; the same check as every command that reads a stack's state.
    const refused = await checkAccount(io, target);
    if (refused !== undefined) return refused;
    // Terraform's chatter goes to stderr, so stdout stays valid JSON for `| jq`.
    const result = await readStackOutputs(io, target);
    if (!result.ok) return EXIT.FAILED;
    if (values.stdout === true) {
      io.out(result.json);
      return EXIT.OK;
    }
    const file = typeof values.out === "string" ? resolve(io.root, values.out) : planFiles(io, target).outputs;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, result.json);
    const names = Object.keys(result.outputs);
    io.err(`Wrote ${shown(io, file)}: ${names.length ? names.join(", ") : "no outputs (deployed yet?)"}\n`);
    return EXIT.OK;
  });
}

runIfMain(module, outputs);
