import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { partitionOf } from "../../../config/aws-regions";
import { CustomerManagedKey } from "../customer-managed-key";
import { policyDocument, type PolicyStatement } from "../policy-document";
import { alarmNamePrefix, resourcePrefix, type EnvironmentIdentity } from "../../../config/names";

/** What CloudWatch and EventBridge need to put a message on an encrypted topic (SNS key-management guide). */
const PUBLISHER_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"];

/** Every EventBridge rule of an environment is named with this prefix; the topic policy matches on it. */
export const ruleNamePrefix = (env: Pick<EnvironmentIdentity, "name">): string => `${resourcePrefix(env.name)}-`;

/** ARN patterns of the alarms and rules of this environment that may publish. */
export function publisherArns(env: EnvironmentIdentity): { alarms: string; rules: string } {
  const where = `${partitionOf(env.region)}:%s:${env.region}:${env.accountId}`;
  return {
    alarms: `arn:${where.replace("%s", "cloudwatch")}:alarm:${alarmNamePrefix(env.name)}*`,
    rules: `arn:${where.replace("%s", "events")}:rule/${ruleNamePrefix(env)}*`,
  };
}

/** Name and ARN of the alert topic, known at synth time: the key policy needs the ARN before the topic exists. */
export const alertTopicName = (env: Pick<EnvironmentIdentity, "name">): string => `${resourcePrefix(env.name)}-alerts`;
export const alertTopicArn = (env: EnvironmentIdentity): string =>
  `arn:${partitionOf(env.region)}:sns:${env.region}:${env.accountId}:${alertTopicName(env)}`;

/**
 * Encryption-context key SNS passes to KMS when it encrypts or decrypts a message of a topic: the
 * topic's ARN. Examples on AWS pages scope a publishing service's key grant with it (SNS Developer
 * Guide, "Key management", section "Enable compatibility between event sources from AWS services
 * and encrypted topics"; Amazon GameLift FlexMatch Guide, "Set up an SNS topic with server-side
 * encryption").
 */
export const SNS_TOPIC_CONTEXT_KEY = "kms:EncryptionContext:aws:sns:topicArn";

/**
 * Key statements for the two publishing services, both scoped to this topic by the encryption
 * context that KMS receives from SNS.
 *
 * EventBridge: the SNS Developer Guide, "Key management"
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html), says adding aws:SourceAccount
 * and aws:SourceArn to a KMS key policy is not supported for EventBridge-to-encrypted-topic
 * delivery: the KMS request does not carry them, so such a condition never matches and every
 * event fails (FailedInvocations). The topic ARN context is what KMS does receive.
 *
 * CloudWatch: the page's exception names EventBridge only, and its example statement for other AWS
 * service event sources scopes by aws:SourceArn, so the confused-deputy conditions stay for
 * alarms, plus the topic context.
 */
function keyStatements(env: EnvironmentIdentity): PolicyStatement[] {
  const topic = { StringEquals: { [SNS_TOPIC_CONTEXT_KEY]: alertTopicArn(env) } };
  return [
    {
      Sid: "CloudWatchAlarmsEncryptNotifications",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: PUBLISHER_KEY_ACTIONS,
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": env.accountId, [SNS_TOPIC_CONTEXT_KEY]: alertTopicArn(env) },
        ArnLike: { "aws:SourceArn": publisherArns(env).alarms },
      },
    },
    {
      Sid: "EventBridgeRulesEncryptNotifications",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: PUBLISHER_KEY_ACTIONS,
      Resource: "*",
      Condition: topic,
    },
  ];
}

/**
 * Only this environment's alarms and rules may publish; other principals of the account use IAM.
 * The topic policy, unlike the key policy, is evaluated by SNS on EventBridge's sns:Publish call,
 * which carries aws:SourceArn and aws:SourceAccount (EventBridge User Guide, "Using resource-based
 * policies for Amazon EventBridge", scopes events.amazonaws.com with aws:SourceArn = the rule ARN).
 */
function topicStatements(env: EnvironmentIdentity, topicArn: string): PolicyStatement[] {
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
  /**
   * The environment: the topic is taskflow-<env>-alerts in its account and Region, and only its
   * TaskFlow-<env>-* alarms and taskflow-<env>-* rules may publish. Required.
   */
  readonly environment: EnvironmentIdentity;
  /** Address subscribed to the topic; it stays "pending confirmation" until someone confirms it. Required. */
  readonly email: string;
}

/**
 * taskflow-<env>-alerts: where alarms and security events go. Encrypted with its own
 * customer-managed key: the AWS-managed alias/aws/sns key cannot be shared with CloudWatch, which
 * then drops alarm notifications without an error.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: CustomerManagedKey;

  constructor(scope: Construct, id: string, { environment, email }: AlertTopicProps) {
    super(scope, id);
    this.key = new CustomerManagedKey(this, "key", {
      env: environment,
      purpose: "alert topic (CloudWatch alarms and security events)",
      alias: `alias/${alertTopicName(environment)}`,
      statements: keyStatements(environment),
      addressName: "alert_topic_key",
    });
    this.topic = new SnsTopic(this, "topic", {
      name: alertTopicName(environment),
      displayName: `TaskFlow ${environment.name} alerts`,
      kmsMasterKeyId: this.key.key.arn,
    });
    new SnsTopicPolicy(this, "policy", { arn: this.topic.arn, policy: policyDocument(topicStatements(environment, this.topic.arn)) });
    // Stays "pending confirmation" until someone clicks the link in the first email (README).
    new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: email });
  }
}
