/**
 * The ops workflow end to end on the emulator, with the npm scripts exactly as a pipeline runs
 * them (stdin is not a terminal). Harness (moto, provider mirror, CLI config, working copy,
 * emulator gaps): __tests__/real-terraform/support.
 *
 * dev carries the flow, because every resource of its stack deploys on moto as it is:
 * deploy → plan shows no changes (but the listed emulator gaps) → a harmless config change is an
 * in-place update in review.md → apply of that reviewed plan → outputs match the pool; a pool
 * rename is flagged by review.md and exit status 3. Adoption runs in an extra environment added to
 * the copy's config: a pool created through the AWS API is imported (no create), then managed.
 * prod is deployed as a pipeline would (--yes), and a pool rename there is refused by Terraform
 * (prevent_destroy): review.md says so and plan exits 3. The confirmation rule is checked first.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  type CreateUserPoolCommandInput,
  type UsernameAttributeType,
} from "@aws-sdk/client-cognito-identity-provider";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import { environments as shippedEnvironments } from "../../config/environments";
import { EXIT } from "../../scripts/lib/exit-codes";
import { parsePlanJson, type PlanJson } from "../../scripts/lib/plan-json";
import { analysePlan } from "../../scripts/lib/review";
import { awsEnvFor, withAwsClients, type AwsEnv } from "./support/aws";
import { startMoto, type Moto } from "./support/moto";
import { classify, describeDiffs, diffsOf } from "./support/plan";
import { userPoolsNamed } from "./support/readback";
import { describeRun, run, StepTimer, type RunResult } from "./support/run";
import { terraformSetup, type TerraformSetup } from "./support/terraform-env";
import { requireTerraform } from "./support/tools";
import { makeWorkingCopy, stackJson, type WorkingCopy } from "./support/workdir";

jest.setTimeout(300_000);

/** The environment added to the copy's config for adoption: dev's rules, its own account. */
const ADOPT_INPUT = {
  stage: "dev",
  accountId: "444444444444",
  domainName: "adopt.taskflow.example.com",
  alertEmail: "taskflow-alerts-adopt@example.com",
  userPool: { tier: "ESSENTIALS", deletionProtection: false, threatProtection: "OFF", email: { sender: "COGNITO_DEFAULT" } },
} as const;
const adoptSource = (input: object) => `  adopt: ${JSON.stringify(input)},\n`;

const envs = loadEnvironments({ ...shippedEnvironments, adopt: ADOPT_INPUT });
const envNamed = (name: string) => envs.find((e) => e.name === name) as EnvironmentConfig;
const dev = envNamed("dev");
const prod = envNamed("prod");
const adopt = envNamed("adopt");

const timer = new StepTimer("ops-workflow");
let moto: Moto;
const awsEnv = new Map<string, AwsEnv>();

/** One working copy (own cdktf.out, plans/, Terraform CLI config) per flow, so the two can run at once. */
interface Flow {
  readonly copy: WorkingCopy;
  readonly setup: TerraformSetup;
  readonly env: EnvironmentConfig;
}
let devFlow: Flow;
let prodFlow: Flow;
let adoptFlow: Flow;
/** prod's deploy and the adoption's bootstrap run while dev's flow does (bootstraps mostly wait on S3). */
let prodDeploy: Promise<RunResult[]> | undefined;
let adoptBootstrap: Promise<RunResult> | undefined;
let existingId: string;

function makeFlow(env: EnvironmentConfig): Flow {
  const copy = makeWorkingCopy(`ops-${env.name}`);
  return { copy, setup: terraformSetup(copy.root), env };
}

beforeAll(async () => {
  requireTerraform();
  devFlow = makeFlow(dev);
  prodFlow = makeFlow(prod);
  adoptFlow = makeFlow(adopt);
  moto = await startMoto();
  for (const env of [dev, prod, adopt]) awsEnv.set(env.name, await awsEnvFor(moto, env.accountId, env.region));
  existingId = await createExistingPool(adoptFlow);
  adoptBootstrap = npmRun(adoptFlow, "deploy", ["state-adopt"]);
  prodDeploy = deployProd();
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([adoptBootstrap, prodDeploy]);
  await moto?.stop();
  for (const flow of [devFlow, prodFlow, adoptFlow]) flow?.copy.remove();
  timer.printSummary();
});

/** prod as a pipeline deploys it (--yes: no terminal), its synthesized JSON unmodified. */
async function deployProd(): Promise<RunResult[]> {
  const synth = await run(process.execPath, ["scripts/run-ts.js", "main.ts"], {
    cwd: prodFlow.copy.project,
    env: prodFlow.setup.env,
    label: "synth (prod)",
    timer,
  });
  if (synth.code !== 0) return [synth];
  const state = await npmRun(prodFlow, "deploy", ["state-prod", "--yes"]);
  if (state.code !== 0) return [synth, state];
  return [synth, state, await npmRun(prodFlow, "deploy", ["prod", "--yes"])];
}

/** `npm run <script> -- <args>` in the flow's copy: no terminal, credentials of the flow's account. */
function npmRun(flow: Flow, script: string, args: string[]): Promise<RunResult> {
  return run(process.execPath, ["scripts/run-ts.js", `scripts/${script}.ts`, ...args], {
    cwd: flow.copy.project,
    env: { ...flow.setup.env, ...awsEnv.get(flow.env.name) },
    label: `npm run ${script} -- ${args.join(" ")}`,
    timer,
    timeoutMs: 240_000,
  });
}

function expectExit(r: RunResult, code: number): RunResult {
  if (r.code !== code) throw new Error(`expected exit ${code}:\n${describeRun(r)}`);
  return r;
}

/** Replaces one exact, unique piece of the copy's config/environments.ts, as an engineer would edit it. */
function editConfig(flow: Flow, from: string, to: string): void {
  const file = join(flow.copy.project, "config", "environments.ts");
  const source = readFileSync(file, "utf8");
  if (source.split(from).length !== 2) throw new Error(`config/environments.ts must contain ${JSON.stringify(from)} exactly once`);
  writeFileSync(file, source.replace(from, to));
}

const plansFile = (flow: Flow, name: string) => join(flow.copy.project, "plans", flow.env.name, name);
const readPlan = (flow: Flow): PlanJson =>
  parsePlanJson(readFileSync(plansFile(flow, "plan.json"), "utf8"), `plans/${flow.env.name}/plan.json`);
const review = (flow: Flow) => readFileSync(plansFile(flow, "review.md"), "utf8");
const row = (markdown: string, address: string) => markdown.split("\n").find((l) => l.startsWith(`| \`${address}\``)) ?? "";

/** The plan's diffs that the harness's emulator-gap list does not explain. */
function unexpectedDiffs(flow: Flow, ignore: readonly string[] = []): string {
  const { unexpected } = classify(diffsOf(readPlan(flow) as Parameters<typeof diffsOf>[0]), "environment", flow.env);
  return describeDiffs(unexpected.filter((d) => !ignore.includes(d.address)));
}

const poolsNamed = (flow: Flow, name: string = flow.env.userPool.name) =>
  withAwsClients(awsEnv.get(flow.env.name) as AwsEnv, (c) => userPoolsNamed(c, name));

describe("prod's confirmation rule, before anything runs", () => {
  test.each(["prod", "state-prod"])(
    "npm run deploy -- %s without --yes and without a terminal exits 4, nothing synthesized",
    async (stack) => {
      const r = expectExit(await npmRun(devFlow, "deploy", [stack]), EXIT.REFUSED);
      expect(r.stderr).toContain(`Refusing to deploy ${stack} without confirmation`);
      expect(existsSync(join(devFlow.copy.project, "cdktf.out"))).toBe(false);
    },
  );
});

describe("dev: bootstrap, deploy, plan, review, apply, outputs", () => {
  let poolId: string;

  test("deploy state-dev, then dev; the provider mirror makes deploy skip cdktf's provider lock, and says so", async () => {
    const r = expectExit(await npmRun(devFlow, "deploy", ["state-dev"]), EXIT.OK);
    expect(r.stderr).toContain(
      `Provider lock skipped (--skip-provider-lock): ${devFlow.setup.cliConfigFile} installs providers from the filesystem mirror ${devFlow.setup.mirror.dir}`,
    );
    expectExit(await npmRun(devFlow, "deploy", ["dev"]), EXIT.OK);
    const pools = await poolsNamed(devFlow);
    expect(pools).toHaveLength(1);
    poolId = pools[0];
  });

  test("plan right after the deploy: nothing to do but the emulator gaps; the four files are written", async () => {
    expectExit(await npmRun(devFlow, "plan", ["dev"]), EXIT.OK);
    expect(unexpectedDiffs(devFlow)).toBe("");
    for (const f of ["tfplan", "plan.txt", "plan.json", "review.md"]) expect(existsSync(plansFile(devFlow, f))).toBe(true);
  });

  test("a harmless config change (access token 60 → 45 minutes) is an in-place update in review.md", async () => {
    editConfig(devFlow, "accessTokenMinutes: 60,", "accessTokenMinutes: 45,");
    expectExit(await npmRun(devFlow, "plan", ["dev", "--detailed-exitcode"]), EXIT.CHANGES);
    const client = "aws_cognito_user_pool_client.web_client";
    expect(unexpectedDiffs(devFlow, [client])).toBe("");
    expect(analysePlan(readPlan(devFlow)).changes.find((c) => c.resource.address === client)?.action).toBe("update");
    const md = review(devFlow);
    expect(md).not.toContain("[!CAUTION]");
    expect(row(md, client)).toContain("| update in place | `access_token_validity`: `60` → `45` |");
    expect(md).toContain("| Access token lifetime | 45 minutes |");
  });

  test("apply applies exactly the reviewed plan; the same plan a second time is refused as stale", async () => {
    const r = expectExit(await npmRun(devFlow, "apply", ["dev"]), EXIT.OK);
    expect(r.stderr).toContain("Applying plans/dev/tfplan exactly as reviewed");
    const outputs = JSON.parse(expectExit(await npmRun(devFlow, "outputs", ["dev", "--stdout"]), EXIT.OK).stdout) as Record<
      string,
      { value: string }
    >;
    const { UserPoolClient } = await withAwsClients(awsEnv.get(dev.name) as AwsEnv, (c) =>
      c.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: outputs.app_client_id.value })),
    );
    expect(UserPoolClient?.AccessTokenValidity).toBe(45);
    expect(UserPoolClient?.TokenValidityUnits?.AccessToken).toBe("minutes");

    const again = expectExit(await npmRun(devFlow, "apply", ["dev"]), EXIT.FAILED);
    expect(again.stdout + again.stderr).toMatch(/Saved plan is stale/);
  });

  test("outputs: plans/dev/outputs.json matches the deployed pool", async () => {
    expectExit(await npmRun(devFlow, "outputs", ["dev"]), EXIT.OK);
    const outputs = JSON.parse(readFileSync(plansFile(devFlow, "outputs.json"), "utf8")) as Record<string, { value: string }>;
    const issuer = `https://cognito-idp.${dev.region}.amazonaws.com/${poolId}`;
    expect(outputs.user_pool_id.value).toBe(poolId);
    expect(outputs.user_pool_arn.value).toBe(`arn:aws:cognito-idp:${dev.region}:${dev.accountId}:userpool/${poolId}`);
    expect(outputs.issuer_url.value).toBe(issuer);
    expect(outputs.jwks_url.value).toBe(`${issuer}/.well-known/jwks.json`);
    expect(outputs.oauth_domain.value).toBe(`taskflow-dev.auth.${dev.region}.amazoncognito.com`);
  });

  test("a pool rename would replace the pool: review.md warns, plan exits 3, apply refuses it", async () => {
    editConfig(
      devFlow,
      "userPool: {\n      // Throwaway pool",
      `userPool: {\n      name: "${dev.userPool.name}-renamed",\n      // Throwaway pool`,
    );
    expectExit(await npmRun(devFlow, "plan", ["dev"]), EXIT.PROTECTED);
    const md = review(devFlow);
    expect(md.indexOf("> [!CAUTION]")).toBeGreaterThan(0);
    expect(md).toMatch(/> - \*\*REPLACE\*\* `aws_cognito_user_pool\.user_pool` \(Cognito user pool\): every user.*Forced by [^\n]*`name`/);
    expect(md).toContain("> - **REPLACE** `aws_cognito_user_pool_client.web_client` (Cognito app client)");
    expect(row(md, "aws_cognito_user_pool.user_pool")).toContain(
      `\`name\`: \`"${dev.userPool.name}"\` → \`"${dev.userPool.name}-renamed"\` **forces replacement**`,
    );

    const refused = expectExit(await npmRun(devFlow, "apply", ["dev"]), EXIT.REFUSED);
    expect(refused.stderr).toContain("replace aws_cognito_user_pool.user_pool");
    expect(await poolsNamed(devFlow)).toEqual([poolId]);
  });
});

/**
 * A pool as someone created it before Terraform, through the AWS API: what the provider can only
 * set on a new pool (name, username attributes, schema) and the stack's tags, read from the
 * synthesized stack. Then the environment's config names it (existingUserPoolId).
 */
async function createExistingPool(flow: Flow): Promise<string> {
  editConfig(
    flow,
    "} satisfies Record<string, EnvironmentInput>;",
    `${adoptSource(ADOPT_INPUT)}} satisfies Record<string, EnvironmentInput>;`,
  );
  expectExit(
    await run(process.execPath, ["scripts/run-ts.js", "main.ts"], {
      cwd: flow.copy.project,
      env: flow.setup.env,
      label: "synth (adopt)",
      timer,
    }),
    0,
  );
  const json = stackJson(flow.copy, flow.env.name);
  const pool = Object.values(json.resource.aws_cognito_user_pool)[0] as {
    name: string;
    username_attributes?: UsernameAttributeType[];
    username_configuration?: { case_sensitive: boolean };
    schema?: {
      name: string;
      attribute_data_type: "String";
      mutable?: boolean;
      required?: boolean;
      string_attribute_constraints?: { min_length: string; max_length: string };
    }[];
  };
  const input: CreateUserPoolCommandInput = {
    PoolName: pool.name,
    UsernameAttributes: pool.username_attributes,
    UsernameConfiguration: pool.username_configuration && { CaseSensitive: pool.username_configuration.case_sensitive },
    Schema: pool.schema?.map((a) => ({
      Name: a.name,
      AttributeDataType: a.attribute_data_type,
      Mutable: a.mutable,
      Required: a.required,
      StringAttributeConstraints: a.string_attribute_constraints && {
        MinLength: a.string_attribute_constraints.min_length,
        MaxLength: a.string_attribute_constraints.max_length,
      },
    })),
    UserPoolTags: json.provider.aws[0].default_tags[0].tags,
  };
  const id = await withAwsClients(
    awsEnv.get(flow.env.name) as AwsEnv,
    async (c) => (await c.cognito.send(new CreateUserPoolCommand(input))).UserPool?.Id,
  );
  if (!id) throw new Error("CreateUserPool returned no id");
  editConfig(
    flow,
    adoptSource(ADOPT_INPUT),
    adoptSource({ ...ADOPT_INPUT, userPool: { ...ADOPT_INPUT.userPool, existingUserPoolId: id } }),
  );
  return id;
}

describe("adopting a pool created through the AWS API (environment 'adopt', added to its copy's config)", () => {
  test("with existingUserPoolId in config, the first plan imports the pool and creates none", async () => {
    expectExit(await (adoptBootstrap as Promise<RunResult>), EXIT.OK);
    expectExit(await npmRun(adoptFlow, "plan", ["adopt"]), EXIT.OK);
    const analysis = analysePlan(readPlan(adoptFlow));
    const pool = analysis.changes.find((c) => c.resource.address === "aws_cognito_user_pool.user_pool");
    expect(pool?.importId).toBe(existingId);
    expect(pool?.action).toBe("update");
    expect(analysis.changes.filter((c) => c.resource.type === "aws_cognito_user_pool" && c.action === "create")).toEqual([]);
    expect(analysis.counts.import).toBe(1);
    expect(row(review(adoptFlow), "aws_cognito_user_pool.user_pool")).toContain(
      `| import, then update in place | import id \`${existingId}\``,
    );
  });

  test("apply adopts it: still one pool, and the stack's outputs name it", async () => {
    expectExit(await npmRun(adoptFlow, "apply", ["adopt"]), EXIT.OK);
    expect(await poolsNamed(adoptFlow)).toEqual([existingId]);
    const outputs = JSON.parse(expectExit(await npmRun(adoptFlow, "outputs", ["adopt", "--stdout"]), EXIT.OK).stdout) as Record<
      string,
      { value: string }
    >;
    expect(outputs.user_pool_id.value).toBe(existingId);
    expect(outputs.issuer_url.value).toBe(`https://cognito-idp.${adopt.region}.amazonaws.com/${existingId}`);
  });
});

describe("prod: deployed with --yes; a pool rename is refused by prevent_destroy", () => {
  test("plan exits 3 and review.md names the pool Terraform refused to destroy; there is nothing to apply", async () => {
    for (const r of (await prodDeploy) ?? []) expectExit(r, EXIT.OK);
    const [poolId] = await poolsNamed(prodFlow);
    editConfig(prodFlow, `name: "${prod.userPool.name}",`, `name: "${prod.userPool.name}-renamed",`);
    const r = expectExit(await npmRun(prodFlow, "plan", ["prod"]), EXIT.PROTECTED);
    expect(r.stderr).toContain("Terraform refused the plan: it would destroy aws_cognito_user_pool.user_pool (lifecycle.prevent_destroy)");
    const md = review(prodFlow);
    expect(md).toContain("**Terraform refused this change: it would destroy resources protected by `lifecycle.prevent_destroy`.**");
    expect(md).toContain("> - **DESTROY or REPLACE** `aws_cognito_user_pool.user_pool` (Cognito user pool)");
    expect(md).toContain("| Threat protection | ENFORCED |");
    expect(existsSync(plansFile(prodFlow, "tfplan"))).toBe(false);
    expectExit(await npmRun(prodFlow, "apply", ["prod", "--yes"]), EXIT.FAILED);
    expect(await poolsNamed(prodFlow)).toEqual([poolId]);
  });
});
