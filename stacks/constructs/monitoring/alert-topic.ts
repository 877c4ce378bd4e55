import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { partitionOf } from "../../../config/aws-regions";
import type { EnvironmentConfig } from "../../../config";
import { CustomerManagedKey } from "../customer-managed-key";
import { policyDocument, type PolicyStatement } from "../policy-document";
import { alarmNamePrefix } from "./alarms";

/** What CloudWatch and EventBridge need to put a message on an encrypted topic (SNS key-management guide). */
const PUBLISHER_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"];

/** Every EventBridge rule of an environment is named with this prefix; the topic policy matches on it. */
export const ruleNamePrefix = (env: EnvironmentConfig): string => `taskflow-${env.name}-`;

/** ARN patterns of the alarms and rules of this environment that may publish. */
export function publisherArns(env: EnvironmentConfig): { alarms: string; rules: string } {
  const where = `${partitionOf(env.region)}:%s:${env.region}:${env.accountId}`;
  return {
    alarms: `arn:${where.replace("%s", "cloudwatch")}:alarm:${alarmNamePrefix(env)}*`,
    rules: `arn:${where.replace("%s", "events")}:rule/${ruleNamePrefix(env)}*`,
  };
}

/**
 * Key statements for the two publishing services. Scoped by aws:SourceAccount so that no other
 * account's alarm or rule can use our key through these services (confused deputy).
 * If EventBridge ever omits aws:SourceAccount on its KMS calls, deliveries fail and the
 * SecurityEventsUndelivered alarm (FailedInvocations) reports it through CloudWatch.
 */
function keyStatements(env: EnvironmentConfig): PolicyStatement[] {
  const account = { StringEquals: { "aws:SourceAccount": env.accountId } };
  return [
    {
      Sid: "CloudWatchAlarmsEncryptNotifications",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: PUBLISHER_KEY_ACTIONS,
      Resource: "*",
      Condition: { ...account, ArnLike: { "aws:SourceArn": publisherArns(env).alarms } },
    },
    {
      Sid: "EventBridgeRulesEncryptNotifications",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: PUBLISHER_KEY_ACTIONS,
      Resource: "*",
      Condition: account,
    },
  ];
}

/** Only this environment's alarms and rules may publish; other principals of the account use IAM. */
function topicStatements(env: EnvironmentConfig, topicArn: string): PolicyStatement[] {
  const arns = publisherArns(env);
  const publish = (Sid: string, service: string, sourceArn: string): PolicyStatement => ({
    Sid,
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: { StringEquals: { "aws:SourceAccount": env.accountId }, ArnLike: { "aws:SourceArn": sourceArn } },
  });
  return [
    publish("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com", arns.alarms),
    publish("EventBridgeRulesPublish", "events.amazonaws.com", arns.rules),
    {
      Sid: "DenyPublishWithoutTls",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { Bool: { "aws:SecureTransport": false } },
    },
  ];
}

export interface AlertTopicProps {
  readonly env: EnvironmentConfig;
}

/**
 * taskflow-<env>-alerts: where alarms and security events go. Encrypted with its own
 * customer-managed key: the AWS-managed alias/aws/sns key cannot be shared with CloudWatch, which
 * then drops alarm notifications without an error.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: CustomerManagedKey;

  constructor(scope: Construct, id: string, { env }: AlertTopicProps) {
    super(scope, id);
    this.key = new CustomerManagedKey(this, "key", {
      env,
      purpose: "alert topic (CloudWatch alarms and security events)",
      alias: `alias/taskflow-${env.name}-alerts`,
      statements: keyStatements(env),
      addressName: "alert_topic_key",
    });
    this.topic = new SnsTopic(this, "topic", {
      name: `taskflow-${env.name}-alerts`,
      displayName: `TaskFlow ${env.name} alerts`,
      kmsMasterKeyId: this.key.key.arn,
    });
    new SnsTopicPolicy(this, "policy", { arn: this.topic.arn, policy: policyDocument(topicStatements(env, this.topic.arn)) });
    // Stays "pending confirmation" until someone clicks the link in the first email (README).
    new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: env.alertEmail });
  }
}
