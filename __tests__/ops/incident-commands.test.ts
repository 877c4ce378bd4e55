/**
 * npm run user and npm run investigate with a fake Io (Terraform) and a fake AWS: what is called,
 * in which order, what is refused before anything changes, and what lands on stdout.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvironments } from "../../config";
import { investigationQueries } from "../../stacks/constructs/audit/queries";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { investigate, parseSince } from "../../scripts/investigate";
import { user, type ActionRecord } from "../../scripts/user";
import { changes, factoryOf, fakeAws, type FakeAwsOptions, type FakeUser } from "./fake-incident-aws";
import { callText, fakeIo, removeTempDirs, type FakeIo, type FakeOptions } from "./fake-io";

afterAll(removeTempDirs);

const envs = loadEnvironments();
const accountOf = (name: string) => envs.find((e) => e.name === name)?.accountId as string;
const POOL = "ap-northeast-1_Pool1";
const NOW = new Date("2026-11-27T05:00:00.000Z");

const outputsJson = (poolId: string | null) =>
  JSON.stringify(poolId ? { user_pool_id: { sensitive: false, type: "string", value: poolId } } : { app_client_id: { value: "c" } });

function ioWithOutputs(poolId: string | null = POOL, options: FakeOptions = {}): FakeIo {
  return fakeIo({
    ...options,
    capture: (call) => (call.args.includes("output") ? { code: 0, stdout: outputsJson(poolId) } : { code: 0, stdout: "" }),
  });
}

const alice = (): FakeUser => ({ email: "alice@example.com", username: "u-alice", sub: "sub-alice", enabled: true, status: "CONFIRMED" });

function setup(env: string, options: Partial<FakeAwsOptions> = {}, io: FakeIo = ioWithOutputs()) {
  const aws = fakeAws({ account: accountOf(env), users: [alice()], ...options });
  return { aws, io, deps: { aws: factoryOf(aws), now: () => NOW } };
}

/** The one JSON record on stdout. */
function record(io: FakeIo): ActionRecord {
  const lines = io.stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as ActionRecord;
}

describe("npm run user: containment actions", () => {
  test("disable calls AdminDisableUser and then AdminUserGlobalSignOut, after the account check and the lookup", async () => {
    const { aws, io, deps } = setup("staging");
    expect(await user(["staging", "disable", "alice@example.com"], io, deps)).toBe(EXIT.OK);
    expect(aws.calls).toEqual([
      "GetCallerIdentity",
      "AdminGetUser alice@example.com",
      "AdminDisableUser u-alice",
      "AdminUserGlobalSignOut u-alice",
    ]);
    expect(aws.region).toBe("ap-northeast-1");
    expect(aws.users[0]?.enabled).toBe(false);
  });

  test("every action prints one JSON record: time, env, action, user, reason, caller ARN, result", async () => {
    const { io, deps } = setup("prod");
    const code = await user(["prod", "disable", "alice@example.com", "--reason", "INC-42 takeover", "--yes"], io, deps);
    expect(code).toBe(EXIT.OK);
    expect(record(io)).toEqual({
      time: "2026-11-27T05:00:00Z",
      env: "prod",
      action: "disable",
      user: "alice@example.com",
      reason: "INC-42 takeover",
      callerArn: "arn:aws:sts::333333333333:assumed-role/responder/alice",
      result: "disabled; signed out everywhere (refresh tokens revoked)",
      poolId: POOL,
    });
  });

  test("the pool id is read from the stack's Terraform outputs (terraform output -json), never from the command line", async () => {
    const { io, deps } = setup("staging");
    await user(["staging", "show", "alice@example.com"], io, deps);
    expect(io.calls.map(callText)).toEqual(["node scripts/run-ts.js main.ts", "terraform init -input=false", "terraform output -json"]);
    expect(record(io).poolId).toBe(POOL);
  });

  test("with the stack's backend already initialized, only terraform output runs (no init per command)", async () => {
    const { io, deps } = setup("staging");
    const dir = join(io.root, "cdktf.out", "stacks", "staging");
    mkdirSync(join(dir, ".terraform"), { recursive: true });
    writeFileSync(join(dir, "cdk.tf.json"), "{}");
    writeFileSync(join(dir, ".terraform", "terraform.tfstate"), "{}");
    expect(await user(["staging", "show", "alice@example.com"], io, deps)).toBe(EXIT.OK);
    expect(io.calls.map(callText)).toEqual(["terraform output -json"]);
  });

  test("sign-out calls AdminUserGlobalSignOut only; the account stays enabled", async () => {
    const { aws, io, deps } = setup("staging");
    expect(await user(["staging", "sign-out", "alice@example.com"], io, deps)).toBe(EXIT.OK);
    expect(changes(aws)).toEqual(["AdminUserGlobalSignOut u-alice"]);
    expect(aws.users[0]?.enabled).toBe(true);
  });

  test("enable calls AdminEnableUser on a disabled user", async () => {
    const { aws, io, deps } = setup("staging", { users: [{ ...alice(), enabled: false }] });
    expect(await user(["staging", "enable", "alice@example.com"], io, deps)).toBe(EXIT.OK);
    expect(changes(aws)).toEqual(["AdminEnableUser u-alice"]);
    expect(record(io).result).toBe("enabled");
  });

  test("reset-password calls AdminResetUserPassword; the record says RESET_REQUIRED", async () => {
    const { aws, io, deps } = setup("staging");
    expect(await user(["staging", "reset-password", "alice@example.com"], io, deps)).toBe(EXIT.OK);
    expect(changes(aws)).toEqual(["AdminResetUserPassword u-alice"]);
    expect(record(io).result).toBe("password reset: status RESET_REQUIRED");
  });

  test("disable whose global sign-out fails exits 1 and tells the operator to run sign-out", async () => {
    const { io, deps } = setup("staging", { signOutError: "TooManyRequestsException" });
    expect(await user(["staging", "disable", "alice@example.com"], io, deps)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("disabled, but the global sign-out failed");
    expect(io.stderr).toContain("Run the sign-out action now");
    expect(record(io).result).toMatch(/^failed: disabled, but the global sign-out failed/);
  });
});

describe("npm run user: refusals change nothing", () => {
  test.each(["disable", "sign-out", "reset-password"])("%s in prod without --reason exits 64 before any AWS call", async (action) => {
    const { aws, io, deps } = setup("prod");
    expect(await user(["prod", action, "alice@example.com", "--yes"], io, deps)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain(`${action} in prod needs --reason`);
    expect(aws.calls).toEqual([]);
    expect(io.stdout).toBe("");
  });

  test("enable in prod needs no --reason (restoring access), but still the confirmation", async () => {
    const { aws, io, deps } = setup("prod", { users: [{ ...alice(), enabled: false }] });
    expect(await user(["prod", "enable", "alice@example.com", "--yes"], io, deps)).toBe(EXIT.OK);
    expect(changes(aws)).toEqual(["AdminEnableUser u-alice"]);
  });

  test("staging needs no --reason for disable", async () => {
    const { io, deps } = setup("staging");
    expect(await user(["staging", "disable", "alice@example.com"], io, deps)).toBe(EXIT.OK);
    expect(record(io).reason).toBeNull();
  });

  test("prod without a terminal and without --yes exits 4; nothing changed; the record says so", async () => {
    const { aws, io, deps } = setup("prod");
    expect(await user(["prod", "disable", "alice@example.com", "--reason", "r"], io, deps)).toBe(EXIT.REFUSED);
    expect(io.stderr).toContain(
      'Refusing to disable alice@example.com in prod without confirmation: there is no terminal to type "prod" in',
    );
    expect(changes(aws)).toEqual([]);
    expect(record(io).result).toBe("refused: not confirmed");
  });

  test("prod on a terminal: typing the environment name disables; a wrong name exits 4 with nothing changed", async () => {
    const typed = setup("prod", {}, ioWithOutputs(POOL, { interactive: true, answers: ["prod"] }));
    expect(await user(["prod", "disable", "alice@example.com", "--reason", "r"], typed.io, typed.deps)).toBe(EXIT.OK);
    expect(typed.io.questions[0]).toContain("You are about to disable alice@example.com in prod (account 333333333333, ap-northeast-1).");
    expect(changes(typed.aws)).toEqual(["AdminDisableUser u-alice", "AdminUserGlobalSignOut u-alice"]);

    const wrong = setup("prod", {}, ioWithOutputs(POOL, { interactive: true, answers: ["staging"] }));
    expect(await user(["prod", "disable", "alice@example.com", "--reason", "r"], wrong.io, wrong.deps)).toBe(EXIT.REFUSED);
    expect(changes(wrong.aws)).toEqual([]);
  });

  test("credentials of another account exit 8 after GetCallerIdentity alone: no Terraform, no Cognito call", async () => {
    const { aws, io, deps } = setup("staging", { account: accountOf("prod") });
    expect(await user(["staging", "disable", "alice@example.com"], io, deps)).toBe(EXIT.WRONG_ACCOUNT);
    expect(aws.calls).toEqual(["GetCallerIdentity"]);
    expect(io.calls).toEqual([]);
    expect(io.stderr).toContain("but staging is account 222222222222");
  });

  test("an unknown user exits 9 with nothing changed", async () => {
    const { aws, io, deps } = setup("staging");
    expect(await user(["staging", "disable", "mallory@example.com"], io, deps)).toBe(EXIT.NO_SUCH_USER);
    expect(changes(aws)).toEqual([]);
    expect(io.stderr).toContain(`No user "mallory@example.com" in staging's pool ${POOL}. Nothing was changed.`);
    expect(record(io).result).toBe("refused: no such user");
  });

  test.each([
    ["disable", { enabled: false }, "already disabled"],
    ["enable", { enabled: true }, "already enabled"],
    ["reset-password", { status: "RESET_REQUIRED" }, "already RESET_REQUIRED"],
  ])("%s of a user that is %j exits 6 with nothing changed", async (action, state, message) => {
    const { aws, io, deps } = setup("staging", { users: [{ ...alice(), ...state }] });
    expect(await user(["staging", action, "alice@example.com"], io, deps)).toBe(EXIT.ALREADY);
    expect(changes(aws)).toEqual([]);
    expect(io.stderr).toContain(`alice@example.com is ${message} in staging. Nothing was changed.`);
  });

  test("reset-password of a disabled user exits 1 without calling Cognito (it refuses disabled users): enable first", async () => {
    const { aws, io, deps } = setup("staging", { users: [{ ...alice(), enabled: false }] });
    expect(await user(["staging", "reset-password", "alice@example.com"], io, deps)).toBe(EXIT.FAILED);
    expect(changes(aws)).toEqual([]);
    expect(io.stderr).toContain("run enable, then reset-password right after. Nothing was changed.");
    expect(record(io).result).toBe("refused: user is disabled (enable first)");
  });

  test("a stack without a user_pool_id output exits 7 with nothing changed", async () => {
    const { aws, io, deps } = setup("staging", {}, ioWithOutputs(null));
    expect(await user(["staging", "disable", "alice@example.com"], io, deps)).toBe(EXIT.NOT_DEPLOYED);
    expect(aws.calls).toEqual(["GetCallerIdentity"]);
    expect(io.stderr).toContain("staging has no user_pool_id output (outputs: app_client_id)");
  });

  test.each([
    [["staging", "delete", "alice@example.com"], "Unknown action"],
    [["state-staging", "show", "alice@example.com"], "not on its bootstrap stack state-staging"],
    [["staging", "show"], "expected <env> <action> <email>"],
    [["qa", "show", "a@example.com"], 'Unknown stack "qa"'],
  ])("%j exits 64 before any AWS call", async (argv, message) => {
    const { aws, io, deps } = setup("staging");
    expect(await user(argv, io, deps)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain(message);
    expect(aws.calls).toEqual([]);
  });
});

describe("npm run user: show and events", () => {
  test("show prints state and MFA names as a table on stderr, never tokens; the record on stdout", async () => {
    const { io, deps } = setup("staging", { users: [{ ...alice(), mfa: ["SOFTWARE_TOKEN_MFA"] }] });
    expect(await user(["staging", "show", "alice@example.com"], io, deps)).toBe(EXIT.OK);
    expect(io.stderr).toMatch(/^status\s+CONFIRMED$/m);
    expect(io.stderr).toMatch(/^enabled\s+true$/m);
    expect(io.stderr).toMatch(/^MFA set up\s+SOFTWARE_TOKEN_MFA$/m);
    expect(io.stderr).toMatch(/^passkeys\s+not visible to administrators/m);
    expect(record(io)).toMatchObject({ action: "show", result: "shown" });
    expect(record(io).details).toBeUndefined();
  });

  test("show --json puts the user into the record and prints no table", async () => {
    const { io, deps } = setup("staging");
    expect(await user(["staging", "show", "alice@example.com", "--json"], io, deps)).toBe(EXIT.OK);
    expect(record(io).details).toMatchObject({ email: "alice@example.com", sub: "sub-alice", enabled: true, status: "CONFIRMED" });
    expect(io.stderr).not.toContain("passkeys");
  });

  test("events prints time, type, result, risk, decision, IP and city of each event", async () => {
    const events = [
      {
        time: new Date("2026-11-27T04:00:00Z"),
        type: "SignIn",
        result: "Fail",
        riskLevel: "High",
        riskDecision: "Block",
        compromisedCredentials: false,
        ip: "203.0.113.9",
        city: "Lagos",
        country: "Nigeria",
        challenges: ["Password:Success"],
      },
    ];
    const { io, deps } = setup("staging", { users: [{ ...alice(), events }] });
    expect(await user(["staging", "events", "alice@example.com"], io, deps)).toBe(EXIT.OK);
    expect(io.stderr).toMatch(/^time\s+type\s+result\s+risk\s+decision\s+compromised\s+ip\s+city\s+country\s+challenges$/m);
    expect(io.stderr).toMatch(
      /^2026-11-27T04:00:00Z\s+SignIn\s+Fail\s+High\s+Block\s+false\s+203\.0\.113\.9\s+Lagos\s+Nigeria\s+Password:Success$/m,
    );
    expect(record(io).result).toBe("listed 1 events");
  });

  test("events on a pool without threat protection exits 1 and says why", async () => {
    const { io, deps } = setup("dev", { noThreatProtection: true });
    expect(await user(["dev", "events", "alice@example.com"], io, deps)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("dev's pool records no auth events: threat protection is OFF");
  });
});

describe("npm run investigate", () => {
  const staging = envs.find((e) => e.name === "staging");
  const userEvents = investigationQueries(staging as NonNullable<typeof staging>).find((q) => q.name === "user-events");
  const rows = [{ "@timestamp": "2026-11-27 04:00:00.000", eventType: "SignIn", result: "Fail", ip: "203.0.113.9" }];
  const running = { status: "Running", rows: [] };
  const complete = { status: "Complete", rows, recordsScanned: 10 };

  function inv(env: string, options: Partial<FakeAwsOptions> = {}, io: FakeIo = ioWithOutputs()) {
    const s = setup(env, { queryStatuses: [running, running, complete], ...options }, io);
    const sleeps: number[] = [];
    return { ...s, sleeps, deps: { ...s.deps, sleep: async (ms: number) => void sleeps.push(ms), pollMs: 5 } };
  }

  test("user-events resolves the email to the sub, queries the saved query's log group for the last 24 h, waits while Running, prints a table", async () => {
    const { aws, io, deps, sleeps } = inv("staging");
    expect(await investigate(["staging", "user-events", "--user", "alice@example.com"], io, deps)).toBe(EXIT.OK);
    const end = Math.floor(NOW.getTime() / 1000);
    expect(aws.queries).toEqual([
      {
        logGroupNames: userEvents?.logGroupNames,
        queryString: userEvents?.queryString.replaceAll("{{user}}", "sub-alice"),
        startTime: end - 24 * 3600,
        endTime: end,
      },
    ]);
    expect(aws.calls.filter((c) => c.startsWith("GetQueryResults"))).toHaveLength(3);
    expect(sleeps).toEqual([5, 5]);
    expect(io.stderr).toContain("alice@example.com is sub sub-alice.");
    expect(io.stderr).toMatch(/^ {2}Running… \d+ s$/m);
    expect(io.stderr).toContain("Complete: 1 row (10 records scanned)");
    expect(io.stdout).toMatch(/^@timestamp\s+eventType\s+result\s+ip$/m);
    expect(io.stdout).toMatch(/^2026-11-27 04:00:00\.000\s+SignIn\s+Fail\s+203\.0\.113\.9$/m);
  });

  test("--json prints the rows as a JSON array; --since 2h starts the query 2 hours back", async () => {
    const { aws, io, deps } = inv("staging");
    expect(await investigate(["staging", "high-risk-events", "--since", "2h", "--json"], io, deps)).toBe(EXIT.OK);
    expect(JSON.parse(io.stdout)).toEqual(rows);
    const q = aws.queries[0];
    expect((q?.endTime ?? 0) - (q?.startTime ?? 0)).toBe(7200);
  });

  test("a username or sub is used as given, without a pool lookup", async () => {
    const { aws, io, deps } = inv("staging");
    expect(await investigate(["staging", "user-events", "--user", "sub-alice"], io, deps)).toBe(EXIT.OK);
    expect(aws.calls).not.toContain("AdminGetUser sub-alice");
    expect(aws.queries[0]?.queryString).toContain('message.userSub = "sub-alice"');
  });

  test("an unknown query name exits 64 and lists the environment's saved queries", async () => {
    const { aws, io, deps } = inv("staging");
    expect(await investigate(["staging", "everything"], io, deps)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain('Unknown query "everything" for staging. Saved queries:');
    expect(io.stderr).toMatch(/^ {2}failed-sign-ins-by-ip\s/m);
    expect(aws.calls).toEqual([]);
  });

  test("an environment without audit logs has no saved queries: exit 64, says why", async () => {
    const { io, deps } = inv("dev");
    expect(await investigate(["dev", "user-events", "--user", "a@example.com"], io, deps)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain("dev has no saved queries: audit.userActivityLogs is off");
  });

  test.each([
    [["staging", "user-events"], "user-events needs --user <email>."],
    [["staging", "high-risk-events", "--user", "a@example.com"], "high-risk-events is not about one user"],
    [["staging", "high-risk-events", "--since", "yesterday"], '--since must be <n>m, <n>h or <n>d (e.g. 24h), got "yesterday"'],
    [["staging", "user-events", "--user", 'x" or 1=1'], "is not a valid username or sub"],
  ])("%j exits 64 and runs no query", async (argv, message) => {
    const { aws, io, deps } = inv("staging");
    expect(await investigate(argv, io, deps)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain(message);
    expect(aws.queries).toEqual([]);
  });

  test("credentials of another account exit 8 before any query", async () => {
    const { aws, io, deps } = inv("staging", { account: accountOf("dev") });
    expect(await investigate(["staging", "high-risk-events"], io, deps)).toBe(EXIT.WRONG_ACCOUNT);
    expect(aws.calls).toEqual(["GetCallerIdentity"]);
  });

  test("a missing log group (audit trail not deployed) exits 7", async () => {
    const { io, deps } = inv("staging", { startQueryError: "ResourceNotFoundException" });
    expect(await investigate(["staging", "high-risk-events"], io, deps)).toBe(EXIT.NOT_DEPLOYED);
    expect(io.stderr).toContain("Is the audit trail deployed?");
  });

  test("an email that is not in the pool exits 9", async () => {
    const { io, deps } = inv("staging");
    expect(await investigate(["staging", "user-events", "--user", "mallory@example.com"], io, deps)).toBe(EXIT.NO_SUCH_USER);
  });

  test("a query still running at --timeout is stopped; exit 1", async () => {
    const { aws, io } = inv("staging", { queryStatuses: [running] });
    const deps = { aws: factoryOf(aws), now: () => NOW, pollMs: 5, sleep: () => new Promise<void>((r) => setTimeout(r, 30)) };
    expect(await investigate(["staging", "high-risk-events", "--timeout", "0.05"], io, deps)).toBe(EXIT.FAILED);
    expect(aws.calls).toContain("StopQuery query-1");
    expect(io.stderr).toContain("Gave up after 0.05 s and stopped the query.");
  });

  test("a failed query exits 1 with its status", async () => {
    const { io, deps } = inv("staging", { queryStatuses: [{ status: "Failed", rows: [] }] });
    expect(await investigate(["staging", "high-risk-events"], io, deps)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("The query ended with status Failed.");
  });

  test.each([
    ["30m", 1800],
    ["24h", 86_400],
    ["7d", 604_800],
    ["24", undefined],
    ["1w", undefined],
  ])("parseSince(%j) is %j seconds", (text, seconds) => {
    expect(parseSince(text)).toBe(seconds);
  });
});
