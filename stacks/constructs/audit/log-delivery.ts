/**
 * Export of Cognito's user-activity and notification-error logs to CloudWatch Logs.
 *
 * aws provider 5.100.0 has no aws_cognito_log_delivery_configuration (it arrived in 6.5.0), so the
 * configuration is one AWS::Cognito::LogDeliveryConfiguration in a CloudFormation stack that
 * Terraform manages (aws_cloudformation_stack). Facts this relies on:
 *
 * - Resource and properties: UserPoolId (required, replacement on change) and LogConfigurations
 *   (0-2 entries of EventSource, LogLevel and one destination, here CloudWatchLogsConfiguration.LogGroupArn)
 *   (CloudFormation Template Reference, "AWS::Cognito::LogDeliveryConfiguration" and its "LogConfiguration";
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-logdeliveryconfiguration.html).
 * - userNotification goes with ERROR and a CloudWatch Logs destination only; userAuthEvents with INFO,
 *   and only on the Plus feature plan with threat protection on (Cognito API Reference,
 *   "LogConfigurationType"; Developer Guide, "Exporting logs from Amazon Cognito user pools").
 * - LogGroupArn is the bare log group ARN: aws_cloudwatch_log_group.arn has no ":*" suffix since
 *   provider 2.x, and Cognito's ARN pattern refuses one (aws-cdk issue 31241 shows the failure).
 * - What Cognito (through CloudWatch Logs vended-log delivery) creates by itself: the log delivery,
 *   and, when the log group has no resource policy, a policy named AWSLogDeliveryWrite20150319 that
 *   lets delivery.logs.amazonaws.com CreateLogStream/PutLogEvents (CloudWatch Logs User Guide, "Logs
 *   sent to CloudWatch Logs"; https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html).
 *   We write that policy ourselves (LogDeliveryPolicy below), limited to our two log groups, so it is
 *   in code and reviewed rather than created on first delivery; the caller that deploys still needs
 *   logs:CreateLogDelivery, logs:PutResourcePolicy, logs:DescribeResourcePolicies and logs:DescribeLogGroups.
 * - The log groups are named /aws/vendedlogs/...: CloudWatch Logs resource policies are size-limited
 *   (same page), and AWS's advice for vended logs is this prefix so one prefix wildcard covers every
 *   such group instead of the policy growing per log group (Step Functions Developer Guide,
 *   "Logging using CloudWatch Logs", gives it as /aws/vendedlogs/states).
 * - The groups are NOT encrypted with the environment's log key: "The log group must not be encrypted
 *   with AWS Key Management Service and must be in the same AWS account as your user pool"
 *   (CloudFormation Template Reference, "AWS::Cognito::LogDeliveryConfiguration CloudWatchLogsConfiguration";
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cognito-logdeliveryconfiguration-cloudwatchlogsconfiguration.html).
 *   CloudWatch Logs still encrypts them at rest with its own keys; they keep the environment's retention.
 *
 * Moving to the native resource after a provider upgrade (>= 6.5.0), in one reviewed change:
 *   1. add aws_cognito_log_delivery_configuration with the same log_configurations, plus
 *      `import { to = aws_cognito_log_delivery_configuration.<name>  id = <user pool id> }`
 *      (the resource is imported by the pool id);
 *   2. remove this CloudFormation stack from the code in the same change. The template gives the
 *      resource DeletionPolicy Retain, so deleting the stack leaves the pool's configuration in place
 *      and the imported native resource owns it from then on. `npm run plan` must show one import,
 *      one destroy (the stack) and nothing else.
 */
import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { Construct } from "constructs";
import { policyDocument } from "../policy-document";
import { logDeliveryWriteStatement, type ProjectLogs } from "../monitoring/log-groups";
import { auditLogGroupNames } from "./queries";
import { resourcePrefix, type EnvironmentIdentity } from "../../../config/names";

/** Name of the CloudFormation stack that sets up the log delivery (and of the Logs resource policy for it). */
export const logDeliveryStackName = (env: Pick<EnvironmentIdentity, "name">): string => `${resourcePrefix(env.name)}-cognito-log-delivery`;

/** Why the export's log groups have no customer-managed key (the AWS rule, quoted above). */
export const COGNITO_REFUSES_KMS_LOG_GROUPS =
  "Cognito log delivery: the log group must not be encrypted with AWS KMS (AWS::Cognito::LogDeliveryConfiguration CloudWatchLogsConfiguration)";

/** Logical id of the log delivery configuration inside the CloudFormation template. */
export const LOG_DELIVERY_LOGICAL_ID = "LogDeliveryConfiguration";

/** Template parameters, so the template itself is a constant (and its test needs no Terraform references). */
export const LOG_DELIVERY_PARAMETERS = ["UserPoolId", "UserActivityLogGroupArn", "UserNotificationLogGroupArn"] as const;

/** The CloudFormation template: exactly one AWS::Cognito::LogDeliveryConfiguration. */
export function logDeliveryTemplate(): Record<string, unknown> {
  const parameter = (description: string) => ({ Type: "String", Description: description });
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "TaskFlow: Cognito user-activity and notification-error logs to CloudWatch Logs (managed by Terraform)",
    Parameters: {
      UserPoolId: parameter("User pool whose logs are exported"),
      UserActivityLogGroupArn: parameter("Log group ARN (no :* suffix) for userAuthEvents"),
      UserNotificationLogGroupArn: parameter("Log group ARN (no :* suffix) for userNotification"),
    },
    Resources: {
      [LOG_DELIVERY_LOGICAL_ID]: {
        Type: "AWS::Cognito::LogDeliveryConfiguration",
        // Retain: removing the stack (when the native resource takes over) must not switch logging off.
        DeletionPolicy: "Retain",
        Properties: {
          UserPoolId: { Ref: "UserPoolId" },
          LogConfigurations: [
            {
              EventSource: "userAuthEvents",
              LogLevel: "INFO",
              CloudWatchLogsConfiguration: { LogGroupArn: { Ref: "UserActivityLogGroupArn" } },
            },
            {
              EventSource: "userNotification",
              LogLevel: "ERROR",
              CloudWatchLogsConfiguration: { LogGroupArn: { Ref: "UserNotificationLogGroupArn" } },
            },
          ],
        },
      },
    },
  };
}

/** Terraform address names (pinned: moving the construct must not replace the stack or lose log groups). */
export const LOG_DELIVERY_ADDRESSES = {
  stack: "cognito_log_delivery",
  userActivity: "audit_user_activity_log_group",
  userNotification: "audit_user_notification_log_group",
  policy: "audit_log_delivery_policy",
} as const;

export interface UserActivityLogsProps {
  /**
   * The environment: its name is in the log groups' and the stack's names, its account and Region
   * scope the delivery policy.
   * Required.
   */
  readonly environment: EnvironmentIdentity;
  /**
   * The user pool whose logs are exported.
   * Required.
   */
  readonly userPoolId: string;
  /**
   * The environment's log groups factory: retention and the log key come from there.
   * Required.
   */
  readonly logs: ProjectLogs;
}

/** The two log groups, the delivery policy, and the CloudFormation stack that switches the export on. */
export class UserActivityLogs extends Construct {
  readonly userActivity: CloudwatchLogGroup;
  readonly userNotification: CloudwatchLogGroup;
  readonly stack: CloudformationStack;

  constructor(scope: Construct, id: string, { environment, userPoolId, logs }: UserActivityLogsProps) {
    super(scope, id);
    const names = auditLogGroupNames(environment);
    const withoutCustomerKey = COGNITO_REFUSES_KMS_LOG_GROUPS;
    this.userActivity = logs.logGroup("audit-user-activity", names.userActivity, { withoutCustomerKey });
    this.userActivity.overrideLogicalId(LOG_DELIVERY_ADDRESSES.userActivity);
    this.userNotification = logs.logGroup("audit-user-notification", names.userNotification, { withoutCustomerKey });
    this.userNotification.overrideLogicalId(LOG_DELIVERY_ADDRESSES.userNotification);

    // The policy CloudWatch Logs would create on first delivery, narrowed to these two groups and to
    // deliveries made for this account and region (confused-deputy conditions of the same page).
    const policy = new CloudwatchLogResourcePolicy(this, "delivery-policy", {
      policyName: logDeliveryStackName(environment),
      policyDocument: policyDocument([
        logDeliveryWriteStatement(environment, "CognitoLogDeliveryWrites", [this.userActivity.arn, this.userNotification.arn]),
      ]),
    });
    policy.overrideLogicalId(LOG_DELIVERY_ADDRESSES.policy);

    this.stack = new CloudformationStack(this, "stack", {
      name: logDeliveryStackName(environment),
      templateBody: JSON.stringify(logDeliveryTemplate()),
      parameters: {
        UserPoolId: userPoolId,
        UserActivityLogGroupArn: this.userActivity.arn,
        UserNotificationLogGroupArn: this.userNotification.arn,
      },
      // A failed first create leaves nothing behind to delete by hand before the next apply.
      onFailure: "DELETE",
      // The policy must exist before the first delivery, or CloudWatch Logs writes its own.
      dependsOn: [policy],
    });
    this.stack.overrideLogicalId(LOG_DELIVERY_ADDRESSES.stack);
  }
}
