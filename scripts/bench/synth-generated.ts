/**
 * Bench helper: synthesizes N generated environments (N from argv) into $CDKTF_OUTDIR, to show how
 * synth cost grows with the number of environments. Run through scripts/run-ts.js like main.ts.
 */
import { App } from "cdktf";
import { loadEnvironments } from "../../config";
import { buildStacks } from "../../stacks/app";
import { generatedEnvironments } from "./generated-environments";

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count < 1) throw new Error("usage: synth-generated.ts <count>");
const app = new App();
buildStacks(app, loadEnvironments(generatedEnvironments(count)));
app.synth();
