import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Construct } from "constructs";
import { resourcePrefix, type EnvironmentIdentity } from "../../../config/names";
import { policyDocument } from "../policy-document";
import type { ProjectLogs } from "../monitoring/log-groups";
import { wafLogGroupName } from "./names";

/** Pinned Terraform address names of the request log's resources. */
export const WAF_LOG_ADDRESSES = {
  logGroup: "waf_log_group",
  policy: "waf_log_delivery_policy",
  logging: "user_pool_web_acl_logging",
} as const;

/**
 * Headers AWS WAF writes to the log as REDACTED: the Authorization header carries access tokens
 * (GetUser, GlobalSignOut, ...) and managed login's cookies carry its session. Header names in
 * lower case, as AWS WAF matches single headers (API reference, SingleHeader).
 */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

export interface WafRequestLogProps {
  /** The environment (its name): the log group is aws-waf-logs-taskflow-<env>, its policy taskflow-<env>-waf-log-delivery. Required. */
  readonly environment: Pick<EnvironmentIdentity, "name">;
  /** ARN of the web ACL whose requests are logged (a Terraform reference). Required. */
  readonly webAclArn: string;
  /** Creates the log group (retention, log key) and the delivery grant for this account and region. Required. */
  readonly logs: ProjectLogs;
}

/**
 * Every request the web ACL inspects, logged to CloudWatch Logs group aws-waf-logs-taskflow-<env>
 * with the environment's retention and log key (AWS WAF Developer Guide, "Sending web ACL traffic
 * logs to an Amazon CloudWatch Logs log group": the name must start with aws-waf-logs-, the group is
 * in the web ACL's account and Region). On PutLoggingConfiguration AWS WAF writes a log resource
 * policy for delivery.logs.amazonaws.com itself (the shared AWSWAF-LOGS policy, which can outgrow
 * CloudWatch Logs' policy size); the policy below is that grant, narrowed to this group and made
 * before logging starts, so it is in code and reviewed. Whoever applies still needs
 * logs:CreateLogDelivery, logs:PutResourcePolicy, logs:DescribeResourcePolicies and logs:DescribeLogGroups.
 */
export class WafRequestLog extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly logging: Wafv2WebAclLoggingConfiguration;

  constructor(scope: Construct, id: string, { environment, webAclArn, logs }: WafRequestLogProps) {
    super(scope, id);
    this.logGroup = logs.logGroup("waf-log", wafLogGroupName(environment));
    this.logGroup.overrideLogicalId(WAF_LOG_ADDRESSES.logGroup);

    const policy = new CloudwatchLogResourcePolicy(this, "delivery-policy", {
      policyName: `${resourcePrefix(environment.name)}-waf-log-delivery`,
      policyDocument: policyDocument([logs.deliveryWriteStatement("WafLogDeliveryWrites", [this.logGroup.arn])]),
    });
    policy.overrideLogicalId(WAF_LOG_ADDRESSES.policy);

    this.logging = new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: webAclArn,
      // The group's ARN without ":*", the form PutLoggingConfiguration takes.
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
      // Logging must not start before the narrowed policy exists, or AWS WAF writes its own.
      dependsOn: [policy],
    });
    this.logging.overrideLogicalId(WAF_LOG_ADDRESSES.logging);
  }
}
