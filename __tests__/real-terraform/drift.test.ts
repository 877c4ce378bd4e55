/**
 * Drift detection on the emulator, with the npm scripts as a scheduled job runs them (no terminal).
 * dev is deployed once; then, through the AWS API as someone in the console would: a dashboard is
 * deleted (drift, exit 2), then MFA, deletion protection, a callback URL and an alarm threshold are
 * changed (security drift, exit 5, each named in drift.md and drift.json). `npm run plan` and
 * `npm run apply` put everything back, and drift finds nothing again. A branding style deleted in
 * Cognito (invisible to Terraform) is security drift too, put back by `npm run plan -- --replace`
 * of its CloudFormation stack. `--all` checks what the
 * credentials reach. It changes dev, so it works on a copy of its own that the shared set-up prepared
 * with dev moved into an account of its own, in the shared emulator (support/prepared-copies.ts).
 */
import { DeleteDashboardsCommand, DescribeAlarmsCommand, GetDashboardCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import {
  DeleteManagedLoginBrandingCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  ListUserPoolClientsCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  type UpdateUserPoolClientCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { withAwsClients, type AwsClients } from "./support/aws";
import { makeFlow, npmRun, type Flow } from "./support/flow";
import { PREPARED_WAIT_MS } from "./support/prepared-copies";
import { readManagedLoginBranding, userPoolsNamed } from "./support/readback";
import { describeRun, StepTimer, type RunResult } from "./support/run";
import { requireTerraform } from "./support/tools";
import { stackJson } from "./support/workdir";

jest.setTimeout(300_000);

const timer = new StepTimer("drift");

/** dev as deployed in its prepared copy, with its pool's id. */
type Deployment = Flow & { readonly poolId: string };

let d: Deployment;
let dev: EnvironmentConfig;

/** The copy the shared set-up prepared: dev in an account of its own, state-dev and dev deployed with npm run deploy. */
beforeAll(async () => {
  requireTerraform();
  const flow = await makeFlow("drift", "dev", timer);
  dev = flow.env;
  const [poolId] = await withAwsClients(flow.aws, (c) => userPoolsNamed(c, dev.userPool.name));
  if (!poolId) throw new Error(`no user pool ${dev.userPool.name} after the deploy`);
  d = { ...flow, poolId };
}, PREPARED_WAIT_MS + 60_000);

afterAll(() => timer.printSummary());

const inAws = <T>(fn: (c: AwsClients) => Promise<T>) => withAwsClients(d.aws, fn);
const driftFile = (name: string) => join(d.copy.project, "plans", "dev", name);
const driftMd = () => readFileSync(driftFile("drift.md"), "utf8");

interface DriftJson {
  status: string;
  exitCode: number;
  resourcesInState: number;
  securityControls: string[];
  securityDrift: { control: string; address: string; path?: string; before?: string; after?: string; deleted?: boolean }[];
  resources: { address: string; status: string; attributes: { path: string; before: string; after: string; controls: string[] }[] }[];
}
const driftJson = () => JSON.parse(readFileSync(driftFile("drift.json"), "utf8")) as DriftJson;

/** The run's exit status, or a failure with its output and the drift.json it wrote (Terraform's text can push the summary out of the tail). */
function expectExit(r: RunResult, code: number): RunResult {
  if (r.code === code) return r;
  const json = existsSync(driftFile("drift.json")) ? readFileSync(driftFile("drift.json"), "utf8") : "(no drift.json)";
  throw new Error(`expected exit ${code}:\n${describeRun(r, 3000)}\n--- plans/dev/drift.json ---\n${json.slice(0, 6000)}`);
}

/** Synthesized names, so the test follows the stack rather than repeating it. */
function synthesized() {
  const json = stackJson(d.copy, "dev");
  const [alarmAddress, alarm] = Object.entries(
    json.resource.aws_cloudwatch_metric_alarm as Record<string, { alarm_name: string; threshold: number }>,
  ).find(([, a]) => a.alarm_name.endsWith("-SignInThrottles")) as [string, { alarm_name: string; threshold: number }];
  const [dashboardAddress, dashboard] = Object.entries(
    json.resource.aws_cloudwatch_dashboard as Record<string, { dashboard_name: string }>,
  )[0];
  return {
    alarm: { address: `aws_cloudwatch_metric_alarm.${alarmAddress}`, name: alarm.alarm_name, threshold: alarm.threshold },
    dashboard: { address: `aws_cloudwatch_dashboard.${dashboardAddress}`, name: dashboard.dashboard_name },
  };
}

const FOREIGN_CALLBACK = "https://attacker.example.net/callback";
const CHANGED_THRESHOLD = 50;

async function clientOf(c: AwsClients) {
  const { UserPoolClients } = await c.cognito.send(new ListUserPoolClientsCommand({ UserPoolId: d.poolId }));
  const { UserPoolClient } = await c.cognito.send(
    new DescribeUserPoolClientCommand({ UserPoolId: d.poolId, ClientId: UserPoolClients?.[0]?.ClientId }),
  );
  if (!UserPoolClient) throw new Error("no app client");
  return UserPoolClient;
}

async function alarmNamed(c: AwsClients, name: string) {
  const { MetricAlarms } = await c.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  if (!MetricAlarms?.[0]) throw new Error(`no alarm ${name}`);
  return MetricAlarms[0];
}

describe("drift of dev, found and put back", () => {
  test("right after the deploy: no drift, exit 0, drift.json says so", async () => {
    const r = expectExit(await npmRun(d, "drift", ["dev"]), EXIT.OK);
    expect(r.stderr).toMatch(/dev\s+no drift \(\d+ resources in state\)/);
    const json = driftJson();
    expect(json).toMatchObject({ status: "none", exitCode: 0, securityControls: [], resources: [] });
    expect(json.resourcesInState).toBe(Object.values(stackJson(d.copy, "dev").resource).flatMap((r) => Object.keys(r as object)).length);
    expect(driftMd()).toContain("**No drift.**");
  });

  test("a dashboard deleted outside Terraform is drift but no security drift: exit 2, listed as deleted", async () => {
    const { dashboard } = synthesized();
    await inAws((c) => c.cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: [dashboard.name] })));
    expectExit(await npmRun(d, "drift", ["dev"]), EXIT.CHANGES);
    expect(driftJson()).toMatchObject({
      status: "drift",
      exitCode: 2,
      securityControls: [],
      resources: [{ address: dashboard.address, status: "deleted", attributes: [] }],
    });
    const md = driftMd();
    expect(md).not.toContain("[!CAUTION]");
    expect(md).toContain(`## Deleted outside Terraform\n\n- \`${dashboard.address}\`: \`npm run plan\` will create it again.`);
  });

  test("MFA off, deletion protection on, a foreign callback URL and an alarm threshold: security drift, exit 5, each named", async () => {
    const { alarm } = synthesized();
    await inAws(async (c) => {
      await c.cognito.send(new SetUserPoolMfaConfigCommand({ UserPoolId: d.poolId, MfaConfiguration: "OFF" }));
      // UpdateUserPool resets what it is not given: send the pool's settings back with deletion protection on, as the console does.
      const { UserPool: pool } = await c.cognito.send(new DescribeUserPoolCommand({ UserPoolId: d.poolId }));
      if (!pool) throw new Error("no user pool");
      await c.cognito.send(
        new UpdateUserPoolCommand({
          UserPoolId: d.poolId,
          Policies: pool.Policies,
          DeletionProtection: "ACTIVE",
          LambdaConfig: pool.LambdaConfig,
          AutoVerifiedAttributes: pool.AutoVerifiedAttributes,
          VerificationMessageTemplate: pool.VerificationMessageTemplate,
          UserAttributeUpdateSettings: pool.UserAttributeUpdateSettings,
          MfaConfiguration: "OFF",
          DeviceConfiguration: pool.DeviceConfiguration,
          EmailConfiguration: pool.EmailConfiguration,
          UserPoolTags: pool.UserPoolTags,
          AdminCreateUserConfig: pool.AdminCreateUserConfig,
          UserPoolAddOns: pool.UserPoolAddOns,
          AccountRecoverySetting: pool.AccountRecoverySetting,
          UserPoolTier: pool.UserPoolTier,
        }),
      );
      // UpdateUserPoolClient resets what it is not given: send the client's settings back with one more URL, as the console does.
      const client = await clientOf(c);
      const settings: Record<string, unknown> = { ...client };
      for (const readOnly of ["ClientSecret", "CreationDate", "LastModifiedDate"]) delete settings[readOnly];
      await c.cognito.send(
        new UpdateUserPoolClientCommand({
          ...(settings as unknown as UpdateUserPoolClientCommandInput),
          CallbackURLs: [...(client.CallbackURLs ?? []), FOREIGN_CALLBACK],
        }),
      );
      const a = await alarmNamed(c, alarm.name);
      await c.cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: a.AlarmName,
          AlarmDescription: a.AlarmDescription,
          ActionsEnabled: a.ActionsEnabled,
          AlarmActions: a.AlarmActions,
          OKActions: a.OKActions,
          InsufficientDataActions: a.InsufficientDataActions,
          Namespace: a.Namespace,
          MetricName: a.MetricName,
          Dimensions: a.Dimensions,
          Statistic: a.Statistic,
          Period: a.Period,
          EvaluationPeriods: a.EvaluationPeriods,
          DatapointsToAlarm: a.DatapointsToAlarm,
          ComparisonOperator: a.ComparisonOperator,
          TreatMissingData: a.TreatMissingData,
          Threshold: CHANGED_THRESHOLD,
        }),
      );
    });

    const r = expectExit(await npmRun(d, "drift", ["dev"]), EXIT.SECURITY_DRIFT);
    expect(r.stderr).toMatch(/dev\s+SECURITY DRIFT in .*CognitoUserPoolTotpMfa/);
    const json = driftJson();
    expect(json.status).toBe("security-drift");
    expect(json.exitCode).toBe(5);
    const finding = (control: string, path: string) => json.securityDrift.find((f) => f.control === control && f.path === path);
    expect(finding("CognitoUserPoolTotpMfa", "mfa_configuration")).toEqual({
      control: "CognitoUserPoolTotpMfa",
      address: "aws_cognito_user_pool.user_pool",
      path: "mfa_configuration",
      before: '"OPTIONAL"',
      after: '"OFF"',
    });
    expect(finding("CognitoUserPoolDeletionProtection", "deletion_protection")).toMatchObject({ before: '"INACTIVE"', after: '"ACTIVE"' });
    const callbacks = finding("CognitoAppClientOAuthCodeFlow", "callback_urls");
    expect(callbacks?.address).toBe("aws_cognito_user_pool_client.web_client");
    expect(callbacks?.after).toContain(FOREIGN_CALLBACK);
    expect(callbacks?.before).not.toContain(FOREIGN_CALLBACK);
    expect(finding("AlarmThresholds", "threshold")).toMatchObject({
      address: alarm.address,
      before: String(alarm.threshold),
      after: String(CHANGED_THRESHOLD),
    });
    // The dashboard is still gone, and still plain drift.
    expect(json.resources.find((x) => x.status === "deleted")?.address).toBe(synthesized().dashboard.address);

    const md = driftMd();
    const caution = md.slice(md.indexOf("> [!CAUTION]"), md.indexOf("\n\n", md.indexOf("> [!CAUTION]")));
    expect(md.indexOf("> [!CAUTION]")).toBeLessThan(md.indexOf("## Changed outside Terraform"));
    expect(caution).toContain('**CognitoUserPoolTotpMfa**: `aws_cognito_user_pool.user_pool` `mfa_configuration`: `"OPTIONAL"` → `"OFF"`');
    expect(caution).toContain(
      '**CognitoUserPoolDeletionProtection**: `aws_cognito_user_pool.user_pool` `deletion_protection`: `"INACTIVE"` → `"ACTIVE"`',
    );
    expect(caution).toContain("**CognitoAppClientOAuthCodeFlow**: `aws_cognito_user_pool_client.web_client` `callback_urls`");
    expect(caution).toContain(`**AlarmThresholds**: \`${alarm.address}\` \`threshold\`: \`${alarm.threshold}\` → \`${CHANGED_THRESHOLD}\``);
  });

  test("npm run plan shows the way back and npm run apply takes it; then drift finds nothing", async () => {
    const { alarm, dashboard } = synthesized();
    expectExit(await npmRun(d, "plan", ["dev"]), EXIT.OK);
    const review = readFileSync(join(d.copy.project, "plans", "dev", "review.md"), "utf8");
    const row = (address: string) => review.split("\n").find((l) => l.startsWith(`| \`${address}\``)) ?? "";
    expect(row("aws_cognito_user_pool.user_pool")).toContain('`mfa_configuration`: `"OFF"` → `"OPTIONAL"`');
    expect(row("aws_cognito_user_pool.user_pool")).toContain('`deletion_protection`: `"ACTIVE"` → `"INACTIVE"`');
    expect(row("aws_cognito_user_pool_client.web_client")).toContain("`callback_urls`");
    expect(row(alarm.address)).toContain(`\`threshold\`: \`${CHANGED_THRESHOLD}\` → \`${alarm.threshold}\``);
    expect(row(dashboard.address)).toContain("| create |");

    expectExit(await npmRun(d, "apply", ["dev"]), EXIT.OK);
    await inAws(async (c) => {
      const { UserPool } = await c.cognito.send(new DescribeUserPoolCommand({ UserPoolId: d.poolId }));
      expect(UserPool?.DeletionProtection).toBe("INACTIVE");
      expect((await c.cognito.send(new GetUserPoolMfaConfigCommand({ UserPoolId: d.poolId }))).MfaConfiguration).toBe(dev.userPool.mfa);
      expect([...((await clientOf(c)).CallbackURLs ?? [])].sort()).toEqual([...dev.appClient.callbackUrls].sort());
      expect((await alarmNamed(c, alarm.name)).Threshold).toBe(alarm.threshold);
      expect((await c.cloudwatch.send(new GetDashboardCommand({ DashboardName: dashboard.name }))).DashboardName).toBe(dashboard.name);
    });
    expectExit(await npmRun(d, "drift", ["dev"]), EXIT.OK);
    expect(driftJson().status).toBe("none");
  });

  test("a branding style deleted in Cognito: security drift, sign-in unavailable (exit 5); plan --replace of its stack and apply put it back", async () => {
    const stack = "aws_cloudformation_stack.managed_login_branding";
    const clientId = (await inAws(clientOf)).ClientId as string;
    const before = await inAws((c) => readManagedLoginBranding(c, d.poolId, clientId));
    if (!before?.ManagedLoginBrandingId) throw new Error("the deploy left the client without a branding style");
    await inAws((c) =>
      c.cognito.send(
        new DeleteManagedLoginBrandingCommand({ UserPoolId: d.poolId, ManagedLoginBrandingId: before.ManagedLoginBrandingId }),
      ),
    );

    const r = expectExit(await npmRun(d, "drift", ["dev"]), EXIT.SECURITY_DRIFT);
    expect(r.stderr).toMatch(
      /dev\s+SECURITY DRIFT in CognitoManagedLoginBranding \(0 changed, 0 deleted outside Terraform, 1 app client\(s\) without a sign-in page\)/,
    );
    // Terraform saw nothing (the stack is unchanged): the only finding is Cognito's answer.
    expect(driftJson().securityDrift).toEqual([
      { control: "CognitoManagedLoginBranding", address: "aws_cognito_user_pool_client.web_client", signInUnavailable: true },
    ]);
    expect(driftMd()).toContain(`\`npm run plan -- dev --replace ${stack}\``);

    expectExit(await npmRun(d, "plan", ["dev", "--replace", stack]), EXIT.OK);
    const review = readFileSync(join(d.copy.project, "plans", "dev", "review.md"), "utf8");
    expect(review.split("\n").find((l) => l.startsWith(`| \`${stack}\``))).toContain("replace");
    expectExit(await npmRun(d, "apply", ["dev"]), EXIT.OK);
    const after = await inAws((c) => readManagedLoginBranding(c, d.poolId, clientId));
    expect({ pool: after?.UserPoolId, cognitoLook: after?.UseCognitoProvidedValues }).toEqual({ pool: d.poolId, cognitoLook: true });
    expect(after?.ManagedLoginBrandingId).not.toBe(before.ManagedLoginBrandingId);
    expectExit(await npmRun(d, "drift", ["dev"]), EXIT.OK);
  });

  test("--all checks the stacks of the environment these credentials belong to and skips the others, one line each", async () => {
    const r = await npmRun(d, "drift", ["--all"]);
    const lines = r.stdout.trim().split("\n");
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(["state-dev", "dev", "state-staging", "staging", "state-prod", "prod"]);
    expect(lines[1]).toMatch(/^dev\s+no drift/);
    for (const [i, env] of [
      [2, "staging"],
      [4, "prod"],
    ] as const) {
      const account = loadEnvironments().find((e) => e.name === env)?.accountId;
      expect(lines[i]).toContain(`skipped: this process's credentials are for account ${dev.accountId}, not ${account}`);
      expect(lines[i + 1]).toContain("skipped:");
    }
    expect(lines[0]).toMatch(/^state-dev\s+no drift/);
    expectExit(r, EXIT.OK);
  });
});
