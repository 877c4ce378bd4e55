/**
 * scripts/run-ts.js and jest.config.js replace two cdktf internals to make synth and the unit tests
 * fast: cdktf's per-token creation stack traces (tokens/private/stack-trace) and its start-up load of
 * archiver. Both rely on module paths and exports inside cdktf 0.21.0. After an upgrade (or a move
 * to CDK Terrain) these guards fail loudly instead of the shortcuts silently stopping to apply, and
 * the last one proves the shortcuts change nothing in the synthesized JSON.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "./support/project-copy";

jest.setTimeout(60_000);

const cdktfLib = join(dirname(require.resolve("cdktf/package.json")), "lib");
const jestConfig = require("../jest.config.js") as { projects: { moduleNameMapper: Record<string, string> }[] };
const mappers = Object.keys(jestConfig.projects[0].moduleNameMapper).map((pattern) => new RegExp(pattern));

/** require("...") arguments in every .js file under dir. */
function requiresIn(dir: string): { file: string; request: string }[] {
  const found: { file: string; request: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".js")) {
        for (const m of readFileSync(path, "utf8").matchAll(/require\("([^"]+)"\)/g))
          found.push({ file: relative(cdktfLib, path), request: m[1] });
      }
    }
  };
  walk(dir);
  return found;
}

const cdktfRequires = requiresIn(cdktfLib);

describe("cdktf's token creation stack traces (skipped by run-ts.js and jest.config.js)", () => {
  test("cdktf/lib/tokens/private/stack-trace exists and exports captureStackTrace", () => {
    const mod = require(join(cdktfLib, "tokens", "private", "stack-trace.js")) as { captureStackTrace?: unknown };
    expect(typeof mod.captureStackTrace).toBe("function");
  });

  test("cdktf requires it as .../stack-trace, the form both stand-ins match", () => {
    const users = cdktfRequires.filter((r) => r.request.endsWith("/stack-trace"));
    expect(users.map((u) => u.file)).toEqual(expect.arrayContaining(["tokens/lazy.js", "tokens/private/intrinsic.js"]));
    for (const u of users) expect(mappers.some((m) => m.test(u.request))).toBe(true);
  });
});

describe("cdktf's archiver (deferred by run-ts.js, stubbed in jest.config.js)", () => {
  test("cdktf still requires archiver by that name, and the package resolves", () => {
    expect(cdktfRequires.some((r) => r.request === "archiver")).toBe(true);
    expect(() => require.resolve("archiver", { paths: [cdktfLib] })).not.toThrow();
    expect(mappers.some((m) => m.test("archiver"))).toBe(true);
  });
});

describe("the launcher's shortcuts change nothing in the output", () => {
  const hashes = (dir: string): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const path = join(d, name);
        if (statSync(path).isDirectory()) walk(path);
        else out[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
      }
    };
    walk(dir);
    return out;
  };
  const synthInto = (outdir: string, extraEnv: NodeJS.ProcessEnv) => {
    const r = spawnSync(process.execPath, ["scripts/run-ts.js", "main.ts"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, ...extraEnv, CDKTF_OUTDIR: outdir },
    });
    if (r.status !== 0) throw new Error(`synth failed (${r.status}):\n${r.stderr}`);
  };

  test("cdktf.out is byte-identical with the shortcuts and with plain cdktf (TASKFLOW_DEBUG=1)", () => {
    const root = mkdtempSync(join(tmpdir(), "taskflow-shortcuts-"));
    try {
      synthInto(join(root, "fast"), { TASKFLOW_DEBUG: "" });
      synthInto(join(root, "plain"), { TASKFLOW_DEBUG: "1" });
      const fast = hashes(join(root, "fast"));
      expect(Object.keys(fast).length).toBeGreaterThan(6);
      expect(hashes(join(root, "plain"))).toEqual(fast);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
