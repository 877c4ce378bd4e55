/**
 * The README's "Prod, step by step", run as written by a pipeline (stdin is not a terminal, so the
 * prod confirmation is `--yes`), with prod's shipped config, in the shared emulator but in an empty
 * account: the shared set-up prepared a copy with prod moved into an account of its own and deployed
 * nothing there (support/prepared-copies.ts).
 *
 *   npm run deploy -- state-prod --yes                  (local state file)
 *   state: { bootstrapBackend: "s3" } for prod in config/environments.ts
 *   npm run deploy -- state-prod --yes --migrate-state  (the bootstrap's state moves into its bucket)
 *   npm run plan -- prod
 *   npm run apply -- prod --yes
 *   npm run outputs -- prod
 *
 * The state bucket's TLS-only policy is in place from the first step on; every command reaches the
 * emulator over HTTPS only, so the policy must allow all of it, and it is still there at the end.
 * Afterwards, on the prod just deployed: a pool rename is refused by prevent_destroy.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentConfig } from "../../config";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { withAwsClients, type AwsEnv } from "./support/aws";
import { expectExit, makeFlow, npmRun as npmRunIn, type Flow } from "./support/flow";
import { editConfig, PREPARED_WAIT_MS } from "./support/prepared-copies";
import { lockItem, objectExists, readRemoteState, readStateBucket, userPoolsNamed } from "./support/readback";
import { StepTimer, type RunResult } from "./support/run";
import { requireTerraform } from "./support/tools";
import { stackJson, type WorkingCopy } from "./support/workdir";

jest.setTimeout(300_000);

const timer = new StepTimer("prod walkthrough");
let prod: EnvironmentConfig;
let copy: WorkingCopy;
let flow: Flow;
let credentials: AwsEnv;

beforeAll(async () => {
  requireTerraform();
  flow = await makeFlow("walkthrough", "prod", timer);
  ({ copy, env: prod, aws: credentials } = flow);
}, PREPARED_WAIT_MS + 60_000);

afterAll(() => timer.printSummary());

/** `npm run <script> -- <args>` in the copy, as a pipeline runs it (node runs the same script npm would). */
const npmRun = (script: string, args: string[]): Promise<RunResult> => npmRunIn(flow, script, args, flow.aws, 280_000);

const tlsOnly = expect.objectContaining({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
const bootstrapKey = () => stackJson(copy, "state-prod").terraform?.backend?.s3?.key as string;

describe("README, Prod, step by step (pipeline: --yes), on an empty account", () => {
  test("1. npm run deploy -- state-prod: bucket, lock table and key, TLS-only policy in place; state in the local file", async () => {
    expectExit(await npmRun("deploy", ["state-prod", "--yes"]), EXIT.OK);
    expect(existsSync(join(copy.project, "terraform.state-prod.tfstate"))).toBe(true);
    await withAwsClients(credentials, async (c) => {
      expect((await readStateBucket(c, prod.state.bucket)).policy).toEqual(expect.arrayContaining([tlsOnly]));
    });
  });

  test('1b. state: { bootstrapBackend: "s3" }, then npm run deploy -- state-prod --migrate-state: the state moves into the bucket', async () => {
    const file = join(copy.project, "config", "environments.ts");
    const source = readFileSync(file, "utf8");
    const anchor = `tags: { CostCenter: "taskflow-prod" },`;
    expect(source.split(anchor)).toHaveLength(2);
    writeFileSync(file, source.replace(anchor, `${anchor}\n    state: { bootstrapBackend: "s3" },`));

    const r = expectExit(await npmRun("deploy", ["state-prod", "--yes", "--migrate-state"]), EXIT.OK);
    expect(r.stdout + r.stderr).not.toMatch(/errored\.tfstate/);
    const key = bootstrapKey();
    expect(key).toEqual(expect.any(String));
    await withAwsClients(credentials, async (c) => {
      const migrated = await readRemoteState(c, prod.state.bucket, key);
      expect(migrated.addresses).toEqual(
        expect.arrayContaining(["aws_s3_bucket.state_bucket", "aws_s3_bucket_policy.state_bucket_policy"]),
      );
      expect(migrated.encryption).toBe("aws:kms");
      // The same apply kept the TLS-only policy, and left no lock behind.
      expect((await readStateBucket(c, prod.state.bucket)).policy).toEqual(expect.arrayContaining([tlsOnly]));
      expect(await objectExists(c, prod.state.bucket, `${key}.tflock`)).toBe(false);
      expect(await lockItem(c, prod.state.lockTable, `${prod.state.bucket}/${key}`)).toBeUndefined();
    });
  });

  test("2-4. npm run plan -- prod writes the four files; npm run apply -- prod --yes applies that plan", async () => {
    expectExit(await npmRun("plan", ["prod"]), EXIT.OK);
    for (const f of ["tfplan", "plan.txt", "plan.json", "review.md"]) expect(existsSync(join(copy.project, "plans", "prod", f))).toBe(true);
    const r = expectExit(await npmRun("apply", ["prod", "--yes"]), EXIT.OK);
    expect(r.stderr).toContain("Applying plans/prod/tfplan exactly as reviewed");
    await withAwsClients(credentials, async (c) => {
      expect(await userPoolsNamed(c, prod.userPool.name)).toHaveLength(1);
      const state = await readRemoteState(c, prod.state.bucket, prod.state.key);
      expect(state.addresses).toEqual(
        expect.arrayContaining(["aws_cognito_user_pool.user_pool", "aws_cognito_risk_configuration.risk_configuration"]),
      );
      expect((await readStateBucket(c, prod.state.bucket)).policy).toEqual(expect.arrayContaining([tlsOnly]));
    });
  });

  test("5. npm run outputs -- prod: plans/prod/outputs.json names the pool that exists", async () => {
    expectExit(await npmRun("outputs", ["prod"]), EXIT.OK);
    const outputs = JSON.parse(readFileSync(join(copy.project, "plans", "prod", "outputs.json"), "utf8")) as Record<
      string,
      { value: string }
    >;
    const pools = await withAwsClients(credentials, (c) => userPoolsNamed(c, prod.userPool.name));
    expect(outputs.user_pool_id.value).toBe(pools[0]);
    expect(outputs.user_pool_arn.value).toBe(`arn:aws:cognito-idp:${prod.region}:${prod.accountId}:userpool/${pools[0]}`);
  });
});

describe("after the walkthrough: prod's pool is protected", () => {
  test("a pool rename: plan exits 3 and review.md names the pool Terraform refused to destroy; there is nothing to apply", async () => {
    const [poolId] = await withAwsClients(credentials, (c) => userPoolsNamed(c, prod.userPool.name));
    editConfig(copy, `name: "${prod.userPool.name}",`, `name: "${prod.userPool.name}-renamed",`);
    const r = expectExit(await npmRun("plan", ["prod"]), EXIT.PROTECTED);
    expect(r.stderr).toContain("Terraform refused the plan: it would destroy aws_cognito_user_pool.user_pool (lifecycle.prevent_destroy)");
    const md = readFileSync(join(copy.project, "plans", "prod", "review.md"), "utf8");
    expect(md).toContain("**Terraform refused this change: it would destroy resources protected by `lifecycle.prevent_destroy`.**");
    expect(md).toContain("> - **DESTROY or REPLACE** `aws_cognito_user_pool.user_pool` (Cognito user pool)");
    expect(md).toContain("| Threat protection | ENFORCED |");
    expect(existsSync(join(copy.project, "plans", "prod", "tfplan"))).toBe(false);
    expectExit(await npmRun("apply", ["prod", "--yes"]), EXIT.FAILED);
    expect(await withAwsClients(credentials, (c) => userPoolsNamed(c, prod.userPool.name))).toEqual([poolId]);
  });
});
