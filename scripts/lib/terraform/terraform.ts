/**
 * Where things are and how Terraform is run: synth as cdktf.json's app does, then plain
 * `terraform -chdir=cdktf.out/stacks/<stack> ...`, the same commands the README gives teams that
 * run Terraform without cdktf. Saved plans go to plans/<stack>/ (git-ignored).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { readManifest } from "../../../stacks/manifest";
import type { Io, RunOptions } from "../cli/io";
import type { StackTarget } from "../cli/stacks";

export interface PlanFiles {
  readonly dir: string;
  /** The saved plan that apply applies, byte for byte. */
  readonly tfplan: string;
  readonly text: string;
  readonly json: string;
  readonly review: string;
  readonly outputs: string;
}

export function planFiles(io: Io, target: StackTarget): PlanFiles {
  const dir = join(io.root, "plans", target.name);
  return {
    dir,
    tfplan: join(dir, "tfplan"),
    text: join(dir, "plan.txt"),
    json: join(dir, "plan.json"),
    review: join(dir, "review.md"),
    outputs: join(dir, "outputs.json"),
  };
}

/** A path as the operator should read it: relative to the project root. */
export function shown(io: Io, path: string): string {
  const rel = relative(io.root, path);
  return rel === "" ? "." : rel;
}

/** cdktf.json's output directory (default cdktf.out), absolute. */
export function outDir(io: Io): string {
  const file = join(io.root, "cdktf.json");
  const output = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { output?: string }).output : undefined;
  return join(io.root, output ?? "cdktf.out");
}

/** The stack's Terraform working directory, as the synthesized manifest names it. */
export function stackDir(io: Io, target: StackTarget): string {
  return readManifest(outDir(io)).find((s) => s.id === target.name)?.dir ?? join(outDir(io), "stacks", target.name);
}

/** TERRAFORM_BINARY_NAME is cdktf's own variable for a non-default terraform: honour it here too. */
export const terraformBin = (io: Io): string => io.env.TERRAFORM_BINARY_NAME ?? "terraform";

/** What cdktf.json's app runs after `node` (`__tests__/synth-command.test.ts` keeps the two equal). */
export const SYNTH_ARGS = ["scripts/run-ts.js", "main.ts"] as const;

/**
 * Synthesizes every stack as cdktf.json's app does, run by this Node binary: no cdktf CLI start-up,
 * and config errors stop here with nothing written.
 */
export function synth(io: Io, options: RunOptions = {}): Promise<number> {
  return io.run(process.execPath, [...SYNTH_ARGS], { ...options, env: { ...options.env, CDKTF_OUTDIR: outDir(io) } });
}

export function terraform(io: Io, target: StackTarget, args: readonly string[], options: RunOptions = {}): Promise<number> {
  return io.run(terraformBin(io), [`-chdir=${stackDir(io, target)}`, ...args], {
    ...options,
    env: { TF_IN_AUTOMATION: "1", ...options.env },
  });
}

export function terraformCapture(
  io: Io,
  target: StackTarget,
  args: readonly string[],
  options: RunOptions = {},
): Promise<{ code: number; stdout: string }> {
  return io.capture(terraformBin(io), [`-chdir=${stackDir(io, target)}`, ...args], {
    ...options,
    env: { TF_IN_AUTOMATION: "1", ...options.env },
  });
}

/** `terraform init`: backend and providers as the CLI config says (a mirror offline, the registry otherwise). */
export const terraformInit = (io: Io, target: StackTarget, options: RunOptions = {}): Promise<number> =>
  terraform(io, target, ["init", "-input=false"], options);
