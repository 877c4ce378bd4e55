/**
 * A temp working copy of the project for one suite: sources copied, node_modules symlinked.
 * Synth output, .terraform folders, local bootstrap state and plans all land there, so a run
 * leaves nothing in the repository, and engineers working in the checkout are not disturbed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readManifest } from "../../../stacks/manifest";
import { copyProjectInto, REPO_ROOT } from "../../support/project-copy";

export { REPO_ROOT };

export interface WorkingCopy {
  /** Root of the temp dir (the project copy is `project`, tool config lives beside it). */
  readonly root: string;
  readonly project: string;
  /** cdktf.out/stacks/<stack> inside the copy. */
  stackDir(stack: string): string;
  remove(): void;
}

export function makeWorkingCopy(prefix: string): WorkingCopy {
  const root = mkdtempSync(join(tmpdir(), `taskflow-${prefix}-`));
  const project = join(root, "project");
  copyProjectInto(project);
  return {
    root,
    project,
    stackDir: (stack) => join(project, "cdktf.out", "stacks", stack),
    remove: () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** Stack ids and their synthesized JSON paths (the project's one manifest reader, stacks/manifest.ts). */
export function synthesizedStacks(copy: WorkingCopy): { id: string; dir: string; file: string }[] {
  return readManifest(join(copy.project, "cdktf.out")).map(({ id, dir, file }) => ({ id, dir, file }));
}

/** Parsed cdk.tf.json of one stack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function stackJson(copy: WorkingCopy, stack: string): Record<string, any> {
  return JSON.parse(readFileSync(join(copy.stackDir(stack), "cdk.tf.json"), "utf8"));
}

/** The cdktf app command of cdktf.json (what `cdktf synth` runs). */
export function appCommand(copy: WorkingCopy): string {
  return (JSON.parse(readFileSync(join(copy.project, "cdktf.json"), "utf8")) as { app: string }).app;
}
