/**
 * The shared deployment as the pipeline runs it: every environment planned with its CI plan role and
 * applied with its CI apply role (support/ci-deploy.ts), every request decided by the emulator's IAM
 * evaluator (emulator/ext_authz.py). Read-only: it reads the set-up's results and decision log.
 */
import { ciRoleName } from "../../stacks/constructs/ci-roles/names";
import { byRole, describeDecisions, isDenied, readDecisions, type Decision } from "./support/authz-log";
import { sharedDeployment, SHARED_DEPLOYMENT_WAIT_MS, type SharedDeployment } from "./support/shared-deployment";

let shared: SharedDeployment;
let decisions: Decision[];

beforeAll(async () => {
  shared = await sharedDeployment();
  decisions = readDecisions(shared.authzLog, shared.authzSetupDecisions);
}, SHARED_DEPLOYMENT_WAIT_MS);

describe("Control: each environment deploys with the pipeline's CI roles, not an administrator", () => {
  test.each(["dev", "staging", "prod"])("1. %s: the plan role's plan and the apply role's apply of it both succeed", (name) => {
    const plan = shared.step(`plan ${name}`);
    const apply = shared.step(name);
    expect({ plan: plan.code === 0 || plan.code === 2 ? "ok" : plan.described, apply: apply.code === 0 ? "ok" : apply.described }).toEqual({
      plan: "ok",
      apply: "ok",
    });
  });
});

describe("Control: no request of the CI roles is refused on the happy path", () => {
  test.each(["dev", "staging", "prod"].flatMap((name) => (["plan", "apply"] as const).map((kind) => [name, kind] as const)))(
    "1. %s's %s role: every request of the deploy was evaluated, and none denied",
    (name, kind) => {
      const env = shared.envs.find((e) => e.name === name)!;
      const mine = byRole(decisions, env.accountId, ciRoleName(env, kind));
      expect(mine.length).toBeGreaterThan(10);
      expect(describeDecisions(mine.filter(isDenied))).toEqual([]);
    },
  );

  test("2. every CI request maps to an IAM action the evaluator knows", () => {
    const ci = decisions.filter((d) => /:assumed-role\/taskflow-[a-z]+-ci-/.test(d.principal));
    expect(describeDecisions(ci.filter((d) => d.decision === "Error"))).toEqual([]);
  });
});
