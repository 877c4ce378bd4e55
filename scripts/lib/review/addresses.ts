/**
 * Resource addresses per stack, and the committed record of them (addresses.json). Terraform keys
 * state by address: if a refactor changes the address of a user pool, the next plan destroys the
 * old pool and creates an empty one. The record makes that visible in review, and the test makes a
 * protected address impossible to lose silently.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import type { EnvironmentConfig } from "../../../config";
import { buildStacks } from "../../../stacks/app";
import { readManifest, readStackJson } from "../../../stacks/manifest";
import { isProtectedAddress } from "./protected";

export const ADDRESSES_FILE_NAME = "addresses.json";
export const ADDRESSES_FILE = resolve(__dirname, "..", "..", "..", ADDRESSES_FILE_NAME);

export interface StackAddresses {
  /** `type.name` of every managed resource, sorted. */
  readonly resources: readonly string[];
  /** The stack's `moved` blocks: the sanctioned way to change an address. */
  readonly moved: readonly { readonly from: string; readonly to: string }[];
}

export type AddressMap = Readonly<Record<string, readonly string[]>>;

interface StackJson {
  resource?: Record<string, Record<string, unknown>>;
  moved?: { from: string; to: string }[];
}

/** Synthesizes every stack into a temp dir (not cdktf.out, which others may be using) and reads the addresses. */
export function synthAddresses(envs: readonly EnvironmentConfig[]): Record<string, StackAddresses> {
  const outdir = mkdtempSync(join(tmpdir(), "taskflow-addresses-"));
  try {
    const app = new App({ outdir });
    buildStacks(app, envs);
    app.synth();
    return Object.fromEntries(
      readManifest(outdir).map((stack) => {
        const json = readStackJson(stack) as StackJson;
        const resources = Object.entries(json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));
        return [stack.id, { resources: resources.sort(), moved: json.moved ?? [] }];
      }),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The committed record, or undefined when the file does not exist yet (everything is new). A file
 * that exists but cannot be read as a record is an error naming the file: overwriting it would
 * throw away whatever someone meant to commit.
 */
export function readAddressesFile(file: string = ADDRESSES_FILE): AddressMap | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}): fix or restore it (git checkout -- addresses.json)`);
  }
  const stacks = (parsed as { stacks?: unknown } | null)?.stacks;
  const valid =
    stacks !== null &&
    typeof stacks === "object" &&
    Object.values(stacks as object).every((list) => Array.isArray(list) && list.every((a) => typeof a === "string"));
  if (!valid) throw new Error(`${file} has no "stacks" object of address lists: fix or restore it (git checkout -- addresses.json)`);
  return stacks as AddressMap;
}

export function formatAddressesFile(current: Readonly<Record<string, StackAddresses>>): string {
  const stacks = Object.fromEntries(Object.entries(current).map(([name, s]) => [name, s.resources]));
  const about =
    "Every resource address per stack, checked by __tests__/ops/addresses.test.ts. A protected address (user pool, app client, state bucket, lock table, KMS key) that changes or disappears fails the test: add a moved block or revert. Update deliberately: npm run addresses -- --update";
  return `${JSON.stringify({ "//": about, stacks }, null, 2)}\n`;
}

export interface LostAddress {
  readonly stack: string;
  readonly address: string;
}

/** Recorded protected addresses that are gone from the synthesized stacks with no moved block from them. */
export function lostProtectedAddresses(recorded: AddressMap, current: Readonly<Record<string, StackAddresses>>): LostAddress[] {
  return Object.entries(recorded).flatMap(([stack, addresses]) => {
    const now = current[stack];
    return addresses
      .filter(isProtectedAddress)
      .filter((address) => !now?.resources.includes(address) && !now?.moved.some((m) => m.from === address))
      .map((address) => ({ stack, address }));
  });
}

export interface StackDifference {
  readonly stack: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** Differences between the record and the synthesized stacks (stacks added or removed included). */
export function addressDifferences(recorded: AddressMap, current: Readonly<Record<string, StackAddresses>>): StackDifference[] {
  const stacks = [...new Set([...Object.keys(recorded), ...Object.keys(current)])].sort();
  return stacks
    .map((stack) => {
      const before = recorded[stack] ?? [];
      const now = current[stack]?.resources ?? [];
      return { stack, added: now.filter((a) => !before.includes(a)), removed: before.filter((a) => !now.includes(a)) };
    })
    .filter((d) => d.added.length + d.removed.length > 0);
}

export function lostMessage(lost: readonly LostAddress[]): string {
  return [
    "Protected resource addresses changed or disappeared. Terraform would destroy these resources (for a user pool: every user) and create new ones:",
    ...lost.map((l) => `  - ${l.stack}: ${l.address}`),
    "If the resource only moved (renamed or re-nested construct), add a moved block in the stack, e.g.",
    '  resource.moveFromId("<old address>")  // cdktf: emits moved { from = <old>, to = <new> }',
    "or pin the old address with overrideLogicalId. Otherwise revert the change.",
  ].join("\n");
}
