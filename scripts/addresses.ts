/**
 * npm run addresses [-- --update]: compares every stack's resource addresses with addresses.json,
 * or rewrites it. --update refuses to drop a protected address unless a moved block accounts for
 * it (or --force says the resource really goes).
 */
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ConfigError } from "../config";
import {
  ADDRESSES_FILE_NAME,
  addressDifferences,
  formatAddressesFile,
  lostMessage,
  lostProtectedAddresses,
  readAddressesFile,
  synthAddresses,
  type AddressMap,
} from "./lib/review/addresses";
import { booleanOption, helpText, parseCommand, usageLine, type CommandSpec } from "./lib/cli/args";
import { EXIT } from "./lib/cli/exit-codes";
import { runIfMain, type Io } from "./lib/cli/io";

export const spec: CommandSpec = {
  name: "addresses",
  summary: "Check every stack's resource addresses against addresses.json (exit 1 on a difference), or rewrite it with --update.",
  positionals: [],
  options: {
    update: booleanOption("rewrite addresses.json from the synthesized stacks"),
    force: booleanOption("with --update: also drop protected addresses that have no moved block (the resource is meant to go)"),
  },
  details: "Run --update after adding, renaming or removing resources, and commit the diff with the change.",
};

export async function addresses(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (parsed.kind === "help") return (io.out(helpText(spec)), EXIT.OK);
  if (parsed.kind === "error") return (io.err(`${spec.name}: ${parsed.message}\nUsage: ${usageLine(spec)}\n`), EXIT.USAGE);
  let current;
  try {
    current = synthAddresses(io.environments());
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return (io.err(`${e.name}: ${e.message}\n`), EXIT.FAILED);
  }
  const path = join(io.root, ADDRESSES_FILE_NAME);
  const file = relative(io.root, path);
  let recorded: AddressMap;
  try {
    recorded = readAddressesFile(path) ?? {}; // no record yet: everything is new
  } catch (e) {
    return (io.err(`addresses: ${(e as Error).message}\nNothing was changed.\n`), EXIT.FAILED);
  }
  const lost = lostProtectedAddresses(recorded, current);
  const diffs = addressDifferences(recorded, current);
  for (const d of diffs) {
    io.err(`${d.stack}:\n${d.added.map((a) => `  + ${a}\n`).join("")}${d.removed.map((a) => `  - ${a}\n`).join("")}`);
  }
  if (parsed.values.update !== true) {
    if (lost.length) io.err(`${lostMessage(lost)}\n`);
    if (diffs.length) io.err(`${file} is out of date: review the above, then npm run addresses -- --update\n`);
    else io.err(`${file} matches every stack.\n`);
    return diffs.length ? EXIT.FAILED : EXIT.OK;
  }
  if (lost.length && parsed.values.force !== true) {
    io.err(`${lostMessage(lost)}\nNot updated. If these resources are really meant to be destroyed, run with --update --force.\n`);
    return EXIT.REFUSED;
  }
  writeFileSync(path, formatAddressesFile(current));
  io.err(diffs.length ? `Updated ${file}: commit it with the change.\n` : `${file} was already up to date.\n`);
  return EXIT.OK;
}

runIfMain(module, addresses);
