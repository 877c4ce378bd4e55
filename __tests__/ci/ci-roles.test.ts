/**
 * The pipeline's way into each account (state-<env>): GitHub's OIDC provider and the plan and apply
 * roles. Trust is checked condition by condition, permissions statement by statement, in every
 * shipped environment; then what config changes.
 */
import { parseEnvironmentConfig, type EnvironmentConfig } from "../../config";
import { bootstrapStateKey } from "../../config/names";
import { ciRoleArn, ciSubjects } from "../../stacks/constructs/ci-roles/names";
import { describeRefusals } from "../support/config-problems";
import { ciRolePolicies } from "../support/ci-role-policies";
import { rawEnv, resourcesOf, type TfJson } from "../support/synth";
import { KEY, configOf, controlInEveryStateStack, ref, resourceAt, shippedStateStack, synthStateStack } from "../state/helpers";

const PROVIDER = "aws_iam_openid_connect_provider.github_actions";
const REPO = "example-org/taskflow-auth-infra";

interface Statement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal?: Record<string, string>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const trustOf = (json: TfJson, kind: "plan" | "apply"): Statement[] =>
  JSON.parse(resourceAt(json, `aws_iam_role.ci_${kind}`).assume_role_policy).Statement;
/** Every statement of every policy the role has (the managed read policy, and the apply role's inline one). */
const policyOf = (json: TfJson, kind: "plan" | "apply"): Statement[] =>
  Object.values(ciRolePolicies(json, kind)).flatMap((policy) => JSON.parse(policy).Statement);
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const actionsOf = (statements: Statement[], effect: "Allow" | "Deny" = "Allow"): string[] =>
  statements.filter((s) => s.Effect === effect).flatMap((s) => list(s.Action));

// GitHub OIDC identity provider

controlInEveryStateStack("GitHubOidcProvider", "one provider for GitHub's issuer, tokens for STS only", (json) => {
  const provider = resourceAt(json, PROVIDER);
  expect(provider.url).toBe("https://token.actions.githubusercontent.com");
  expect(provider.client_id_list).toEqual(["sts.amazonaws.com"]);
  // IAM checks GitHub's certificate against its trusted CAs; a pinned thumbprint only breaks on rotation.
  expect(provider.thumbprint_list).toBeUndefined();
});

// Trust policies: who may assume each role

for (const kind of ["plan", "apply"] as const) {
  describe(`CiRoleTrust (${kind})`, () => {
    test.each(["dev", "staging", "prod"] as const)(
      `state-%s: 1. one statement: Allow, only sts:AssumeRoleWithWebIdentity, only the GitHub provider`,
      (name) => {
        const trust = trustOf(shippedStateStack(name), kind);
        expect(trust).toHaveLength(1);
        expect(trust[0].Effect).toBe("Allow");
        expect(trust[0].Action).toBe("sts:AssumeRoleWithWebIdentity");
        expect(trust[0].Principal).toEqual({ Federated: ref(PROVIDER, "arn") });
      },
    );

    test.each(["dev", "staging", "prod"] as const)(`state-%s: 2. only StringEquals conditions (no StringLike wildcard)`, (name) => {
      const trust = trustOf(shippedStateStack(name), kind);
      expect(Object.keys(trust[0].Condition ?? {})).toEqual(["StringEquals"]);
      expect(Object.keys(trust[0].Condition!.StringEquals).sort()).toEqual([
        "token.actions.githubusercontent.com:aud",
        "token.actions.githubusercontent.com:sub",
      ]);
    });

    test.each(["dev", "staging", "prod"] as const)(`state-%s: 3. aud is exactly sts.amazonaws.com`, (name) => {
      const trust = trustOf(shippedStateStack(name), kind);
      expect(trust[0].Condition!.StringEquals["token.actions.githubusercontent.com:aud"]).toBe("sts.amazonaws.com");
    });

    test.each(["dev", "staging", "prod"] as const)(`state-%s: 4. sub lists exactly this repository's allowed contexts`, (name) => {
      const sub = trustOf(shippedStateStack(name), kind)[0].Condition!.StringEquals["token.actions.githubusercontent.com:sub"];
      const expected =
        kind === "apply" ? [`repo:${REPO}:environment:${name}`] : [`repo:${REPO}:environment:${name}`, `repo:${REPO}:ref:refs/heads/main`];
      expect(sub).toEqual(expected);
      for (const s of list(sub)) expect(s).not.toMatch(/[*?]/);
    });
  });
}

describe("CiApplyRoleTrust non-compliant contexts", () => {
  const sub = ciSubjects("prod", { githubRepository: REPO, mainBranch: "main" }, "apply");
  test.each([
    ["a pull request", `repo:${REPO}:pull_request`],
    ["a push to main outside the environment", `repo:${REPO}:ref:refs/heads/main`],
    ["another environment", `repo:${REPO}:environment:staging`],
    ["another repository's prod environment", "repo:example-org/other:environment:prod"],
  ])("the prod apply role does not accept %s", (_what, claim) => {
    expect(sub).not.toContain(claim);
  });
});

// Permission policies

controlInEveryStateStack("CiPlanRoleReadOnly", "plan and drift read; the only writes are the state locks", (json, env) => {
  const statements = policyOf(json, "plan");
  expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
  const writes = actionsOf(statements).filter((a) => !/^[a-z0-9-]+:(Describe|Get|List)/.test(a));
  expect(writes.sort()).toEqual(
    [
      "dynamodb:DeleteItem",
      "dynamodb:PutItem",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:Decrypt",
      "s3:PutObject",
      "s3:DeleteObject",
    ].sort(),
  );
  const bucket = `arn:aws:s3:::${env.state.bucket}`;
  // Object writes only to the two lock objects, never to a state object.
  for (const s of statements.filter((s) => list(s.Action).some((a) => a === "s3:PutObject" || a === "s3:DeleteObject"))) {
    expect(list(s.Resource).sort()).toEqual(
      [`${bucket}/${env.state.key}.tflock`, `${bucket}/${bootstrapStateKey(env.name)}.tflock`].sort(),
    );
  }
  // Lock items only in the lock table; data keys only from the state key.
  const table = `arn:aws:dynamodb:${env.region}:${env.accountId}:table/${env.state.lockTable}`;
  for (const s of statements.filter((s) => list(s.Action).some((a) => a.startsWith("dynamodb:") && a.endsWith("Item")))) {
    expect(s.Resource).toBe(table);
  }
  for (const s of statements.filter((s) => list(s.Action).includes("kms:GenerateDataKey"))) expect(s.Resource).toBe(ref(KEY, "arn"));
});

controlInEveryStateStack("CiRolesNoPersonalData", "refreshing never needs to list users or read their attributes", (json) => {
  for (const kind of ["plan", "apply"] as const) {
    const actions = actionsOf(policyOf(json, kind));
    expect(actions.filter((a) => /^cognito-idp:(ListUsers|AdminGetUser|ListUsersInGroup|AdminListDevices)/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.includes("*") && a.startsWith("cognito-idp:"))).toEqual([]);
  }
});

/** Allow statements on "*" and why they cannot name a resource (IAM Service Authorization Reference). */
const STAR_ALLOWED: Record<string, string> = {
  ReadProjectResources: "read actions without a resource type, or on ids only learned by reading",
  CreateUserPool: "cognito-idp:CreateUserPool has no resource type",
  CreateKeys: "kms:CreateKey has no resource type",
  ManageLogResourcePolicy: "logs:PutResourcePolicy/DeleteResourcePolicy have no resource type",
  RequestCertificate: "acm:RequestCertificate has no resource type",
  ManageSavedQueries: "logs:PutQueryDefinition/DescribeQueryDefinitions have no resource type",
  ReadSavedQueries: "logs:DescribeQueryDefinitions has no resource type",
  ManageLogDeliveries: "logs:CreateLogDelivery and the other log-delivery actions have no resource type",
};

controlInEveryStateStack("CiApplyRoleScoped", "services and name prefixes of this project, never *:*", (json, env) => {
  const statements = policyOf(json, "apply");
  const actions = actionsOf(statements);
  expect(actions.filter((a) => a === "*" || /^[a-z0-9-]+:\*$/.test(a))).toEqual([]);
  // No identity writes: a pipeline credential cannot widen its own trust or permissions.
  expect(actions.filter((a) => a.startsWith("iam:") && !/^iam:(Get|List)/.test(a))).toEqual([]);
  expect(actions.filter((a) => a.startsWith("sts:"))).toEqual([]);
  for (const s of statements.filter((s) => s.Effect === "Allow")) {
    for (const resource of list(s.Resource)) {
      if (resource === "*") {
        expect(Object.keys(STAR_ALLOWED)).toContain(s.Sid);
        continue;
      }
      if (resource.startsWith("${")) continue; // the state key, a reference within this stack
      // Every named resource is in this environment's account (S3 ARNs carry no account: the state bucket,
      // or the access-log bucket whose name carries the account).
      if (resource.startsWith("arn:aws:s3:::"))
        expect([env.state.bucket, `taskflow-tfstate-logs-${env.accountId}-`].some((b) => resource.startsWith(`arn:aws:s3:::${b}`))).toBe(
          true,
        );
      else expect(resource).toMatch(new RegExp(`^arn:aws:[a-z0-9-]+:[a-z0-9-]*:${env.accountId}:`));
    }
  }
});

controlInEveryStateStack("CiApplyRoleNamePrefixes", "writes only to TaskFlow-<env>-* / taskflow-<env>-* names", (json, env) => {
  const byId = Object.fromEntries(policyOf(json, "apply").map((s) => [s.Sid, s]));
  const r = `arn:aws:%s:${env.region}:${env.accountId}:`;
  const at = (service: string) => r.replace("%s", service);
  expect(list(byId.ManageAlarmsAndDashboard.Resource)).toEqual([
    `${at("cloudwatch")}alarm:TaskFlow-${env.name}-*`,
    `arn:aws:cloudwatch::${env.accountId}:dashboard/TaskFlow-${env.name}-*`,
  ]);
  expect(byId.ManageAlertTopic.Resource).toBe(`${at("sns")}taskflow-${env.name}-*`);
  const ownLogGroups = [
    `${at("logs")}log-group:/aws/events/taskflow-${env.name}-`,
    `${at("logs")}log-group:/aws/vendedlogs/cognito/taskflow-${env.name}/`,
    `${at("logs")}log-group:aws-waf-logs-taskflow-${env.name}`,
  ];
  expect(list(byId.ManageLogGroups.Resource)).toContain(`${at("logs")}log-group:/aws/events/taskflow-${env.name}-*`);
  expect(list(byId.ManageLogGroups.Resource).filter((g) => !ownLogGroups.some((p) => g.startsWith(p)))).toEqual([]);
  expect(byId.ManageSecurityEventRule.Resource).toBe(`${at("events")}rule/taskflow-${env.name}-*`);
  expect(list(byId.ManageKeys.Resource)).toEqual([`${at("kms")}key/*`]);
  expect(list(byId.ManageKeyAliases.Resource)).toEqual([`${at("kms")}alias/taskflow-${env.name}-*`]);
  expect(byId.ManageUserPools.Resource).toBe(`${at("cognito-idp")}userpool/*`);
  // The state: only the environment's own object, never the bootstrap stack's.
  expect(byId.StateWrite).toEqual({
    Sid: "StateWrite",
    Effect: "Allow",
    Action: ["s3:PutObject"],
    Resource: `arn:aws:s3:::${env.state.bucket}/${env.state.key}`,
  });
});

controlInEveryStateStack("CiApplyRoleStateKeyProtected", "key/* must not reach the key every state version depends on", (json) => {
  const deny = policyOf(json, "apply").filter((s) => s.Sid === "StateKeyUntouchable");
  expect(deny).toHaveLength(1);
  expect(deny[0].Resource).toBe(ref(KEY, "arn"));
  expect(list(deny[0].Action)).toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"]));
});

describe("CiApplyRoleCoversWafAndAuditTrail", () => {
  const statementsOf = (name: "dev" | "staging" | "prod") =>
    Object.fromEntries(policyOf(shippedStateStack(name), "apply").map((s) => [s.Sid, s]));
  test.each(["staging", "prod"] as const)(
    "1. %s (web ACL, exported Cognito logs, branding): the apply role's statements for them name exactly those resources",
    (name) => {
      const env = configOf(name);
      const at = (service: string) => `arn:aws:${service}:${env.region}:${env.accountId}:`;
      const byId = statementsOf(name);
      // Which actions each statement needs is proven by requests, not restated here: the shared deployment
      // applies as this role with every request authorized (real-terraform/ci-deploy-authz.test.ts).
      expect(list(byId.ManageWebAcl.Resource)).toEqual([
        `${at("wafv2")}regional/webacl/taskflow-${name}-user-pool/*`,
        `${at("cognito-idp")}userpool/*`,
      ]);
      expect(byId.ManageLogDeliveryStack.Resource).toBe(`${at("cloudformation")}stack/taskflow-${name}-cognito-log-delivery/*`);
      expect(byId.ManageBrandingStack.Resource).toBe(`${at("cloudformation")}stack/taskflow-${name}-managed-login-branding/*`);
      expect(list(byId.ManageLogGroups.Resource)).toEqual(
        expect.arrayContaining([
          `${at("logs")}log-group:aws-waf-logs-taskflow-${name}`,
          `${at("logs")}log-group:aws-waf-logs-taskflow-${name}:*`,
        ]),
      );
    },
  );
  test("2. dev (no web ACL, no exported logs): none of those statements", () => {
    const byId = statementsOf("dev");
    expect(["ManageWebAcl", "ManageLogDeliveryStack", "ManageAuditMetricFilters"].filter((sid) => sid in byId)).toEqual([]);
  });
});

describe("CiApplyRoleUserPoolDeletion", () => {
  test("1. dev (deletion protection off in config): the apply role may delete the throwaway pool", () => {
    expect(actionsOf(policyOf(shippedStateStack("dev"), "apply"))).toContain("cognito-idp:DeleteUserPool");
  });
  test.each(["staging", "prod"] as const)("2. %s (deletion protection on): the apply role cannot delete a pool", (name) => {
    expect(actionsOf(policyOf(shippedStateStack(name), "apply"))).not.toContain("cognito-idp:DeleteUserPool");
  });
});

controlInEveryStateStack(
  "CiRolePolicySize",
  "IAM refuses a role's inline policies over 10,240 characters together, a managed policy over 6,144 (whitespace not counted)",
  (json) => {
    const size = (policy: string) => policy.replace(/\s/g, "").length;
    for (const kind of ["plan", "apply"] as const) {
      const inline = Object.values<TfJson>(json.resource.aws_iam_role_policy ?? {}).filter(
        (p) => p.role === ref(`aws_iam_role.ci_${kind}`, "name"),
      );
      expect(inline.reduce((sum, p) => sum + size(p.policy), 0)).toBeLessThanOrEqual(10_240);
    }
    const managed = Object.values<TfJson>(json.resource.aws_iam_policy ?? {});
    expect(managed.length).toBeGreaterThan(0);
    for (const policy of managed) expect(size(policy.policy)).toBeLessThanOrEqual(6_144);
  },
);

controlInEveryStateStack("CiRoleSessions", "named for the environment; sessions end within the hour a job needs", (json, env) => {
  for (const kind of ["plan", "apply"] as const) {
    const role = resourceAt(json, `aws_iam_role.ci_${kind}`);
    expect(role.name).toBe(`taskflow-${env.name}-ci-${kind}`);
    expect(role.max_session_duration).toBe(3600);
    expect(resourceAt(json, `aws_iam_role_policy_attachment.ci_${kind}_read`)).toMatchObject({
      role: ref(`aws_iam_role.ci_${kind}`, "name"),
      policy_arn: ref("aws_iam_policy.ci_read", "arn"),
    });
    expect(`arn:aws:iam::${env.accountId}:role/${role.name}`).toBe(ciRoleArn(env, kind));
  }
});

// What config changes

describe("ci settings from config", () => {
  const prodWith = (ci: Record<string, unknown>): EnvironmentConfig => parseEnvironmentConfig(rawEnv("prod", { ci }), "prod");

  test("without ci.githubRepository, state-<env> has no OIDC provider, no CI role and no role outputs", () => {
    const env: EnvironmentConfig = { ...configOf("prod"), ci: { mainBranch: "main" } };
    const json = synthStateStack(env);
    expect(resourcesOf(json, "aws_iam_openid_connect_provider")).toEqual({});
    expect(resourcesOf(json, "aws_iam_role")).toEqual({});
    expect(Object.keys(json.output)).not.toContain("ci_plan_role_arn");
  });

  test('ci.oidcProvider "existing": the roles trust the account\'s provider, looked up by URL, and none is created', () => {
    const json = synthStateStack(prodWith({ oidcProvider: "existing" }));
    expect(resourcesOf(json, "aws_iam_openid_connect_provider")).toEqual({});
    expect(json.data.aws_iam_openid_connect_provider.github_actions.url).toBe("https://token.actions.githubusercontent.com");
    expect(trustOf(json, "apply")[0].Principal).toEqual({ Federated: "${data.aws_iam_openid_connect_provider.github_actions.arn}" });
  });

  test("another repository and main branch change exactly the sub claims", () => {
    const json = synthStateStack(prodWith({ githubRepository: "acme/auth", mainBranch: "release" }));
    expect(trustOf(json, "plan")[0].Condition!.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
      "repo:acme/auth:environment:prod",
      "repo:acme/auth:ref:refs/heads/release",
    ]);
  });

  test("a custom domain whose certificate is requested here lets the apply role request it in us-east-1 only", () => {
    const json = synthStateStack(
      parseEnvironmentConfig(rawEnv("prod", { authDomain: { customDomain: "auth.taskflow.example.com" } }), "prod"),
    );
    const byId = Object.fromEntries(policyOf(json, "apply").map((s) => [s.Sid, s]));
    expect(byId.RequestCertificate.Action).toEqual(["acm:RequestCertificate"]);
    expect(byId.ManageCertificate.Resource).toBe("arn:aws:acm:us-east-1:333333333333:certificate/*");
    expect(policyOf(shippedStateStack("prod"), "apply").map((s) => s.Sid)).not.toContain("RequestCertificate");
  });
});

describeRefusals([
  {
    rule: "ci.githubRepository format",
    env: "prod",
    compliant: { ci: { githubRepository: "acme/taskflow.auth-infra_2" } },
    nonCompliant: { ci: { githubRepository: "https://github.com/acme/auth" } },
    problem:
      'prod.ci.githubRepository: must be "owner/repository" as GitHub spells it, such as "example-org/taskflow-auth-infra", got "https://github.com/acme/auth"',
  },
]);
