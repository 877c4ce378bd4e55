/**
 * `npm run synth` as an operator runs it: a valid config writes every stack and
 * prints a summary; a bad config exits non-zero with every problem and leaves cdktf.out untouched.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { SYNTH_ARGS } from "../scripts/lib/terraform/terraform";
import { breakProdAccountId, copyProject, REPO_ROOT, runIn, type ProjectCopy } from "./support/project-copy";
import { ENV_NAMES } from "./support/synth";

jest.setTimeout(60_000);

/** Every file under dir with its content hash and modification time. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else out[relative(dir, path)] = `${createHash("sha256").update(readFileSync(path)).digest("hex")}@${stat.mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

describe("one synth command everywhere", () => {
  test("cdktf.json's app, npm run synth and the ops commands run the same command", () => {
    const command = `node ${SYNTH_ARGS.join(" ")}`;
    expect((JSON.parse(readFileSync(join(REPO_ROOT, "cdktf.json"), "utf8")) as { app: string }).app).toBe(command);
    expect((JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { scripts: { synth: string } }).scripts.synth).toBe(
      command,
    );
  });
});

describe("npm run synth", () => {
  let project: ProjectCopy;
  beforeAll(() => {
    project = copyProject();
  });
  afterAll(() => project.remove());

  test("writes cdktf.out/stacks/<env>/cdk.tf.json and manifest.json, printing one line per stack", () => {
    const result = runIn(project.dir, "npm", ["run", "--silent", "synth"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    for (const env of ENV_NAMES) {
      const file = join(project.dir, "cdktf.out", "stacks", env, "cdk.tf.json");
      expect(JSON.parse(readFileSync(file, "utf8")).terraform.backend.s3.key).toBe(`taskflow/${env}/terraform.tfstate`);
      expect(result.stdout).toMatch(new RegExp(`^${env}\\s+\\d+ resources\\s+cdktf\\.out/stacks/${env}/cdk\\.tf\\.json$`, "m"));
    }
    expect(Object.keys(JSON.parse(readFileSync(join(project.dir, "cdktf.out", "manifest.json"), "utf8")).stacks)).toEqual(
      expect.arrayContaining([...ENV_NAMES]),
    );
  });

  test("a bad config exits non-zero naming env and field, and cdktf.out stays exactly as it was", () => {
    const before = snapshot(join(project.dir, "cdktf.out"));
    expect(Object.keys(before).length).toBeGreaterThan(ENV_NAMES.length);
    breakProdAccountId(project);
    const result = runIn(project.dir, "npm", ["run", "--silent", "synth"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'ConfigError: 1 problem in the environment config:\n  - prod.accountId: must be 12 digits, got "12345"',
    );
    expect(result.stdout).toBe("");
    expect(snapshot(join(project.dir, "cdktf.out"))).toEqual(before);
  });
});
