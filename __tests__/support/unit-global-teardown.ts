/** globalTeardown of jest's unit project: removes the run's folder (support/unit-global-setup.ts). */
import { rmSync } from "node:fs";
import { RUN_DIR_VARIABLE } from "./synth";

export default function unitGlobalTeardown(): void {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
