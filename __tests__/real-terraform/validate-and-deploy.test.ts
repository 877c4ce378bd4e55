/**
 * The stacks on real Terraform:
 *
 * 1. Validate: every synthesized stack (each environment and its bootstrap state-<env>) passes
 *    `terraform init -backend=false` + `terraform validate` with the real aws provider from the
 *    local mirror, on the synthesized JSON (run by the shared set-up while the bootstraps wait). The provider's schema checks what `Testing.synth` cannot
 *    (argument names, types, conflicts, enum values it knows).
 *
 * 2. The shared deployment (support/shared-deployment.ts, run once by the project's globalSetup)
 *    deployed every environment into the emulator the way ops deploy, with the real Terraform CLI,
 *    cdktf CLI and aws provider, each stack's synthesized JSON unmodified:
 *
 *      npm run synth                                                                  (once)
 *      npx cdktf deploy state-<env> --auto-approve --skip-synth --skip-provider-lock  (local backend, break-glass)
 *      npm run plan -- <env>; npm run apply -- <env> --yes                            (CI plan role, CI apply role)
 *
 *    This suite reads every setting back through the AWS API, then runs `terraform plan
 *    -detailed-exitcode` on each stack as the daily drift check does, with the CI plan role, which
 *    must exit 0: nothing to change right after apply (and no read the plan role lacks).
 *    The emulator serves HTTPS only to the tools, so the state bucket's TLS-only policy stays in
 *    place throughout, and a plain-HTTP request to the same bucket is shown to be denied by it.
 *
 *    The tools see the emulator only through standard variables (AWS_ENDPOINT_URL, AWS_CA_BUNDLE,
 *    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION): see support/aws.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { ciRoleEnv, jobSubject } from "./support/ci-deploy";
import { dirname, join, resolve } from "node:path";
import {
  DeleteBucketLifecycleCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  DescribeRiskConfigurationCommand,
  ListTagsForResourceCommand,
  type RiskConfigurationType,
} from "@aws-sdk/client-cognito-identity-provider";
import { GetLoggingConfigurationCommand, GetWebACLForResourceCommand } from "@aws-sdk/client-wafv2";
import type { EnvironmentConfig } from "../../config";
import { sdkTlsConfig, withAwsClients, type AwsEnv } from "./support/aws";
import { EMULATOR_GAPS, type StackKind } from "./support/emulator-gaps";
import { classify, describeDiffs, diffsOf } from "./support/plan";
import {
  alarmMetrics,
  asList,
  lockItem,
  objectExists,
  readAlarms,
  readKey,
  readLockTable,
  readLogGroups,
  readManagedLoginBranding,
  readRemoteState,
  readRules,
  readStateBucket,
  readTopicSubscribedBy,
  readUserPool,
  readUserPoolDomain,
  stateVersions,
  userPoolsNamed,
} from "./support/readback";
import { auditLogGroupNames } from "../../stacks/constructs/audit/queries";
import { describeRun, killRunning, run, start, StepTimer, type RunResult } from "./support/run";
import { DEPLOY_FLAGS } from "./support/cdktf-deploy";
import { SHARED_DEPLOYMENT_WAIT_MS, sharedDeployment, type SharedDeployment } from "./support/shared-deployment";
import { sharedEnvironments } from "./support/shared-config";
import type { TerraformSetup } from "./support/terraform-env";
import { CONTROL_ARGUMENT, CONTROL_STACK, type StackValidation } from "./support/validate";
import { stackJson, type WorkingCopy } from "./support/workdir";
import { stateStackId } from "../../config/names";
import { accessLogTarget } from "../../stacks/state-stack";

jest.setTimeout(240_000);

const envs = sharedEnvironments();
const prod = envs.find((e) => e.stage === "prod" && e.name === "prod") ?? envs[envs.length - 1];
const dev = envs.find((e) => e.name !== prod.name) as EnvironmentConfig;

const timer = new StepTimer("real-terraform");
let shared: SharedDeployment;
let validation: Promise<Map<string, StackValidation>>;
let copy: WorkingCopy;
let tf: TerraformSetup;
/** Gap ids seen in plans after apply (the others are reported as possibly fixed). */
const gapsSeen = new Set<string>();

const stateStack = (env: EnvironmentConfig) => stateStackId(env.name);
const awsEnv = (env: EnvironmentConfig): AwsEnv => shared.awsEnv(env.name);

function expectOk(r: { code: number | null; described?: string }, described = ""): void {
  if (r.code !== 0) throw new Error(`expected exit 0:\n${r.described ?? described}`);
}

/** `npx cdktf <args>` in the shared copy, as an operator with `awsEnv` in their environment. */
function cdktf(args: string[], credentials: AwsEnv | undefined, label: string): Promise<RunResult> {
  return run("npx", ["cdktf", ...args], { cwd: copy.project, env: { ...tf.env, ...credentials }, label, timer, timeoutMs: 210_000 });
}

/** `terraform <args>` in a stack's synthesized folder (what cdktf runs, minus the wrapper). */
function terraform(stack: string, args: string[], credentials: AwsEnv, label: string): Promise<RunResult> {
  return run("terraform", args, { cwd: copy.stackDir(stack), env: { ...tf.env, ...credentials }, label, timer, timeoutMs: 180_000 });
}

beforeAll(async () => {
  shared = await sharedDeployment();
  copy = shared.copy;
  tf = shared.tf;
  process.stderr.write(
    `[real-terraform] terraform ${shared.terraformVersion}; aws provider from ${tf.mirror.dir} (${tf.mirror.from}); emulator on ${shared.endpoint}\n`,
  );
  // The set-up validated every stack while the bootstraps waited on the emulator.
  validation = Promise.resolve().then(() => shared.validation());
  validation.catch(() => undefined);
}, SHARED_DEPLOYMENT_WAIT_MS);

afterAll(async () => {
  const killed = killRunning(); // after a failure: commands still running in the background
  if (killed) process.stderr.write(`[real-terraform] killed ${killed} command(s) still running\n`);
  await validation?.catch(() => undefined);
  const unseen = EMULATOR_GAPS.filter((g) => g.planDiff && !gapsSeen.has(g.id)).map((g) => g.id);
  if (unseen.length)
    process.stderr.write(`[real-terraform] emulator gaps with a plan diff that did not show up this run: ${unseen.join(", ")}\n`);
  timer.printSummary();
}, 60_000);

/** The key the state stack's alias points to, as a full ARN (the bucket and table encrypt with it). */
const stateKeyArn = async (env: EnvironmentConfig) =>
  withAwsClients(awsEnv(env), async (c) => (await readKey(c, env.state.kmsKeyAlias)).arn);

/** The plan role's credentials, as drift.yml's job on the main branch gets them. */
const planRoleEnv = (env: EnvironmentConfig): Promise<AwsEnv> => ciRoleEnv(shared, awsEnv(env), env, "plan", jobSubject(env, "main-push"));

/** The plan right after apply: exit 0 (no changes), or only diffs the emulator-gap list explains. */
async function expectNoChanges(env: EnvironmentConfig, stack: string, kind: StackKind): Promise<void> {
  const planFile = join(copy.root, `${stack}.tfplan`);
  const plan = await terraform(
    stack,
    ["plan", "-detailed-exitcode", "-json", "-input=false", "-lock-timeout=60s", `-out=${planFile}`],
    await planRoleEnv(env),
    `terraform plan -detailed-exitcode  ${stack}`,
  );
  if (plan.code === 0) return;
  if (plan.code !== 2) throw new Error(`plan failed:\n${describeRun(plan)}`);
  const show = await terraform(stack, ["show", "-json", planFile], awsEnv(env), `terraform show -json (the plan's diff)  ${stack}`);
  expectOk(show);
  const { explained, unexpected } = classify(diffsOf(JSON.parse(show.stdout)), kind, env);
  explained.forEach((e) => e.gaps.forEach((g) => gapsSeen.add(g)));
  if (unexpected.length) throw new Error(`${stack}: the plan right after apply wants changes:\n${describeDiffs(unexpected)}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const onlyResource = (env: EnvironmentConfig, type: string): Json | undefined => {
  const byName = (stackJson(copy, env.name).resource?.[type] ?? {}) as Record<string, Json>;
  return Object.values(byName)[0];
};
const synthesizedPool = (env: EnvironmentConfig): Json => onlyResource(env, "aws_cognito_user_pool") ?? {};
const synthesizedDomain = (env: EnvironmentConfig): Json => onlyResource(env, "aws_cognito_user_pool_domain") ?? {};
const synthesizedRisk = (env: EnvironmentConfig): Json | undefined => onlyResource(env, "aws_cognito_risk_configuration");

/** The risk configuration the API should report for the synthesized aws_cognito_risk_configuration (API_RiskConfigurationType). */
function expectedRisk(r: Json): Json {
  const out: Json = {};
  const ato = r.account_takeover_risk_configuration;
  if (ato) {
    const action = (a: Json | undefined) => (a ? { EventAction: a.event_action, Notify: a.notify } : undefined);
    const n = ato.notify_configuration;
    out.AccountTakeoverRiskConfiguration = {
      Actions: {
        LowAction: action(ato.actions.low_action),
        MediumAction: action(ato.actions.medium_action),
        HighAction: action(ato.actions.high_action),
      },
      ...(n ? { NotifyConfiguration: { From: n.from, SourceArn: n.source_arn, ...(n.reply_to ? { ReplyTo: n.reply_to } : {}) } } : {}),
    };
  }
  const cc = r.compromised_credentials_risk_configuration;
  if (cc)
    out.CompromisedCredentialsRiskConfiguration = {
      Actions: { EventAction: cc.actions.event_action },
      EventFilter: [...(cc.event_filter ?? [])].sort(),
    };
  return out;
}

/** The settings of a reported risk configuration, in the shape of expectedRisk (ids and dates left out). */
function riskSettings(r: RiskConfigurationType | undefined): Json {
  const out: Json = {};
  const ato = r?.AccountTakeoverRiskConfiguration;
  if (ato) {
    const n = ato.NotifyConfiguration;
    out.AccountTakeoverRiskConfiguration = {
      Actions: { LowAction: ato.Actions?.LowAction, MediumAction: ato.Actions?.MediumAction, HighAction: ato.Actions?.HighAction },
      ...(n ? { NotifyConfiguration: { From: n.From, SourceArn: n.SourceArn, ...(n.ReplyTo ? { ReplyTo: n.ReplyTo } : {}) } } : {}),
    };
  }
  const cc = r?.CompromisedCredentialsRiskConfiguration;
  if (cc) out.CompromisedCredentialsRiskConfiguration = { Actions: cc.Actions, EventFilter: [...(cc.EventFilter ?? [])].sort() };
  return out;
}

/** Every stack the app must have: each environment and its bootstrap. */
const EXPECTED_STACKS = envs.flatMap((e) => [e.name, stateStack(e)]);

describe("terraform validate with the real aws provider", () => {
  test("the app synthesizes each environment's stack and its bootstrap stack", async () => {
    expect([...(await validation).keys()]).toEqual(expect.arrayContaining(EXPECTED_STACKS));
  });

  test.each(EXPECTED_STACKS)("%s: init with the mirrored provider and validate without errors", async (id) => {
    const result = (await validation).get(id);
    if (!result) throw new Error(`${id} was not synthesized`);
    expect(result.init.stdout).toMatch(/hashicorp\/aws v5\.100\.0/);
    const errors = result.validation.diagnostics.filter((d) => d.severity === "error");
    const warnings = result.validation.diagnostics.filter((d) => d.severity === "warning");
    if (warnings.length)
      process.stderr.write(
        `[real-terraform] validate ${id}: ${warnings.length} warning(s):\n${warnings.map((w) => `  - ${w.summary}: ${w.detail ?? ""}`).join("\n")}\n`,
      );
    expect({ stack: id, errors: errors.map((d) => `${d.summary}: ${d.detail ?? ""} (${d.range?.filename ?? "?"})`) }).toEqual({
      stack: id,
      errors: [],
    });
    expect(result.validation.valid).toBe(true);
  });

  test("control: a stack with an argument the provider does not know fails validation", async () => {
    const control = (await validation).get(CONTROL_STACK);
    expect(control?.validation.valid).toBe(false);
    expect(control?.validation.diagnostics.map((d) => `${d.severity}: ${d.detail}`)).toEqual([
      `error: No argument or block type is named "${CONTROL_ARGUMENT}".`,
    ]);
  });

  test("every synthesized stack is valid, including any not named above", async () => {
    const results = await validation;
    const invalid = [...results].filter(([id, r]) => id !== CONTROL_STACK && !r.validation.valid);
    expect(invalid.map(([id, r]) => `${id}:\n${describeRun(r.validate)}`)).toEqual([]);
  });
});

describe.each(envs.map((env) => ({ name: env.name, env })))("$name, deployed into the emulator like ops deploy it", ({ env }) => {
  test(`cdktf deploy state-${env.name}: local state, and a bucket, lock table and key as configured`, async () => {
    expectOk(shared.step("synth"));
    expectOk(shared.step(stateStack(env)));

    // Local backend: the state file sits where the stack says, inside the temp copy.
    const localPath = stackJson(copy, stateStack(env)).terraform?.backend?.local?.path as string;
    const statePath = resolve(copy.stackDir(stateStack(env)), localPath);
    expect(dirname(statePath)).toBe(copy.project);
    expect(existsSync(statePath)).toBe(true);
    const local = JSON.parse(readFileSync(statePath, "utf8")) as { resources: { type: string }[] };
    expect(local.resources.map((r) => r.type)).toEqual(expect.arrayContaining(["aws_s3_bucket", "aws_dynamodb_table", "aws_kms_key"]));

    await timer.time(`read back ${stateStack(env)} (S3, DynamoDB, KMS)`, () =>
      withAwsClients(awsEnv(env), async (c) => {
        const key = await readKey(c, env.state.kmsKeyAlias);
        expect({ manager: key.manager, state: key.state, rotation: key.rotation }).toEqual({
          manager: "CUSTOMER",
          state: "Enabled",
          rotation: true,
        });

        const bucket = await readStateBucket(c, env.state.bucket);
        expect(bucket.versioning).toBe("Enabled");
        expect(bucket.encryption).toEqual([{ algorithm: "aws:kms", key: key.arn, bucketKey: true }]);
        expect(bucket.publicAccessBlock).toEqual({
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.ownership).toEqual(["BucketOwnerEnforced"]);
        expect(bucket.lifecycle).toEqual([
          expect.objectContaining({ status: "Enabled", noncurrentDays: env.state.noncurrentVersionExpirationDays }),
        ]);
        // Every statement is in place during every deploy (nothing is removed for the emulator).
        expect(bucket.policy).toEqual([
          expect.objectContaining({
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
          expect.objectContaining({
            Effect: "Deny",
            Action: "s3:PutObject",
            Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
          }),
          expect.objectContaining({ Effect: "Deny", Action: "s3:DeleteObjectVersion" }),
        ]);

        const table = await readLockTable(c, env.state.lockTable);
        expect(table).toEqual({
          keySchema: ["LockID:HASH"],
          attributes: ["LockID:S"],
          billing: "PAY_PER_REQUEST",
          deletionProtection: true,
          sse: { status: "ENABLED", type: "KMS", key: key.arn },
          pointInTimeRecovery: "ENABLED",
        });
      }),
    );
  });

  test(`cdktf deploy ${env.name}: its state lands in the emulated bucket, locked through the lock table`, async () => {
    expectOk(shared.step(env.name));
    const synthesized = stackJson(copy, env.name);
    // Every synthesized resource, none switched off for the emulator.
    const expectedAddresses = Object.entries(synthesized.resource as Record<string, Record<string, unknown>>)
      .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
      .sort();
    const keyArn = await stateKeyArn(env);
    await timer.time(`read back ${env.name}'s state (S3 object, DynamoDB digest)`, () =>
      withAwsClients(awsEnv(env), async (c) => {
        const remoteState = await readRemoteState(c, env.state.bucket, env.state.key);
        expect(remoteState.addresses).toEqual(expectedAddresses);
        // The backend asks for SSE-KMS with the state key (by alias); moto stores the id as sent.
        expect(remoteState.encryption).toBe("aws:kms");
        expect([keyArn, `arn:aws:kms:${env.region}:${env.accountId}:${env.state.kmsKeyAlias}`]).toContain(remoteState.encryptionKey);
        // dynamodb_table locking also records the state's MD5 under "<bucket>/<key>-md5".
        const digest = await lockItem(c, env.state.lockTable, `${env.state.bucket}/${env.state.key}-md5`);
        expect(digest?.Digest).toBe(remoteState.md5);
      }),
    );
  });

  test(`state-${env.name}: the TLS-only bucket policy denies a plain-HTTP read of the state that HTTPS may make`, async () => {
    expectOk(shared.step(env.name));
    const credentials = {
      accessKeyId: awsEnv(env).AWS_ACCESS_KEY_ID,
      secretAccessKey: awsEnv(env).AWS_SECRET_ACCESS_KEY,
      sessionToken: awsEnv(env).AWS_SESSION_TOKEN,
    };
    const read = async (endpoint: string) => {
      const s3 = new S3Client({ endpoint, region: env.region, credentials, forcePathStyle: true, ...sdkTlsConfig(awsEnv(env)) });
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: env.state.bucket, Key: env.state.key }));
        return { status: object.$metadata.httpStatusCode, body: await object.Body?.transformToString() };
      } catch (e) {
        const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
        return { status: err.$metadata?.httpStatusCode, error: err.name };
      } finally {
        s3.destroy();
      }
    };
    const overTls = await read(shared.endpoint);
    expect(overTls.status).toBe(200);
    expect(JSON.parse(overTls.body ?? "{}").lineage).toEqual(expect.any(String));
    // The same request, same credentials, to the same emulator (same state) without TLS: denied by the policy.
    expect(await read(shared.plainEndpoint)).toEqual({ status: 403, error: "AccessDenied" });
    // A write without TLS is denied as well, and nothing was written.
    const versionsBefore = await withAwsClients(awsEnv(env), (c) => stateVersions(c, env.state.bucket, env.state.key));
    const plain = new S3Client({ endpoint: shared.plainEndpoint, region: env.region, credentials, forcePathStyle: true });
    await expect(
      plain.send(new PutObjectCommand({ Bucket: env.state.bucket, Key: env.state.key, Body: "{}", ServerSideEncryption: "aws:kms" })),
    ).rejects.toMatchObject({ name: "AccessDenied" });
    plain.destroy();
    expect(await withAwsClients(awsEnv(env), (c) => stateVersions(c, env.state.bucket, env.state.key))).toEqual(versionsBefore);
  });

  test(`${env.name}: the deployed settings are the validated config's`, async () => {
    await timer.time(`read back ${env.name} (Cognito, SNS, KMS, CloudWatch, Logs, EventBridge)`, () =>
      withAwsClients(awsEnv(env), async (c) => {
        const up = env.userPool;
        const pools = await userPoolsNamed(c, up.name);
        expect(pools).toHaveLength(1);
        const { pool, mfa, clients } = await readUserPool(c, pools[0]);
        const pp = up.passwordPolicy;
        expect(pool?.Policies?.PasswordPolicy).toEqual({
          MinimumLength: pp.minimumLength,
          RequireLowercase: pp.requireLowercase,
          RequireUppercase: pp.requireUppercase,
          RequireNumbers: pp.requireNumbers,
          RequireSymbols: pp.requireSymbols,
          TemporaryPasswordValidityDays: pp.temporaryPasswordValidityDays,
          PasswordHistorySize: pp.passwordHistorySize,
        });
        expect({
          mfa: pool?.MfaConfiguration,
          mfaConfig: mfa.MfaConfiguration,
          totp: mfa.SoftwareTokenMfaConfiguration?.Enabled,
          deletionProtection: pool?.DeletionProtection,
          threatProtection: pool?.UserPoolAddOns?.AdvancedSecurityMode,
          firstFactors: [...(pool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors ?? [])].sort(),
          email: pool?.EmailConfiguration?.EmailSendingAccount,
          emailMfa: mfa.EmailMfaConfiguration,
          recovery: pool?.AccountRecoverySetting?.RecoveryMechanisms?.map((m) => m.Name),
        }).toEqual({
          mfa: up.mfa,
          mfaConfig: up.mfa,
          totp: up.mfa !== "OFF",
          deletionProtection: up.deletionProtection ? "ACTIVE" : "INACTIVE",
          threatProtection: up.threatProtection,
          firstFactors: up.passkeys.enabled ? ["PASSWORD", "WEB_AUTHN"] : ["PASSWORD"],
          email: up.email.sender === "SES" ? "DEVELOPER" : "COGNITO_DEFAULT",
          // Email MFA (staging, prod): the code email as configured; with it, a verified phone is the second recovery mechanism.
          emailMfa: up.emailMfa.enabled ? { Subject: up.emailMfa.subject, Message: up.emailMfa.message } : undefined,
          recovery: up.emailMfa.enabled ? ["verified_email", "verified_phone_number"] : ["verified_email"],
        });
        // Tier: reported for every pool, ESSENTIALS too (the provider leaves that out of CreateUserPool: AWS's default).
        expect(pool?.UserPoolTier).toBe(up.tier);
        expect(pool?.UsernameAttributes).toEqual(synthesizedPool(env).username_attributes);
        // Passkeys: relying party and user verification as configured, when enabled.
        const webAuthn = synthesizedPool(env).web_authn_configuration;
        expect(mfa.WebAuthnConfiguration).toEqual(
          up.passkeys.enabled ? { RelyingPartyId: webAuthn.relying_party_id, UserVerification: up.passkeys.userVerification } : undefined,
        );
        // Threat protection: the risk configuration as synthesized (account-takeover actions per risk level,
        // compromised-credentials action and events).
        const risk = synthesizedRisk(env);
        const { RiskConfiguration: deployedRisk } = await c.cognito.send(new DescribeRiskConfigurationCommand({ UserPoolId: pools[0] }));
        expect(riskSettings(deployedRisk)).toEqual(risk ? expectedRisk(risk) : {});
        // Tags: the provider's default tags reach the pool (TagResource / ListTagsForResource).
        const { Tags } = await c.cognito.send(new ListTagsForResourceCommand({ ResourceArn: pool?.Arn }));
        expect(Tags).toEqual(expect.objectContaining({ Environment: env.name }));

        const ac = env.appClient;
        // The incident-response suite signs its test users in through a client of its own
        // ("...-test-only", deleted when it ends) in the shared prod pool: not the stack's business.
        const stackClients = clients.filter((cl) => !cl.ClientName?.endsWith("-test-only"));
        expect(stackClients.map((cl) => cl.ClientName)).toEqual([ac.name]);
        const client = stackClients[0];
        expect({
          flows: [...(client.ExplicitAuthFlows ?? [])].sort(),
          access: client.AccessTokenValidity,
          id: client.IdTokenValidity,
          refresh: client.RefreshTokenValidity,
          units: client.TokenValidityUnits,
          callbacks: [...(client.CallbackURLs ?? [])].sort(),
          logouts: [...(client.LogoutURLs ?? [])].sort(),
          oauthFlows: client.AllowedOAuthFlows,
          secret: client.ClientSecret,
          userExistenceErrors: client.PreventUserExistenceErrors,
        }).toEqual({
          // Refresh always; choice-based sign-in (passwords, passkeys) on ESSENTIALS/PLUS; SRP and custom auth only
          // when configured; never the plain-password flows.
          flows: [
            "ALLOW_REFRESH_TOKEN_AUTH",
            ...(ac.allowSrpSignIn ? ["ALLOW_USER_SRP_AUTH"] : []),
            ...(up.tier === "LITE" ? [] : ["ALLOW_USER_AUTH"]),
            ...(ac.allowCustomAuth ? ["ALLOW_CUSTOM_AUTH"] : []),
          ].sort(),
          access: ac.accessTokenMinutes,
          id: ac.idTokenMinutes,
          refresh: ac.refreshTokenMinutes,
          units: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "minutes" },
          callbacks: [...ac.callbackUrls].sort(),
          logouts: [...ac.logoutUrls].sort(),
          oauthFlows: ["code"],
          secret: undefined,
          userExistenceErrors: "ENABLED",
        });

        if (env.authDomain.kind === "prefix") {
          const domain = await readUserPoolDomain(c, env.authDomain.prefix);
          expect(domain?.UserPoolId).toBe(pools[0]);
          // 2 = managed login (what passkeys need), 1 = classic hosted UI.
          expect(domain?.ManagedLoginVersion).toBe(synthesizedDomain(env).managed_login_version ?? 1);
        }
        // Managed login v2 renders a client's pages only with a branding style: one per client, Cognito's
        // own look unless config gives settings (created by the CloudFormation stack managed_login_branding).
        const styles = await Promise.all(stackClients.map((cl) => readManagedLoginBranding(c, pools[0], cl.ClientId as string)));
        expect(styles.map((s) => ({ pool: s?.UserPoolId, cognitoLook: s?.UseCognitoProvidedValues }))).toEqual(
          stackClients.map(() => ({ pool: pools[0], cognitoLook: env.appClient.managedLoginBranding.settings === undefined })),
        );

        // Alerting: the topic the alert email is subscribed to, encrypted with a rotating customer key
        // CloudWatch may use (an AWS-managed key would drop alarm notifications silently).
        const topic = await readTopicSubscribedBy(c, env.alertEmail);
        expect(topic).toBeDefined();
        if (!topic) return;
        expect(topic.protocol).toBe("email");
        expect(topic.kmsKey).toBeDefined();
        expect(topic.kmsKey).not.toMatch(/alias\/aws\//);
        const topicKey = await readKey(c, topic.kmsKey as string);
        expect({ manager: topicKey.manager, rotation: topicKey.rotation }).toEqual({ manager: "CUSTOMER", rotation: true });
        const cloudwatchMayUseKey = topicKey.statements.some(
          (s) =>
            s.Effect === "Allow" &&
            JSON.stringify(s.Principal).includes("cloudwatch.amazonaws.com") &&
            ["kms:Decrypt", "kms:GenerateDataKey*"].every((a) => asList(s.Action).includes(a)),
        );
        expect(cloudwatchMayUseKey).toBe(true);
        const publishers = topic.statements.filter((s) => s.Effect === "Allow" && asList(s.Action).includes("sns:Publish"));
        const cloudwatchPublish = publishers.find((s) => JSON.stringify(s.Principal).includes("cloudwatch.amazonaws.com"));
        expect(cloudwatchPublish?.Condition?.StringEquals?.["aws:SourceAccount"]).toBe(env.accountId);

        // Alarms: every alarm notifies the topic; thresholds, periods and evaluation periods from config.
        const alarms = await readAlarms(c);
        const synthesizedAlarms = Object.keys(stackJson(copy, env.name).resource.aws_cloudwatch_metric_alarm ?? {});
        expect(alarms).toHaveLength(synthesizedAlarms.length);
        for (const a of alarms)
          expect({ alarm: a.AlarmName, actions: a.AlarmActions }).toEqual({ alarm: a.AlarmName, actions: [topic.arn] });
        const m = env.monitoring;
        const watching = (namespace: string, name: string, dims: Record<string, string> = {}) => {
          const found = alarms.filter((a) =>
            alarmMetrics(a).some(
              (x) => x.namespace === namespace && x.name === name && Object.entries(dims).every(([k, v]) => x.dimensions[k] === v),
            ),
          );
          expect({ metric: `${namespace} ${name}`, alarms: found.length }).toEqual({ metric: `${namespace} ${name}`, alarms: 1 });
          const alarm = found[0];
          return {
            threshold: alarm?.Threshold,
            evaluationPeriods: alarm?.EvaluationPeriods,
            periods: [...new Set(alarmMetrics(alarm).map((x) => x.period))],
          };
        };
        const setting = (s: { threshold: number; evaluationPeriods: number; periodSeconds: number }) => ({
          threshold: s.threshold,
          evaluationPeriods: s.evaluationPeriods,
          periods: [s.periodSeconds],
        });
        const rate = m.signInFailureRate;
        expect(watching("AWS/Cognito", "SignInSuccesses", { UserPool: pools[0], UserPoolClient: client.ClientId as string })).toEqual({
          threshold: rate.thresholdPercent,
          evaluationPeriods: rate.evaluationPeriods,
          periods: [rate.periodSeconds],
        });
        for (const name of ["SignInThrottles", "SignUpThrottles", "TokenRefreshThrottles"]) {
          expect(watching("AWS/Cognito", name, { UserPool: pools[0] })).toEqual(setting(m.throttles));
        }
        expect(watching("AWS/Lambda", "Errors", { FunctionName: m.lambdaFunctionName })).toEqual(setting(m.lambdaErrors));
        expect(watching("AWS/Lambda", "Throttles", { FunctionName: m.lambdaFunctionName })).toEqual(setting(m.lambdaThrottles));
        expect(watching("AWS/ApiGateway", "5XXError", { ApiName: m.apiGatewayName })).toEqual(setting(m.api5xx));
        expect(watching("AWS/ApiGateway", "Latency", { ApiName: m.apiGatewayName })).toEqual(setting(m.apiLatencyP99Ms));
        if (up.threatProtection !== "OFF") {
          expect(watching("AWS/Cognito", "AccountTakeoverRisk", { UserPoolId: pools[0] })).toEqual(setting(m.riskEvents));
          expect(watching("AWS/Cognito", "CompromisedCredentialRisk", { UserPoolId: pools[0] })).toEqual(setting(m.riskEvents));
        }

        // Logs kept as long as config says, encrypted with a customer key, except the destinations of
        // Cognito's log export, which AWS requires without a KMS key (stacks/constructs/audit/log-delivery.ts).
        const groups = await readLogGroups(c);
        const cognitoDestinations: string[] = env.audit.userActivityLogs ? Object.values(auditLogGroupNames(env)) : [];
        expect(groups.length).toBeGreaterThan(0);
        for (const g of groups)
          expect({ group: g.name, retention: g.retention, encrypted: Boolean(g.kmsKey) }).toEqual({
            group: g.name,
            retention: m.logRetentionDays,
            encrypted: !cognitoDestinations.includes(g.name as string),
          });

        // Security-relevant Cognito changes (and, with a web ACL, AWS WAF ones: an $or of patterns) reach the alert topic.
        const sources = (pattern: Record<string, unknown> | undefined): string[] =>
          [pattern, ...asList((pattern?.$or ?? []) as Record<string, unknown>[])].flatMap((p) => asList(p?.source as string | string[]));
        const rules = (await readRules(c)).filter((r) => sources(r.pattern).includes("aws.cognito-idp"));
        expect(
          rules.map((r) => ({
            state: r.state,
            notifiesTopic: r.targets.includes(topic.arn),
            waf: sources(r.pattern).includes("aws.wafv2"),
          })),
        ).toEqual([{ state: "ENABLED", notifiesTopic: true, waf: env.waf.mode !== "off" }]);

        // The web ACL guards this pool with its five rules in priority order (GetWebACL lists them in no set
        // order: the provider holds them as a set), and logs every request to
        // aws-waf-logs-taskflow-<env> with the credential headers redacted.
        const { WebACL: acl } = await c.waf.send(new GetWebACLForResourceCommand({ ResourceArn: pool?.Arn }));
        const expectedRules = [
          "AWS-AmazonIpReputationList",
          "AWS-KnownBadInputsRuleSet",
          "RateLimitPerIp",
          "RateLimitSignInApi",
          "RateLimitManagedLogin",
        ];
        expect({
          name: acl?.Name,
          rules: [...(acl?.Rules ?? [])].sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0)).map((r) => r.Name),
        }).toEqual(
          env.waf.mode === "off" ? { name: undefined, rules: [] } : { name: `taskflow-${env.name}-user-pool`, rules: expectedRules },
        );
        if (acl) {
          const { LoggingConfiguration: logging } = await c.waf.send(new GetLoggingConfigurationCommand({ ResourceArn: acl.ARN }));
          expect(logging).toMatchObject({
            LogDestinationConfigs: [`arn:aws:logs:${env.region}:${env.accountId}:log-group:aws-waf-logs-taskflow-${env.name}`],
            RedactedFields: [{ SingleHeader: { Name: "authorization" } }, { SingleHeader: { Name: "cookie" } }],
          });
          expect(groups.map((g) => g.name)).toContain(`aws-waf-logs-taskflow-${env.name}`);
        }
      }),
    );
  });

  test(`${env.name} and state-${env.name}: terraform plan -detailed-exitcode right after apply exits 0`, async () => {
    await Promise.all([expectNoChanges(env, env.name, "environment"), expectNoChanges(env, stateStack(env), "state")]);
  });
});

/** Environments whose state-<env> creates the access-log bucket (staging and prod as shipped). */
const withLogBucket = envs.flatMap((env) => {
  const target = accessLogTarget(env);
  return target.kind === "create" ? [{ name: env.name, env, logBucket: target.bucket }] : [];
});

describe.each(withLogBucket)("state-$name: the access-log bucket cannot be erased", ({ env, logBucket }) => {
  test("the deploying principal may not delete a log or a version, nor change or delete the lifecycle; versions are kept 30 days", async () => {
    expect(withLogBucket.map((e) => e.name)).toEqual(expect.arrayContaining(["staging", "prod"]));
    expectOk(shared.step(stateStack(env)));
    await withAwsClients(awsEnv(env), async (c) => {
      const denied = { name: "AccessDenied" };
      const key = `${env.state.bucket}/2026-12-06-00-00-00-EXAMPLE`;
      await expect(c.s3.send(new DeleteObjectCommand({ Bucket: logBucket, Key: key }))).rejects.toMatchObject(denied);
      await expect(c.s3.send(new DeleteObjectCommand({ Bucket: logBucket, Key: key, VersionId: "any" }))).rejects.toMatchObject(denied);
      await expect(
        c.s3.send(
          new PutBucketLifecycleConfigurationCommand({
            Bucket: logBucket,
            LifecycleConfiguration: {
              Rules: [
                { ID: "erase", Status: "Enabled", Filter: {}, Expiration: { Days: 1 }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
              ],
            },
          }),
        ),
      ).rejects.toMatchObject(denied);
      await expect(c.s3.send(new DeleteBucketLifecycleCommand({ Bucket: logBucket }))).rejects.toMatchObject(denied);
      const bucket = await readStateBucket(c, logBucket);
      expect(bucket.lifecycle).toEqual([
        expect.objectContaining({ status: "Enabled", noncurrentDays: env.state.accessLogNoncurrentVersionDays }),
      ]);
      expect(env.state.accessLogNoncurrentVersionDays).toBeGreaterThanOrEqual(30);
    });
  });
});

describe(`${prod.name}: the guards`, () => {
  test(`allowed_account_ids: deploying ${prod.name} with ${dev.name}'s credentials fails before anything changes`, async () => {
    const before = await withAwsClients(awsEnv(prod), (c) => stateVersions(c, prod.state.bucket, prod.state.key));
    const r = await cdktf(
      ["deploy", prod.name, ...DEPLOY_FLAGS],
      awsEnv(dev),
      `cdktf deploy ${prod.name} with ${dev.name}'s credentials (must fail)`,
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(`AWS account ID not allowed: ${dev.accountId}`);
    expect(r.stdout + r.stderr).not.toMatch(/Creating\.\.\.|Modifying\.\.\.|Destroying\.\.\./);
    await withAwsClients(awsEnv(prod), async (c) => expect(await stateVersions(c, prod.state.bucket, prod.state.key)).toEqual(before));
    // Nothing of prod's was created in dev's account either.
    await withAwsClients(awsEnv(dev), async (c) => expect(await userPoolsNamed(c, prod.userPool.name)).toEqual([]));
  });

  test(`state locking: while one apply of ${prod.name} holds the lock, a second apply fails on it, and the state is intact`, async () => {
    const { bucket, key, lockTable } = prod.state;
    const before = await withAwsClients(awsEnv(prod), (c) => readRemoteState(c, bucket, key));
    // An apply that stops at its approval prompt holds the lock until it is answered. It needs a
    // pending change to prompt: a replacement of a resource that may be replaced (never applied).
    const synthesized = stackJson(copy, prod.name).resource as Record<
      string,
      Record<string, { lifecycle?: { prevent_destroy?: boolean } }>
    >;
    const replaceable = before.addresses.find((a) => {
      const [type, name] = a.split(".");
      return !synthesized[type]?.[name]?.lifecycle?.prevent_destroy;
    });
    expect(replaceable).toBeDefined();
    const holder = start("terraform", ["apply", "-lock=true", `-replace=${replaceable}`, "-no-color"], {
      cwd: copy.stackDir(prod.name),
      env: { ...tf.env, ...awsEnv(prod), TF_INPUT: "1" },
      label: `terraform apply ${prod.name} holding the lock at its prompt`,
      timer,
      timeoutMs: 150_000,
    });
    try {
      await holder.waitFor("Enter a value:", 120_000);
      await withAwsClients(awsEnv(prod), async (c) => {
        const held = await lockItem(c, lockTable, `${bucket}/${key}`);
        expect(JSON.parse(held?.Info ?? "{}")).toEqual(expect.objectContaining({ Operation: "OperationTypeApply" }));
        expect(await objectExists(c, bucket, `${key}.tflock`)).toBe(true);
      });
      const second = await terraform(
        prod.name,
        ["apply", "-auto-approve", "-input=false", "-lock-timeout=0s", "-no-color"],
        awsEnv(prod),
        `second terraform apply ${prod.name} (must fail on the lock)`,
      );
      expect(second.code).not.toBe(0);
      expect(second.stdout + second.stderr).toContain("Error acquiring the state lock");
    } finally {
      holder.write("no\n");
      holder.closeStdin();
    }
    const first = await holder.done;
    expect(first.stdout + first.stderr).toMatch(/Apply cancelled/);
    await withAwsClients(awsEnv(prod), async (c) => {
      const after = await readRemoteState(c, bucket, key);
      expect(after.serial).toBeGreaterThanOrEqual(before.serial);
      expect(after.lineage).toBe(before.lineage);
      expect(after.addresses).toEqual(before.addresses);
      expect(await lockItem(c, lockTable, `${bucket}/${key}`)).toBeUndefined();
      expect(await objectExists(c, bucket, `${key}.tflock`)).toBe(false);
    });
  });

  test(`prevent_destroy: destroying ${prod.name} is refused at plan time and the user pool is still there`, async () => {
    // What `cdktf destroy prod` runs first; cdktf's own output sometimes loses Terraform's final error
    // text, so the reason is asserted on Terraform's output directly.
    const before = await withAwsClients(awsEnv(prod), (c) => readRemoteState(c, prod.state.bucket, prod.state.key));
    const r = await terraform(
      prod.name,
      ["plan", "-destroy", "-input=false", "-lock-timeout=60s", "-no-color"],
      awsEnv(prod),
      `terraform plan -destroy ${prod.name} (must be refused)`,
    );
    expect(r.code).toBe(1);
    const output = r.stdout + r.stderr;
    expect(output).toContain("Instance cannot be destroyed");
    expect(output).toMatch(/aws_cognito_user_pool\.\S+ has\s+lifecycle\.prevent_destroy set/);
    await withAwsClients(awsEnv(prod), async (c) => {
      const pools = await userPoolsNamed(c, prod.userPool.name);
      expect(pools).toHaveLength(1);
      expect((await readUserPool(c, pools[0])).pool?.DeletionProtection).toBe("ACTIVE");
      expect((await readRemoteState(c, prod.state.bucket, prod.state.key)).addresses).toEqual(before.addresses);
    });
  });
});
