/**
 * Stack wiring: one stack per environment, each with its own backend and a provider pinned to its
 * own account, and no stack depending on another.
 */
import { buildStacks } from "../stacks/app";
import { readManifest } from "../stacks/manifest";
import { ENV_NAMES, shippedConfigs, synthStack, testApp } from "./support/synth";

const configs = new Map(shippedConfigs().map((c) => [c.name, c]));

describe("one stack per environment", () => {
  test("stack ids are exactly each environment's name and its bootstrap state-<env>, so `cdktf deploy prod` works literally", () => {
    const app = testApp();
    buildStacks(app, shippedConfigs());
    const ids = app.node.children.map((c) => c.node.id);
    expect(ids).toEqual(ENV_NAMES.flatMap((name) => [name, `state-${name}`]));
  });
});

describe.each(ENV_NAMES)("%s stack", (name) => {
  const env = configs.get(name)!;
  const json = synthStack(name);

  test("stores state in its own account's bucket, encrypted with the state key", () => {
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: `taskflow-tfstate-${env.accountId}-${env.region}`,
        key: `taskflow/${name}/terraform.tfstate`,
        region: env.region,
        encrypt: true,
        // The S3 backend takes the key as an ARN (an alias ARN works): Terraform's "Backend Type: s3" page, kms_key_id.
        kms_key_id: `arn:aws:kms:${env.region}:${env.accountId}:alias/taskflow-tfstate`,
        dynamodb_table: "taskflow-tfstate-lock",
        use_lockfile: true,
      },
    });
  });

  test("pins the AWS provider to the environment's account and region", () => {
    const [provider] = json.provider.aws;
    expect(provider.region).toBe(env.region);
    expect(provider.allowed_account_ids).toEqual([env.accountId]);
  });

  test("tags every resource with Project, Environment and ManagedBy (plus config tags)", () => {
    const [provider] = json.provider.aws;
    expect(provider.default_tags).toEqual([{ tags: { ...env.tags, Project: "TaskFlow", Environment: name, ManagedBy: "cdktf" } }]);
  });

  test("requires exactly aws provider 5.100.0 (the version @cdktf/provider-aws 20.1.0 is generated from)", () => {
    expect(json.terraform.required_providers.aws).toEqual({ source: "aws", version: "5.100.0" });
  });
});

describe("environments are independent", () => {
  test("no stack depends on another in the manifest", () => {
    const app = testApp();
    buildStacks(app, shippedConfigs());
    app.synth();
    const stacks = readManifest(app.outdir);
    expect(stacks.map((s) => s.id).sort()).toEqual(ENV_NAMES.flatMap((name) => [name, `state-${name}`]).sort());
    for (const stack of stacks)
      expect({ stack: stack.id, dependencies: stack.dependencies }).toEqual({ stack: stack.id, dependencies: [] });
  });

  test("each environment's state and provider point at a different account", () => {
    const accounts = ENV_NAMES.map((n) => synthStack(n).provider.aws[0].allowed_account_ids[0]);
    const buckets = ENV_NAMES.map((n) => synthStack(n).terraform.backend.s3.bucket);
    expect(new Set(accounts).size).toBe(ENV_NAMES.length);
    expect(new Set(buckets).size).toBe(ENV_NAMES.length);
  });
});
