/**
 * The CI roles of state-prod, exercised: simulated requests against the synthesized trust and
 * permission policies (@cloud-copilot/iam-simulate), each allowed or denied as AWS would decide it.
 */
import { arnOf, resolvedPolicy } from "../support/iam/policy-documents";
import { simulate, type SimulatedRequest } from "../support/iam/simulate";
import { ciRolePolicies } from "../support/ci-role-policies";
import { parseEnvironmentConfig } from "../../config";
import { rawEnv, synthConfig, synthStack } from "../support/synth";

// The first decisions read AWS's reference data (thousands of small JSON files) from disk: slow on a busy 2-core machine.
jest.setTimeout(60_000);

const state = synthStack("state-prod");
const ACCOUNT = "333333333333";
const REGION = "ap-northeast-1";
const REPO = "repo:example-org/taskflow-auth-infra";
const roleOf = (kind: "plan" | "apply") => ({
  arn: arnOf(state, `aws_iam_role.ci_${kind}`),
  trust: resolvedPolicy(state, state.resource.aws_iam_role[`ci_${kind}`].assume_role_policy),
  policies: Object.fromEntries(Object.entries(ciRolePolicies(state, kind)).map(([id, policy]) => [id, resolvedPolicy(state, policy)])),
});
const plan = roleOf("plan");
const apply = roleOf("apply");
const OIDC = arnOf(state, "aws_iam_openid_connect_provider.github_actions");
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/taskflow-tfstate-lock`;
const LOCK = "taskflow-tfstate-333333333333-ap-northeast-1/taskflow/prod/terraform.tfstate";
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const POOL = `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_AbCdEf123`;
const PROJECT = { "aws:ResourceTag/Project": "TaskFlow", "aws:ResourceTag/Environment": "prod" };
const API = { "aws:ResourceTag/Project": "TaskFlowApi", "aws:ResourceTag/Environment": "prod" };

const assume = (role: typeof plan, sub: string): SimulatedRequest => ({
  principal: OIDC,
  action: "sts:AssumeRoleWithWebIdentity",
  resource: role.arn,
  resourceAccount: ACCOUNT,
  resourcePolicy: role.trust,
  context: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": sub },
});
/** A key of the environment stack: its key policy lets the account's IAM policies decide (AccountAdministersKey). */
const KEY_POLICY = resolvedPolicy(synthStack("prod"), synthStack("prod").resource.aws_kms_key.alert_topic_key.policy);
const as = (role: typeof plan, action: string, resource: string, context: Record<string, string | string[]> = {}): SimulatedRequest => ({
  principal: role.arn,
  action,
  resource,
  resourceAccount: ACCOUNT,
  identityPolicies: role.policies,
  ...(action.startsWith("kms:") && resource !== "*" ? { resourcePolicy: KEY_POLICY } : {}),
  context,
});
const decisionOf = async (req: SimulatedRequest) => (await simulate(req)).decision;

describe("CiPlanRoleNotForPullRequests: a pull request's OIDC token gets neither CI role", () => {
  test("1. compliant: a push to main assumes the plan role (the merged commit's plan, drift)", async () => {
    expect(await decisionOf(assume(plan, `${REPO}:ref:refs/heads/main`))).toBe("Allowed");
  });
  test("2. compliant: a job in the prod environment assumes the apply role", async () => {
    expect(await decisionOf(assume(apply, `${REPO}:environment:prod`))).toBe("Allowed");
  });
  test.each([
    ["plan", plan],
    ["apply", apply],
  ] as const)("3. non-compliant: a pull request's token cannot assume the %s role", async (_, role) => {
    expect(await decisionOf(assume(role, `${REPO}:pull_request`))).toBe("ImplicitlyDenied");
  });
});

describe("CiStateLockItemsOnly: lock writes reach this environment's lock items only, never a digest item", () => {
  test("1. compliant: the plan role takes and releases prod's lock item", async () => {
    for (const action of ["dynamodb:PutItem", "dynamodb:DeleteItem"])
      expect(await simulate(as(plan, action, TABLE, { "dynamodb:LeadingKeys": [LOCK] }))).toEqual({
        decision: "Allowed",
        decidedBy: ["identity:ci_read/StateLockTable"],
      });
  });
  test("2. compliant: the plan role reads the digest item (the backend's consistency check)", async () => {
    expect(await decisionOf(as(plan, "dynamodb:GetItem", TABLE, { "dynamodb:LeadingKeys": [`${LOCK}-md5`] }))).toBe("Allowed");
  });
  test("3. non-compliant: the plan role cannot overwrite or delete the digest item", async () => {
    for (const action of ["dynamodb:PutItem", "dynamodb:DeleteItem"])
      expect(await decisionOf(as(plan, action, TABLE, { "dynamodb:LeadingKeys": [`${LOCK}-md5`] }))).toBe("ImplicitlyDenied");
  });
  test("4. non-compliant: neither role touches another stack's lock item", async () => {
    const other = "taskflow-tfstate-333333333333-ap-northeast-1/taskflow/other/terraform.tfstate";
    for (const role of [plan, apply])
      expect(await decisionOf(as(role, "dynamodb:DeleteItem", TABLE, { "dynamodb:LeadingKeys": [other] }))).toBe("ImplicitlyDenied");
  });
  test("5. compliant: the apply role updates the digest of the state it writes, and no other", async () => {
    expect(await decisionOf(as(apply, "dynamodb:PutItem", TABLE, { "dynamodb:LeadingKeys": [`${LOCK}-md5`] }))).toBe("Allowed");
    const bootstrapDigest = "taskflow-tfstate-333333333333-ap-northeast-1/taskflow/prod/state-bootstrap.tfstate-md5";
    expect(await decisionOf(as(apply, "dynamodb:PutItem", TABLE, { "dynamodb:LeadingKeys": [bootstrapDigest] }))).toBe("ImplicitlyDenied");
  });
});

describe("CiApplyRoleProjectResourcesOnly: key and user-pool administration only on resources tagged with this project and environment", () => {
  test("1. compliant: this environment's key and pool", async () => {
    expect(await decisionOf(as(apply, "kms:PutKeyPolicy", KEY, PROJECT))).toBe("Allowed");
    expect(await decisionOf(as(apply, "kms:ScheduleKeyDeletion", KEY, PROJECT))).toBe("Allowed");
    expect(await decisionOf(as(apply, "cognito-idp:UpdateUserPool", POOL, PROJECT))).toBe("Allowed");
  });
  test("2. non-compliant: another project's key and pool in the same account (the TaskFlow API's)", async () => {
    expect(await decisionOf(as(apply, "kms:PutKeyPolicy", KEY, API))).toBe("ImplicitlyDenied");
    expect(await decisionOf(as(apply, "kms:ScheduleKeyDeletion", KEY, API))).toBe("ImplicitlyDenied");
    expect(await decisionOf(as(apply, "cognito-idp:UpdateUserPool", POOL, API))).toBe("ImplicitlyDenied");
  });
  test("3. non-compliant: an untagged key", async () => {
    expect(await decisionOf(as(apply, "kms:PutKeyPolicy", KEY))).toBe("ImplicitlyDenied");
  });
  test("4. compliant: creating a key or pool with both tags; non-compliant: without them", async () => {
    const tags = { "aws:RequestTag/Project": "TaskFlow", "aws:RequestTag/Environment": "prod", "aws:TagKeys": ["Project", "Environment"] };
    expect(await decisionOf(as(apply, "kms:CreateKey", "*", tags))).toBe("Allowed");
    expect(await decisionOf(as(apply, "cognito-idp:CreateUserPool", "*", tags))).toBe("Allowed");
    expect(await decisionOf(as(apply, "kms:CreateKey", "*", { "aws:RequestTag/Project": "TaskFlow" }))).toBe("ImplicitlyDenied");
    expect(await decisionOf(as(apply, "cognito-idp:CreateUserPool", "*", {}))).toBe("ImplicitlyDenied");
  });
  test("5. non-compliant: changing or removing Project or Environment is denied explicitly; other tags may change", async () => {
    for (const [action, resource] of [
      ["kms:TagResource", KEY],
      ["kms:UntagResource", KEY],
      ["cognito-idp:TagResource", POOL],
      ["cognito-idp:UntagResource", POOL],
    ]) {
      expect(await simulate(as(apply, action, resource, { ...PROJECT, "aws:TagKeys": ["Environment"] }))).toEqual({
        decision: "ExplicitlyDenied",
        decidedBy: ["identity:ci_apply/ScopingTagsUnchangeable"],
      });
      expect(await decisionOf(as(apply, action, resource, { ...PROJECT, "aws:TagKeys": ["Owner"] }))).toBe("Allowed");
    }
  });
  test("6. compliant: a new key is tagged with this environment's tags as it is created (kms:TagResource, no tags on it yet)", async () => {
    const onCreate = {
      "aws:RequestTag/Project": "TaskFlow",
      "aws:RequestTag/Environment": "prod",
      "aws:TagKeys": ["Project", "Environment", "ManagedBy"],
    };
    expect(await simulate(as(apply, "kms:TagResource", KEY, onCreate))).toEqual({
      decision: "Allowed",
      decidedBy: ["identity:ci_apply/TagNewKeys", "resource/AccountAdministersKey"],
    });
    expect(await decisionOf(as(apply, "kms:TagResource", KEY, { ...onCreate, "aws:RequestTag/Environment": "staging" }))).toBe(
      "ImplicitlyDenied",
    );
  });
  test("7. non-compliant: another project's key cannot be re-tagged into this environment", async () => {
    const retag = {
      ...API,
      "aws:RequestTag/Project": "TaskFlow",
      "aws:RequestTag/Environment": "prod",
      "aws:TagKeys": ["Project", "Environment"],
    };
    expect(await decisionOf(as(apply, "kms:TagResource", KEY, retag))).toBe("ExplicitlyDenied");
  });
  test("8. CloudWatch Logs resource policies (no resource type): this Region only", async () => {
    expect(await decisionOf(as(apply, "logs:PutResourcePolicy", "*", { "aws:RequestedRegion": REGION }))).toBe("Allowed");
    expect(await decisionOf(as(apply, "logs:PutResourcePolicy", "*", { "aws:RequestedRegion": "us-east-1" }))).toBe("ImplicitlyDenied");
  });
});

describe("CiPlanRoleReadsResponderRole: the drift check of state-<env> may read the responder role it holds, and only read it", () => {
  // Reason: with responders configured state-<env> manages that role; a plan role that cannot read it fails the daily drift check.
  const RESPONDER = `arn:aws:iam::${ACCOUNT}:role/taskflow-prod-incident-responder`;
  const configured = JSON.parse(
    synthConfig(
      parseEnvironmentConfig(
        rawEnv("prod", { incidentResponse: { responderPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/Responders`] } }),
        "prod",
      ),
      "state-prod",
    ),
  );
  const planWithResponders = {
    ...plan,
    policies: Object.fromEntries(
      Object.entries(ciRolePolicies(configured, "plan")).map(([id, policy]) => [id, resolvedPolicy(configured, policy)]),
    ),
  };
  test("1. compliant: iam:GetRole, GetRolePolicy and ListRolePolicies on the responder role", async () => {
    for (const action of ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies"])
      expect([action, await decisionOf(as(planWithResponders, action, RESPONDER))]).toEqual([action, "Allowed"]);
  });
  test("2. non-compliant: no write to it, and no read of another role of the account", async () => {
    expect(await decisionOf(as(planWithResponders, "iam:PutRolePolicy", RESPONDER))).toBe("ImplicitlyDenied");
    expect(await decisionOf(as(planWithResponders, "iam:GetRole", `arn:aws:iam::${ACCOUNT}:role/Admin`))).toBe("ImplicitlyDenied");
  });
  test("3. not applied: without responders the plan role has no read of that name", async () => {
    expect(await decisionOf(as(plan, "iam:GetRole", RESPONDER))).toBe("ImplicitlyDenied");
  });
});
