/**
 * globalSetup of jest's unit project: a folder for the run, holding the shipped app's synthesized JSON
 * (synthesized once here instead of once per test file, support/synth.ts) and the output folders of
 * the cdktf apps the tests build. Jest runs it before the workers start; they inherit the variable.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_DIR_VARIABLE, writeShippedSynth } from "./synth";

export default function unitGlobalSetup(): void {
  const dir = mkdtempSync(join(tmpdir(), "taskflow-unit-"));
  process.env[RUN_DIR_VARIABLE] = dir;
  writeShippedSynth(dir);
}
