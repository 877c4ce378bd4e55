/**
 * scripts/lib/ folders depend one way (scripts/README.md, "Where the code is"): a folder imports
 * only folders of a lower layer, so each can be read and tested without the ones above it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { REPO_ROOT } from "../support/project-copy";

const LIB = join(REPO_ROOT, "scripts", "lib");
/** Layer of each folder: imports go to a strictly lower layer, or stay in the folder. */
const LAYER: Record<string, number> = { aws: 0, cli: 1, state: 2, terraform: 3, review: 3, incident: 4 };

interface Edge {
  readonly from: string;
  readonly file: string;
  readonly to: string;
}

function libImports(): Edge[] {
  return readdirSync(LIB, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(LIB, d.name))
        .filter((f) => f.endsWith(".ts"))
        .flatMap((f) => {
          const file = join(LIB, d.name, f);
          return [...readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)"/g)]
            .map((m) => relative(LIB, resolve(dirname(file), m[1])).split("/"))
            .filter((parts) => parts.length === 2 && !parts[0].startsWith(".."))
            .map((parts) => ({ from: d.name, file: `${d.name}/${f}`, to: parts[0] }));
        }),
    );
}

describe("scripts/lib layering", () => {
  const edges = libImports();

  test("1. every folder of scripts/lib has a layer", () => {
    const folders = readdirSync(LIB, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.sort()).toEqual(Object.keys(LAYER).sort());
  });

  test("2. the scan sees the imports between folders (at least 20)", () => {
    expect(edges.filter((e) => e.from !== e.to).length).toBeGreaterThanOrEqual(20);
  });

  test("3. no folder imports a folder of its own layer or above", () => {
    const upward = edges.filter((e) => e.from !== e.to && LAYER[e.to] >= LAYER[e.from]).map((e) => `${e.file} -> ${e.to}/`);
    expect(upward).toEqual([]);
  });
});
