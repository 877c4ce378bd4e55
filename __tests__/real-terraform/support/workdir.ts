/**
 * A temp working copy of the project for one suite: sources copied, node_modules symlinked.
 * Synth output, .terraform folders, local bootstrap state and plans all land there, so a run
 * leaves nothing in the repository, and engineers working in the checkout are not disturbed.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "..", "..", "..");

/**
 * What the cdktf app needs. scripts/ is copied too when present: cdktf.json's app command may run a
 * script from it (`node scripts/run-ts.js main.ts`).
 */
const PROJECT_FILES = ["main.ts", "config", "stacks", "cdktf.json", "package.json", "tsconfig.json"];
const OPTIONAL_FILES = ["scripts"];

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
  for (const entry of [...PROJECT_FILES, ...OPTIONAL_FILES.filter((f) => existsSync(join(REPO_ROOT, f)))]) {
    cpSync(join(REPO_ROOT, entry), join(project, entry), {
      recursive: true,
      // Never carry local state, plans or provider folders over from someone's checkout.
      filter: (src) => !/(^|\/)(\.terraform|cdktf\.out|node_modules)(\/|$)|\.tfstate(\.|$)|\.tfplan$/.test(src.slice(REPO_ROOT.length)),
    });
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(project, "node_modules"), "dir");
  return {
    root,
    project,
    stackDir: (stack) => join(project, "cdktf.out", "stacks", stack),
    remove: () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** Stack ids and their synthesized JSON paths, from cdktf.out/manifest.json. */
export function synthesizedStacks(copy: WorkingCopy): { id: string; dir: string; file: string }[] {
  const manifest = JSON.parse(readFileSync(join(copy.project, "cdktf.out", "manifest.json"), "utf8")) as {
    stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string }>;
  };
  return Object.entries(manifest.stacks).map(([id, s]) => ({
    id,
    dir: join(copy.project, "cdktf.out", s.workingDirectory),
    file: join(copy.project, "cdktf.out", s.synthesizedStackPath),
  }));
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
