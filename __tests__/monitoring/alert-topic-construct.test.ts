/**
 * The alert topic built from its props alone, in a bare stack with no environment config. Expected
 * names and ARNs are written here from the props, not computed with the construct's own helpers.
 * The shipped environments' topic key is checked in alert-topic-key.test.ts.
 */
import { TerraformStack, Testing } from "cdktf";
import { AlertTopic } from "../../stacks/constructs/monitoring/alert-topic";
import { onlyResource, testApp, type TfJson } from "../support/synth";

function bareTopic(): TfJson {
  const stack = new TerraformStack(testApp(), "bare");
  new AlertTopic(stack, "alerts", {
    environment: { name: "demo", accountId: "444455556666", region: "eu-west-1" },
    email: "oncall@example.com",
  });
  return JSON.parse(Testing.synth(stack));
}

const TOPIC_ARN = "arn:aws:sns:eu-west-1:444455556666:taskflow-demo-alerts";
const statement = (policy: string, sid: string) => {
  const found = JSON.parse(policy).Statement.filter((s: TfJson) => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("AlertTopic from props alone: its own rotating key, usable by CloudWatch and EventBridge for this topic only", () => {
  // Reason: CloudWatch drops notifications to a topic under alias/aws/sns without an error; a key shared beyond this topic widens who can read alerts.
  test("1. compliant: taskflow-<env>-alerts is encrypted with its own customer-managed key, rotated yearly", () => {
    const json = bareTopic();
    expect(onlyResource(json, "aws_sns_topic")).toMatchObject({
      name: "taskflow-demo-alerts",
      kms_master_key_id: "${aws_kms_key.alert_topic_key.arn}",
    });
    expect(onlyResource(json, "aws_kms_key")).toMatchObject({
      enable_key_rotation: true,
      description: "TaskFlow demo: alert topic (CloudWatch alarms and security events)",
    });
    expect(onlyResource(json, "aws_kms_alias").name).toBe("alias/taskflow-demo-alerts");
  });
  test("2. compliant: CloudWatch may use the key only for this topic and only for TaskFlow-<env>-* alarms of the props' account", () => {
    const grant = statement(onlyResource(bareTopic(), "aws_kms_key").policy, "CloudWatchAlarmsEncryptNotifications");
    expect(grant.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "444455556666", "kms:EncryptionContext:aws:sns:topicArn": TOPIC_ARN },
      ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:444455556666:alarm:TaskFlow-demo-*" },
    });
  });
  test("3. compliant: only taskflow-<env>-* rules of the props' account may publish through EventBridge", () => {
    const grant = statement(onlyResource(bareTopic(), "aws_sns_topic_policy").policy, "EventBridgeRulesPublish");
    expect(grant.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "444455556666" },
      ArnLike: { "aws:SourceArn": "arn:aws:events:eu-west-1:444455556666:rule/taskflow-demo-*" },
    });
  });
  test("4. compliant: the email prop is subscribed", () => {
    expect(onlyResource(bareTopic(), "aws_sns_topic_subscription")).toMatchObject({ protocol: "email", endpoint: "oncall@example.com" });
  });
});
