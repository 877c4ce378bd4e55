import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { partitionOf } from "../../../config/aws-regions";
import { CustomerManagedKey } from "../customer-managed-key";
import { policyDocument, type PolicyStatement } from "../policy-document";
import { alarmNamePrefix, resourcePrefix } from "../../../config/names";

/** What CloudWatch and EventBridge need to put a message on an encrypted topic (SNS key-management guide). */
const PUBLISHER_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"];

/** Every EventBridge rule of an environment is named with this prefix; the topic policy matches on it. */
export const ruleNamePrefix = (envName: string): string => `${resourcePrefix(envName)}-`;

/** Whose alert topic: the environment's name, account and region (the names and ARNs below derive from them). */
export interface TopicOwner {
  /** Name of the environment: the topic is taskflow-<envName>-alerts, its publishers TaskFlow-<envName>-* alarms and taskflow-<envName>-* rules. Required. */
  readonly envName: string;
  /** Account of the topic and of the alarms and rules that may publish. Required. */
  readonly accountId: string;
  /** Region of the topic, the alarms and the rules. Required. */
  readonly region: string;
}

/** ARN patterns of the alarms and rules of this environment that may publish. */
export function publisherArns({ envName, accountId, region }: TopicOwner): { alarms: string; rules: string } {
  const where = `${partitionOf(region)}:%s:${region}:${accountId}`;
  return {
    alarms: `arn:${where.replace("%s", "cloudwatch")}:alarm:${alarmNamePrefix(envName)}*`,
    rules: `arn:${where.replace("%s", "events")}:rule/${ruleNamePrefix(envName)}*`,
  };
}

/** Name and ARN of the alert topic, known at synth time: the key policy needs the ARN before the topic exists. */
export const alertTopicName = (envName: string): string => `${resourcePrefix(envName)}-alerts`;
export const alertTopicArn = ({ envName, accountId, region }: TopicOwner): string =>
  `arn:${partitionOf(region)}:sns:${region}:${accountId}:${alertTopicName(envName)}`;

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
function keyStatements(owner: TopicOwner): PolicyStatement[] {
  const topic = { StringEquals: { [SNS_TOPIC_CONTEXT_KEY]: alertTopicArn(owner) } };
  return [
    {
      Sid: "CloudWatchAlarmsEncryptNotifications",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: PUBLISHER_KEY_ACTIONS,
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": owner.accountId, [SNS_TOPIC_CONTEXT_KEY]: alertTopicArn(owner) },
        ArnLike: { "aws:SourceArn": publisherArns(owner).alarms },
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
function topicStatements(owner: TopicOwner, topicArn: string): PolicyStatement[] {
  const arns = publisherArns(owner);
  const publish = (Sid: string, service: string, sourceArn: string): PolicyStatement => ({
    Sid,
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: { StringEquals: { "aws:SourceAccount": owner.accountId }, ArnLike: { "aws:SourceArn": sourceArn } },
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

export interface AlertTopicProps extends TopicOwner {
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

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const { envName, accountId, region } = props;
    this.key = new CustomerManagedKey(this, "key", {
      env: { name: envName, accountId, region },
      purpose: "alert topic (CloudWatch alarms and security events)",
      alias: `alias/${alertTopicName(envName)}`,
      statements: keyStatements(props),
      addressName: "alert_topic_key",
    });
    this.topic = new SnsTopic(this, "topic", {
      name: alertTopicName(envName),
      displayName: `TaskFlow ${envName} alerts`,
      kmsMasterKeyId: this.key.key.arn,
    });
    new SnsTopicPolicy(this, "policy", { arn: this.topic.arn, policy: policyDocument(topicStatements(props, this.topic.arn)) });
    // Stays "pending confirmation" until someone clicks the link in the first email (README).
    new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.email });
  }
}
