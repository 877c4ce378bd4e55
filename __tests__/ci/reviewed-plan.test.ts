/**
 * The checks between a reviewed plan and its apply in another CI job: plan-record writes what the
 * plan was made from, plan-verify refuses anything else (another stack, another commit, a changed
 * plan file or configuration, an old plan), and ci-role names the role a job assumes.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ciRole } from "../../scripts/ci-role";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { planRecord } from "../../scripts/plan-record";
import { planVerify } from "../../scripts/plan-verify";
import { fakeIo, removeTempDirs, tempDir, type FakeIo } from "../ops/fake-io";

afterAll(removeTempDirs);

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const OTHER_COMMIT = "fedcba9876543210fedcba9876543210fedcba98";
const PLANNED_AT = new Date("2026-11-27T05:00:00Z");
const minutesLater = (m: number) => () => new Date(PLANNED_AT.getTime() + m * 60_000);

/** A project root with a synthesized stack and a saved plan, and a git that answers `commit`. */
function workspace(stack = "prod", commit = COMMIT): { root: string; io: () => FakeIo } {
  const root = tempDir();
  mkdirSync(join(root, "cdktf.out", "stacks", stack), { recursive: true });
  writeFileSync(join(root, "cdktf.out", "stacks", stack, "cdk.tf.json"), '{"resource":{}}\n');
  mkdirSync(join(root, "plans", stack), { recursive: true });
  writeFileSync(join(root, "plans", stack, "tfplan"), "saved plan bytes");
  const io = () =>
    fakeIo({ root, capture: (call) => (call.command === "git" ? { code: 0, stdout: `${commit}\n` } : { code: 1, stdout: "" }) });
  return { root, io };
}

describe("npm run plan-record", () => {
  test("writes stack, commit, time and the SHA-256 of tfplan and cdk.tf.json next to the plan", async () => {
    const { root, io } = workspace();
    const fake = io();
    expect(await planRecord(["prod"], fake, () => PLANNED_AT)).toBe(EXIT.OK);
    expect(JSON.parse(readFileSync(join(root, "plans", "prod", "reviewed-plan.json"), "utf8"))).toEqual({
      stack: "prod",
      commit: COMMIT,
      createdAt: "2026-11-27T05:00:00.000Z",
      // sha256("saved plan bytes") and sha256('{"resource":{}}\n'), computed independently with sha256sum.
      tfplanSha256: "4fd84d85c02b401212dbf2cd9708f53059bea55a1a8084841029d7fdacbb63cd",
      configurationSha256: "d3b7f3748308789dbdf9c7d13ac4344045453f1cfde76ad6ac554550a068312e",
    });
    expect(fake.calls.map((c) => `${c.command} ${c.args.join(" ")}`)).toEqual(["git rev-parse HEAD"]);
  });

  test("without a saved plan it fails and writes no record", async () => {
    const root = tempDir();
    const fake = fakeIo({ root });
    expect(await planRecord(["prod"], fake)).toBe(EXIT.FAILED);
    expect(fake.stderr).toContain("plans/prod/tfplan: no saved plan: run npm run plan -- prod first");
  });

  test("--commit must be a full commit hash", async () => {
    const { io } = workspace();
    const fake = io();
    expect(await planRecord(["prod", "--commit", "main"], fake)).toBe(EXIT.FAILED);
    expect(fake.stderr).toContain('--commit must be a full commit hash (40 hex digits), got "main"');
  });
});

describe("npm run plan-verify", () => {
  async function recorded(stack = "prod"): Promise<{ root: string; io: () => FakeIo }> {
    const ws = workspace(stack);
    expect(await planRecord([stack], ws.io(), () => PLANNED_AT)).toBe(EXIT.OK);
    return ws;
  }

  test("1. the reviewed plan of this stack at this commit, an hour later: accepted", async () => {
    const { io } = await recorded();
    const fake = io();
    expect(await planVerify(["prod"], fake, minutesLater(60))).toBe(EXIT.OK);
    expect(fake.stderr).toContain(`plans/prod/tfplan is the reviewed plan of prod at ${COMMIT}`);
  });

  test("2. another commit: refused", async () => {
    const { io } = await recorded();
    const fake = io();
    expect(await planVerify(["prod", "--commit", OTHER_COMMIT], fake, minutesLater(1))).toBe(EXIT.REFUSED);
    expect(fake.stderr).toContain(`the plan was made at commit ${COMMIT}, this job builds ${OTHER_COMMIT}`);
  });

  test("3. another stack's record (a staging artifact downloaded into prod's folder): refused", async () => {
    const { root, io } = await recorded();
    const path = join(root, "plans", "prod", "reviewed-plan.json");
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, "utf8")), stack: "staging" }));
    const fake = io();
    expect(await planVerify(["prod"], fake, minutesLater(1))).toBe(EXIT.REFUSED);
    expect(fake.stderr).toContain('the plan is of stack "staging", not "prod"');
  });

  test("4. a tfplan that is not the recorded file: refused", async () => {
    const { root, io } = await recorded();
    writeFileSync(join(root, "plans", "prod", "tfplan"), "another plan");
    const fake = io();
    expect(await planVerify(["prod"], fake, minutesLater(1))).toBe(EXIT.REFUSED);
    expect(fake.stderr).toContain("tfplan is not the file that was planned and reviewed");
  });

  test("5. a synthesized configuration that differs from the planned one: refused", async () => {
    const { root, io } = await recorded();
    writeFileSync(join(root, "cdktf.out", "stacks", "prod", "cdk.tf.json"), '{"resource":{"changed":{}}}\n');
    const fake = io();
    expect(await planVerify(["prod"], fake, minutesLater(1))).toBe(EXIT.REFUSED);
    expect(fake.stderr).toContain("the synthesized configuration differs from the one the plan was made from");
  });

  test("6. older than the default 720 minutes: refused as stale; --max-age-minutes sets the limit", async () => {
    const { io } = await recorded();
    const old = io();
    expect(await planVerify(["prod"], old, minutesLater(721))).toBe(EXIT.REFUSED);
    expect(old.stderr).toContain("the plan is 721 minutes old, more than the 720 allowed: plan and review again");
    expect(await planVerify(["prod", "--max-age-minutes", "30"], io(), minutesLater(31))).toBe(EXIT.REFUSED);
    expect(await planVerify(["prod", "--max-age-minutes", "30"], io(), minutesLater(29))).toBe(EXIT.OK);
  });

  test("7. a record dated in the future beyond clock skew: refused", async () => {
    const { io } = await recorded();
    const fake = io();
    expect(await planVerify(["prod"], fake, minutesLater(-10))).toBe(EXIT.REFUSED);
    expect(fake.stderr).toContain("the record says it was made in the future");
  });

  test("8. no record or no plan: refused with every missing file named", async () => {
    const root = tempDir();
    const fake = fakeIo({ root, capture: () => ({ code: 0, stdout: `${COMMIT}\n` }) });
    expect(await planVerify(["prod"], fake)).toBe(EXIT.REFUSED);
    expect(fake.stderr).toContain("plans/prod/tfplan is missing (was the plan artifact downloaded?)");
    expect(fake.stderr).toContain("plans/prod/reviewed-plan.json: missing");
    expect(fake.stderr).toContain("cdktf.out/stacks/prod/cdk.tf.json is missing: run npm run synth first");
  });

  test("a --max-age-minutes that is not a positive whole number is a usage error", async () => {
    const { io } = await recorded();
    expect(await planVerify(["prod", "--max-age-minutes", "soon"], io())).toBe(EXIT.USAGE);
  });
});

describe("npm run ci-role", () => {
  test("prints the plan role and Region of the environment as name=value lines", async () => {
    const fake = fakeIo();
    expect(await ciRole(["staging", "--role", "plan"], fake)).toBe(EXIT.OK);
    expect(fake.stdout).toBe("role_arn=arn:aws:iam::222222222222:role/taskflow-staging-ci-plan\naws_region=ap-northeast-1\n");
  });

  test("the apply role of prod is prod's account's", async () => {
    const fake = fakeIo();
    expect(await ciRole(["prod", "--role", "apply"], fake)).toBe(EXIT.OK);
    expect(fake.stdout).toContain("role_arn=arn:aws:iam::333333333333:role/taskflow-prod-ci-apply\n");
  });

  test("no apply role for a bootstrap stack: an administrator applies state-<env>", async () => {
    const fake = fakeIo();
    expect(await ciRole(["state-prod", "--role", "apply"], fake)).toBe(EXIT.USAGE);
    expect(fake.stdout).toBe("");
  });

  test("--role is required and must be plan or apply", async () => {
    const fake = fakeIo();
    expect(await ciRole(["prod", "--role", "admin"], fake)).toBe(EXIT.USAGE);
    expect(fake.stderr).toContain('--role must be plan or apply, got "admin"');
  });
});
