/**
 * Incident response on the emulator: a suspected account takeover in a deployed prod, handled
 * with `npm run investigate` and `npm run user` exactly as the README's runbook does, with no
 * terminal (so prod's confirmation is `--yes`, after the pipeline's or the incident lead's approval).
 *
 * prod, because it is what the runbook is for: threat protection ENFORCED (a high-risk sign-in is
 * blocked), user-activity export on, --reason required. Sign-ins go through a test-only app client
 * that this suite creates in the emulator with the admin password flow; the stack's own client is
 * never changed. Risk scores come from the emulator's test headers (ext_cognito_users.py): moto
 * has no risk engine.
 *
 * Set TASKFLOW_INCIDENT_TRANSCRIPT=<file> to write every command with its output to <file>
 * (the README's worked example is such a transcript).
 */
import { appendFileSync, writeFileSync } from "node:fs";
import {
  DeleteUserPoolClientCommand,
  AdminGetUserCommand,
  GetLogDeliveryConfigurationCommand,
  type AdminInitiateAuthCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { auditLogGroupNames } from "../../stacks/constructs/audit/queries";
import type { ActionRecord } from "../../scripts/user";
import { withAwsClients, type AwsEnv } from "./support/aws";
import { createUserWithPassword, passwordSignIn, refreshTokens, testOnlyClient } from "./support/cognito-users";
import { describeRun, npmScript, StepTimer, type RunResult } from "./support/run";
import { sharedDeployment } from "./support/shared-deployment";
import type { TerraformSetup } from "./support/terraform-env";
import type { WorkingCopy } from "./support/workdir";
import { stateStackId } from "../../config/names";

jest.setTimeout(240_000);

const prod = loadEnvironments().find((e) => e.name === "prod") as EnvironmentConfig;
const timer = new StepTimer("incident-response");
const TRANSCRIPT = process.env.TASKFLOW_INCIDENT_TRANSCRIPT;

/** A deployed environment the commands can work on: its working copy, Terraform set-up and credentials. */
interface Deployment {
  readonly env: EnvironmentConfig;
  readonly copy: WorkingCopy;
  readonly setup: TerraformSetup;
  readonly awsEnv: AwsEnv;
  /** Credentials of another account (dev's), for the wrong-account check. */
  readonly otherAccountEnv: AwsEnv;
  readonly stop: () => Promise<void>;
}

/**
 * Everything the suite needs, from the shared deployment (support/shared-deployment.ts): prod as the
 * pipeline deployed it. The suite changes users and adds one test-only app client (deleted in
 * afterAll), never the infrastructure, so it shares prod with the read-only suites.
 */
async function deployedEnvironment(env: EnvironmentConfig): Promise<Deployment> {
  const shared = await sharedDeployment();
  for (const stack of [stateStackId(env.name), env.name]) {
    const step = shared.step(stack);
    if (step.code !== 0) throw new Error(`the shared deployment of ${stack} failed:\n${step.described}`);
  }
  const dev = shared.envs.find((e) => e.name !== env.name) as EnvironmentConfig;
  return {
    env,
    copy: shared.copy,
    setup: shared.tf,
    awsEnv: shared.awsEnv(env.name),
    otherAccountEnv: shared.awsEnv(dev.name),
    stop: async () => undefined,
  };
}

let d: Deployment;
let poolId: string;
/** The test-only app client (admin password flow), created in the emulator by this suite. */
let testClientId: string;

const ALICE = "alice@example.com";
const BOB = "bob@example.com";
const PASSWORD = "Correct-Horse-42!";
const HOME_IP = "192.0.2.10";
const ATTACKER_IP = "203.0.113.50";

beforeAll(async () => {
  if (TRANSCRIPT) writeFileSync(TRANSCRIPT, "");
  d = await deployedEnvironment(prod);
  await withAwsClients(d.awsEnv, async ({ cognito }) => {
    ({ poolId, clientId: testClientId } = await testOnlyClient(cognito, prod.userPool.name, "incident-response-test-only"));
    for (const email of [ALICE, BOB]) await createUserWithPassword(cognito, poolId, email, PASSWORD);
  });
}, 420_000);

afterAll(async () => {
  // The shared prod pool keeps only what the stack created (and the users this suite added).
  if (testClientId) {
    await withAwsClients(d.awsEnv, ({ cognito }) =>
      cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: testClientId })),
    );
  }
  await d?.stop();
  timer.printSummary();
});

interface SignIn {
  readonly email: string;
  readonly password?: string;
  readonly ip: string;
  readonly risk?: "Low" | "Medium" | "High";
  readonly city?: string;
  readonly country?: string;
}

/** A password sign-in through the test-only client, with the context data Cognito's risk engine would see. */
async function signIn(s: SignIn): Promise<AdminInitiateAuthCommandOutput | Error> {
  const headers = [
    ...(s.risk ? [{ headerName: "x-emulator-risk-level", headerValue: s.risk }] : []),
    ...(s.city ? [{ headerName: "x-emulator-city", headerValue: s.city }] : []),
    ...(s.country ? [{ headerName: "x-emulator-country", headerValue: s.country }] : []),
  ];
  const context = { IpAddress: s.ip, ServerName: "app.taskflow.example.com", ServerPath: "/login", HttpHeaders: headers };
  return withAwsClients(d.awsEnv, ({ cognito }) =>
    passwordSignIn(cognito, poolId, testClientId, s.email, s.password ?? PASSWORD, context).catch((e: Error) => e),
  );
}

async function refresh(refreshToken: string): Promise<AdminInitiateAuthCommandOutput | Error> {
  return withAwsClients(d.awsEnv, ({ cognito }) => refreshTokens(cognito, poolId, testClientId, refreshToken).catch((e: Error) => e));
}

/** `npm run <script> -- <args>` in the deployment's copy, no terminal, prod's credentials (or others). */
async function npm(script: "user" | "investigate", args: string[], awsEnv: AwsEnv = d.awsEnv): Promise<RunResult> {
  const r = await npmScript(script, args, {
    cwd: d.copy.project,
    env: { ...d.setup.env, ...awsEnv },
    timer,
    timeoutMs: 60_000,
  });
  if (TRANSCRIPT) {
    const shown = args.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(" ");
    appendFileSync(TRANSCRIPT, `$ npm run --silent ${script} -- ${shown}\n${r.stderr}${r.stdout}[exit ${r.code}]\n\n`);
  }
  return r;
}

function expectExit(r: RunResult, code: number): RunResult {
  if (r.code !== code) throw new Error(`expected exit ${code}:\n${describeRun(r)}`);
  return r;
}

const recordOf = (r: RunResult): ActionRecord => {
  const lines = r.stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as ActionRecord;
};

const refused = (r: AdminInitiateAuthCommandOutput | Error): string =>
  r instanceof Error ? `${r.name}: ${r.message}` : r.AuthenticationResult ? "signed in" : `challenge ${r.ChallengeName}`;

let attackerRefreshToken: string;

describe("the deployed export", () => {
  test("prod's pool delivers userAuthEvents (INFO) to the user-activity log group and userNotification (ERROR) to the notification group", async () => {
    const { LogDeliveryConfiguration } = await withAwsClients(d.awsEnv, ({ cognito }) =>
      cognito.send(new GetLogDeliveryConfigurationCommand({ UserPoolId: poolId })),
    );
    const groups = auditLogGroupNames(prod);
    const arn = (name: string) => `arn:aws:logs:${prod.region}:${prod.accountId}:log-group:${name}`;
    expect(LogDeliveryConfiguration?.LogConfigurations).toEqual([
      { EventSource: "userAuthEvents", LogLevel: "INFO", CloudWatchLogsConfiguration: { LogGroupArn: arn(groups.userActivity) } },
      { EventSource: "userNotification", LogLevel: "ERROR", CloudWatchLogsConfiguration: { LogGroupArn: arn(groups.userNotification) } },
    ]);
  });
});

describe("the takeover, as the emulated pool records it", () => {
  test("alice signs in from home; the attacker fails on bob, then gets in as alice (medium risk), then is blocked at high risk", async () => {
    const home = await signIn({ email: ALICE, ip: HOME_IP, city: "Tokyo", country: "Japan" });
    expect(refused(home)).toBe("signed in");
    expect(refused(await signIn({ email: BOB, password: "Winter2026!", ip: ATTACKER_IP, city: "Frankfurt", country: "Germany" }))).toMatch(
      /^NotAuthorizedException/,
    );
    expect(
      refused(await signIn({ email: ALICE, password: "Summer2026!", ip: ATTACKER_IP, city: "Frankfurt", country: "Germany" })),
    ).toMatch(/^NotAuthorizedException/);
    const taken = await signIn({ email: ALICE, ip: ATTACKER_IP, risk: "Medium", city: "Frankfurt", country: "Germany" });
    expect(refused(taken)).toBe("signed in");
    attackerRefreshToken = (taken as AdminInitiateAuthCommandOutput).AuthenticationResult?.RefreshToken as string;
    expect(attackerRefreshToken).toBeTruthy();
    expect(refused(await signIn({ email: ALICE, ip: ATTACKER_IP, risk: "High", city: "Frankfurt", country: "Germany" }))).toBe(
      "NotAuthorizedException: Unable to login because of security reasons.",
    );
  });
});

describe("investigate: the saved queries return the exported events", () => {
  test("high-risk-events lists alice's medium-risk sign-in (AccountTakeover) and the blocked one", async () => {
    const r = expectExit(await npm("investigate", ["prod", "high-risk-events", "--since", "1h", "--json"]), EXIT.OK);
    const rows = JSON.parse(r.stdout) as Record<string, string>[];
    expect(rows.map((row) => [row.riskLevel, row.riskDecision, row.result, row.ip])).toEqual([
      ["High", "Block", "Fail", ATTACKER_IP],
      ["Medium", "AccountTakeover", "Pass", ATTACKER_IP],
    ]);
    expect(r.stderr).toMatch(/Running… \d+ s/);
  });

  test("failed-sign-ins-by-ip groups the attacker's failures: one IP, 3 failures, 2 users", async () => {
    const r = expectExit(await npm("investigate", ["prod", "failed-sign-ins-by-ip", "--since", "1h"]), EXIT.OK);
    expect(r.stdout).toMatch(new RegExp(`^ip\\s+failures\\s+users\\s+firstSeen\\s+lastSeen$`, "m"));
    expect(r.stdout).toMatch(new RegExp(`^${ATTACKER_IP.replaceAll(".", "\\.")}\\s+3\\s+2\\s`, "m"));
    expect(r.stdout).not.toContain(HOME_IP);
  });

  test("user-events --user <email> resolves the email to the sub and returns only alice's events, newest first", async () => {
    const r = expectExit(await npm("investigate", ["prod", "user-events", "--user", ALICE, "--json"]), EXIT.OK);
    const rows = JSON.parse(r.stdout) as Record<string, string>[];
    expect(rows.map((row) => [row.result, row.ip])).toEqual([
      ["Fail", ATTACKER_IP],
      ["Pass", ATTACKER_IP],
      ["Fail", ATTACKER_IP],
      ["Pass", HOME_IP],
    ]);
    const sub = await withAwsClients(d.awsEnv, async ({ cognito }) => {
      const u = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: ALICE }));
      return u.UserAttributes?.find((a) => a.Name === "sub")?.Value;
    });
    expect(new Set(rows.map((row) => row.sub))).toEqual(new Set([sub]));
  });
});

describe("user: contain and recover", () => {
  test("events lists what the pool recorded for alice: time, result, risk, decision, IP, city", async () => {
    const r = expectExit(await npm("user", ["prod", "events", ALICE]), EXIT.OK);
    const lines = r.stderr.split("\n").filter((l) => /^\d{4}-\d\d-\d\dT/.test(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`SignIn\\s+Fail\\s+High\\s+Block\\s+false\\s+${ATTACKER_IP}\\s+Frankfurt\\s+Germany`));
    expect(lines[1]).toMatch(new RegExp(`SignIn\\s+Pass\\s+Medium\\s+AccountTakeover\\s+false\\s+${ATTACKER_IP}\\s+Frankfurt`));
    expect(lines[3]).toMatch(new RegExp(`SignIn\\s+Pass\\s+Low\\s+NoRisk\\s+false\\s+${HOME_IP}\\s+Tokyo\\s+Japan`));
    expect(recordOf(r)).toMatchObject({ env: "prod", action: "events", user: ALICE, result: "listed 4 events" });
  });

  test("show: enabled, CONFIRMED, no tokens in the output", async () => {
    const r = expectExit(await npm("user", ["prod", "show", ALICE]), EXIT.OK);
    expect(r.stderr).toMatch(/^status\s+CONFIRMED$/m);
    expect(r.stderr).toMatch(/^enabled\s+true$/m);
    expect(r.stdout + r.stderr).not.toContain(attackerRefreshToken);
  });

  test("disable without --reason in prod exits 64; with credentials of another account it exits 8; alice stays enabled", async () => {
    expectExit(await npm("user", ["prod", "disable", ALICE, "--yes"]), EXIT.USAGE);
    const wrong = expectExit(
      await npm("user", ["prod", "disable", ALICE, "--reason", "x", "--yes"], d.otherAccountEnv),
      EXIT.WRONG_ACCOUNT,
    );
    expect(wrong.stderr).toContain(`but prod is account ${prod.accountId}`);
    expect(refused(await signIn({ email: ALICE, ip: HOME_IP }))).toBe("signed in");
  });

  test("disable: alice's sign-in and the attacker's refresh token are refused; the record names the caller", async () => {
    const r = expectExit(
      await npm("user", ["prod", "disable", ALICE, "--reason", "INC-2041 suspected account takeover", "--yes"]),
      EXIT.OK,
    );
    expect(recordOf(r)).toMatchObject({
      env: "prod",
      action: "disable",
      user: ALICE,
      reason: "INC-2041 suspected account takeover",
      callerArn: expect.stringMatching(new RegExp(`^arn:aws:sts::${prod.accountId}:assumed-role/taskflow-deploy/`)),
      result: "disabled; signed out everywhere (refresh tokens revoked)",
      poolId,
    });
    expect(refused(await signIn({ email: ALICE, ip: HOME_IP }))).toBe("NotAuthorizedException: User is disabled.");
    expect(refused(await refresh(attackerRefreshToken))).toMatch(/^NotAuthorizedException/);
  });

  test("disable again exits 6 (already disabled); an unknown user exits 9; nothing changes", async () => {
    expect(recordOf(expectExit(await npm("user", ["prod", "disable", ALICE, "--reason", "again", "--yes"]), EXIT.ALREADY)).result).toBe(
      "refused: already disabled",
    );
    expectExit(await npm("user", ["prod", "disable", "mallory@example.com", "--reason", "typo", "--yes"]), EXIT.NO_SUCH_USER);
  });

  test("enable, then reset-password: status RESET_REQUIRED, and the old password no longer signs in", async () => {
    expectExit(await npm("user", ["prod", "enable", ALICE, "--reason", "INC-2041 recovery", "--yes"]), EXIT.OK);
    const r = expectExit(await npm("user", ["prod", "reset-password", ALICE, "--reason", "INC-2041 recovery", "--yes"]), EXIT.OK);
    expect(recordOf(r).result).toBe("password reset: status RESET_REQUIRED");
    const status = await withAwsClients(d.awsEnv, async ({ cognito }) => {
      const u = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: ALICE }));
      return [u.UserStatus, u.Enabled];
    });
    expect(status).toEqual(["RESET_REQUIRED", true]);
    expect(refused(await signIn({ email: ALICE, ip: HOME_IP }))).toBe(
      "PasswordResetRequiredException: Password reset required for the user",
    );
  });

  test("sign-out of bob revokes his refresh token and leaves him enabled", async () => {
    const session = (await signIn({ email: BOB, ip: HOME_IP })) as AdminInitiateAuthCommandOutput;
    const token = session.AuthenticationResult?.RefreshToken as string;
    expect(refused(await refresh(token))).toBe("signed in");
    expectExit(await npm("user", ["prod", "sign-out", BOB, "--reason", "INC-2041 precaution", "--yes"]), EXIT.OK);
    expect(refused(await refresh(token))).toMatch(/^NotAuthorizedException/);
    expect(refused(await signIn({ email: BOB, ip: HOME_IP }))).toBe("signed in");
  });

  test("enable after disable: sign-in works again", async () => {
    expectExit(await npm("user", ["prod", "disable", BOB, "--reason", "INC-2041 test", "--yes"]), EXIT.OK);
    expect(refused(await signIn({ email: BOB, ip: HOME_IP }))).toBe("NotAuthorizedException: User is disabled.");
    expectExit(await npm("user", ["prod", "enable", BOB, "--yes"]), EXIT.OK);
    expect(refused(await signIn({ email: BOB, ip: HOME_IP }))).toBe("signed in");
  });
});
