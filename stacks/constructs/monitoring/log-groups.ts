import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import { partitionOf } from "../../../config/aws-regions";
import { CustomerManagedKey } from "../customer-managed-key";
import type { PolicyStatement } from "../policy-document";
import { resourcePrefix, type EnvironmentIdentity } from "../../../config/names";

/** CloudWatch Logs' regional service principal (China regions end in .com.cn). */
function logsPrincipal(region: string): string {
  return `logs.${region}.amazonaws.com${partitionOf(region) === "aws-cn" ? ".cn" : ""}`;
}

/**
 * The resource-policy statement an AWS service's vended-log delivery needs to write to log groups:
 * delivery.logs.amazonaws.com may CreateLogStream/PutLogEvents in these groups only, and only for
 * deliveries made for this account and region (CloudWatch Logs User Guide, "Logs sent to CloudWatch
 * Logs": the policy it would otherwise write itself, AWSLogDeliveryWrite20150319, with the
 * confused-deputy conditions of the same page).
 */
export function logDeliveryWriteStatement(
  env: { readonly accountId: string; readonly region: string },
  sid: string,
  logGroupArns: readonly string[],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: "delivery.logs.amazonaws.com" },
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: logGroupArns.map((arn) => `${arn}:log-stream:*`),
    Condition: {
      StringEquals: { "aws:SourceAccount": env.accountId },
      ArnLike: { "aws:SourceArn": `arn:${partitionOf(env.region)}:logs:${env.region}:${env.accountId}:*` },
    },
  };
}

export interface ProjectLogsProps {
  /**
   * The environment: the key is alias/taskflow-<env>-logs, and only log groups of its account and
   * Region may use it. Required.
   */
  readonly environment: EnvironmentIdentity;
  /** Days every log group keeps its events: one of CloudWatch Logs' retention values. Required. */
  readonly retentionDays: number;
}

/**
 * Every CloudWatch log group this project owns is created here: one customer-managed key for all of
 * them, and one retention (`retentionDays`), so no group keeps logs forever or unencrypted by accident.
 */
export class ProjectLogs extends Construct {
  readonly key: CustomerManagedKey;
  private readonly props: ProjectLogsProps;

  constructor(scope: Construct, id: string, props: ProjectLogsProps) {
    super(scope, id);
    this.props = props;
    const { environment } = props;
    const { accountId, region } = environment;
    const logGroupArns = `arn:${partitionOf(region)}:logs:${region}:${accountId}:log-group:*`;
    this.key = new CustomerManagedKey(this, "key", {
      env: environment,
      purpose: "CloudWatch log groups",
      alias: `alias/${resourcePrefix(environment.name)}-logs`,
      addressName: "log_group_key",
      statements: [
        {
          // The encryption context names the log group: only log groups of this account and region
          // can have CloudWatch Logs use the key (CloudWatch Logs user guide, "Encrypt log data").
          Sid: "CloudWatchLogsEncryptLogGroups",
          Effect: "Allow",
          Principal: { Service: logsPrincipal(region) },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": logGroupArns } },
        },
      ],
    });
  }

  /** The delivery grant (logDeliveryWriteStatement) for these log groups' account and region. */
  deliveryWriteStatement(sid: string, logGroupArns: readonly string[]): PolicyStatement {
    return logDeliveryWriteStatement(this.props.environment, sid, logGroupArns);
  }

  /**
   * A log group with the environment's retention, encrypted with the project's log key, unless
   * `withoutCustomerKey` names the AWS rule that forbids a KMS key on it (the group then has
   * CloudWatch Logs' own at-rest encryption only). Callers must cite that rule.
   */
  logGroup(id: string, name: string, options: { withoutCustomerKey?: string } = {}): CloudwatchLogGroup {
    return new CloudwatchLogGroup(this, id, {
      name,
      retentionInDays: this.props.retentionDays,
      ...(options.withoutCustomerKey ? {} : { kmsKeyId: this.key.key.arn }),
    });
  }
}
