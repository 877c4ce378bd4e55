/**
 * The ops commands run as the identities that run them on AWS, on the shared deployment with every request
 * authorized by the emulator (emulator/ext_authz.py, enforce mode; the shared config is support/shared-config.ts):
 *
 * - `npm run user` and `npm run investigate` in prod as the incident responder role (state-prod), with a session
 *   from sts:AssumeRole by the principal its trust policy names (`taskflow-responders`, what an IAM Identity
 *   Center permission set gives a responder); what the responder must not do, done with that session, is refused;
 * - `npm run unlock` (dev) and `npm run state -- versions` (prod) as the break-glass principal
 *   (state.adminPrincipalArns); the CI apply role is refused what only break-glass may do: delete a version.
 *
 * It changes only users and a test-only app client of shared prod (its own), takes and releases dev's state lock
 * for a few seconds (other suites plan with -lock-timeout=60s), and writes and deletes one probe object in prod's
 * state bucket: never the infrastructure.
 */
import { randomUUID } from "node:crypto";
import {
  AdminGetUserCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  SetUserPoolMfaConfigCommand,
  type AdminInitiateAuthCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { EnvironmentConfig } from "../../config";
import { stateStackId } from "../../config/names";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import type { ActionRecord } from "../../scripts/user";
import { responderRoleName } from "../../stacks/constructs/audit/responder-role";
import { assumeRole, awsEnvFor, withAwsClients, type AwsEnv } from "./support/aws";
import { byRole, describeDecisions, readDecisions, type Decision } from "./support/authz-log";
import { ciRoleEnv, jobSubject } from "./support/ci-deploy";
import { createUserWithPassword, passwordSignIn, refreshTokens, testOnlyClient } from "./support/cognito-users";
import { BREAK_GLASS_ROLE as DEPLOYING_ADMIN } from "./support/moto";
import { lockItem, objectExists, stateVersions } from "./support/readback";
import { describeRun, killRunning, npmScript, start, StepTimer, type RunResult } from "./support/run";
import { RESPONDER_PRINCIPAL_ROLE, STATE_BREAK_GLASS_ROLE } from "./support/shared-config";
import { SHARED_DEPLOYMENT_WAIT_MS, sharedDeployment, type SharedDeployment } from "./support/shared-deployment";

jest.setTimeout(240_000);

const timer = new StepTimer("responder-ops");
const CAROL = "carol@example.com";
const PASSWORD = "Correct-Horse-42!";
/** Session name of every responder session here: picks this suite's decisions out of the shared log. */
const SESSION = `responder-ops-${randomUUID().slice(0, 8)}`;

let shared: SharedDeployment;
let prod: EnvironmentConfig;
let dev: EnvironmentConfig;
/** The harness's administrator that deployed the stacks (not a break-glass principal). */
let admin: AwsEnv;
let responder: AwsEnv;
let poolId: string;
let testClientId: string;
let responderArn: string;

/** The shared log's decisions for this suite's responder sessions. */
const responderDecisions = (): Decision[] =>
  byRole(readDecisions(shared.authzLog), prod.accountId, responderRoleName(prod)).filter((d) => d.principal.endsWith(`/${SESSION}`));

beforeAll(async () => {
  shared = await sharedDeployment();
  prod = shared.envs.find((e) => e.name === "prod")!;
  dev = shared.envs.find((e) => e.name === "dev")!;
  for (const stack of [stateStackId(prod.name), prod.name, stateStackId(dev.name), dev.name]) {
    const step = shared.step(stack);
    if (step.code !== 0) throw new Error(`the shared deployment of ${stack} failed:\n${step.described}`);
  }
  admin = shared.awsEnv(prod.name);
  responderArn = `arn:aws:iam::${prod.accountId}:role/${responderRoleName(prod)}`;
  // The responders' own role (on AWS: the permission set's role in the account): it may only assume the responder role.
  const principalArn = `arn:aws:iam::${prod.accountId}:role/${RESPONDER_PRINCIPAL_ROLE}`;
  await withAwsClients(admin, async ({ iam, cognito }) => {
    const trust = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${prod.accountId}:root` }, Action: "sts:AssumeRole" }],
    };
    await iam.send(new CreateRoleCommand({ RoleName: RESPONDER_PRINCIPAL_ROLE, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const mayAssume = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: responderArn }] };
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: RESPONDER_PRINCIPAL_ROLE,
        PolicyName: "assume-responder",
        PolicyDocument: JSON.stringify(mayAssume),
      }),
    );
    ({ poolId, clientId: testClientId } = await testOnlyClient(cognito, prod.userPool.name, "responder-ops-test-only"));
    await createUserWithPassword(cognito, poolId, CAROL, PASSWORD);
  });
  const principal = await assumeRole(admin, principalArn, "carol-sso");
  responder = await assumeRole(principal, responderArn, SESSION);
}, SHARED_DEPLOYMENT_WAIT_MS);

afterAll(async () => {
  if (testClientId)
    await withAwsClients(admin, ({ cognito }) =>
      cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: testClientId })),
    );
  killRunning();
  timer.printSummary();
});

/** `npm run <script> -- <args>` in the shared copy, no terminal, with `awsEnv`'s credentials. */
const npm = (script: string, args: string[], awsEnv: AwsEnv) =>
  npmScript(script, args, { cwd: shared.copy.project, env: { ...shared.tf.env, ...awsEnv }, timer, timeoutMs: 120_000 });

function expectExit(r: RunResult, code: number): RunResult {
  if (r.code !== code) throw new Error(`expected exit ${code}:\n${describeRun(r)}`);
  return r;
}

const recordOf = (r: RunResult): ActionRecord => JSON.parse(r.stdout.trim()) as ActionRecord;

const signIn = (): Promise<AdminInitiateAuthCommandOutput | Error> =>
  withAwsClients(admin, ({ cognito }) =>
    passwordSignIn(cognito, poolId, testClientId, CAROL, PASSWORD, {
      // Not incident-response.test.ts's addresses: both suites sign in to prod's shared pool, whose queries see every event.
      IpAddress: "198.51.100.23",
      ServerName: "app",
      ServerPath: "/",
      HttpHeaders: [],
    }).catch((e: Error) => e),
  );

/** The error name and message a call with the responder's session ends with ("ok" when it succeeds). */
const asResponder = (call: (c: Parameters<Parameters<typeof withAwsClients>[1]>[0]) => Promise<unknown>) =>
  withAwsClients(responder, (c) =>
    call(c).then(
      () => "ok",
      (e: Error) => `${e.name}: ${e.message}`,
    ),
  );

describe("IncidentResponderAssumable: the responder role is reached the way a responder reaches it on AWS", () => {
  // Reason: the trust policy, not the caller's own permissions, decides who becomes the responder.
  test("1. compliant: the principal the trust policy names gets a session of the responder role (GetCallerIdentity says so)", async () => {
    const who = await withAwsClients(responder, (c) => c.sts.send(new GetCallerIdentityCommand({})));
    expect(who.Arn).toBe(`arn:aws:sts::${prod.accountId}:assumed-role/${responderRoleName(prod)}/${SESSION}`);
  });
  test("2. non-compliant: the administrator, whose own policy allows every action, is refused: the trust policy does not name it", async () => {
    const refused = await assumeRole(admin, responderArn, "not-a-responder").then(
      () => "assumed",
      (e: Error) => e.name,
    );
    expect(refused).toBe("AccessDenied");
    const decision = readDecisions(shared.authzLog).find(
      (d) => d.action === "sts:AssumeRole" && d.resource === responderArn && d.principal.endsWith("/real-terraform-suite"),
    );
    expect(decision?.decision).toBe("ImplicitlyDenied");
  });
});

describe("IncidentResponderSufficient: every user and investigate command succeeds as the responder role, under enforcement", () => {
  // Reason: during an incident the role must be enough, finding the pool id in the state included.
  let before: number;
  beforeAll(() => {
    before = responderDecisions().length;
  });

  test("1. user show and events: the record names the responder session and the pool the state gives", async () => {
    const show = expectExit(await npm("user", ["prod", "show", CAROL], responder), EXIT.OK);
    expect(show.stderr).toMatch(/^enabled\s+true$/m);
    expect(recordOf(show)).toMatchObject({
      action: "show",
      callerArn: `arn:aws:sts::${prod.accountId}:assumed-role/${responderRoleName(prod)}/${SESSION}`,
      poolId,
    });
    expect(await signIn()).not.toBeInstanceOf(Error); // an event for the next commands
    const events = expectExit(await npm("user", ["prod", "events", CAROL], responder), EXIT.OK);
    expect(recordOf(events).result).toBe("listed 1 events");
  });

  test("2. user sign-out revokes carol's refresh token; disable refuses her sign-in; enable and reset-password put her back to RESET_REQUIRED", async () => {
    const session = (await signIn()) as AdminInitiateAuthCommandOutput;
    const token = session.AuthenticationResult?.RefreshToken as string;
    expectExit(await npm("user", ["prod", "sign-out", CAROL, "--reason", "responder drill", "--yes"], responder), EXIT.OK);
    await expect(withAwsClients(admin, ({ cognito }) => refreshTokens(cognito, poolId, testClientId, token))).rejects.toThrow();
    expectExit(await npm("user", ["prod", "disable", CAROL, "--reason", "responder drill", "--yes"], responder), EXIT.OK);
    expect(String(await signIn())).toContain("User is disabled.");
    expectExit(await npm("user", ["prod", "enable", CAROL, "--reason", "responder drill", "--yes"], responder), EXIT.OK);
    expectExit(await npm("user", ["prod", "reset-password", CAROL, "--reason", "responder drill", "--yes"], responder), EXIT.OK);
    const user = await withAwsClients(admin, ({ cognito }) =>
      cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: CAROL })),
    );
    expect([user.UserStatus, user.Enabled]).toEqual(["RESET_REQUIRED", true]);
  });

  test("3. investigate user-events --user resolves carol and returns her exported sign-ins; high-risk-events runs", async () => {
    const r = expectExit(await npm("investigate", ["prod", "user-events", "--user", CAROL, "--json"], responder), EXIT.OK);
    const rows = JSON.parse(r.stdout) as { result: string; sub: string }[];
    const sub = await withAwsClients(admin, async ({ cognito }) => {
      const u = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: CAROL }));
      return u.UserAttributes?.find((a) => a.Name === "sub")?.Value;
    });
    // Her two password sign-ins of tests 1 and 2 (the refused one while disabled may be there too).
    expect(rows.filter((row) => row.result === "Pass")).toHaveLength(2);
    expect(new Set(rows.map((row) => row.sub))).toEqual(new Set([sub]));
    expectExit(await npm("investigate", ["prod", "high-risk-events", "--since", "1h"], responder), EXIT.OK);
  });

  test("4. the decision log: every request of those commands was the responder session's and allowed, and they are exactly these actions", () => {
    const made = responderDecisions().slice(before);
    expect(describeDecisions(made.filter((d) => d.decision !== "Allowed"))).toEqual([]);
    expect([...new Set(made.map((d) => d.action))].sort()).toEqual([
      "cognito-idp:AdminDisableUser",
      "cognito-idp:AdminEnableUser",
      "cognito-idp:AdminGetUser",
      "cognito-idp:AdminListUserAuthEvents",
      "cognito-idp:AdminResetUserPassword",
      "cognito-idp:AdminUserGlobalSignOut",
      "dynamodb:GetItem",
      "kms:Decrypt",
      "logs:GetQueryResults",
      "logs:StartQuery",
      "s3:GetObject",
      // The S3 backend lists the bucket's workspaces before it reads the state.
      "s3:ListBucket",
    ]);
  });
});

describe("IncidentResponderLeastPrivilege: what the responder must not do is refused when that role does it", () => {
  // Reason: containment must not become a way to change the pool or the state.
  let before: number;
  beforeAll(() => {
    before = responderDecisions().length;
  });

  test.each([
    ["1. delete the user pool", "cognito-idp:DeleteUserPool"],
    ["2. switch MFA off", "cognito-idp:SetUserPoolMfaConfig"],
  ])("%s: AccessDeniedException naming the action, and the pool is unchanged", async (_, action) => {
    const outcome = await asResponder(({ cognito }) =>
      action === "cognito-idp:DeleteUserPool"
        ? cognito.send(new DeleteUserPoolCommand({ UserPoolId: poolId }))
        : cognito.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: "OFF" })),
    );
    expect(outcome).toMatch(
      new RegExp(`^AccessDeniedException: .*assumed-role/${responderRoleName(prod)}/${SESSION} is not authorized to perform: ${action} `),
    );
    const pool = await withAwsClients(admin, ({ cognito }) => cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
    expect([pool.UserPool?.Id, pool.UserPool?.MfaConfiguration]).toEqual([poolId, prod.userPool.mfa]);
  });

  test("3. write prod's state, read an earlier version of it, or take prod's lock: refused", async () => {
    const { bucket, key, lockTable } = prod.state;
    const [version] = await withAwsClients(admin, (c) => stateVersions(c, bucket, key));
    expect(
      await asResponder(({ s3 }) =>
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "{}", ServerSideEncryption: "aws:kms" })),
      ),
    ).toMatch(/^AccessDenied/);
    expect(await asResponder(({ s3 }) => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: version })))).toMatch(
      /^AccessDenied/,
    );
    const lock = { LockID: { S: `${bucket}/${key}` }, Info: { S: "{}" } };
    expect(await asResponder(({ dynamodb }) => dynamodb.send(new PutItemCommand({ TableName: lockTable, Item: lock })))).toMatch(
      /^AccessDeniedException/,
    );
  });

  test("4. the decision log: those requests, and only those, were denied for the responder session, by no statement (implicit deny)", () => {
    const made = responderDecisions().slice(before);
    expect(describeDecisions(made)).toEqual(describeDecisions(made.filter((d) => d.decision === "ImplicitlyDenied")));
    expect([...new Set(made.map((d) => d.action))].sort()).toEqual([
      "cognito-idp:DeleteUserPool",
      "cognito-idp:SetUserPoolMfaConfig",
      "dynamodb:PutItem",
      "s3:GetObjectVersion",
      "s3:PutObject",
    ]);
  });
});

/**
 * Takes `env`'s state lock the way a run does and leaves it the way a killed run does: `terraform console` holds
 * the lock while it runs (its lock's Operation is OperationTypeInvalid, never a plan's or an apply's), then
 * SIGKILL. Another suite's plan may hold the lock for a moment (console then exits on it): tried again after a
 * pause. Returns the lock's id.
 */
async function lockLeftByKilledTerraform(env: EnvironmentConfig, awsEnv: AwsEnv): Promise<string> {
  const lockId = `${env.state.bucket}/${env.state.key}`;
  for (let attempt = 1; ; attempt++) {
    const holder = start("terraform", ["console"], {
      cwd: shared.copy.stackDir(env.name),
      env: { ...shared.tf.env, ...awsEnv },
      label: `terraform console ${env.name} (killed while holding the lock)`,
      timer,
      timeoutMs: 150_000,
    });
    let exited = false;
    void holder.done.then(() => (exited = true));
    let id: string | undefined;
    for (const deadline = Date.now() + 120_000; !id && !exited && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 500));
      const info = JSON.parse((await withAwsClients(awsEnv, (c) => lockItem(c, env.state.lockTable, lockId)))?.Info ?? "{}") as {
        ID?: string;
        Operation?: string;
      };
      if (info.Operation === "OperationTypeInvalid") id = info.ID;
    }
    holder.kill();
    const result = await holder.done;
    if (id) return id;
    if (attempt === 3) throw new Error(`terraform console never held the lock of ${env.name}:\n${describeRun(result)}`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
}

describe("StateBreakGlass: unlock and state versions as the break-glass principal; deleting a state version is break-glass only", () => {
  // Reason: erasing state history is irreversible; only the named principals may, and the pipeline never.
  test("1. state versions of prod lists every version of prod's state, newest first", async () => {
    const breakGlass = await awsEnvFor(shared, prod.accountId, prod.region, STATE_BREAK_GLASS_ROLE);
    const r = expectExit(await npm("state", ["versions", "prod"], breakGlass), EXIT.OK);
    const versions = await withAwsClients(breakGlass, (c) => stateVersions(c, prod.state.bucket, prod.state.key));
    expect(versions.length).toBeGreaterThan(0);
    for (const id of versions) expect(r.stdout).toContain(id);
  });

  test("2. unlock releases the lock a killed Terraform left on dev's state (both the lock item and the .tflock object)", async () => {
    const { bucket, key, lockTable } = dev.state;
    const devEnv = await awsEnvFor(shared, dev.accountId, dev.region, STATE_BREAK_GLASS_ROLE);
    const id = await lockLeftByKilledTerraform(dev, devEnv);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const r = expectExit(await npm("unlock", ["dev", id, "--yes"], devEnv), EXIT.OK);
    expect(r.stderr).toContain(id);
    await withAwsClients(devEnv, async (c) => {
      expect(await lockItem(c, lockTable, `${bucket}/${key}`)).toBeUndefined();
      expect(await objectExists(c, bucket, `${key}.tflock`)).toBe(false);
    });
  });

  test("3. non-compliant: the CI apply role and the deploying administrator are refused DeleteObjectVersion in prod's state bucket, explicitly, by DenyStateHistoryErasure; the break-glass role may", async () => {
    const { bucket } = prod.state;
    const breakGlass = await awsEnvFor(shared, prod.accountId, prod.region, STATE_BREAK_GLASS_ROLE);
    const probe = `responder-ops/${SESSION}.probe`;
    const { VersionId } = await withAwsClients(breakGlass, ({ s3 }) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: probe, Body: "probe", ServerSideEncryption: "aws:kms" })),
    );
    const apply = await ciRoleEnv(shared, admin, prod, "apply", jobSubject(prod, "environment"));
    const deleteVersion = (as: AwsEnv) =>
      withAwsClients(as, ({ s3 }) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: probe, VersionId }))).then(
        () => "deleted",
        (e: Error) => e.name,
      );
    expect(await deleteVersion(apply)).toBe("AccessDenied");
    expect(await deleteVersion(admin)).toBe("AccessDenied");
    expect(await deleteVersion(breakGlass)).toBe("deleted");
    const resource = `arn:aws:s3:::${bucket}/${probe}`;
    const decisions = readDecisions(shared.authzLog).filter((d) => d.action === "s3:DeleteObjectVersion" && d.resource === resource);
    expect(decisions.map((d) => [d.principal.split("/")[1], d.decision, d.statements])).toEqual([
      [`taskflow-${prod.name}-ci-apply`, "ExplicitlyDenied", ["resource-policy/DenyStateHistoryErasure"]],
      [DEPLOYING_ADMIN, "ExplicitlyDenied", ["resource-policy/DenyStateHistoryErasure"]],
      [STATE_BREAK_GLASS_ROLE, "Allowed", ["AdministratorAccess/(no Sid)"]],
    ]);
  });
});
