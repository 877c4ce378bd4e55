/**
 * The README's "Layout" block against the repository, so it cannot drift again: every path it lists
 * exists, and every top-level file and folder that git tracks is listed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./support/project-copy";

/** The paths in the first column of the Layout block (a line may list several, comma-separated). */
function layoutPaths(readme: string): string[] {
  const section = readme.slice(readme.indexOf("### Layout"));
  const block = section.slice(section.indexOf("```\n") + 4, section.indexOf("\n```", section.indexOf("```\n") + 4));
  return block
    .split("\n")
    .filter((line) => line.trim() && !/^\s/.test(line))
    .flatMap((line) => line.split(/\s{2,}/)[0].split(/,\s*/))
    .map((p) => p.trim())
    .filter(Boolean);
}

const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const listed = layoutPaths(readme);

describe("README layout", () => {
  test("the Layout block lists paths", () => {
    expect(listed.length).toBeGreaterThan(10);
  });

  test("every path it lists exists", () => {
    expect(listed.filter((p) => !existsSync(join(REPO_ROOT, p)))).toEqual([]);
  });

  test("every top-level file and folder git tracks is listed", () => {
    const tracked = execFileSync("git", ["ls-files"], { cwd: REPO_ROOT, encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map((f) => (f.includes("/") ? `${f.split("/")[0]}/` : f));
    const topLevel = [...new Set(tracked)];
    const covered = (entry: string) => listed.some((p) => p === entry || p.startsWith(entry) || `${p}/` === entry);
    expect(topLevel.filter((entry) => !covered(entry))).toEqual([]);
  });
});
