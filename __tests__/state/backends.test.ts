/**
 * Backends: the environment stacks point at what the bootstraps create, and a bootstrap's own
 * state starts local and moves into its bucket when config.state.bootstrapBackend is "s3"; and
 * terraform-backend.tf.example stays what the prod stack deploys (parsed as HCL, compared value
 * for value with the synthesized backend).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "@cdktf/hcl2json";
import { parseEnvironmentConfig } from "../../config";
import { bootstrapStateKey } from "../../config/names";
import { ENV_NAMES, rawEnv, synthStack, type EnvName, type TfJson } from "../support/synth";
import { BUCKET, TABLE, configOf, resourceAt, synthStateStack } from "./helpers";

const ROOT = resolve(__dirname, "../..");
const EXAMPLE = "terraform-backend.tf.example";

describe.each(ENV_NAMES)("%s backend: matches what its bootstrap stack creates", (name: EnvName) => {
  const backend = synthStack(name).terraform.backend.s3;
  const bootstrap = synthStack(`state-${name}`);
  const env = configOf(name);

  test("bucket is the bootstrap's bucket", () => {
    expect(backend.bucket).toBe(resourceAt(bootstrap, BUCKET).bucket);
  });
  test("dynamodb_table is the bootstrap's table", () => {
    expect(backend.dynamodb_table).toBe(resourceAt(bootstrap, TABLE).name);
  });
  test("kms_key_id is the bootstrap's key alias, in the environment's account and region", () => {
    const alias = resourceAt(bootstrap, "aws_kms_alias.state_key_alias").name;
    expect(backend.kms_key_id).toBe(`arn:aws:kms:${env.region}:${env.accountId}:${alias}`);
  });
  test("region is the bootstrap provider's region", () => {
    expect(backend.region).toBe(bootstrap.provider.aws[0].region);
  });
  test("encrypted, locked twice (lock file and DynamoDB) and under its own key", () => {
    expect(backend).toMatchObject({ encrypt: true, use_lockfile: true, key: env.state.key });
    expect(backend.key).not.toBe(bootstrapStateKey(name));
  });
});

describe("bootstrap backend switch", () => {
  const synthState = (bootstrapBackend?: "local" | "s3"): TfJson =>
    synthStateStack(parseEnvironmentConfig(rawEnv("prod", { state: { bootstrapBackend } }), "prod"));

  test.each(ENV_NAMES)("state-%s: local by default, for the first deploy (the bucket does not exist yet)", (name) => {
    const json = synthStack(`state-${name}`);
    expect(json.terraform.backend).toEqual({ local: { path: `../../../terraform.state-${name}.tfstate` } });
  });

  test('"local": a relative path, resolving from cdktf.out/stacks/<stack> to the git-ignored project root', () => {
    const { path } = synthState("local").terraform.backend.local;
    expect(path.startsWith("/")).toBe(false);
    expect(resolve(ROOT, "cdktf.out/stacks/state-prod", path)).toBe(join(ROOT, "terraform.state-prod.tfstate"));
    expect(readFileSync(join(ROOT, ".gitignore"), "utf8").split("\n")).toContain("*.tfstate");
  });

  test('"s3": the bucket it created, under its own key, with the environment backend\'s settings', () => {
    const json = synthState("s3");
    const envBackend = synthStack("prod").terraform.backend.s3;
    expect(json.terraform.backend).toEqual({ s3: { ...envBackend, key: "taskflow/prod/state-bootstrap.tfstate" } });
  });

  test('"s3" changes nothing but the backend', () => {
    const local = synthState("local");
    const s3 = synthState("s3");
    expect(s3.resource).toEqual(local.resource);
    expect(s3.provider).toEqual(local.provider);
    expect(s3.output).toEqual(local.output);
  });
});

describe(EXAMPLE, () => {
  const text = readFileSync(join(ROOT, EXAMPLE), "utf8");
  let hcl: TfJson;
  beforeAll(async () => {
    hcl = await parse(EXAMPLE, text);
  });

  test("is one terraform block with one s3 backend", () => {
    expect(Object.keys(hcl)).toEqual(["terraform"]);
    expect(hcl.terraform).toHaveLength(1);
    expect(Object.keys(hcl.terraform[0])).toEqual(["backend"]);
    expect(Object.keys(hcl.terraform[0].backend)).toEqual(["s3"]);
    expect(hcl.terraform[0].backend.s3).toHaveLength(1);
  });

  test("has exactly the prod stack's synthesized backend settings", () => {
    expect(hcl.terraform[0].backend.s3[0]).toEqual(synthStack("prod").terraform.backend.s3);
  });

  test("sets use_lockfile and encrypt", () => {
    expect(hcl.terraform[0].backend.s3[0]).toMatchObject({ use_lockfile: true, encrypt: true });
  });

  test("explains partial configuration and the DynamoDB-to-lock-file migration", () => {
    expect(text).toContain("terraform init -backend-config=");
    expect(text).toMatch(/Terraform >= 1\.10/);
    expect(text).toMatch(/deprecated since Terraform 1\.11/);
  });
});
