/**
 * `cdktf synth` through the real cdktf CLI (slow: the CLI adds ~3 s), as cdktf users run it:
 * a bad config fails the CLI with ConfigError's message and nothing is written.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { breakProdAccountId, copyProject, runIn } from "../support/project-copy";

jest.setTimeout(120_000);

describe("cdktf synth (the CLI)", () => {
  test("a valid config synthesizes every stack through cdktf.json's app command", () => {
    const project = copyProject();
    try {
      const result = runIn(project.dir, join(project.dir, "node_modules", ".bin", "cdktf"), ["synth"]);
      expect(result.status).toBe(0);
      for (const env of ["dev", "staging", "prod"])
        expect(statSync(join(project.dir, "cdktf.out", "stacks", env, "cdk.tf.json")).isFile()).toBe(true);
    } finally {
      project.remove();
    }
  });

  test("a bad config fails the CLI with the same message and writes nothing", () => {
    const project = copyProject();
    try {
      breakProdAccountId(project);
      const result = runIn(project.dir, join(project.dir, "node_modules", ".bin", "cdktf"), ["synth"]);
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toContain('prod.accountId: must be 12 digits, got "12345"');
      expect(() => statSync(join(project.dir, "cdktf.out", "manifest.json"))).toThrow();
    } finally {
      project.remove();
    }
  });
});
