import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../../config";
import { policyDocument } from "../policy-document";
import { ruleNamePrefix } from "./alert-topic";
import type { ProjectLogs } from "./log-groups";

/**
 * Cognito API calls that weaken or remove sign-in security, or redirect users (domain changes).
 * Names as CloudTrail records them (Cognito Developer Guide, "Logging Amazon Cognito API calls with
 * AWS CloudTrail").
 */
export const SECURITY_EVENT_NAMES = [
  "UpdateUserPool",
  "DeleteUserPool",
  "SetUserPoolMfaConfig",
  "SetRiskConfiguration",
  "UpdateUserPoolClient",
  "DeleteUserPoolClient",
  "AdminDisableUser",
  "AdminSetUserPassword",
  "AdminResetUserPassword",
  "CreateUserPoolDomain",
  "UpdateUserPoolDomain",
  "DeleteUserPoolDomain",
] as const;

/**
 * Every pool of the account, not only ours: each environment has its own account, and a change to
 * an unexpected pool is as suspicious. Needs a CloudTrail trail with management events in the
 * account (EventBridge only receives "AWS API Call via CloudTrail" events when one exists).
 */
export const securityEventPattern = {
  source: ["aws.cognito-idp"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventSource: ["cognito-idp.amazonaws.com"], eventName: [...SECURITY_EVENT_NAMES] },
};

export interface SecurityEventsProps {
  readonly env: EnvironmentConfig;
  readonly topicArn: string;
  readonly logs: ProjectLogs;
}

/** Notifies the alert topic of every security-relevant Cognito change, and keeps each event in a log group. */
export class SecurityEvents extends Construct {
  readonly rule: CloudwatchEventRule;
  /** The rule's name as a plain string (known at synth time). */
  readonly ruleName: string;

  constructor(scope: Construct, id: string, { env, topicArn, logs }: SecurityEventsProps) {
    super(scope, id);
    const name = `${ruleNamePrefix(env)}cognito-security-changes`;
    this.ruleName = name;
    this.rule = new CloudwatchEventRule(this, "rule", {
      name,
      description: `TaskFlow ${env.name}: security-relevant Cognito changes (CloudTrail) to the alert topic`,
      eventPattern: JSON.stringify(securityEventPattern),
      state: "ENABLED",
    });

    // Email readers get one sentence instead of a page of CloudTrail JSON; the full event is in the log group.
    const logGroupName = `/aws/events/${name}`;
    new CloudwatchEventTarget(this, "notify", {
      rule: this.rule.name,
      targetId: "alert-topic",
      arn: topicArn,
      inputTransformer: {
        inputPaths: {
          event: "$.detail.eventName",
          pool: "$.detail.requestParameters.userPoolId",
          actor: "$.detail.userIdentity.arn",
          sourceIp: "$.detail.sourceIPAddress",
          time: "$.time",
          account: "$.account",
          region: "$.region",
        },
        inputTemplate:
          `TaskFlow ${env.name}: Cognito security change <event> on user pool <pool> by <actor> from <sourceIp> at <time> ` +
          `(account <account>, <region>). If nobody planned it, treat it as an incident. Full event: log group ${logGroupName}.`,
      },
    });

    // Audit trail: the whole event, kept as long as the environment's other logs.
    const logGroup = logs.logGroup("audit-log", logGroupName);
    new CloudwatchLogResourcePolicy(this, "audit-log-policy", {
      policyName: `${name}-to-logs`,
      // The resource policy form EventBridge documents for CloudWatch Logs targets, limited to this log group.
      policyDocument: policyDocument([
        {
          Sid: "EventBridgeWritesSecurityEvents",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${logGroup.arn}:*`,
        },
      ]),
    });
    new CloudwatchEventTarget(this, "audit", { rule: this.rule.name, targetId: "audit-log", arn: logGroup.arn });
  }
}
