/**
 * cdktf app: validate every environment first, then build one stack per environment, then synth.
 * A config error exits non-zero before anything is written, so cdktf.out stays as it was.
 */
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
  const app = new App();
  buildStacks(app, envs);
  app.synth();
  printSynthSummary(app.outdir);
}

main();
