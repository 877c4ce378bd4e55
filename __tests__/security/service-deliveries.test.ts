/**
 * Deliveries AWS services make on the stacks' behalf, decided as AWS decides them: each row is one
 * request (principal, action, resource, context as the cited AWS page describes it) against the
 * policies read from the synthesized prod / state-prod JSON, and one change AWS would deny.
 */
import { ciRolePolicies } from "../support/ci-role-policies";
import { arnOf, resolvedPolicy } from "../support/iam/policy-documents";
import { simulate, type PolicyJson, type SimulatedRequest } from "../support/iam/simulate";
import { synthStack, type TfJson } from "../support/synth";

// The first decisions read AWS's reference data (thousands of small JSON files) from disk: slow on a busy 2-core machine.
jest.setTimeout(60_000);

const prod = synthStack("prod");
const state = synthStack("state-prod");
const ACCOUNT = "333333333333";
const REGION = "ap-northeast-1";

const policyOf = (json: TfJson, type: string, name: string, attribute = "policy"): PolicyJson =>
  resolvedPolicy(json, json.resource[type][name][attribute]);
const onlyOne = (json: TfJson, type: string): string => {
  const names = Object.keys(json.resource[type]);
  if (names.length !== 1) throw new Error(`${type}: ${names.length}`);
  return names[0];
};
const arnOfOnly = (json: TfJson, type: string) => arnOf(json, `${type}.${onlyOne(json, type)}`);
/** A copy of a policy with one statement changed. */
function changed(policy: PolicyJson, sid: string, change: (s: Record<string, unknown>) => void): PolicyJson {
  const copy = structuredClone(policy);
  const statement = [copy.Statement].flat().find((s) => s.Sid === sid);
  if (!statement) throw new Error(`no statement ${sid}`);
  change(statement);
  return copy;
}

const topic = arnOfOnly(prod, "aws_sns_topic");
const topicPolicy = policyOf(prod, "aws_sns_topic_policy", onlyOne(prod, "aws_sns_topic_policy"));
const alertKey = arnOf(prod, "aws_kms_key.alert_topic_key");
const alertKeyPolicy = policyOf(prod, "aws_kms_key", "alert_topic_key");
const logKey = arnOf(prod, "aws_kms_key.log_group_key");
const logKeyPolicy = policyOf(prod, "aws_kms_key", "log_group_key");
const rule = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${Object.values<TfJson>(prod.resource.aws_cloudwatch_event_rule)[0].name}`;
const alarm = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${prod.resource.aws_cloudwatch_metric_alarm.monitoring_alarms_SignInFailureRate_3AFB6924.alarm_name}`;
const eventsLogGroup = arnOf(prod, "aws_cloudwatch_log_group.monitoring_logs_audit-log_AF7CA487");
const eventsLogPolicy = policyOf(
  prod,
  "aws_cloudwatch_log_resource_policy",
  "monitoring_security-events_audit-log-policy_D76B9F79",
  "policy_document",
);
const activityLogGroup = arnOf(prod, "aws_cloudwatch_log_group.audit_user_activity_log_group");
const deliveryPolicy = policyOf(prod, "aws_cloudwatch_log_resource_policy", "audit_log_delivery_policy", "policy_document");
const stateBucket = arnOf(state, "aws_s3_bucket.state_bucket");
const logBucket = arnOf(state, "aws_s3_bucket.state_access_log_bucket");
const logBucketPolicy = policyOf(state, "aws_s3_bucket_policy", "state_access_log_bucket_policy");
const stateBucketPolicy = policyOf(state, "aws_s3_bucket_policy", "state_bucket_policy");
const stateKey = arnOf(state, "aws_kms_key.state_key");
const stateKeyPolicy = policyOf(state, "aws_kms_key", "state_key");
const applyRole = arnOf(state, "aws_iam_role.ci_apply");
/** The apply role's policies by logical id: the managed read policy (state read, lock, key) and its inline changes. */
const applyPolicy = Object.fromEntries(
  Object.entries(ciRolePolicies(state, "apply")).map(([id, policy]) => [id, resolvedPolicy(state, policy)]),
);
const stateObject = `${stateBucket}/${prod.terraform.backend.s3.key}`;
const sesIdentity: string = prod.resource.aws_cognito_user_pool[onlyOne(prod, "aws_cognito_user_pool")].email_configuration.source_arn;
const EMAIL_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/email.cognito-idp.amazonaws.com/AWSServiceRoleForAmazonCognitoIdpEmailService`;
/** The service-linked role's AWS managed policy, as AWS publishes it (page cited in the row). */
const EMAIL_ROLE_POLICY: PolicyJson = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["ses:SendEmail", "ses:SendRawEmail"], Resource: "*" },
    { Effect: "Deny", Action: ["ses:List*"], Resource: "*" },
  ],
};
const snsContext = { "kms:EncryptionContext:aws:sns:topicArn": topic };

interface Row {
  delivery: string;
  /** The AWS page that names the principal, action, resource and context. */
  source: string;
  request: SimulatedRequest;
  /** What the request must be allowed by. */
  allowedBy: string[];
  /** A change AWS would deny: to the request or to one of its policies. */
  denied: { change: string; request: SimulatedRequest };
}

const base = { resourceAccount: ACCOUNT };
const ROWS: Row[] = [
  {
    delivery: "EventBridge rule publishes to the alert topic",
    source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions",
    request: {
      ...base,
      principal: "events.amazonaws.com",
      action: "sns:Publish",
      resource: topic,
      resourcePolicy: topicPolicy,
      context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": rule, "aws:SecureTransport": "true" },
    },
    allowedBy: ["resource/EventBridgeRulesPublish"],
    denied: {
      change: "a rule of another account",
      request: {
        ...base,
        principal: "events.amazonaws.com",
        action: "sns:Publish",
        resource: topic,
        resourcePolicy: topicPolicy,
        context: {
          "aws:SourceAccount": "444444444444",
          "aws:SourceArn": rule.replace(ACCOUNT, "444444444444"),
          "aws:SecureTransport": "true",
        },
      },
    },
  },
  ...(["kms:GenerateDataKey", "kms:Decrypt"] as const).map((action): Row => ({
    delivery: `EventBridge encrypts for the alert topic (${action}, SNS encryption context, no aws:SourceAccount)`,
    source: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
    request: {
      ...base,
      principal: "events.amazonaws.com",
      action,
      resource: alertKey,
      resourcePolicy: alertKeyPolicy,
      context: snsContext,
    },
    allowedBy: ["resource/EventBridgeRulesEncryptNotifications"],
    denied: {
      change: "aws:SourceAccount put back on the EventBridge key statement (EventBridge does not send it to KMS)",
      request: {
        ...base,
        principal: "events.amazonaws.com",
        action,
        resource: alertKey,
        context: snsContext,
        resourcePolicy: changed(alertKeyPolicy, "EventBridgeRulesEncryptNotifications", (s) => {
          (s.Condition as Record<string, Record<string, string>>).StringEquals["aws:SourceAccount"] = ACCOUNT;
        }),
      },
    },
  })),
  {
    delivery: "CloudWatch alarm publishes to the alert topic",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html",
    request: {
      ...base,
      principal: "cloudwatch.amazonaws.com",
      action: "sns:Publish",
      resource: topic,
      resourcePolicy: topicPolicy,
      context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": alarm, "aws:SecureTransport": "true" },
    },
    allowedBy: ["resource/CloudWatchAlarmsPublish"],
    denied: {
      change: "an alarm outside the TaskFlow-prod- prefix",
      request: {
        ...base,
        principal: "cloudwatch.amazonaws.com",
        action: "sns:Publish",
        resource: topic,
        resourcePolicy: topicPolicy,
        context: {
          "aws:SourceAccount": ACCOUNT,
          "aws:SourceArn": alarm.replace("TaskFlow-prod-", "Other-"),
          "aws:SecureTransport": "true",
        },
      },
    },
  },
  {
    delivery: "CloudWatch alarm encrypts for the alert topic",
    source: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
    request: {
      ...base,
      principal: "cloudwatch.amazonaws.com",
      action: "kms:GenerateDataKey",
      resource: alertKey,
      resourcePolicy: alertKeyPolicy,
      context: { ...snsContext, "aws:SourceAccount": ACCOUNT, "aws:SourceArn": alarm },
    },
    allowedBy: ["resource/CloudWatchAlarmsEncryptNotifications"],
    denied: {
      change: "kms:GenerateDataKey* dropped from the CloudWatch key statement",
      request: {
        ...base,
        principal: "cloudwatch.amazonaws.com",
        action: "kms:GenerateDataKey",
        resource: alertKey,
        context: { ...snsContext, "aws:SourceAccount": ACCOUNT, "aws:SourceArn": alarm },
        resourcePolicy: changed(alertKeyPolicy, "CloudWatchAlarmsEncryptNotifications", (s) => {
          s.Action = ["kms:Decrypt"];
        }),
      },
    },
  },
  {
    delivery: "EventBridge writes security events to CloudWatch Logs",
    source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions",
    request: {
      ...base,
      principal: "events.amazonaws.com",
      action: "logs:PutLogEvents",
      resource: `${eventsLogGroup}:log-stream:event-stream`,
      resourcePolicy: eventsLogPolicy,
    },
    allowedBy: ["resource/EventBridgeWritesSecurityEvents"],
    denied: {
      change: "the Resource narrowed to the bare log group ARN (streams are what PutLogEvents acts on)",
      request: {
        ...base,
        principal: "events.amazonaws.com",
        action: "logs:PutLogEvents",
        resource: `${eventsLogGroup}:log-stream:event-stream`,
        resourcePolicy: changed(eventsLogPolicy, "EventBridgeWritesSecurityEvents", (s) => {
          s.Resource = eventsLogGroup;
        }),
      },
    },
  },
  {
    delivery: "CloudWatch Logs encrypts the security-event log group with the log key",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    request: {
      ...base,
      principal: `logs.${REGION}.amazonaws.com`,
      action: "kms:GenerateDataKey",
      resource: logKey,
      resourcePolicy: logKeyPolicy,
      context: { "kms:EncryptionContext:aws:logs:arn": eventsLogGroup },
    },
    allowedBy: ["resource/CloudWatchLogsEncryptLogGroups"],
    denied: {
      change: "a log group of another account in the encryption context",
      request: {
        ...base,
        principal: `logs.${REGION}.amazonaws.com`,
        action: "kms:GenerateDataKey",
        resource: logKey,
        resourcePolicy: logKeyPolicy,
        context: { "kms:EncryptionContext:aws:logs:arn": eventsLogGroup.replace(ACCOUNT, "444444444444") },
      },
    },
  },
  {
    delivery: "Cognito log delivery writes user activity to its vended log group",
    source:
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html#AWS-logs-infrastructure-V2-CloudWatchLogs",
    request: {
      ...base,
      principal: "delivery.logs.amazonaws.com",
      action: "logs:PutLogEvents",
      resource: `${activityLogGroup}:log-stream:delivery`,
      resourcePolicy: deliveryPolicy,
      context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": `arn:aws:logs:${REGION}:${ACCOUNT}:delivery-source:cognito` },
    },
    allowedBy: ["resource/CognitoLogDeliveryWrites"],
    denied: {
      change: "a delivery source of another account",
      request: {
        ...base,
        principal: "delivery.logs.amazonaws.com",
        action: "logs:PutLogEvents",
        resource: `${activityLogGroup}:log-stream:delivery`,
        resourcePolicy: deliveryPolicy,
        context: { "aws:SourceAccount": "444444444444", "aws:SourceArn": `arn:aws:logs:${REGION}:444444444444:delivery-source:cognito` },
      },
    },
  },
  {
    delivery: "S3 server access logging writes the state bucket's logs to the log bucket",
    source:
      "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general",
    request: {
      ...base,
      principal: "logging.s3.amazonaws.com",
      action: "s3:PutObject",
      resource: `${logBucket}/${stateBucket.split(":::")[1]}/2026-12-06-00-00-00-ABCDEF`,
      resourcePolicy: logBucketPolicy,
      context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": stateBucket, "aws:SecureTransport": "true" },
    },
    allowedBy: ["resource/S3ServerAccessLogsFromStateBucket"],
    denied: {
      change: "logs of another bucket",
      request: {
        ...base,
        principal: "logging.s3.amazonaws.com",
        action: "s3:PutObject",
        resource: `${logBucket}/${stateBucket.split(":::")[1]}/2026-12-06-00-00-00-ABCDEF`,
        resourcePolicy: logBucketPolicy,
        context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:aws:s3:::another-bucket", "aws:SecureTransport": "true" },
      },
    },
  },
  {
    delivery: "The S3 backend writes the state with SSE-KMS (apply role)",
    source: "https://developer.hashicorp.com/terraform/language/backend/s3#permissions-required",
    request: {
      ...base,
      principal: applyRole,
      action: "s3:PutObject",
      resource: stateObject,
      identityPolicies: applyPolicy,
      resourcePolicy: stateBucketPolicy,
      context: { "s3:x-amz-server-side-encryption": "aws:kms", "aws:SecureTransport": "true", "aws:PrincipalArn": applyRole },
    },
    allowedBy: ["identity:ci_apply/StateWrite"],
    denied: {
      change: "the write without the SSE-KMS header",
      request: {
        ...base,
        principal: applyRole,
        action: "s3:PutObject",
        resource: stateObject,
        identityPolicies: applyPolicy,
        resourcePolicy: stateBucketPolicy,
        context: { "s3:x-amz-server-side-encryption": "AES256", "aws:SecureTransport": "true", "aws:PrincipalArn": applyRole },
      },
    },
  },
  {
    delivery: "S3 asks KMS for the state object's data key for the apply role (kms:ViaService)",
    source: "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service",
    request: {
      ...base,
      principal: applyRole,
      action: "kms:GenerateDataKey",
      resource: stateKey,
      identityPolicies: applyPolicy,
      resourcePolicy: stateKeyPolicy,
      context: { "kms:ViaService": `s3.${REGION}.amazonaws.com`, "kms:CallerAccount": ACCOUNT },
    },
    allowedBy: ["identity:ci_read/StateKey", "resource/StateDataOnlyThroughS3AndDynamoDB"],
    denied: {
      change: "the same call made directly, not through S3",
      request: {
        ...base,
        principal: applyRole,
        action: "kms:GenerateDataKey",
        resource: stateKey,
        identityPolicies: applyPolicy,
        resourcePolicy: stateKeyPolicy,
        context: { "kms:CallerAccount": ACCOUNT },
      },
    },
  },
  {
    delivery: "DynamoDB describes the lock table's key",
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html#dynamodb-kms-authz",
    request: {
      ...base,
      principal: "dynamodb.amazonaws.com",
      action: "kms:DescribeKey",
      resource: stateKey,
      resourcePolicy: stateKeyPolicy,
    },
    allowedBy: ["resource/DynamoDBDescribesTheKey"],
    denied: {
      change: "DynamoDB's own Decrypt (it decrypts through the caller's grant, never as itself)",
      request: { ...base, principal: "dynamodb.amazonaws.com", action: "kms:Decrypt", resource: stateKey, resourcePolicy: stateKeyPolicy },
    },
  },
  {
    delivery: "DynamoDB decrypts a lock item for the apply role (kms:ViaService)",
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html#dynamodb-kms-authz",
    request: {
      ...base,
      principal: applyRole,
      action: "kms:Decrypt",
      resource: stateKey,
      identityPolicies: applyPolicy,
      resourcePolicy: stateKeyPolicy,
      context: { "kms:ViaService": `dynamodb.${REGION}.amazonaws.com`, "kms:CallerAccount": ACCOUNT },
    },
    allowedBy: ["identity:ci_read/StateKey", "resource/StateDataOnlyThroughS3AndDynamoDB"],
    denied: {
      change: "a caller of another account through DynamoDB",
      request: {
        ...base,
        principal: applyRole,
        action: "kms:Decrypt",
        resource: stateKey,
        identityPolicies: applyPolicy,
        resourcePolicy: stateKeyPolicy,
        context: { "kms:ViaService": `dynamodb.${REGION}.amazonaws.com`, "kms:CallerAccount": "444444444444" },
      },
    },
  },
  {
    // The handler of AWS::Cognito::LogDeliveryConfiguration also calls cognito-idp:SetLogDeliveryConfiguration and
    // logs:CreateLogDelivery the same way: rows for them belong here once the apply role allows them.
    delivery: "CloudFormation, with the apply role's credentials, puts the log-delivery resource policy (aws:CalledVia)",
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledvia",
    request: {
      ...base,
      principal: applyRole,
      action: "logs:PutResourcePolicy",
      resource: "*",
      identityPolicies: applyPolicy,
      context: { "aws:CalledVia": ["cloudformation.amazonaws.com"], "aws:RequestedRegion": REGION },
    },
    allowedBy: ["identity:ci_apply/ManageLogResourcePolicy"],
    denied: {
      change: "the same call in another Region",
      request: {
        ...base,
        principal: applyRole,
        action: "logs:PutResourcePolicy",
        resource: "*",
        identityPolicies: applyPolicy,
        context: { "aws:CalledVia": ["cloudformation.amazonaws.com"], "aws:RequestedRegion": "us-east-1" },
      },
    },
  },
  {
    delivery: "Cognito sends email through the pool's SES identity (service-linked role, DEVELOPER sending)",
    source: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonCognitoIdpEmailServiceRolePolicy.html",
    request: {
      ...base,
      principal: EMAIL_ROLE,
      action: "ses:SendEmail",
      resource: sesIdentity,
      identityPolicies: { AmazonCognitoIdpEmailServiceRolePolicy: EMAIL_ROLE_POLICY },
    },
    allowedBy: ["identity:AmazonCognitoIdpEmailServiceRolePolicy/#1"],
    denied: {
      change: "an SES identity of another account without a sending authorization policy",
      request: {
        principal: EMAIL_ROLE,
        action: "ses:SendEmail",
        resource: sesIdentity.replace(ACCOUNT, "444444444444"),
        resourceAccount: "444444444444",
        identityPolicies: { AmazonCognitoIdpEmailServiceRolePolicy: EMAIL_ROLE_POLICY },
      },
    },
  },
];

describe("ServiceDeliveriesAllowed: every delivery a service makes for the stacks is allowed by today's synthesized policies, and a change AWS would deny is denied", () => {
  test("1. the table covers 15 deliveries, each citing an AWS or Terraform page", () => {
    expect(ROWS).toHaveLength(15);
    for (const row of ROWS) expect(row.source).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|developer\.hashicorp\.com)\//);
  });
  test.each(ROWS.map((r) => [r.delivery, r] as const))("2. allowed: %s", async (_, row) => {
    expect(await simulate(row.request)).toEqual({ decision: "Allowed", decidedBy: row.allowedBy });
  });
  test.each(ROWS.map((r) => [r.delivery, r.denied.change, r] as const))("3. denied: %s, with %s", async (_, __, row) => {
    expect((await simulate(row.denied.request)).decision).not.toBe("Allowed");
  });
});
