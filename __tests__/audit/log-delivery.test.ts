/**
 * Export of Cognito's user-activity and notification-error logs: the CloudFormation template, the
 * encrypted log groups and the delivery policy, per environment.
 */
import { LOG_DELIVERY_PARAMETERS } from "../../stacks/constructs/audit/log-delivery";
import { addressesOf, config, EXPORTING, REF, resource, synth } from "./helpers";

/**
 * Properties as the CloudFormation Template Reference documents them ("AWS::Cognito::LogDeliveryConfiguration",
 * its "LogConfiguration" and "CloudWatchLogsConfiguration" property types).
 */
const DOCUMENTED = {
  resource: ["LogConfigurations", "UserPoolId"],
  logConfiguration: ["CloudWatchLogsConfiguration", "EventSource", "FirehoseConfiguration", "LogLevel", "S3Configuration"],
  cloudWatchLogsConfiguration: ["LogGroupArn"],
  /** LogConfigurations: Minimum 0, Maximum 2. */
  maxLogConfigurations: 2,
};

const stackOf = (env: (typeof EXPORTING)[number]) => resource(synth(env), "aws_cloudformation_stack", "cognito_log_delivery");

describe.each(EXPORTING)("%s: the log delivery template", (env) => {
  const stack = stackOf(env);
  const template = JSON.parse(stack.template_body);
  const resources = Object.entries(template.Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties: never }>);

  test("is valid JSON holding exactly one resource, an AWS::Cognito::LogDeliveryConfiguration", () => {
    expect(resources).toHaveLength(1);
    expect(resources[0]![1].Type).toBe("AWS::Cognito::LogDeliveryConfiguration");
  });

  const [, delivery] = resources[0]!;
  const props = delivery.Properties as { UserPoolId: unknown; LogConfigurations: Record<string, unknown>[] };

  test("sets exactly the documented properties UserPoolId and LogConfigurations", () => {
    expect(Object.keys(props).sort()).toEqual(DOCUMENTED.resource);
  });

  test("each log configuration uses only documented keys, at most two configurations", () => {
    expect(props.LogConfigurations.length).toBeLessThanOrEqual(DOCUMENTED.maxLogConfigurations);
    for (const c of props.LogConfigurations) {
      expect(DOCUMENTED.logConfiguration).toEqual(expect.arrayContaining(Object.keys(c)));
      expect(Object.keys(c.CloudWatchLogsConfiguration as object)).toEqual(DOCUMENTED.cloudWatchLogsConfiguration);
    }
  });

  test("exports userAuthEvents at INFO and userNotification at ERROR, each to its own log group parameter", () => {
    expect(props.LogConfigurations).toEqual([
      { EventSource: "userAuthEvents", LogLevel: "INFO", CloudWatchLogsConfiguration: { LogGroupArn: { Ref: "UserActivityLogGroupArn" } } },
      {
        EventSource: "userNotification",
        LogLevel: "ERROR",
        CloudWatchLogsConfiguration: { LogGroupArn: { Ref: "UserNotificationLogGroupArn" } },
      },
    ]);
    expect(props.UserPoolId).toEqual({ Ref: "UserPoolId" });
  });

  test("retains the configuration when the stack is deleted (the move to the native resource relies on it)", () => {
    expect(delivery.DeletionPolicy).toBe("Retain");
  });

  test("declares exactly the parameters the Terraform stack passes: the pool id and the bare ARNs of the two audit log groups", () => {
    expect(Object.keys(template.Parameters).sort()).toEqual([...LOG_DELIVERY_PARAMETERS].sort());
    expect(stack.parameters).toEqual({
      UserPoolId: REF.poolId,
      UserActivityLogGroupArn: REF.userActivityArn,
      UserNotificationLogGroupArn: REF.userNotificationArn,
    });
  });

  test("is created only after the delivery policy exists (otherwise CloudWatch Logs writes its own on first delivery)", () => {
    expect(stack.depends_on).toEqual([REF.deliveryPolicy]);
  });
});

describe.each(EXPORTING)("%s: the audit log groups", (env) => {
  const json = synth(env);
  const { monitoring } = config(env);
  test.each([
    ["audit_user_activity_log_group", "user-activity"],
    ["audit_user_notification_log_group", "user-notification"],
  ])(
    "%s is /aws/vendedlogs/cognito/taskflow-<env>/%s, with the environment's retention and no KMS key (Cognito refuses KMS-encrypted destinations)",
    (name, suffix) => {
      expect(resource(json, "aws_cloudwatch_log_group", name)).toEqual({
        name: `/aws/vendedlogs/cognito/taskflow-${env}/${suffix}`,
        retention_in_days: monitoring.logRetentionDays,
      });
    },
  );
});

describe.each(EXPORTING)("%s: the delivery policy", (env) => {
  const policy = resource(synth(env), "aws_cloudwatch_log_resource_policy", "audit_log_delivery_policy");
  const { accountId } = config(env);

  test("has one statement: delivery.logs.amazonaws.com may create streams and put events in the two audit log groups, for this account and region only", () => {
    expect(JSON.parse(policy.policy_document).Statement).toEqual([
      {
        Sid: "CognitoLogDeliveryWrites",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${REF.userActivityArn}:log-stream:*`, `${REF.userNotificationArn}:log-stream:*`],
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:aws:logs:ap-northeast-1:${accountId}:*` },
        },
      },
    ]);
  });

  test("is named per environment", () => {
    expect(policy.policy_name).toBe(`taskflow-${env}-cognito-log-delivery`);
  });
});

describe("environments that export no user activity have none of the export's resources", () => {
  const exportOnly = [
    "aws_cloudformation_stack.cognito_log_delivery",
    "aws_cloudwatch_log_group.audit_user_activity_log_group",
    "aws_cloudwatch_log_group.audit_user_notification_log_group",
    "aws_cloudwatch_log_resource_policy.audit_log_delivery_policy",
  ];
  test("dev (ESSENTIALS, threat protection OFF) has none of them", () => {
    const addresses = addressesOf(synth("dev"));
    for (const a of exportOnly) expect(addresses).not.toContain(a);
  });
  test("prod with audit.userActivityLogs false has none of them", () => {
    const addresses = addressesOf(synth("prod", { audit: { userActivityLogs: false } }));
    for (const a of exportOnly) expect(addresses).not.toContain(a);
  });
  test("staging and prod have all of them", () => {
    for (const env of EXPORTING) expect(addressesOf(synth(env))).toEqual(expect.arrayContaining(exportOnly));
  });
});
