/**
 * The CI identity of state-prod as the shared deployment created it on the emulator: GitHub's OIDC
 * provider and the plan and apply roles with their policies are in the state, a second plan of them
 * changes nothing, and IAM (read back through the AWS SDK) holds exactly the trust and permission
 * policies that were synthesized. Read-only: nothing here changes the shared environments.
 */
import { GetOpenIDConnectProviderCommand } from "@aws-sdk/client-iam";
import { ciReadPolicyName, ciRoleName } from "../../stacks/constructs/ci-roles/names";
import { ciRolePolicies } from "../support/ci-role-policies";
import { withAwsClients } from "./support/aws";
import { storedRolePolicies } from "./support/stored-role-policies";
import { sharedDeployment, type SharedDeployment } from "./support/shared-deployment";
import { describeRun, run, StepTimer, type RunResult } from "./support/run";
import { stackJson } from "./support/workdir";

jest.setTimeout(180_000);

const STACK = "state-prod";
const ADDRESSES = [
  "aws_iam_openid_connect_provider.github_actions",
  "aws_iam_role.ci_apply",
  "aws_iam_role.ci_plan",
  "aws_iam_policy.ci_read",
  "aws_iam_role_policy_attachment.ci_plan_read",
  "aws_iam_role_policy_attachment.ci_apply_read",
  "aws_iam_role_policy.ci_apply",
];

const timer = new StepTimer("ci-roles");
let shared: SharedDeployment;

function terraform(args: string[], label: string): Promise<RunResult> {
  return run("terraform", [`-chdir=${shared.copy.stackDir(STACK)}`, ...args], {
    cwd: shared.copy.project,
    env: { ...shared.tf.env, ...shared.awsEnv("prod") },
    label,
    timer,
  });
}

beforeAll(async () => {
  shared = await sharedDeployment();
  const step = shared.step(STACK);
  if (step.code !== 0) throw new Error(`the shared deployment of ${STACK} failed:\n${step.described}`);
});

afterAll(() => timer.printSummary());

test("state-prod's state holds the OIDC provider, both roles and their policies", async () => {
  const list = await terraform(["state", "list"], `terraform state list (${STACK})`);
  expect(list.code).toBe(0);
  const listed = list.stdout.split("\n").filter(Boolean);
  expect(ADDRESSES.filter((a) => !listed.includes(a))).toEqual([]);
});

test("a second plan of them changes nothing: IAM stores them as the provider wrote them", async () => {
  // -lock=false: a read-only plan beside other suites that read the same local state.
  const targets = ADDRESSES.map((a) => `-target=${a}`);
  const plan = await terraform(
    ["plan", "-lock=false", "-detailed-exitcode", "-input=false", ...targets],
    `terraform plan CI identity (${STACK})`,
  );
  expect({ code: plan.code, output: plan.code === 0 ? "" : describeRun(plan) }).toEqual({ code: 0, output: "" });
});

test("the OIDC provider is GitHub's issuer with the STS audience only", async () => {
  const arn = "arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com";
  const provider = await withAwsClients(shared.awsEnv("prod"), (c) =>
    c.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
  );
  expect(provider.Url).toMatch(/^(https:\/\/)?token\.actions\.githubusercontent\.com$/);
  expect(provider.ClientIDList).toEqual(["sts.amazonaws.com"]);
});

test.each(["plan", "apply"] as const)(
  "the %s role's trust policy, inline policies and attached managed policies in IAM are exactly the synthesized ones",
  async (kind) => {
    const output = await terraform(["output", "-raw", "state_key_arn"], "terraform output state_key_arn");
    const stateKeyArn = output.stdout.trim();
    expect(stateKeyArn).toMatch(/^arn:aws:kms:ap-northeast-1:333333333333:key\//);
    // The synthesized documents with the two references Terraform resolves on apply.
    const resolved = (document: string): unknown =>
      JSON.parse(
        document
          .replaceAll(
            "${aws_iam_openid_connect_provider.github_actions.arn}",
            "arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com",
          )
          .replaceAll("${aws_kms_key.state_key.arn}", stateKeyArn),
      );
    const json = stackJson(shared.copy, STACK);
    const prod = shared.envs.find((e) => e.name === "prod")!;
    const name = ciRoleName(prod, kind);
    // What IAM holds for the role, each policy by the logical id the synthesized stack gives it.
    const stored = await storedRolePolicies(shared.awsEnv("prod"), name);
    const policies = {
      ...Object.fromEntries(Object.entries(stored.inline).map(([n, doc]) => [n === name ? `ci_${kind}` : n, doc])),
      ...Object.fromEntries(Object.entries(stored.managed).map(([n, doc]) => [n === ciReadPolicyName(prod) ? "ci_read" : n, doc])),
    };
    expect(stored.maxSessionDuration).toBe(3600);
    expect(stored.trust).toEqual(resolved(json.resource.aws_iam_role[`ci_${kind}`].assume_role_policy));
    const synthesized = Object.fromEntries(Object.entries(ciRolePolicies(json, kind)).map(([id, policy]) => [id, resolved(policy)]));
    expect(Object.keys(synthesized).sort()).toEqual(kind === "apply" ? ["ci_apply", "ci_read"] : ["ci_read"]);
    expect(policies).toEqual(synthesized);
  },
);
