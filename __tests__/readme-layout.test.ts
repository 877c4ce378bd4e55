/**
 * The README's "Layout" block against the repository, so it cannot drift again: every path it lists
 * and every file or folder its descriptions name exists, every top-level file and folder that git
 * tracks is listed, and every folder directly under a listed folder is named in that folder's row.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./support/project-copy";

interface Row {
  /** The first column: one path, or several comma-separated. */
  readonly paths: string[];
  /** The description, continuation lines joined. */
  readonly description: string;
}

/** The rows of the Layout block: a row starts at column 0, its description continues on indented lines. */
function layoutRows(readme: string): Row[] {
  const section = readme.slice(readme.indexOf("### Layout"));
  const start = section.indexOf("```\n") + 4;
  const block = section.slice(start, section.indexOf("\n```", start));
  const rows: { first: string; description: string[] }[] = [];
  for (const line of block.split("\n").filter((l) => l.trim())) {
    if (/^\s/.test(line)) rows[rows.length - 1].description.push(line.trim());
    else {
      const [first, ...rest] = line.split(/\s{2,}/);
      rows.push({ first, description: [rest.join(" ")] });
    }
  }
  // A first column that ends with "," goes on in the next row (the tooling files).
  const merged: Row[] = [];
  let carried: string[] = [];
  for (const r of rows) {
    const paths = [
      ...carried,
      ...r.first
        .split(/,\s*/)
        .map((p) => p.trim())
        .filter(Boolean),
    ];
    if (r.first.trim().endsWith(",") && !r.description.join("").trim()) carried = paths;
    else {
      merged.push({ paths, description: r.description.join(" ") });
      carried = [];
    }
  }
  return merged;
}

/** File and folder names a description mentions: `name/` or `name.ext` with a source or config extension. */
function namedIn(description: string): string[] {
  return [...description.matchAll(/(?<![\w./-])([\w-]+\/|[\w.-]+\.(?:ts|js|mjs|json|ya?ml|md|sh|py|example))(?![\w/])/g)].map((m) => m[1]);
}

const tracked = execFileSync("git", ["ls-files"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
/** Folders git tracks a file in, each as "a/b/". */
const trackedFolders = [
  ...new Set(
    tracked.flatMap((f) =>
      f
        .split("/")
        .slice(0, -1)
        .map((_, i, parts) => `${parts.slice(0, i + 1).join("/")}/`),
    ),
  ),
];

const rows = layoutRows(readFileSync(join(REPO_ROOT, "README.md"), "utf8"));
const listed = rows.flatMap((r) => r.paths);

describe("README layout", () => {
  test("the Layout block lists paths", () => {
    expect(listed.length).toBeGreaterThan(10);
  });

  test("every path it lists exists", () => {
    expect(listed.filter((p) => !existsSync(join(REPO_ROOT, p)))).toEqual([]);
  });

  test("every file and folder a description names exists in its row's folder (or in a folder the row names)", () => {
    const named = rows
      .filter((r) => r.paths.length === 1 && r.paths[0].endsWith("/"))
      .flatMap((r) => {
        const names = namedIn(r.description);
        const folders = [r.paths[0], ...names.filter((n) => n.endsWith("/")).map((n) => `${r.paths[0]}${n}`)];
        return names.map((n) => ({ name: `${r.paths[0]}${n}`, found: folders.some((f) => existsSync(join(REPO_ROOT, f, n))) }));
      });
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((n) => !n.found).map((n) => n.name)).toEqual([]);
  });

  test("every top-level file and folder git tracks is listed", () => {
    const topLevel = [...new Set(tracked.map((f) => (f.includes("/") ? `${f.split("/")[0]}/` : f)))];
    expect(topLevel.filter((entry) => !listed.includes(entry))).toEqual([]);
  });

  test("every folder directly under a listed folder is named in its row, or listed itself", () => {
    const missing = rows
      .filter((r) => r.paths.length === 1 && r.paths[0].endsWith("/"))
      .flatMap((r) => {
        const folder = r.paths[0];
        const children = trackedFolders.filter((f) => f.startsWith(folder) && f !== folder && !f.slice(folder.length, -1).includes("/"));
        return children.filter((child) => !listed.includes(child) && !namedIn(r.description).includes(child.slice(folder.length)));
      });
    expect(missing).toEqual([]);
  });

  test("control: the checks read names from the descriptions (config/'s row names environments.ts, __tests__/'s names audit/)", () => {
    const row = (path: string) => rows.find((r) => r.paths.includes(path)) as Row;
    expect(namedIn(row("config/").description)).toContain("environments.ts");
    expect(namedIn(row("__tests__/").description)).toContain("audit/");
  });
});
