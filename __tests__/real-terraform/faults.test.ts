/**
 * Faults on the emulator, with the npm scripts as a pipeline runs them (no terminal, --yes where a
 * pipeline would pass it). Each scenario ends with: nothing lost (the user pool and its users, the
 * state), nothing duplicated (exactly one pool), and the operator told what to do. prod runs in a
 * copy the shared set-up prepared with prod moved into an account of its own and only its bootstrap
 * deployed: scenario 1 kills prod's first apply, and the others start from where it leaves prod.
 *
 * 1. An apply of prod killed (SIGKILL) right after the pool appears: the lock stays; plan fails fast
 *    naming the lock, who took it and when, and the unlock command; unlock refuses a wrong id; the
 *    pool is not in the state (Terraform persists remote state during an apply only on a state
 *    update at least TF_STATE_PERSIST_INTERVAL, default and minimum 20 s, after the first one), so
 *    plan stops on it (scenario 2) and adoption converges. The same kill after the interval is
 *    faults-persist-interval.test.ts.
 * 2. A pool with prod's name made outside Terraform: plan exits 3 before Terraform plans a second.
 * 5. Wrong or missing credentials: refused before anything is written, naming both accounts.
 * 4. The API goes away mid-plan: exit 1, a clear message, no review.md or tfplan in plans/prod/.
 * 3. The state object overwritten with garbage, then deleted: versions lists it, restore puts the
 *    good version back (lock taken, digest updated), and the plan is empty.
 *
 * They run in this order, each from where the one before left prod: the empty plan after scenario
 * 3's restore also shows that scenario 4 left nothing behind.
 * Harness (flows, relays, the checks every scenario ends with): support/fault-flow.ts.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CreateUserPoolCommand, DeleteUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { parsePlanJson } from "../../scripts/lib/review/plan-json";
import { analysePlan } from "../../scripts/lib/review/review";
import { awsEnvFor } from "./support/aws";
import {
  addUser,
  applyAdoptingLeftovers,
  aws,
  editFlowConfig,
  expectExit,
  expectNothingLostOrDuplicated,
  faultSuite,
  FAULT_TEST_TIMEOUT_MS,
  lockfileExists,
  lockIdOf,
  lockOf,
  npmRun,
  npmStart,
  plansFile,
  pools,
  stateOf,
  stateOrNone,
  unexpectedDiffs,
  USER,
  usersOf,
  waitUntil,
} from "./support/fault-flow";
import { lockItem, stateVersions } from "./support/readback";
import { run, start } from "./support/run";
import { sharedEmulator } from "./support/shared-deployment";

jest.setTimeout(FAULT_TEST_TIMEOUT_MS);

const flow = faultSuite("faults", "prod", "faults");
const prod = () => flow().env;

describe("1. apply of prod killed right after the pool appears", () => {
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
    expect(md).toContain(`> - existing pool **\`${poolId}\`** (\`${prod().userPool.name}\`)`);
    expect(md).toContain(`userPool: { existingUserPoolId: "${poolId}" },`);
    expect(existsSync(plansFile(flow(), "tfplan"))).toBe(false);
    expect(await pools(flow())).toEqual([poolId]);
  });

  test("adopting it (existingUserPoolId) converges: import, apply, one pool with its user, then an empty plan", async () => {
    editFlowConfig(flow(), `name: "${prod().userPool.name}",`, `name: "${prod().userPool.name}",\n      existingUserPoolId: "${poolId}",`);
    expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.OK);
    const analysis = analysePlan(parsePlanJson(readFileSync(plansFile(flow(), "plan.json"), "utf8"), "plan.json"));
    expect(analysis.changes.find((c) => c.resource.address === "aws_cognito_user_pool.user_pool")?.importId).toBe(poolId);
    // The killed apply may also have created resources that do not depend on the pool (it ran them
    // in parallel; so far always the two log groups) without writing them to the state: AWS refuses
    // to create them again, and apply prints a terraform import line for each, run as printed.
    await applyAdoptingLeftovers(flow());
    editFlowConfig(flow(), `\n      existingUserPoolId: "${poolId}",`, "");
    expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.OK);
    expect(unexpectedDiffs(flow())).toBe("");
    expect(await pools(flow())).toEqual([poolId]);
    expect(await usersOf(flow(), poolId)).toEqual([USER]);
    expect((await stateOf(flow())).addresses).toContain("aws_cognito_user_pool.user_pool");
  });
});

describe("2. a second pool with prod's name made by hand while the state manages one", () => {
  test("plan exits 3 before synth, names the extra pool and the managed one, and advises no adoption; nothing else changes", async () => {
    const [managed] = await pools(flow());
    const extra = await aws(
      flow(),
      async (c) => (await c.cognito.send(new CreateUserPoolCommand({ PoolName: prod().userPool.name }))).UserPool?.Id,
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

describe("5. wrong or missing credentials", () => {
  test("another account's credentials: plan, apply and deploy exit 8 naming both accounts; nothing written, no state version, no lock", async () => {
    const dev = loadEnvironments().find((e) => e.name === "dev") as EnvironmentConfig;
    const devCreds = { ...(await awsEnvFor(sharedEmulator(), dev.accountId, dev.region)), AWS_ENDPOINT_URL: flow().proxy.endpoint };
    const plansBefore = readdirSync(join(flow().copy.project, "plans", "prod")).sort();
    const reviewBefore = readFileSync(plansFile(flow(), "review.md"), "utf8");
    const versionsBefore = await aws(flow(), (c) => stateVersions(c, prod().state.bucket, prod().state.key));
    for (const [script, args] of [
      ["plan", ["prod"]],
      ["apply", ["prod", "--yes"]],
      ["deploy", ["prod", "--yes"]],
    ] as const) {
      const r = expectExit(await npmRun(flow(), script, [...args], devCreds), EXIT.WRONG_ACCOUNT);
      expect(r.stderr).toContain(`the AWS credentials belong to account ${dev.accountId}, but prod is account ${prod().accountId}.`);
    }
    expect(readdirSync(join(flow().copy.project, "plans", "prod")).sort()).toEqual(plansBefore);
    expect(readFileSync(plansFile(flow(), "review.md"), "utf8")).toBe(reviewBefore);
    expect(await aws(flow(), (c) => stateVersions(c, prod().state.bucket, prod().state.key))).toEqual(versionsBefore);
    expect(await lockOf(flow())).toBeUndefined();
  });

  test("no usable credentials: plan exits 8 with STS's error and the expected account", async () => {
    const none = {
      AWS_ENDPOINT_URL: flow().proxy.endpoint,
      AWS_REGION: prod().region,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
      AWS_CONFIG_FILE: "/nonexistent/config",
    };
    const r = await run(process.execPath, ["scripts/run-ts.js", "scripts/plan.ts", "prod"], {
      cwd: flow().copy.project,
      env: { ...flow().setup.env, ...none },
      label: "npm run plan -- prod (no credentials)",
      timer: flow().timer,
    });
    expectExit(r, EXIT.WRONG_ACCOUNT);
    expect(r.stderr).toContain("Refusing to touch prod: the AWS credentials could not be verified (");
    expect(r.stderr).toContain(`Expected credentials of account ${prod().accountId} (prod).`);
  });
});

describe("4. the API goes away mid-plan", () => {
  test("exit 1 saying AWS could not be reached; plans/prod/ holds no review.md or tfplan; nothing lost once it is back", async () => {
    const [poolId] = await pools(flow());
    const plan = start(process.execPath, ["scripts/run-ts.js", "scripts/plan.ts", "prod"], {
      cwd: flow().copy.project,
      env: { ...flow().setup.env, ...flow().aws },
      label: "npm run plan -- prod (API cut mid-plan)",
      timer: flow().timer,
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
    // The plan that shows nothing changed is scenario 3's last step, which starts from here.
    await expectNothingLostOrDuplicated(flow(), poolId);
  });
});

describe("3. prod's state overwritten with garbage, then deleted", () => {
  test("versions lists the history; restore refuses garbage and an unconfirmed run, then restores the good version; the plan is empty", async () => {
    const { bucket, key, lockTable } = prod().state;
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
