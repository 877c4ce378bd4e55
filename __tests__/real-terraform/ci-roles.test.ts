/**
 * The CI identity of state-prod on the emulator: Terraform creates GitHub's OIDC provider and the
 * plan and apply roles with their policies, a second plan changes nothing, and IAM (read back
 * through the AWS SDK) holds exactly the trust and permission policies that were synthesized.
 * Only these resources are applied (-target, which brings the state key the policies name): the
 * whole bootstrap is deployed by validate-and-deploy.test.ts; this suite is about what IAM stores.
 */
import { GetOpenIDConnectProviderCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { loadEnvironments } from "../../config";
import { ciRoleName } from "../../stacks/constructs/github-ci-roles";
import { awsEnvFor, type AwsEnv } from "./support/aws";
import { startMoto, type Moto } from "./support/moto";
import { describeRun, run, StepTimer, type RunResult } from "./support/run";
import { terraformSetup, type TerraformSetup } from "./support/terraform-env";
import { requireTerraform } from "./support/tools";
import { makeWorkingCopy, stackJson, type WorkingCopy } from "./support/workdir";

jest.setTimeout(300_000);

const prod = loadEnvironments().find((e) => e.name === "prod")!;
const STACK = "state-prod";
const TARGETS = ["aws_iam_role_policy.ci_plan", "aws_iam_role_policy.ci_apply", "aws_iam_openid_connect_provider.github_actions"].map(
  (t) => `-target=${t}`,
);
const PROVIDER_ARN = `arn:aws:iam::${prod.accountId}:oidc-provider/token.actions.githubusercontent.com`;

const timer = new StepTimer("ci-roles");
let moto: Moto;
let copy: WorkingCopy;
let setup: TerraformSetup;
let awsEnv: AwsEnv;
let applied: RunResult;

function terraform(args: string[], label: string): Promise<RunResult> {
  return run("terraform", [`-chdir=${copy.stackDir(STACK)}`, ...args], {
    cwd: copy.project,
    env: { ...setup.env, ...awsEnv },
    label,
    timer,
  });
}

/** IAM as ops' tools see it: the SDK configured only by the AWS_* variables of the account. */
async function withIam<T>(fn: (iam: IAMClient) => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, awsEnv);
  const iam = new IAMClient({});
  try {
    return await fn(iam);
  } finally {
    iam.destroy();
    for (const k of Object.keys(awsEnv)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

/** IAM returns policy documents URL-encoded (IAM API Reference, GetRole / GetRolePolicy). */
const decoded = (document: string | undefined): unknown => JSON.parse(decodeURIComponent(document ?? "{}"));

/** The synthesized document with the references Terraform resolved on apply. */
function resolved(document: string, stateKeyArn: string): unknown {
  return JSON.parse(
    document
      .replaceAll("${aws_iam_openid_connect_provider.github_actions.arn}", PROVIDER_ARN)
      .replaceAll("${aws_kms_key.state_key.arn}", stateKeyArn),
  );
}

beforeAll(async () => {
  requireTerraform();
  copy = makeWorkingCopy("ci-roles");
  setup = terraformSetup(copy.root);
  moto = await startMoto();
  awsEnv = await awsEnvFor(moto.endpoint, prod.accountId, prod.region);
  const synth = await run(process.execPath, ["scripts/run-ts.js", "main.ts"], { cwd: copy.project, env: setup.env, label: "synth", timer });
  if (synth.code !== 0) throw new Error(describeRun(synth));
  const init = await terraform(["init", "-input=false"], `terraform init (${STACK})`);
  if (init.code !== 0) throw new Error(describeRun(init));
  applied = await terraform(["apply", "-auto-approve", "-input=false", ...TARGETS], `terraform apply CI identity (${STACK})`);
}, 240_000);

afterAll(async () => {
  await moto?.stop();
  copy?.remove();
  timer.printSummary();
});

test("Terraform creates the OIDC provider, both roles and their policies on the emulator", () => {
  if (applied.code !== 0) throw new Error(describeRun(applied));
  expect(applied.stdout).toMatch(/Apply complete! Resources: 6 added, 0 changed, 0 destroyed/);
});

test("a second plan of the same resources changes nothing (IAM stores them as the provider wrote them)", async () => {
  const plan = await terraform(["plan", "-detailed-exitcode", "-input=false", ...TARGETS], `terraform plan CI identity (${STACK})`);
  expect({ code: plan.code, output: plan.code === 0 ? "" : describeRun(plan) }).toEqual({ code: 0, output: "" });
});

test("the OIDC provider is GitHub's issuer with the STS audience only", async () => {
  const provider = await withIam((iam) => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN })));
  expect(provider.Url).toMatch(/^(https:\/\/)?token\.actions\.githubusercontent\.com$/);
  expect(provider.ClientIDList).toEqual(["sts.amazonaws.com"]);
});

test.each(["plan", "apply"] as const)(
  "the %s role's trust and permission policies in IAM are exactly the synthesized ones",
  async (kind) => {
    const json = stackJson(copy, STACK);
    const stateKeyArn = (await terraform(["output", "-raw", "state_key_arn"], "terraform output state_key_arn")).stdout.trim();
    expect(stateKeyArn).toMatch(/^arn:aws:kms:ap-northeast-1:333333333333:key\//);
    const name = ciRoleName(prod, kind);
    const [role, policy] = await withIam((iam) =>
      Promise.all([
        iam.send(new GetRoleCommand({ RoleName: name })),
        iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: name })),
      ]),
    );
    expect(role.Role?.MaxSessionDuration).toBe(3600);
    expect(decoded(role.Role?.AssumeRolePolicyDocument)).toEqual(
      resolved(json.resource.aws_iam_role[`ci_${kind}`].assume_role_policy, stateKeyArn),
    );
    expect(decoded(policy.PolicyDocument)).toEqual(resolved(json.resource.aws_iam_role_policy[`ci_${kind}`].policy, stateKeyArn));
  },
);
