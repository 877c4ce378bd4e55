/**
 * The CI roles' update and delete paths, exercised the way the pipeline runs them: staging (deployed by
 * the set-up into an account of its own, copy `ci-changes`) is changed in config, planned with its CI plan
 * role and applied with its CI apply role (support/ci-deploy.ts), every request decided by the emulator's
 * IAM evaluator, CloudFormation's calls for the stacks included (emulator/ext_cloudformation_authz.py).
 * The shipped environments' deploy only ever creates: these are the actions it never reaches.
 */
import { DescribeStacksCommand, CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { ciRoleName } from "../../stacks/constructs/ci-roles/names";
import { logDeliveryStackName } from "../../stacks/constructs/audit/log-delivery";
import { sdkTlsConfig } from "./support/aws";
import { byRole, describeDecisions, isDenied, readDecisions } from "./support/authz-log";
import { ciDeploy } from "./support/ci-deploy";
import { makeFlow, type Flow } from "./support/flow";
import { editConfig, PREPARED_WAIT_MS } from "./support/prepared-copies";
import { describeRun, StepTimer } from "./support/run";
import { sharedDeployment, type SharedDeployment } from "./support/shared-deployment";

jest.setTimeout(20 * 60_000);

const timer = new StepTimer("ci-apply-changes");
let flow: Flow;
let shared: SharedDeployment;

beforeAll(async () => {
  flow = await makeFlow("ci-changes", "staging", timer);
  shared = await sharedDeployment();
}, PREPARED_WAIT_MS);

afterAll(() => timer.printSummary());

/** Plan with the plan role, apply with the apply role; the apply role's decisions made meanwhile. */
async function deployAsPipeline() {
  const before = readDecisions(shared.authzLog).length;
  const { plan, apply } = await ciDeploy(shared, flow.copy, flow.setup, flow.aws, flow.env, timer);
  const mine = byRole(readDecisions(shared.authzLog).slice(before), flow.env.accountId, ciRoleName(flow.env, "apply"));
  // `npm run plan` exits 0 with a saved plan and prints its summary ("Plan of <env>: 0 to add, 2 to change, ...").
  const summary = /Plan of \S+: ([^.\n]*)/.exec(plan.stderr)?.[1];
  return {
    outcome: {
      plan: plan.code === 0 && summary ? summary : describeRun(plan),
      apply: apply?.code === 0 ? "ok" : apply && describeRun(apply),
    },
    refused: describeDecisions(mine.filter(isDenied)),
    allowed: new Set(mine.filter((d) => d.decision === "Allowed").map((d) => d.action)),
  };
}

describe("Control: the CI apply role can change and remove what it created, not only create it", () => {
  test("1. a new WAF rate limit and a new branding setting: the plan role plans them, the apply role applies them, nothing refused", async () => {
    editConfig(
      flow.copy,
      "monitoring: { logRetentionDays: 90 },",
      'monitoring: { logRetentionDays: 90 }, waf: { rateLimitPerIp: 1500 }, appClient: { managedLoginBranding: { settings: { categories: { global: { colorSchemeMode: "DARK" } } } } },',
    );
    const { outcome, refused, allowed } = await deployAsPipeline();
    expect({ outcome, refused }).toEqual({
      outcome: { plan: "0 to add, 2 to change, 0 to replace, 0 to destroy, 0 to import", apply: "ok" },
      refused: [],
    });
    // The update calls themselves, the style's through CloudFormation with the apply role's credentials.
    expect(
      ["wafv2:UpdateWebACL", "cloudformation:UpdateStack", "cognito-idp:UpdateManagedLoginBranding"].filter((a) => !allowed.has(a)),
    ).toEqual([]);
  });

  test("2. the user-activity export turned off: the apply role deletes the log-delivery stack and what fed it, nothing refused", async () => {
    editConfig(flow.copy, "waf: { rateLimitPerIp: 1500 },", "waf: { rateLimitPerIp: 1500 }, audit: { userActivityLogs: false },");
    const { outcome, refused, allowed } = await deployAsPipeline();
    expect({ outcome, refused }).toEqual({
      outcome: { plan: expect.stringMatching(/^0 to add, 0 to change, 0 to replace, [1-9]\d* to destroy, 0 to import$/), apply: "ok" },
      refused: [],
    });
    // The stack's deletion and the deletes the apply role lacked before. The stack's one resource is retained
    // (DeletionPolicy Retain, stacks/constructs/audit/log-delivery.ts), so CloudFormation calls Cognito for nothing.
    const deletes = ["cloudformation:DeleteStack", "logs:DeleteMetricFilter", "logs:DeleteQueryDefinition", "logs:DeleteLogGroup"];
    expect(deletes.filter((a) => !allowed.has(a))).toEqual([]);
    const cfn = new CloudFormationClient({
      region: flow.env.region,
      endpoint: flow.aws.AWS_ENDPOINT_URL,
      credentials: {
        accessKeyId: flow.aws.AWS_ACCESS_KEY_ID,
        secretAccessKey: flow.aws.AWS_SECRET_ACCESS_KEY,
        sessionToken: flow.aws.AWS_SESSION_TOKEN,
      },
      ...sdkTlsConfig(flow.aws),
    });
    const left = await cfn.send(new DescribeStacksCommand({ StackName: logDeliveryStackName(flow.env) })).then(
      (r) => r.Stacks?.map((s) => s.StackStatus),
      (e: Error) => e.message,
    );
    cfn.destroy();
    expect(left).toMatch(/does not exist/);
  });
});
