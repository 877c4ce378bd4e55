/**
 * A throwaway copy of the project in a temp dir (sources copied, node_modules symlinked), so tests
 * can edit config or write cdktf.out without touching the repository.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "..", "..");
/** What the cdktf app and the ops scripts need (cdktf.json's app runs scripts/run-ts.js). */
const COPIED = ["main.ts", "config", "stacks", "scripts", "cdktf.json", "package.json", "tsconfig.json"];
/** Never carried over from someone's checkout: local state, plans, provider folders. */
const NOT_COPIED = /(^|\/)(\.terraform|cdktf\.out|node_modules)(\/|$)|\.tfstate(\.|$)|\.tfplan$/;

export interface ProjectCopy {
  readonly dir: string;
  remove(): void;
}

/** Copies the project's sources into `dir` and symlinks node_modules. */
export function copyProjectInto(dir: string): void {
  for (const entry of COPIED) {
    cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true, filter: (src) => !NOT_COPIED.test(src.slice(REPO_ROOT.length)) });
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
}

export function copyProject(prefix = "taskflow-"): ProjectCopy {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  copyProjectInto(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a command in dir (non-interactive cdktf, no checkpoint calls, no ~/.terraform.d/plugin-cache) and returns its exit status and output. */
export function runIn(dir: string, command: string, args: string[]) {
  const result = spawnSync(command, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1", CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Makes prod's account id invalid in the copy's config/environments.ts. */
export function breakProdAccountId(project: ProjectCopy): void {
  const file = join(project.dir, "config", "environments.ts");
  const source = readFileSync(file, "utf8");
  if (!source.includes('accountId: "333333333333"')) throw new Error("config/environments.ts no longer has prod's example account id");
  writeFileSync(file, source.replace('accountId: "333333333333"', 'accountId: "12345"'));
}
