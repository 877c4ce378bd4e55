/**
 * cdktf app: validate every environment first, then build one stack per environment, then synth.
 * A config error exits non-zero before anything is written, so cdktf.out stays as it was.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { App } from "cdktf";
import { ConfigError, loadEnvironments } from "./config";
import { buildStacks } from "./stacks/app";
import { printSynthSummary } from "./stacks/synth-summary";

function main(): void {
  let envs;
  try {
    envs = loadEnvironments();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.name}: ${e.message}\nNothing was synthesized; cdktf.out is unchanged.\n`);
      process.exit(1);
    }
    throw e;
  }
  // cdktf writes each file in place, so a plan or apply running beside this synth (another terminal,
  // another environment's job in the same checkout) could read a half-written cdk.tf.json. Synthesize
  // into a fresh folder beside the output and rename each file into place: rename(2) replaces a file
  // in one step, and Terraform's working files (.terraform/, lock files) in cdktf.out stay.
  const outdir = resolve(process.env.CDKTF_OUTDIR ?? "cdktf.out");
  mkdirSync(dirname(outdir), { recursive: true });
  const fresh = mkdtempSync(`${outdir}.synth-`);
  try {
    const app = new App({ outdir: fresh });
    buildStacks(app, envs);
    app.synth();
    moveFilesInto(fresh, outdir);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
  printSynthSummary(outdir);
}

/** Moves every file under `from` to the same relative path under `to`, one rename per file. */
function moveFilesInto(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      moveFilesInto(source, target);
    } else {
      renameSync(source, target);
    }
  }
}

main();
