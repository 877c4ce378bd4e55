/**
 * Drift detection over recorded refresh-only plans (fixtures/drift*.plan.json, see RECORDING.md):
 * what counts as drift and as security drift, masking, the two reports, the exit statuses, and the
 * command's runs of Terraform with a fake Io, including --all and skipping init.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { drift } from "../../scripts/drift";
import { clientsOfManagedLoginV2 } from "../../scripts/lib/review/branding-check";
import { analyseDrift, driftJson, renderDrift } from "../../scripts/lib/review/drift-report";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import type { Json, PlanJson } from "../../scripts/lib/review/plan-json";
import { findStack } from "../../scripts/lib/cli/stacks";
import { loadEnvironments } from "../../config";
import { callText, fakeIo, removeTempDirs, tempDir, type Call } from "./fake-io";

afterAll(removeTempDirs);

const text = (name: string) => readFileSync(join(__dirname, "fixtures", `${name}.plan.json`), "utf8");
const recorded = (name: string) => JSON.parse(text(name)) as PlanJson;
/** The recorded drift with only the resources named kept: variants share one recording instead of near-copies. */
const only = (...addresses: string[]): PlanJson => {
  const plan = recorded("drift");
  return { ...plan, resource_drift: plan.resource_drift?.filter((r) => addresses.includes(r.address)) };
};
const DASHBOARD = "aws_cloudwatch_dashboard.operations";
const SECRET = "aws_ssm_parameter.webhook_token";

const envs = loadEnvironments();
const dev = findStack("dev", envs)!;
const context = { target: dev, checkedAt: "2026-01-01T00:00:00Z", terraformVersion: "1.11.0", exitCode: 5 };

describe("what a refresh-only plan says", () => {
  test("right after apply: Terraform lists objects whose values differ only as null vs [] or {}; that is no drift", () => {
    const plan = recorded("drift-none");
    expect(plan.resource_drift?.length).toBeGreaterThan(0); // the noise is really there
    expect(analyseDrift(plan)).toEqual({ status: "none", resources: [], controls: [], resourcesInState: 6 });
  });

  test("console changes: every changed attribute per resource, before (state) → after (AWS)", () => {
    const a = analyseDrift(recorded("drift"));
    const attrs = (address: string) => a.resources.find((r) => r.address === address)?.attributes.map((x) => [x.path, x.before, x.after]);
    expect(attrs("aws_cognito_user_pool.user_pool")).toEqual([
      ["deletion_protection", '"ACTIVE"', '"INACTIVE"'],
      ["mfa_configuration", '"OPTIONAL"', '"OFF"'],
      // UpdateUserPool resets what it is not given: the password policy fell back to Cognito's defaults.
      ["password_policy.minimum_length", "12", "8"],
      ["password_policy.temporary_password_validity_days", "3", "7"],
      ["software_token_mfa_configuration", '[{"enabled":true}]', "null"],
    ]);
    expect(attrs("aws_cognito_user_pool_client.web_client")).toEqual([
      [
        "callback_urls",
        '["https://drift.example.com/auth/callback"]',
        '["https://attacker.example.net/callback","https://drift.example.com/auth/callback"]',
      ],
    ]);
    expect(attrs("aws_cloudwatch_metric_alarm.sign_in_throttles")).toEqual([
      ["alarm_description", '"Sign-ins are throttled"', '"changed by hand"'],
      ["threshold", "1", "100"],
    ]);
  });

  test("each attribute of a security control names its control; others name none", () => {
    const a = analyseDrift(recorded("drift"));
    const controls = Object.fromEntries(a.resources.flatMap((r) => r.attributes.map((x) => [`${r.address} ${x.path}`, x.controls])));
    expect(controls).toEqual({
      "aws_cognito_user_pool.user_pool deletion_protection": ["CognitoUserPoolDeletionProtection"],
      "aws_cognito_user_pool.user_pool mfa_configuration": ["CognitoUserPoolTotpMfa"],
      "aws_cognito_user_pool.user_pool password_policy.minimum_length": ["CognitoUserPoolMinimumPasswordLength"],
      "aws_cognito_user_pool.user_pool password_policy.temporary_password_validity_days": ["CognitoUserPoolPasswordComplexity"],
      "aws_cognito_user_pool.user_pool software_token_mfa_configuration": ["CognitoUserPoolTotpMfa"],
      "aws_cognito_user_pool_client.web_client callback_urls": ["CognitoAppClientOAuthCodeFlow"],
      "aws_cloudwatch_metric_alarm.sign_in_throttles alarm_description": [],
      "aws_cloudwatch_metric_alarm.sign_in_throttles threshold": ["AlarmThresholds"],
      [`${SECRET} value`]: [],
      [`${SECRET} version`]: [],
    });
    expect(a.status).toBe("security-drift");
    expect(a.controls).toEqual([
      "CognitoUserPoolMinimumPasswordLength",
      "CognitoUserPoolPasswordComplexity",
      "CognitoUserPoolTotpMfa",
      "CognitoUserPoolDeletionProtection",
      "CognitoAppClientOAuthCodeFlow",
      "AlarmThresholds",
    ]);
  });

  test("attributes another resource of the stack sets (topic policy, pool domain, a policy's attachments) are not drift of their owner", () => {
    const plan = recorded("drift-none");
    const change = (type: string, before: Json, after: Json) => ({
      address: `${type}.x`,
      mode: "managed" as const,
      type,
      name: "x",
      change: { actions: ["update"], before, after },
    });
    const a = analyseDrift({
      ...plan,
      resource_drift: [
        // After the first apply: the topic policy and the domain resources ran after these were stored.
        change("aws_sns_topic", { name: "t", policy: '{"Id":"__default_policy_ID"}' }, { name: "t", policy: '{"Statement":[]}' }),
        change("aws_cognito_user_pool", { name: "p", domain: "" }, { name: "p", domain: "taskflow-dev" }),
        // The CI roles' read policy, attached to both roles after it was stored.
        change("aws_iam_policy", { name: "ci-read", attachment_count: 0 }, { name: "ci-read", attachment_count: 2 }),
      ],
    });
    expect(a.status).toBe("none");
    // The same policy's document changed outside Terraform still is drift.
    const edited = analyseDrift({
      ...plan,
      resource_drift: [change("aws_iam_policy", { name: "ci-read", policy: "{}" }, { name: "ci-read", policy: '{"Statement":[]}' })],
    });
    expect(edited.status).not.toBe("none");
  });

  test("an optional number AWS leaves out, read back as 0 where the state holds null, is no drift; 1 → 0 is", () => {
    const plan = recorded("drift-none");
    const alarm = (before: Json, after: Json) => ({
      address: "aws_cloudwatch_metric_alarm.rate",
      mode: "managed" as const,
      type: "aws_cloudwatch_metric_alarm",
      name: "rate",
      change: {
        actions: ["update"],
        before: { metric_query: [{ id: "m1", period: before }] },
        after: { metric_query: [{ id: "m1", period: after }] },
      },
    });
    expect(analyseDrift({ ...plan, resource_drift: [alarm(null, 0)] }).status).toBe("none");
    expect(analyseDrift({ ...plan, resource_drift: [alarm(300, 0)] }).resources[0].attributes).toEqual([
      { path: "metric_query.period", before: "300", after: "0", controls: ["AlarmThresholds"] },
    ]);
  });

  test("a resource deleted outside Terraform is reported as deleted; without a control it is plain drift", () => {
    const a = analyseDrift(only(DASHBOARD));
    expect(a).toMatchObject({
      status: "drift",
      controls: [],
      resources: [{ address: DASHBOARD, status: "deleted", attributes: [], controls: [] }],
    });
  });

  test("a deleted resource that carries a control is security drift (its controls are gone with it)", () => {
    const plan = only(DASHBOARD);
    const alarmGone = { ...plan.resource_drift![0], address: "aws_cloudwatch_metric_alarm.gone", type: "aws_cloudwatch_metric_alarm" };
    const a = analyseDrift({ ...plan, resource_drift: [alarmGone] });
    expect(a.status).toBe("security-drift");
    expect(a.resources[0].controls).toEqual(["AlarmNotifiesTopic", "AlarmThresholds"]);
  });

  test("sensitive values stay masked in drift.md and drift.json; only that they changed is shown", () => {
    const a = analyseDrift(only(SECRET));
    expect(a.resources[0].attributes[0]).toEqual({ path: "value", before: "(sensitive)", after: "(sensitive)", controls: [] });
    const md = renderDrift(a, context);
    const json = JSON.stringify(driftJson(a, context));
    for (const out of [md, json]) {
      expect(out).not.toContain("recorded-secret-v1-do-not-print");
      expect(out).not.toContain("changed-secret-do-not-print");
    }
    expect(text("drift")).toContain("changed-secret-do-not-print"); // the recording has it in clear
  });
});

describe("drift.md", () => {
  test("security drift first, in a CAUTION block naming control, resource, attribute and both values", () => {
    const md = renderDrift(analyseDrift(recorded("drift")), context);
    const caution = md.indexOf("> [!CAUTION]");
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(md.indexOf("## Changed outside Terraform"));
    expect(md).toContain("> **Security drift: 6 controls changed outside Terraform.**");
    expect(md).toContain('> - **CognitoUserPoolTotpMfa**: `aws_cognito_user_pool.user_pool` `mfa_configuration`: `"OPTIONAL"` → `"OFF"`');
    expect(md).toContain("> - **AlarmThresholds**: `aws_cloudwatch_metric_alarm.sign_in_throttles` `threshold`: `1` → `100`");
    expect(md).not.toMatch(/> - .*alarm_description/);
  });

  test("every changed attribute is a table row; deleted resources are listed with what plan will do", () => {
    const md = renderDrift(analyseDrift(recorded("drift")), context);
    expect(md).toContain(
      '| `aws_cloudwatch_metric_alarm.sign_in_throttles` | `alarm_description` | `"Sign-ins are throttled"` | `"changed by hand"` |  |',
    );
    expect(md).toContain("| `aws_cloudwatch_metric_alarm.sign_in_throttles` | `threshold` | `1` | `100` | AlarmThresholds |");
    expect(md).toContain("**4** resources changed and **1** deleted outside Terraform.");
    expect(md).toContain(`## Deleted outside Terraform\n\n- \`${DASHBOARD}\`: \`npm run plan\` will create it again.`);
    expect(md).toContain("| Account / region | 111111111111 / ap-northeast-1 |");
  });

  test("no drift says so, with the number of resources checked", () => {
    const md = renderDrift(analyseDrift(recorded("drift-none")), { ...context, exitCode: 0 });
    expect(md).toContain("**No drift.** AWS matches the state of `dev` for all 6 resources.");
    expect(md).not.toContain("CAUTION");
  });
});

describe("drift.json has the same facts for machines", () => {
  test("status, exit code, controls, one finding per control and attribute, and every resource", () => {
    const json = driftJson(analyseDrift(recorded("drift")), context) as Record<string, unknown>;
    expect(json).toMatchObject({ stack: "dev", account: "111111111111", status: "security-drift", exitCode: 5, resourcesInState: 6 });
    expect(json.securityDrift).toContainEqual({
      control: "CognitoAppClientOAuthCodeFlow",
      address: "aws_cognito_user_pool_client.web_client",
      path: "callback_urls",
      before: '["https://drift.example.com/auth/callback"]',
      after: '["https://attacker.example.net/callback","https://drift.example.com/auth/callback"]',
    });
    expect(json.securityDrift).toHaveLength(7); // 6 controls; MFA is touched by two attributes
    expect((json.resources as unknown[]).length).toBe(5);
  });
});

/** Fake Terraform answering show -json with a plan. */
const showing = (plan: PlanJson | string) => (call: Call) =>
  call.args.includes("-json") ? { code: 0, stdout: typeof plan === "string" ? plan : JSON.stringify(plan) } : { code: 0, stdout: "" };

describe("npm run drift -- <stack>", () => {
  test.each([
    ["no drift", "drift-none", EXIT.OK, "none"],
    ["drift without a control", "dashboard only", EXIT.CHANGES, "drift"],
    ["security drift", "drift", EXIT.SECURITY_DRIFT, "security-drift"],
  ])("%s: exit %s, drift.md and drift.json written, the refresh-only plan file removed", async (_, which, code, status) => {
    const plan = which === "dashboard only" ? only(DASHBOARD) : recorded(which);
    const io = fakeIo({ capture: showing(plan) });
    expect(await drift(["dev"], io)).toBe(code);
    const dir = join(io.root, "plans", "dev");
    expect(io.calls.map(callText)).toEqual([
      "node scripts/run-ts.js main.ts",
      "terraform init -input=false",
      `terraform plan -input=false -refresh-only -out=${join(dir, "drift.tfplan")}`,
      `terraform show -json ${join(dir, "drift.tfplan")}`,
    ]);
    expect(JSON.parse(readFileSync(join(dir, "drift.json"), "utf8"))).toMatchObject({ status, exitCode: code });
    expect(readFileSync(join(dir, "drift.md"), "utf8")).toContain("# Drift: dev");
    expect(existsSync(join(dir, "drift.tfplan"))).toBe(false);
  });

  test("a failed refresh exits 1 and leaves no report from an earlier run", async () => {
    const root = tempDir();
    mkdirSync(join(root, "plans", "dev"), { recursive: true });
    writeFileSync(join(root, "plans", "dev", "drift.md"), "old report");
    const io = fakeIo({ root, run: (call) => (call.args.includes("plan") ? 1 : 0) });
    expect(await drift(["dev"], io)).toBe(EXIT.FAILED);
    expect(existsSync(join(root, "plans", "dev", "drift.md"))).toBe(false);
    expect(io.stderr).toContain("terraform plan -refresh-only of dev failed");
  });

  test("--help shows both forms, the credentials rule of --all and exit status 5", async () => {
    const io = fakeIo();
    expect(await drift(["--help"], io)).toBe(EXIT.OK);
    expect(io.stdout).toMatch(/^Usage: npm run drift -- <stack> \| --all\n/);
    expect(io.stdout).toContain("TASKFLOW_AWS_PROFILE_<ENV>");
    expect(io.stdout).toContain("  5   drift: security drift");
  });

  test("a stack together with --all is a usage error", async () => {
    const io = fakeIo();
    expect(await drift(["dev", "--all"], io)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain('expected no arguments, got "dev"');
    expect(io.calls).toEqual([]);
  });
});

describe("npm run drift -- --all", () => {
  const ACCOUNTS = Object.fromEntries(envs.map((e) => [e.name, e.accountId]));

  test("checks both stacks of each environment whose credentials reach its account, skips the others; one line each", async () => {
    const io = fakeIo({ capture: showing(recorded("drift-none")), callerAccount: () => ACCOUNTS.dev });
    expect(await drift(["--all"], io)).toBe(EXIT.OK);
    expect(io.stdout.trim().split("\n")).toEqual([
      "state-dev       no drift (6 resources in state)",
      "dev             no drift (6 resources in state)",
      `state-staging   skipped: this process's credentials are for account ${ACCOUNTS.dev}, not ${ACCOUNTS.staging}`,
      `staging         skipped: this process's credentials are for account ${ACCOUNTS.dev}, not ${ACCOUNTS.staging}`,
      `state-prod      skipped: this process's credentials are for account ${ACCOUNTS.dev}, not ${ACCOUNTS.prod}`,
      `prod            skipped: this process's credentials are for account ${ACCOUNTS.dev}, not ${ACCOUNTS.prod}`,
    ]);
    expect(io.calls.filter((c) => c.args.includes("-refresh-only")).map((c) => c.args[0])).toEqual([
      `-chdir=${join(io.root, "cdktf.out/stacks/state-dev")}`,
      `-chdir=${join(io.root, "cdktf.out/stacks/dev")}`,
    ]);
    // stdout holds only the summary: Terraform's own output goes to stderr.
    expect(io.calls.filter((c) => c.command === "terraform" && c.args.includes("plan")).every((c) => c.options?.stdout === "stderr")).toBe(
      true,
    );
  });

  test("TASKFLOW_AWS_PROFILE_<ENV> names an environment's profile: STS and Terraform get AWS_PROFILE", async () => {
    const io = fakeIo({
      env: { TF_CLI_CONFIG_FILE: "/nonexistent", TASKFLOW_AWS_PROFILE_PROD: "taskflow-prod" },
      capture: showing(recorded("drift")),
      callerAccount: (env) => (env.AWS_PROFILE === "taskflow-prod" ? ACCOUNTS.prod : undefined),
    });
    expect(await drift(["--all"], io)).toBe(EXIT.SECURITY_DRIFT);
    const lines = io.stdout.trim().split("\n");
    expect(lines[0]).toBe("state-dev       skipped: no usable credentials from this process's credentials (Unable to locate credentials)");
    expect(lines[5]).toMatch(
      /^prod {12}SECURITY DRIFT in CognitoUserPoolMinimumPasswordLength, .* \(4 changed, 1 deleted outside Terraform\): plans\/prod\/drift\.md$/,
    );
    const prodPlan = io.calls.find((c) => c.args.includes("-refresh-only") && c.args[0].endsWith("/prod"));
    expect(prodPlan?.options?.env).toMatchObject({ AWS_PROFILE: "taskflow-prod" });
  });

  test("security drift in one stack outranks a failure in another: exit 5; a failure alone: exit 1", async () => {
    const failingState = (call: Call) => (call.args.includes("plan") && call.args[0].includes("state-") ? 1 : 0);
    const io = fakeIo({ run: failingState, capture: showing(recorded("drift")), callerAccount: () => ACCOUNTS.dev });
    expect(await drift(["--all"], io)).toBe(EXIT.SECURITY_DRIFT);
    expect(io.stdout).toContain("state-dev       failed: see the output above");
    const quiet = fakeIo({ run: failingState, capture: showing(recorded("drift-none")), callerAccount: () => ACCOUNTS.dev });
    expect(await drift(["--all"], quiet)).toBe(EXIT.FAILED);
  });

  test("no environment's credentials available: exit 1, nothing synthesized", async () => {
    const io = fakeIo({ callerAccount: () => "999999999999" });
    expect(await drift(["--all"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("No environment's credentials are available: nothing was checked.");
    expect(io.calls).toEqual([]);
  });
});

describe("terraform init runs only when the working directory needs it", () => {
  /** A project root with a synthesized dev stack and a .terraform folder (as init leaves it). */
  function initialisedRoot(): string {
    const root = tempDir();
    const dir = join(root, "cdktf.out", "stacks", "dev");
    mkdirSync(join(dir, ".terraform"), { recursive: true });
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ terraform: { backend: { s3: { bucket: "b", key: "k" } } } }));
    writeFileSync(join(dir, ".terraform.lock.hcl"), "# lock v1\n");
    return root;
  }
  const inits = (calls: Call[]) => calls.filter((c) => c.args.includes("init")).length;
  const runDrift = async (root: string) => {
    const io = fakeIo({ root, capture: showing(recorded("drift-none")) });
    await drift(["dev"], io);
    return io;
  };

  test("skipped (and said so) when backend, providers and lock file are what the last init saw", async () => {
    const root = initialisedRoot();
    expect(inits((await runDrift(root)).calls)).toBe(1);
    const second = await runDrift(root);
    expect(inits(second.calls)).toBe(0);
    expect(second.stderr).toContain(
      "terraform init skipped: cdktf.out/stacks/dev is initialised for this backend, these providers and this lock file.",
    );
  });

  test.each([
    [
      "the backend changes",
      (dir: string) => writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ terraform: { backend: { s3: { bucket: "other" } } } })),
    ],
    ["the lock file changes", (dir: string) => writeFileSync(join(dir, ".terraform.lock.hcl"), "# lock v2\n")],
  ])("run again when %s", async (_, change) => {
    const root = initialisedRoot();
    await runDrift(root);
    change(join(root, "cdktf.out", "stacks", "dev"));
    expect(inits((await runDrift(root)).calls)).toBe(1);
  });

  test("when Terraform still asks for init, init runs and the plan is tried once more", async () => {
    const root = initialisedRoot();
    await runDrift(root);
    let plans = 0;
    const io = fakeIo({
      root,
      run: (call) => {
        if (!call.args.includes("plan")) return 0;
        if (++plans > 1) return 0;
        call.options?.onStderr?.('Error: Backend initialization required, please run "terraform init"');
        return 1;
      },
      capture: showing(recorded("drift-none")),
    });
    expect(await drift(["dev"], io)).toBe(EXIT.OK);
    expect(io.calls.map(callText).filter((c) => c.startsWith("terraform"))).toEqual([
      `terraform plan -input=false -refresh-only -out=${join(root, "plans/dev/drift.tfplan")}`,
      "terraform init -input=false",
      `terraform plan -input=false -refresh-only -out=${join(root, "plans/dev/drift.tfplan")}`,
      `terraform show -json ${join(root, "plans/dev/drift.tfplan")}`,
    ]);
  });
});

/**
 * A branding style deleted in Cognito (console, DeleteManagedLoginBranding) leaves its CloudFormation
 * stack and so the refresh-only plan unchanged; drift asks Cognito for each client's style. The
 * recordings have no auth domain, so the recorded state gets the domain every environment deploys
 * (managed login version 2, on the recorded pool) added here.
 */
describe("an app client of a managed login v2 domain without its branding style (sign-in unavailable)", () => {
  const base = recorded("drift-none");
  const resources = base.prior_state?.values?.root_module?.resources ?? [];
  const pool = resources.find((r) => r.address === "aws_cognito_user_pool.user_pool")?.values?.id as string;
  const client = resources.find((r) => r.address === "aws_cognito_user_pool_client.web_client")?.values?.id as string;
  const withDomain = (version: number): PlanJson => ({
    ...base,
    prior_state: {
      values: {
        root_module: {
          resources: [
            ...resources,
            {
              address: "aws_cognito_user_pool_domain.auth_domain",
              mode: "managed",
              type: "aws_cognito_user_pool_domain",
              values: { domain: "taskflow-dev", user_pool_id: pool, managed_login_version: version },
            },
          ],
        },
      },
    },
  });
  const unstyled = () => ({ managedLoginBrandingId: async () => undefined });

  test("1. the recording holds the pool and client the check reads (sanity)", () => {
    expect([pool, client].every((id) => typeof id === "string" && id.length > 0)).toBe(true);
  });

  test("2. the clients checked are exactly those whose pool has a managed login v2 domain", () => {
    expect(clientsOfManagedLoginV2(withDomain(2))).toEqual([
      { address: "aws_cognito_user_pool_client.web_client", userPoolId: pool, clientId: client },
    ]);
    expect(clientsOfManagedLoginV2(withDomain(1))).toEqual([]);
    expect(clientsOfManagedLoginV2(base)).toEqual([]);
  });

  test("3. a client without a style is security drift: exit 5, drift.md says sign-in is unavailable and how to restore it", async () => {
    const io = fakeIo({ capture: showing(withDomain(2)), aws: unstyled });
    expect(await drift(["dev"], io)).toBe(EXIT.SECURITY_DRIFT);
    expect(io.awsCalls).toEqual([`managedLoginBrandingId ${pool} ${client}`]);
    const md = readFileSync(join(io.root, "plans", "dev", "drift.md"), "utf8");
    expect(md).toContain(
      `> - **CognitoManagedLoginBranding**: \`aws_cognito_user_pool_client.web_client\` (client \`${client}\`) has **no managed login branding style**: sign-in unavailable`,
    );
    expect(md).toContain("## Sign-in unavailable: app clients without a managed login branding style");
    expect(md).toContain('managed login shows "Login pages unavailable" instead of the sign-in page');
    expect(md).toContain("`npm run plan -- dev --replace aws_cloudformation_stack.managed_login_branding`");
    expect(md).toContain("CloudTrail `DeleteManagedLoginBranding`");
    expect(io.stderr).toContain(
      "dev             SECURITY DRIFT in CognitoManagedLoginBranding (0 changed, 0 deleted outside Terraform, 1 app client(s) without a sign-in page)",
    );
  });

  test("4. drift.json lists the finding for machines", async () => {
    const io = fakeIo({ capture: showing(withDomain(2)), aws: unstyled });
    await drift(["dev"], io);
    const json = JSON.parse(readFileSync(join(io.root, "plans", "dev", "drift.json"), "utf8"));
    expect(json).toMatchObject({ status: "security-drift", exitCode: 5, securityControls: ["CognitoManagedLoginBranding"] });
    expect(json.securityDrift).toEqual([
      { control: "CognitoManagedLoginBranding", address: "aws_cognito_user_pool_client.web_client", signInUnavailable: true },
    ]);
  });

  test("5. a client that has its style is no drift (exit 0)", async () => {
    const io = fakeIo({ capture: showing(withDomain(2)) });
    expect(await drift(["dev"], io)).toBe(EXIT.OK);
    expect(io.awsCalls).toEqual([`managedLoginBrandingId ${pool} ${client}`]);
  });

  test("6. when Cognito cannot be asked, drift fails (exit 1) naming the permission, and writes no report", async () => {
    const denied = () => ({
      managedLoginBrandingId: async () => {
        throw Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });
      },
    });
    const io = fakeIo({ capture: showing(withDomain(2)), aws: denied });
    expect(await drift(["dev"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("cognito-idp:DescribeManagedLoginBrandingByClient): AccessDeniedException: not authorized");
    expect(existsSync(join(io.root, "plans", "dev", "drift.md"))).toBe(false);
  });

  test("7. --all asks Cognito with the environment's profile (TASKFLOW_AWS_PROFILE_<ENV>)", async () => {
    const io = fakeIo({
      env: { TF_CLI_CONFIG_FILE: "/nonexistent", TASKFLOW_AWS_PROFILE_DEV: "taskflow-dev" },
      capture: showing(withDomain(2)),
      callerAccount: (env) => (env.AWS_PROFILE === "taskflow-dev" ? envs.find((e) => e.name === "dev")!.accountId : undefined),
      aws: unstyled,
    });
    expect(await drift(["--all"], io)).toBe(EXIT.SECURITY_DRIFT);
    expect(io.awsCalls).toContain(`managedLoginBrandingId@taskflow-dev ${pool} ${client}`);
  });
});

describe("AWS WAF switched off outside Terraform (fixtures/drift-waf*.plan.json)", () => {
  const ACL = "aws_wafv2_web_acl.user_pool_web_acl";
  const ASSOCIATION = "aws_wafv2_web_acl_association.user_pool_web_acl";
  const LOGGING = "aws_wafv2_web_acl_logging_configuration.user_pool_web_acl_logging";
  const wafPlan = recorded("drift-waf");
  const entry = (address: string) => wafPlan.resource_drift!.find((r) => r.address === address)!;
  /** Only the web ACL's drift, with its state as recorded except what `change` takes from the recorded AWS side. */
  const webAclWith = (change: (before: Json, after: Json) => Json): PlanJson => {
    const acl = entry(ACL);
    const before = acl.change.before as Record<string, Json>;
    return {
      ...wafPlan,
      resource_drift: [
        { ...acl, change: { ...acl.change, after: { ...before, ...(change(before, acl.change.after ?? null) as object) } } },
      ],
    };
  };
  /** The recorded rule at `index` with one of its keys as AWS returned it after the change. */
  const ruleWith = (index: number, key: string) => (before: Json, after: Json) => {
    const rules = (before as Record<string, Json[]>).rule;
    const changed = ((after as Record<string, Json[]>).rule[index] as Record<string, Json>)[key];
    return { rule: rules.map((r, i) => (i === index ? { ...(r as object), [key]: changed } : r)) };
  };
  const findings = (plan: PlanJson) => {
    const a = analyseDrift(plan);
    return { status: a.status, controls: a.controls, attributes: a.resources.flatMap((r) => r.attributes.map((x) => [x.path, x.after])) };
  };

  test("right after apply: a pool behind a logging web ACL shows no drift", () => {
    expect(analyseDrift(recorded("drift-waf-none"))).toEqual({ status: "none", resources: [], controls: [], resourcesInState: 5 });
  });

  test("the rate rule's action switched from block to count is security drift (UserPoolWebAclRules)", () => {
    expect(findings(webAclWith(ruleWith(0, "action")))).toEqual({
      status: "security-drift",
      controls: ["UserPoolWebAclRules"],
      attributes: [
        ["rule[0].action.block", "null"],
        ["rule[0].action.count", '[{"custom_request_handling":[]}]'],
      ],
    });
  });

  test("the managed rule group's override switched from none to count is security drift (UserPoolWebAclRules)", () => {
    expect(findings(webAclWith(ruleWith(1, "override_action")))).toEqual({
      status: "security-drift",
      controls: ["UserPoolWebAclRules"],
      attributes: [
        ["rule[1].override_action.count", "[{}]"],
        ["rule[1].override_action.none", "null"],
      ],
    });
  });

  test("the default action switched from allow to block is security drift (UserPoolWebAcl)", () => {
    expect(findings(webAclWith((_, after) => ({ default_action: (after as Record<string, Json>).default_action })))).toEqual({
      status: "security-drift",
      controls: ["UserPoolWebAcl"],
      attributes: [
        ["default_action.allow", "null"],
        ["default_action.block", '[{"custom_response":[]}]'],
      ],
    });
  });

  test.each([
    ["the pool disassociated from the web ACL", ASSOCIATION, "UserPoolWebAclAssociation"],
    ["the request log deleted", LOGGING, "UserPoolWebAclRequestLog"],
  ])("%s is security drift: the resource is reported deleted, with its control", (_, address, control) => {
    const a = analyseDrift({ ...wafPlan, resource_drift: [entry(address)] });
    expect(a).toMatchObject({
      status: "security-drift",
      controls: [control],
      resources: [{ address, status: "deleted", controls: [control] }],
    });
  });

  test("npm run drift on the whole recording: exit 5, drift.md names every WAF control in its CAUTION block", async () => {
    const io = fakeIo({ capture: showing(wafPlan) });
    expect(await drift(["dev"], io)).toBe(EXIT.SECURITY_DRIFT);
    const md = readFileSync(join(io.root, "plans", "dev", "drift.md"), "utf8");
    expect(md).toContain("> **Security drift: 4 controls changed outside Terraform.**");
    expect(md).toContain(
      `> - **UserPoolWebAclRules**: \`${ACL}\` \`rule[0].action.count\`: \`null\` → \`[{"custom_request_handling":[]}]\``,
    );
    expect(md).toContain(`> - **UserPoolWebAclAssociation**: \`${ASSOCIATION}\` was **deleted** outside Terraform`);
    expect(md).toContain(`> - **UserPoolWebAclRequestLog**: \`${LOGGING}\` was **deleted** outside Terraform`);
  });
});
