/**
 * The actions the workflows use, each pinned to a full commit SHA with its release tag as a comment
 * (`uses: actions/checkout@<sha> # v4.2.2`), and the check that each SHA is the commit the tag names
 * in the action's own repository (`git ls-remote`, the peeled commit of an annotated tag). A tag can
 * be moved to other code by whoever controls the action's repository; a commit cannot
 * (https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions).
 *
 * Run: node scripts/run-ts.js __tests__/ci/action-pins.ts [--url-template <template>]
 * The template names each repository: {repo} (owner/name), {owner}, {name}; default
 * https://github.com/{repo}. The checks workflow runs it on every change; with a local snapshot of
 * each repository the template points there.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

export interface Pin {
  readonly file: string;
  readonly line: number;
  /** owner/name[/path] as written before the @. */
  readonly action: string;
  /** owner/name: the repository the action lives in. */
  readonly repo: string;
  readonly ref: string;
  /** The comment after the ref (`# v4.2.2` gives v4.2.2), or undefined. */
  readonly tag: string | undefined;
}

const USES = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(?:#\s*(\S+))?/;

/** Every third-party `uses:` of the workflow files in `dir` (local `./` workflows and `docker://` images excluded). */
export function actionPins(dir: string): Pin[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((file) =>
      readFileSync(join(dir, file), "utf8")
        .split("\n")
        .flatMap((text, i) => {
          const m = USES.exec(text);
          if (!m || m[1].startsWith("./") || m[1].startsWith("docker://")) return [];
          const [action, ref = ""] = m[1].split("@");
          return [{ file, line: i + 1, action, repo: action.split("/").slice(0, 2).join("/"), ref, tag: m[2] }];
        }),
    );
}

/** What a pin must look like: a full commit SHA and a release tag comment. */
export function pinProblems(pins: readonly Pin[]): string[] {
  return pins.flatMap((p) => {
    const where = `${p.file}:${p.line} ${p.action}@${p.ref}`;
    if (!/^[0-9a-f]{40}$/.test(p.ref)) return [`${where}: not a full commit SHA`];
    if (!p.tag || !/^v\d+\.\d+\.\d+$/.test(p.tag)) return [`${where}: no release tag comment (# vX.Y.Z)`];
    return [];
  });
}

/** The commit a tag names in a repository (URL or git dir), or undefined when it has no such tag. */
export function tagCommit(repository: string, tag: string): string | undefined {
  const r = spawnSync("git", ["ls-remote", "--tags", repository, `refs/tags/${tag}`, `refs/tags/${tag}^{}`], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`git ls-remote ${repository} failed: ${r.stderr || r.error}`);
  const refs = new Map(r.stdout.split("\n").flatMap((l) => (l ? [[l.split("\t")[1], l.split("\t")[0]] as const] : [])));
  // An annotated tag's own object is not a commit: the peeled entry (^{}) is.
  return refs.get(`refs/tags/${tag}^{}`) ?? refs.get(`refs/tags/${tag}`);
}

/** The repository address for a template ({repo}, {owner}, {name}). */
export const repositoryFor = (template: string, repo: string): string =>
  template.replace("{repo}", repo).replace("{owner}", repo.split("/")[0]).replace("{name}", repo.split("/")[1]);

/** Each distinct repo@tag checked once: its SHA in the workflows must be the commit the tag names. */
export function verifyPins(
  pins: readonly Pin[],
  lookup: (repo: string, tag: string) => string | undefined,
): { ok: string[]; problems: string[] } {
  const ok: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const p of pins) {
    const key = `${p.repo}@${p.ref}#${p.tag}`;
    if (seen.has(key) || !p.tag) continue;
    seen.add(key);
    let commit: string | undefined;
    try {
      commit = lookup(p.repo, p.tag);
    } catch (e) {
      problems.push(`${p.file}:${p.line} ${p.action}: cannot read the tags of ${p.repo}: ${(e as Error).message.trim()}`);
      continue;
    }
    if (commit === p.ref) ok.push(`${p.repo} ${p.tag} = ${commit}`);
    else
      problems.push(`${p.file}:${p.line} ${p.action}@${p.ref} # ${p.tag}: the tag names ${commit ?? "nothing (no such tag)"} in ${p.repo}`);
  }
  return { ok, problems };
}

if (require.main === module) {
  const i = process.argv.indexOf("--url-template");
  const template = i > 0 ? process.argv[i + 1] : "https://github.com/{repo}";
  const pins = actionPins(resolve(__dirname, "..", "..", ".github", "workflows"));
  const { ok, problems } = verifyPins(pins, (repo, tag) => tagCommit(repositoryFor(template, repo), tag));
  const all = [...pinProblems(pins), ...problems];
  process.stdout.write(ok.map((l) => `verified: ${l}\n`).join(""));
  process.stderr.write(all.map((l) => `${l}\n`).join(""));
  process.exitCode = all.length ? 1 : 0;
}
