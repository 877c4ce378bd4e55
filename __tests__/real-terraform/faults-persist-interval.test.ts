/**
 * The kill of scenario 1 of faults.test.ts, after TF_STATE_PERSIST_INTERVAL: held past the interval,
 * the next resource Terraform finishes persists the state, so the pool is in it when the kill comes,
 * and unlock + plan + apply converge without adoption. In environment 'late' (stage prod, an account of
 * its own), which the shared set-up added to a prepared copy's config and bootstrapped: a pool can be
 * created by a first apply only once per environment. Harness: support/fault-flow.ts.
 */
import { readFileSync } from "node:fs";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { parsePlanJson } from "../../scripts/lib/review/plan-json";
import { analysePlan } from "../../scripts/lib/review/review";
import {
  addUser,
  applyAdoptingLeftovers,
  expectExit,
  faultSuite,
  expectNothingLostOrDuplicated,
  FAULT_TEST_TIMEOUT_MS,
  lockIdOf,
  npmRun,
  npmStart,
  plansFile,
  pools,
  stateOrNone,
  unexpectedDiffs,
  waitUntil,
} from "./support/fault-flow";

jest.setTimeout(FAULT_TEST_TIMEOUT_MS);

const flow = faultSuite("faults-late", "late", "faults (persist interval)");

/** Operations that create or change something (by the action's verb), except S3's and DynamoDB's (the state and its lock). */
const CHANGES_BUT_STATE_WRITES = /^(?!s3 |dynamodb ).*[. /](?:Create|Put|Associate|Update|Set|Add|Attach|Subscribe|Enable|Register)[A-Z]/;

describe("1. the same kill after the persist interval (environment 'late', added to its copy's config)", () => {
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
    // A resource finished between the persist and the kill would exist outside the state: the orphan
    // case scenario 1 covers. Under load a web ACL did, created in the parallel slot the released alarm
    // freed; a create already on its way when the hold begins could too. So from now on every change is
    // held (the state's own writes, S3 and DynamoDB, and all reads pass), and the alarm is released only
    // once what was in flight has been answered: after it, nothing but the alarm can complete.
    flow().proxy.hold(CHANGES_BUT_STATE_WRITES);
    await flow().timer.time("requests in flight answered", () => flow().proxy.settled(3_000, 60_000));
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

  test("unlock, then plan creates no second pool and apply converges (adopting as apply advises whatever finished after the persist); the plan after it is empty", async () => {
    const locked = expectExit(await npmRun(flow(), "plan", ["late"]), EXIT.LOCKED);
    const id = await lockIdOf(flow());
    expect(locked.stderr).toContain(`npm run unlock -- late ${id}`);
    expectExit(await npmRun(flow(), "unlock", ["late", id as string, "--yes"]), EXIT.OK);
    expectExit(await npmRun(flow(), "plan", ["late"]), EXIT.OK);
    const analysis = analysePlan(parsePlanJson(readFileSync(plansFile(flow(), "plan.json"), "utf8"), "plan.json"));
    expect(
      analysis.changes.filter((c) => c.resource.type === "aws_cognito_user_pool" && c.action !== "update").map((c) => c.action),
    ).toEqual([]);
    // The pool is the question here, and the plan above creates none. Nothing else should have finished
    // after the persist (test 1 holds every change first); if anything did, apply names it and the
    // operator's way out applies, visible in this suite's step timings.
    await applyAdoptingLeftovers(flow());
    expectExit(await npmRun(flow(), "plan", ["late"]), EXIT.OK);
    expect(unexpectedDiffs(flow())).toBe("");
    await expectNothingLostOrDuplicated(flow(), poolId);
  });
});
