/**
 * The READMEs point at each other (the top README keeps a summary and links the detail next to the
 * code), so a moved file or a renamed heading must not leave a dead link: every relative link in
 * every Markdown file resolves to a file, and its #anchor to a heading of that file.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { REPO_ROOT } from "./support/project-copy";

/** Markdown files git tracks or would track (new files count before their first commit). */
const markdownFiles = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.md"], {
  cwd: REPO_ROOT,
  encoding: "utf8",
})
  .split("\n")
  .filter(Boolean)
  .filter((f) => existsSync(join(REPO_ROOT, f)));

const withoutCodeBlocks = (md: string) => md.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");

/** GitHub's heading anchor: the rendered text, lowercased, punctuation but hyphens and underscores dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor of a Markdown file, with GitHub's -1, -2 suffixes for repeated headings. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of withoutCodeBlocks(readFileSync(file, "utf8")).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = anchorOf(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Relative links of one file as `file: target` for each one that does not resolve. */
function deadLinks(file: string): string[] {
  const path = join(REPO_ROOT, file);
  const links = [...withoutCodeBlocks(readFileSync(path, "utf8")).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  return links
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .filter((target) => {
      const [pathPart, anchor] = target.split("#", 2);
      const resolved = pathPart ? join(dirname(path), decodeURIComponent(pathPart)) : path;
      if (relative(REPO_ROOT, resolved).startsWith("..") || !existsSync(resolved)) return true;
      if (anchor === undefined || statSync(resolved).isDirectory() || !resolved.endsWith(".md")) return false;
      return !anchorsOf(resolved).has(anchor);
    })
    .map((target) => `${file}: ${target}`);
}

describe("links between the Markdown files", () => {
  test("the repository has Markdown files with relative links to check", () => {
    expect(markdownFiles).toContain("README.md");
    expect(markdownFiles.flatMap((f) => [...readFileSync(join(REPO_ROOT, f), "utf8").matchAll(/\]\((?![a-z]+:)/g)]).length).toBeGreaterThan(
      10,
    );
  });

  test("every relative link resolves to a file inside the repository, and every #anchor to a heading of it", () => {
    expect(markdownFiles.flatMap(deadLinks)).toEqual([]);
  });

  test("a heading's anchor is computed as GitHub computes it", () => {
    expect(anchorOf("Drift: was anything changed outside Terraform?")).toBe("drift-was-anything-changed-outside-terraform");
    expect(anchorOf("state-&lt;env&gt;")).toBe("state-env");
    expect(anchorOf("Exception: MFA is OPTIONAL, not ON, in prod")).toBe("exception-mfa-is-optional-not-on-in-prod");
    expect(anchorOf("The launcher: why synth is fast")).toBe("the-launcher-why-synth-is-fast");
  });
});
