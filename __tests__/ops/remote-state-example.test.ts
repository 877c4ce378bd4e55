/**
 * examples/remote-state.tf.example is what README's "Using the JSON with plain Terraform" tells
 * other teams to copy: its backend values must be prod's, and the outputs it reads must exist.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@cdktf/hcl2json";
import { loadEnvironments } from "../../config";
import { synthStack } from "../support/synth";

const ROOT = join(__dirname, "..", "..");
const FILE = join(ROOT, "examples", "remote-state.tf.example");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Hcl = Record<string, any>;

describe("examples/remote-state.tf.example", () => {
  let hcl: Hcl;
  const prod = loadEnvironments().find((e) => e.name === "prod");
  const prodStack = synthStack("prod");

  beforeAll(async () => {
    hcl = await parse("remote-state.tf.example", readFileSync(FILE, "utf8"));
  });

  const remoteState = () => {
    const blocks = Object.values(hcl.data?.terraform_remote_state ?? {}) as Hcl[][];
    expect(blocks).toHaveLength(1);
    return blocks[0][0];
  };

  test("reads the S3 backend prod's state is in, as config/environments.ts resolves it", () => {
    const { backend, config } = remoteState();
    expect(backend).toBe("s3");
    expect(config).toEqual({ bucket: prod?.state.bucket, key: prod?.state.key, region: prod?.region });
  });

  test("matches the prod stack's synthesized backend", () => {
    const s3 = prodStack.terraform.backend.s3;
    const { config } = remoteState();
    expect(config).toEqual({ bucket: s3.bucket, key: s3.key, region: s3.region });
  });

  test("reads only outputs the prod stack defines", () => {
    const text = JSON.stringify(hcl);
    const used = [...text.matchAll(/data\.terraform_remote_state\.\w+\.outputs\.(\w+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    expect(Object.keys(prodStack.output ?? {})).toEqual(expect.arrayContaining([...new Set(used)]));
  });
});

test("README's plain-Terraform section links the example file instead of repeating it", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Using the JSON with plain Terraform"));
  const body = section.slice(0, section.indexOf("\n## ", 3));
  expect(body).toContain("(examples/remote-state.tf.example)");
  expect(body).not.toContain('data "terraform_remote_state"');
});
