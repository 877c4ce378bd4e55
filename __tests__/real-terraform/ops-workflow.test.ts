/**
 * The ops workflow end to end on the emulator, with the npm scripts exactly as a pipeline runs
 * them (stdin is not a terminal). Its flows change infrastructure, so each works in a copy the
 * shared set-up prepared (support/prepared-copies.ts): dev moved into an account of its own with its
 * bootstrap deployed, and an extra environment 'adopt' with its bootstrap deployed.
 *
 * dev carries the flow:
 * deploy → plan shows no changes → a harmless config change is an
 * in-place update in review.md → apply of that reviewed plan → outputs match the pool; a pool
 * rename is flagged by review.md and exit status 3. Adoption: a pool created through the AWS API is
 * imported (no create), then managed. prod's confirmation rule is checked first; prod's own flow (a
 * pipeline's deploy, and a pool rename refused by prevent_destroy) is prod-walkthrough.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  type CreateUserPoolCommandInput,
  type UsernameAttributeType,
} from "@aws-sdk/client-cognito-identity-provider";
import type { EnvironmentConfig } from "../../config";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { parsePlanJson, type PlanJson } from "../../scripts/lib/review/plan-json";
import { analysePlan } from "../../scripts/lib/review/review";
import { withAwsClients } from "./support/aws";
import { expectExit, makeFlow, npmRun, plansFile, unexpectedDiffs, type Flow } from "./support/flow";
import { userPoolsNamed } from "./support/readback";
import { ADOPT_INPUT, configLine, editConfig, PREPARED_WAIT_MS } from "./support/prepared-copies";
import { StepTimer } from "./support/run";
import { requireTerraform } from "./support/tools";
import { makeWorkingCopy, stackJson } from "./support/workdir";

jest.setTimeout(300_000);

const timer = new StepTimer("ops-workflow");

let devFlow: Flow;
let adoptFlow: Flow;
let dev: EnvironmentConfig;
let adopt: EnvironmentConfig;
let existingId: string;

beforeAll(async () => {
  requireTerraform();
  devFlow = await makeFlow("ops-dev", "dev", timer);
  adoptFlow = await makeFlow("ops-adopt", "adopt", timer);
  dev = devFlow.env;
  adopt = adoptFlow.env;
  existingId = await createExistingPool(adoptFlow);
}, PREPARED_WAIT_MS + 60_000);

afterAll(() => timer.printSummary());

const readPlan = (flow: Flow): PlanJson =>
  parsePlanJson(readFileSync(plansFile(flow, "plan.json"), "utf8"), `plans/${flow.env.name}/plan.json`);
const review = (flow: Flow) => readFileSync(plansFile(flow, "review.md"), "utf8");
const row = (markdown: string, address: string) => markdown.split("\n").find((l) => l.startsWith(`| \`${address}\``)) ?? "";

const poolsNamed = (flow: Flow, name: string = flow.env.userPool.name) => withAwsClients(flow.aws, (c) => userPoolsNamed(c, name));

describe("prod's confirmation rule, before anything runs", () => {
  test.each(["prod", "state-prod"])(
    "npm run deploy -- %s without --yes and without a terminal exits 4, nothing synthesized",
    async (stack) => {
      // A copy nothing was synthesized in yet, so a synth would show.
      const copy = makeWorkingCopy("ops-confirm");
      try {
        const r = expectExit(await npmRun({ ...devFlow, copy }, "deploy", [stack]), EXIT.REFUSED);
        expect(r.stderr).toContain(`Refusing to deploy ${stack} without confirmation`);
        expect(existsSync(join(copy.project, "cdktf.out"))).toBe(false);
      } finally {
        copy.remove();
      }
    },
  );
});

describe("dev: deploy, plan, review, apply, outputs (state-dev deployed by the set-up)", () => {
  let poolId: string;

  test("deploy dev; the provider mirror makes deploy skip cdktf's provider lock, and says so", async () => {
    const r = expectExit(await npmRun(devFlow, "deploy", ["dev"]), EXIT.OK);
    expect(r.stderr).toContain(
      `Provider lock skipped (--skip-provider-lock): ${devFlow.setup.cliConfigFile} installs providers from the filesystem mirror ${devFlow.setup.mirror.dir}`,
    );
    const pools = await poolsNamed(devFlow);
    expect(pools).toHaveLength(1);
    poolId = pools[0];
  });

  test("plan right after the deploy: nothing to do; the four files are written", async () => {
    expectExit(await npmRun(devFlow, "plan", ["dev"]), EXIT.OK);
    expect(unexpectedDiffs(devFlow)).toBe("");
    for (const f of ["tfplan", "plan.txt", "plan.json", "review.md"]) expect(existsSync(plansFile(devFlow, f))).toBe(true);
  });

  test("a harmless config change (access token 60 → 45 minutes) is an in-place update in review.md", async () => {
    editConfig(devFlow.copy, "accessTokenMinutes: 60,", "accessTokenMinutes: 45,");
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
    const { UserPoolClient } = await withAwsClients(devFlow.aws, (c) =>
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
      devFlow.copy,
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
  const id = await withAwsClients(flow.aws, async (c) => (await c.cognito.send(new CreateUserPoolCommand(input))).UserPool?.Id);
  if (!id) throw new Error("CreateUserPool returned no id");
  editConfig(
    flow.copy,
    configLine("adopt", ADOPT_INPUT),
    configLine("adopt", { ...ADOPT_INPUT, userPool: { ...ADOPT_INPUT.userPool, existingUserPoolId: id } }),
  );
  return id;
}

describe("adopting a pool created through the AWS API (environment 'adopt', added to its copy's config)", () => {
  test("with existingUserPoolId in config, the first plan imports the pool and creates none", async () => {
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
