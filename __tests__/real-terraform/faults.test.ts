/**
 * Faults on the emulator, with the npm scripts as a pipeline runs them (no terminal, --yes where a
 * pipeline would pass it). Each scenario ends with: nothing lost (the user pool and its users, the
 * state), nothing duplicated (exactly one pool), and the operator told what to do. Scenario 1 is here,
 * in a copy the shared set-up prepared with prod moved into an account of its own and only its
 * bootstrap deployed (the suite kills prod's first apply); scenarios 2-5 start from a deployed prod
 * and are faults-deployed.test.ts; the kill after the persist interval is faults-persist-interval.test.ts.
 *
 * 1. An apply of prod killed (SIGKILL) right after the pool appears: the lock stays; plan fails fast
 *    naming the lock, who took it and when, and the unlock command; unlock refuses a wrong id; the
 *    pool is not in the state (Terraform persists remote state during an apply only on a state
 *    update at least TF_STATE_PERSIST_INTERVAL, default and minimum 20 s, after the first one), so
 *    plan stops on it (scenario 2) and adoption converges. The same kill after the interval is
 *    faults-persist-interval.test.ts.
 * Harness (flows, relays, the checks every scenario ends with): support/fault-flow.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { EXIT } from "../../scripts/lib/exit-codes";
import { parsePlanJson } from "../../scripts/lib/plan-json";
import { analysePlan } from "../../scripts/lib/review";
import {
  addUser,
  alreadyExisting,
  editFlowConfig,
  expectExit,
  faultSuite,
  FAULT_TEST_TIMEOUT_MS,
  lockfileExists,
  lockOf,
  npmRun,
  npmStart,
  plansFile,
  pools,
  stateOf,
  stateOrNone,
  terraformIn,
  unexpectedDiffs,
  USER,
  usersOf,
  waitUntil,
} from "./support/fault-flow";

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
    editFlowConfig(flow(), `\n      existingUserPoolId: "${poolId}",`, "");
    expectExit(await npmRun(flow(), "plan", ["prod"]), EXIT.OK);
    expect(unexpectedDiffs(flow())).toBe("");
    expect(await pools(flow())).toEqual([poolId]);
    expect(await usersOf(flow(), poolId)).toEqual([USER]);
    expect((await stateOf(flow())).addresses).toContain("aws_cognito_user_pool.user_pool");
  });
});
