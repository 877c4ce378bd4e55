/**
 * Faults on the emulator, with the npm scripts as a pipeline runs them (no terminal, --yes where a
 * pipeline would pass it). Each scenario ends with: nothing lost (the user pool and its users, the
 * state), nothing duplicated (exactly one pool), and the operator told what to do.
 *
 * 1. An apply of prod killed (SIGKILL) right after the pool appears: the lock stays; plan fails fast
 *    naming the lock, who took it and when, and the unlock command; unlock refuses a wrong id; the
 *    pool is not in the state (Terraform persists remote state during an apply only on a state
 *    update at least TF_STATE_PERSIST_INTERVAL, default and minimum 20 s, after the first one), so
 *    plan stops on it (scenario 2) and adoption converges. The same kill after the interval, in a
 *    second environment: the pool is in the state and plan + apply converge without adoption.
 * 2. A pool with prod's name made outside Terraform: plan exits 3 before Terraform plans a second.
 * 3. The state object overwritten with garbage, then deleted: versions lists it, restore puts the
 *    good version back (lock taken, digest updated), and the plan is empty.
 * 4. The API goes away mid-plan: exit 1, a clear message, no review.md or tfplan in plans/prod/.
 * 5. Wrong or missing credentials: refused before anything is written, naming both accounts.
 *
 * The tools reach the emulator through an HTTP relay (support/api-proxy.ts) that can cut the
 * connection or hold requests back. All deployment set-up is in deployFaultEnvironments().
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AdminCreateUserCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  ListUsersCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import { environments as shippedEnvironments } from "../../config/environments";
import { EXIT } from "../../scripts/lib/exit-codes";
import { parsePlanJson } from "../../scripts/lib/plan-json";
import { analysePlan } from "../../scripts/lib/review";
import { startApiProxy, type ApiProxy } from "./support/api-proxy";
import { awsEnvFor, withAwsClients, type AwsClients, type AwsEnv } from "./support/aws";
import { startMoto, type Moto } from "./support/moto";
import { classify, describeDiffs, diffsOf } from "./support/plan";
import { lockItem, objectExists, readRemoteState, stateVersions, userPoolsNamed } from "./support/readback";
import { describeRun, killRunning, run, start, StepTimer, type RunResult, type Running } from "./support/run";
import { terraformSetup, type TerraformSetup } from "./support/terraform-env";
import { requireTerraform } from "./support/tools";
import { makeWorkingCopy, type WorkingCopy } from "./support/workdir";
import { stateStackId } from "../../config/names";
import { stripColours } from "../../scripts/lib/colours";

// Each test runs several full plans and applies; on a busy 2-core machine one plan has taken 80 s.
jest.setTimeout(600_000);

/**
 * A second prod-stage environment for the kill after the persist interval: a pool can be created
 * by a first apply only once per environment, and prod's is taken by the kill right after it appears.
 */
const LATE_INPUT = {
  stage: "prod",
  accountId: "555555555555",
  domainName: "late.taskflow.example.com",
  alertEmail: "taskflow-alerts-late@example.com",
  userPool: { name: "taskflow-late" },
} as const;

const envs = loadEnvironments({ ...shippedEnvironments, late: LATE_INPUT });
const envNamed = (name: string) => envs.find((e) => e.name === name) as EnvironmentConfig;
const prod = envNamed("prod");
const late = envNamed("late");
const USER = "alice@example.com";

const timer = new StepTimer("faults");

/** One environment's working copy (own cdktf.out, plans/, CLI config) behind its own relay to the emulator. */
interface Flow {
  readonly env: EnvironmentConfig;
  readonly copy: WorkingCopy;
  readonly setup: TerraformSetup;
  /** The relay this flow's tools talk to (their AWS_ENDPOINT_URL). */
  readonly proxy: ApiProxy;
  /** Credentials of the environment's account, pointing at the relay. */
  readonly aws: AwsEnv;
}

interface FaultDeployment {
  readonly moto: Moto;
  readonly prod: Flow;
  readonly late: Flow;
}
let d: FaultDeployment;

/** Replaces one exact, unique piece of the flow's config/environments.ts, as an engineer would edit it. */
function editConfig(flow: Flow, from: string, to: string): void {
  const file = join(flow.copy.project, "config", "environments.ts");
  const source = readFileSync(file, "utf8");
  if (source.split(from).length !== 2) throw new Error(`config/environments.ts must contain ${JSON.stringify(from)} exactly once`);
  writeFileSync(file, source.replace(from, to));
}

async function makeFlow(moto: Moto, env: EnvironmentConfig, extraConfig?: string): Promise<Flow> {
  const copy = makeWorkingCopy(`faults-${env.name}`);
  const proxy = await startApiProxy(moto.endpoint, moto.caBundle);
  const flow: Flow = {
    env,
    copy,
    setup: await terraformSetup(copy.root),
    proxy,
    aws: { ...(await awsEnvFor(moto, env.accountId, env.region)), AWS_ENDPOINT_URL: proxy.endpoint },
  };
  if (extraConfig)
    editConfig(flow, "} satisfies Record<string, EnvironmentInput>;", `${extraConfig}} satisfies Record<string, EnvironmentInput>;`);
  return flow;
}

/** Synth in the flow's copy, then its bootstrap stack, as a pipeline deploys it. */
async function bootstrap(flow: Flow): Promise<void> {
  const synth = await run(process.execPath, ["scripts/run-ts.js", "main.ts"], {
    cwd: flow.copy.project,
    env: flow.setup.env,
    label: `synth (${flow.env.name})`,
    timer,
  });
  expectExit(synth, 0);
  expectExit(await npmRun(flow, "deploy", [stateStackId(flow.env.name), "--yes"]), EXIT.OK);
}

/**
 * Everything the scenarios start from: the emulator, and for prod and the extra environment a
 * working copy behind its own relay with the bootstrap stack deployed (state bucket, lock table,
 * key). Neither environment stack is deployed: scenario 1 kills their first apply.
 */
async function deployFaultEnvironments(): Promise<FaultDeployment> {
  requireTerraform();
  const moto = await startMoto();
  const [prodFlow, lateFlow] = await Promise.all([makeFlow(moto, prod), makeFlow(moto, late, `  late: ${JSON.stringify(LATE_INPUT)},\n`)]);
  d = { moto, prod: prodFlow, late: lateFlow };
  await Promise.all([bootstrap(prodFlow), bootstrap(lateFlow)]);
  return d;
}

beforeAll(async () => {
  await deployFaultEnvironments();
}, 280_000);

afterAll(async () => {
  killRunning();
  for (const flow of [d?.prod, d?.late]) {
    await flow?.proxy.close();
    flow?.copy.remove();
  }
  await d?.moto.stop();
  timer.printSummary();
});

const aws = <T>(flow: Flow, fn: (c: AwsClients) => Promise<T>) => withAwsClients(flow.aws, fn);

function npmArgs(script: string, args: readonly string[]) {
  return [process.execPath, ["scripts/run-ts.js", `scripts/${script}.ts`, ...args]] as const;
}

/** `npm run <script> -- <args>` in the flow's copy: no terminal, the flow's credentials (or `awsEnv`). */
/**
 * Resources Terraform failed to create because they already exist (created by a killed apply, not
 * in the state): "Error: creating <what> (<id>): ... AlreadyExists ..." followed by "with <address>,".
 * The id in parentheses is the import id for the types a killed prod apply leaves (log groups).
 */
function alreadyExisting(output: string): { address: string; id: string }[] {
  const plain = stripColours(output);
  const found: { address: string; id: string }[] = [];
  for (const block of plain.split("Error: ").slice(1)) {
    const id = block.match(/^creating [^(]*\(([^)]+)\)/)?.[1];
    const address = block.match(/with ([\w.-]+),/)?.[1];
    if (id && address && /AlreadyExists/i.test(block)) found.push({ address, id });
  }
  return found;
}

/** `terraform <args>` in prod's synthesized folder, as the operator would run it; throws unless it exits 0. */
async function terraformIn(flow: Flow, args: string[], label: string): Promise<void> {
  expectExit(
    await run("terraform", [`-chdir=${flow.copy.stackDir(flow.env.name)}`, ...args], {
      cwd: flow.copy.project,
      env: { ...flow.setup.env, ...flow.aws },
      label,
      timer,
      timeoutMs: 240_000,
    }),
    0,
  );
}

function npmRun(flow: Flow, script: string, args: string[], awsEnv: NodeJS.ProcessEnv = flow.aws): Promise<RunResult> {
  const [command, argv] = npmArgs(script, args);
  return run(command, argv, {
    cwd: flow.copy.project,
    env: { ...flow.setup.env, ...awsEnv },
    label: `npm run ${script} -- ${args.join(" ")}`,
    timer,
    timeoutMs: 240_000,
  });
}

function npmStart(flow: Flow, script: string, args: string[]): Running {
  const [command, argv] = npmArgs(script, args);
  return start(command, argv, {
    cwd: flow.copy.project,
    env: { ...flow.setup.env, ...flow.aws },
    label: `npm run ${script} -- ${args.join(" ")}`,
    timer,
  });
}

function expectExit(r: RunResult, code: number): RunResult {
  if (r.code !== code) throw new Error(`expected exit ${code}:\n${describeRun(r)}`);
  return r;
}

const plansFile = (flow: Flow, name: string) => join(flow.copy.project, "plans", flow.env.name, name);
const pools = (flow: Flow) => aws(flow, (c) => userPoolsNamed(c, flow.env.userPool.name));
/** The pool's users by email (with email as the username attribute, Cognito's Username is a generated id). */
const usersOf = (flow: Flow, poolId: string) =>
  aws(flow, async (c) =>
    ((await c.cognito.send(new ListUsersCommand({ UserPoolId: poolId }))).Users ?? []).map(
      (u) => u.Attributes?.find((a) => a.Name === "email")?.Value,
    ),
  );
const lockOf = (flow: Flow) => aws(flow, (c) => lockItem(c, flow.env.state.lockTable, `${flow.env.state.bucket}/${flow.env.state.key}`));
const lockfileExists = (flow: Flow) => aws(flow, (c) => objectExists(c, flow.env.state.bucket, `${flow.env.state.key}.tflock`));
const stateOf = (flow: Flow) => aws(flow, (c) => readRemoteState(c, flow.env.state.bucket, flow.env.state.key));
const stateOrNone = (flow: Flow) => stateOf(flow).catch(() => undefined);
const lockIdOf = async (flow: Flow) => (JSON.parse((await lockOf(flow))?.Info ?? "{}") as { ID?: string }).ID;

/** The plan's diffs that the emulator-gap list does not explain ("" when the plan is empty but for the gaps). */
function unexpectedDiffs(flow: Flow): string {
  const plan = parsePlanJson(readFileSync(plansFile(flow, "plan.json"), "utf8"), `plans/${flow.env.name}/plan.json`);
  const { unexpected } = classify(diffsOf(plan as Parameters<typeof diffsOf>[0]), "environment", flow.env);
  return describeDiffs(unexpected);
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A user signs up in the pool, so "nothing lost" covers users, not just the pool. */
async function addUser(flow: Flow, poolId: string): Promise<void> {
  await aws(flow, (c) =>
    c.cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: USER,
        UserAttributes: [{ Name: "email", Value: USER }],
        MessageAction: "SUPPRESS",
      }),
    ),
  );
}

/** The end of every scenario: exactly one pool, still holding its user, and the state manages it. */
async function expectNothingLostOrDuplicated(flow: Flow, poolId: string): Promise<void> {
  expect(await pools(flow)).toEqual([poolId]);
  expect(await usersOf(flow, poolId)).toEqual([USER]);
  const state = await stateOf(flow);
  expect(state.addresses).toContain("aws_cognito_user_pool.user_pool");
  expect(
    JSON.parse(state.body).resources.find((r: { type: string }) => r.type === "aws_cognito_user_pool").instances[0].attributes.id,
  ).toBe(poolId);
}

describe("1. apply of prod killed right after the pool appears", () => {
  const flow = () => d.prod;
  let poolId: string;
  let lockId: string;

  test("the kill leaves the pool outside the state and the lock behind", async () => {
    expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.OK);
    const apply = npmStart(flow(), "apply", ["prod", "--yes"]);
    poolId = await waitUntil("the pool", async () => (await pools(flow()))[0], 120_000, 100);
    apply.kill();
    const killed = await apply.done;
    expect(killed.code).toBeNull();
    await addUser(flow(), poolId);
    const state = await stateOrNone(flow());
    process.stderr.write(`[faults] state after kill: ${state ? state.addresses.join(",") : "none"}\n`);
    expect(state?.addresses ?? []).not.toContain("aws_cognito_user_pool.user_pool");
    const lock = await lockOf(flow());
    expect(lock).toBeDefined();
    lockId = (JSON.parse(lock?.Info ?? "{}") as { ID: string }).ID;
    expect(lockId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await lockfileExists(flow())).toBe(true);
  });

  test("plan fails fast (exit 10) naming the lock id, who took it and when, and the exact unlock command", async () => {
    const r = expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.LOCKED);
    const info = JSON.parse((await lockOf(flow()))?.Info ?? "{}") as { Who: string; Created: string };
    expect(r.stderr).toContain(`lock id:   ${lockId}`);
    expect(r.stderr).toContain(`taken by:  ${info.Who} for terraform apply`);
    expect(r.stderr).toContain(`taken at:  ${info.Created}`);
    expect(r.stderr).toContain(`npm run unlock -- prod ${lockId}`);
    expect(r.ms).toBeLessThan(15_000);
  });

  test("unlock refuses an id that is not the current lock, and refuses without confirmation", async () => {
    const wrong = expectExit(await npmRun(flow(), "unlock", ["prod", "00000000-0000-0000-0000-000000000000", "--yes"]), EXIT.REFUSED);
    expect(wrong.stderr).toContain(`00000000-0000-0000-0000-000000000000 is not the current lock`);
    expect(wrong.stderr).toContain(`lock id:   ${lockId}`);
    const unconfirmed = expectExit(await npmRun(flow(), "unlock", ["prod", lockId]), EXIT.REFUSED);
    expect(unconfirmed.stderr).toContain("without confirmation");
    expect(await lockOf(flow())).toBeDefined();
  });

  test("unlock --yes releases both locks", async () => {
    const r = expectExit(await npmRun(flow(), "unlock", ["prod", lockId, "--yes"]), EXIT.OK);
    expect(r.stderr).toContain(`Released the state lock ${lockId} of prod.`);
    expect(await lockOf(flow())).toBeUndefined();
    expect(await lockfileExists(flow())).toBe(false);
  });

  test("2. plan finds the pool outside the state before Terraform plans a second one: exit 3, review.md says how to adopt it", async () => {
    const r = expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.PROTECTED);
    expect(r.stderr).toContain(`but the state of prod does not manage it: ${poolId}`);
    const md = readFileSync(plansFile(flow(), "review.md"), "utf8");
    expect(md).toContain(`> - existing pool **\`${poolId}\`** (\`${prod.userPool.name}\`)`);
    expect(md).toContain(`userPool: { existingUserPoolId: "${poolId}" },`);
    expect(existsSync(plansFile(flow(), "tfplan"))).toBe(false);
    expect(await pools(flow())).toEqual([poolId]);
  });

  test("adopting it (existingUserPoolId) converges: import, apply, one pool with its user, then an empty plan", async () => {
    editConfig(flow(), `name: "${prod.userPool.name}",`, `name: "${prod.userPool.name}",\n      existingUserPoolId: "${poolId}",`);
    expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.OK);
    const analysis = analysePlan(parsePlanJson(readFileSync(plansFile(flow(), "plan.json"), "utf8"), "plan.json"));
    expect(analysis.changes.find((c) => c.resource.address === "aws_cognito_user_pool.user_pool")?.importId).toBe(poolId);
    let apply = await npmRun(flow(), "apply", ["prod", "--yes"]);
    // The killed apply also created resources that do not depend on the pool (it ran them in
    // parallel) without writing them to the state: AWS refuses to create them again. The operator
    // imports each one Terraform names as already existing, then plans and applies again.
    const orphans = alreadyExisting(apply.stdout + apply.stderr);
    if (apply.code !== 0 && orphans.length) {
      for (const o of orphans) await terraformIn(flow(), ["import", "-input=false", o.address, o.id], `terraform import ${o.address}`);
      expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.OK);
      apply = await npmRun(flow(), "apply", ["prod", "--yes"]);
    }
    expectExit(apply, EXIT.OK);
    editConfig(flow(), `\n      existingUserPoolId: "${poolId}",`, "");
    expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.OK);
    expect(unexpectedDiffs(flow())).toBe("");
    expect(await pools(flow())).toEqual([poolId]);
    expect(await usersOf(flow(), poolId)).toEqual([USER]);
    expect((await stateOf(flow())).addresses).toContain("aws_cognito_user_pool.user_pool");
  });
});

describe("1. the same kill after the persist interval (environment 'late', added to its copy's config)", () => {
  const flow = () => d.late;
  let poolId: string;

  test("held past TF_STATE_PERSIST_INTERVAL, the next resource Terraform finishes persists the state: the pool is in it when the kill comes", async () => {
    expectExit(await npmRun(flow(), "plan", ["late"]), EXIT.OK);
    // Alarms and the dashboard depend on the pool and take no part in the question: held back at the
    // relay, they keep the apply running while the interval passes.
    flow().proxy.hold(/PutMetricAlarm|PutDashboard/);
    const apply = npmStart(flow(), "apply", ["late", "--yes"]);
    poolId = await waitUntil("the pool", async () => (await pools(flow()))[0], 120_000, 100);
    const poolSeen = Date.now();
    await waitUntil("a held alarm", async () => (flow().proxy.held().length ? true : undefined), 60_000);
    // The interval counts from Terraform's first state update, which is no later than the pool's.
    await new Promise((r) => setTimeout(r, Math.max(0, poolSeen + 21_000 - Date.now())));
    expect((await stateOrNone(flow()))?.addresses ?? []).not.toContain("aws_cognito_user_pool.user_pool");
    flow().proxy.held()[0].release();
    await waitUntil(
      "the persisted pool",
      async () => ((await stateOrNone(flow()))?.addresses.includes("aws_cognito_user_pool.user_pool") ? true : undefined),
      30_000,
      250,
    );
    apply.kill();
    expect((await apply.done).code).toBeNull();
    flow().proxy.dropHeld();
    await addUser(flow(), poolId);
    expect(await lockIdOf(flow())).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("unlock, then plan creates no second pool and apply converges; the plan after it is empty", async () => {
    const locked = expectExit(await npmRun(flow(), "plan", ["late"]), EXIT.LOCKED);
    const id = await lockIdOf(flow());
    expect(locked.stderr).toContain(`npm run unlock -- late ${id}`);
    expectExit(await npmRun(flow(), "unlock", ["late", id as string, "--yes"]), EXIT.OK);
    expectExit(await npmRun(flow(), "plan", ["late"]), EXIT.OK);
    const analysis = analysePlan(parsePlanJson(readFileSync(plansFile(flow(), "plan.json"), "utf8"), "plan.json"));
    expect(
      analysis.changes.filter((c) => c.resource.type === "aws_cognito_user_pool" && c.action !== "update").map((c) => c.action),
    ).toEqual([]);
    expectExit(await npmRun(flow(), "apply", ["late", "--yes"]), EXIT.OK);
    expectExit(await npmRun(flow(), "plan", ["late"]), EXIT.OK);
    expect(unexpectedDiffs(flow())).toBe("");
    await expectNothingLostOrDuplicated(flow(), poolId);
  });
});

describe("2. a second pool with prod's name made by hand while the state manages one", () => {
  const flow = () => d.prod;

  test("plan exits 3 before synth, names the extra pool and the managed one, and advises no adoption; nothing else changes", async () => {
    const [managed] = await pools(flow());
    const extra = await aws(
      flow(),
      async (c) => (await c.cognito.send(new CreateUserPoolCommand({ PoolName: prod.userPool.name }))).UserPool?.Id,
    );
    const r = expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.PROTECTED);
    expect(r.stderr).toContain(`does not manage it: ${extra}`);
    const md = readFileSync(plansFile(flow(), "review.md"), "utf8");
    expect(md).toContain(`> - existing pool **\`${extra}\`**`);
    expect(md).toContain(`The state already manages \`${managed}\``);
    expect(existsSync(plansFile(flow(), "tfplan"))).toBe(false);
    await aws(flow(), (c) => c.cognito.send(new DeleteUserPoolCommand({ UserPoolId: extra })));
    await expectNothingLostOrDuplicated(flow(), managed);
  });
});

describe("3. prod's state overwritten with garbage, then deleted", () => {
  const flow = () => d.prod;
  const { bucket, key, lockTable } = prod.state;

  test("versions lists the history; restore refuses garbage and an unconfirmed run, then restores the good version; the plan is empty", async () => {
    const [poolId] = await pools(flow());
    const before = await stateOf(flow());
    const good = (await aws(flow(), (c) => c.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).VersionId as string;
    await aws(flow(), (c) =>
      c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "{ not a state", ServerSideEncryption: "aws:kms" })),
    );
    const corrupted = expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.PROTECTED);
    expect(corrupted.stderr).toContain(
      "The state of prod is not a readable Terraform state. If it was lost or corrupted, restore it first",
    );
    const garbage = (await aws(flow(), (c) => c.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).VersionId as string;
    await aws(flow(), (c) => c.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));

    const listed = expectExit(await npmRun(flow(), "state", ["versions", "prod"]), EXIT.OK);
    const line = (id: string) => listed.stdout.split("\n").find((l) => l.startsWith(`${id} `)) ?? "";
    expect(line(good)).toMatch(
      new RegExp(`^${good}\\s+\\S+Z\\s+${Buffer.byteLength(before.body)}\\s+${before.serial}\\s+${before.lineage}$`),
    );
    expect(line(garbage)).toMatch(/\s13\s+-\s+-\s+not a Terraform state$/);
    expect(listed.stdout).toMatch(/current, delete marker \(object deleted\)/);
    expect(listed.stderr).toContain("The current state of prod is deleted.");

    expectExit(await npmRun(flow(), "state", ["restore", "prod", garbage, "--yes"]), EXIT.REFUSED);
    expectExit(await npmRun(flow(), "state", ["restore", "prod", good]), EXIT.REFUSED);
    const restored = expectExit(await npmRun(flow(), "state", ["restore", "prod", good, "--yes"]), EXIT.OK);
    expect(restored.stderr).toContain(`Restored version ${good}`);

    const after = await stateOf(flow());
    expect(after.lineage).toBe(before.lineage);
    expect(after.serial).toBeGreaterThan(before.serial);
    expect(after.addresses).toEqual(before.addresses);
    expect(after.encryption).toBe("aws:kms");
    expect((await aws(flow(), (c) => lockItem(c, lockTable, `${bucket}/${key}-md5`)))?.Digest).toBe(after.md5);
    expect(await lockOf(flow())).toBeUndefined();
    expect(await lockfileExists(flow())).toBe(false);

    expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.OK);
    expect(unexpectedDiffs(flow())).toBe("");
    await expectNothingLostOrDuplicated(flow(), poolId);
  });
});

describe("5. wrong or missing credentials", () => {
  const flow = () => d.prod;

  test("another account's credentials: plan, apply and deploy exit 8 naming both accounts; nothing written, no state version, no lock", async () => {
    const dev = envs.find((e) => e.name === "dev") as EnvironmentConfig;
    const devCreds = { ...(await awsEnvFor(d.moto, dev.accountId, dev.region)), AWS_ENDPOINT_URL: flow().proxy.endpoint };
    const plansBefore = readdirSync(join(flow().copy.project, "plans", "prod")).sort();
    const reviewBefore = readFileSync(plansFile(flow(), "review.md"), "utf8");
    const versionsBefore = await aws(flow(), (c) => stateVersions(c, prod.state.bucket, prod.state.key));
    for (const [script, args] of [
      ["plan", ["prod"]],
      ["apply", ["prod", "--yes"]],
      ["deploy", ["prod", "--yes"]],
    ] as const) {
      const r = expectExit(await npmRun(flow(), script, [...args], devCreds), EXIT.WRONG_ACCOUNT);
      expect(r.stderr).toContain(`the AWS credentials belong to account ${dev.accountId}, but prod is account ${prod.accountId}.`);
    }
    expect(readdirSync(join(flow().copy.project, "plans", "prod")).sort()).toEqual(plansBefore);
    expect(readFileSync(plansFile(flow(), "review.md"), "utf8")).toBe(reviewBefore);
    expect(await aws(flow(), (c) => stateVersions(c, prod.state.bucket, prod.state.key))).toEqual(versionsBefore);
    expect(await lockOf(flow())).toBeUndefined();
  });

  test("no usable credentials: plan exits 8 with STS's error and the expected account", async () => {
    const none = {
      AWS_ENDPOINT_URL: flow().proxy.endpoint,
      AWS_REGION: prod.region,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
      AWS_CONFIG_FILE: "/nonexistent/config",
    };
    const r = await run(process.execPath, ["scripts/run-ts.js", "scripts/plan.ts", "prod"], {
      cwd: flow().copy.project,
      env: { ...flow().setup.env, ...none },
      label: "npm run plan -- prod (no credentials)",
      timer,
    });
    expectExit(r, EXIT.WRONG_ACCOUNT);
    expect(r.stderr).toContain("Refusing to touch prod: the AWS credentials could not be verified (");
    expect(r.stderr).toContain(`Expected credentials of account ${prod.accountId} (prod).`);
  });
});

describe("4. the API goes away mid-plan", () => {
  const flow = () => d.prod;

  test("exit 1 saying AWS could not be reached; plans/prod/ holds no review.md or tfplan; nothing lost once it is back", async () => {
    const [poolId] = await pools(flow());
    const plan = start(process.execPath, ["scripts/run-ts.js", "scripts/plan.ts", "prod"], {
      cwd: flow().copy.project,
      env: { ...flow().setup.env, ...flow().aws },
      label: "npm run plan -- prod (API cut mid-plan)",
      timer,
      timeoutMs: 240_000,
    });
    plan.closeStdin();
    // The cut comes while terraform plan reads the state, after it took the lock: held at the relay,
    // that read is then cut with everything else. (Cut during the refresh instead, the provider
    // retries for minutes before it gives up; the backend gives up after its 5 retries.)
    // Initialised now, or already (plan then skips init and says so).
    await plan.waitFor(/Terraform has been successfully initialized!|terraform init skipped/, 180_000);
    flow().proxy.hold(/ GET \S*terraform\.tfstate(\?|\s|$)/);
    await waitUntil("the held state read", async () => (flow().proxy.held().length ? true : undefined), 120_000);
    flow().proxy.down();
    flow().proxy.dropHeld();
    const r = await plan.done;
    flow().proxy.up();
    expectExit(r, EXIT.FAILED);
    expect(r.stderr).toContain("Terraform could not reach the AWS API (");
    expect(r.stderr).toContain("No plan was saved; plans/prod/ holds no review.");
    expect(readdirSync(join(flow().copy.project, "plans"))).toEqual(["prod"]);
    const left = readdirSync(join(flow().copy.project, "plans", "prod"));
    expect(left).not.toContain("review.md");
    expect(left).not.toContain("tfplan");
    // Terraform could not release its lock either while the API was gone: the next plan says so.
    const id = await lockIdOf(flow());
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.LOCKED).stderr).toContain(`npm run unlock -- prod ${id}`);
    expectExit(await npmRun(flow(), "unlock", ["prod", id as string, "--yes"]), EXIT.OK);
    expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.OK);
    expect(unexpectedDiffs(flow())).toBe("");
    await expectNothingLostOrDuplicated(flow(), poolId);
  });
});
