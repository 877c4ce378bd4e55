import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { CloudwatchQueryDefinition } from "@cdktf/provider-aws/lib/cloudwatch-query-definition";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../../config";
import { alarmNamePrefix } from "../monitoring/alarms";
import type { ProjectLogs } from "../monitoring/log-groups";
import { AUDIT_NAMESPACE, auditAlarmSpecs } from "./alarms";
import { UserActivityLogs } from "./log-delivery";
import { fillQuery, investigationQueries, USER_POOL_ID_PLACEHOLDER } from "./queries";

/** Terraform names are snake_case versions of the data's names: `user-events` → `audit_query_user_events`. */
const snake = (name: string) =>
  name
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
export const queryAddress = (name: string): string => `audit_query_${snake(name)}`;
export const metricFilterAddress = (name: string): string => `audit_filter_${snake(name)}`;
export const auditAlarmAddress = (name: string): string => `audit_alarm_${snake(name)}`;

export interface AuditTrailProps {
  readonly env: EnvironmentConfig;
  readonly userPoolId: string;
  /** The environment's log groups (retention and log key). */
  readonly logs: ProjectLogs;
  /** The encrypted alert topic the other alarms notify. */
  readonly alertTopicArn: string;
}

/**
 * Audit trail and incident response of one environment: the export of Cognito's user activity (PLUS
 * pools), the saved investigation queries and alarms on what only the exported events show (the
 * responder role is in state-<env>: responder-role.ts). Every resource has a pinned address (see the *_ADDRESSES constants and the
 * address functions above); nothing here exists unless config turns it on.
 */
export class AuditTrail extends Construct {
  readonly userActivityLogs?: UserActivityLogs;

  constructor(scope: Construct, id: string, { env, userPoolId, logs, alertTopicArn }: AuditTrailProps) {
    super(scope, id);
    if (env.audit.userActivityLogs) {
      this.userActivityLogs = new UserActivityLogs(this, "user-activity", { env, userPoolId, logs });
    }
    // Saved queries name their log groups by plain name; the groups must exist before the definitions.
    const dependsOn = this.userActivityLogs ? [this.userActivityLogs.userActivity, this.userActivityLogs.userNotification] : [];

    for (const query of investigationQueries(env)) {
      new CloudwatchQueryDefinition(this, `query-${query.name}`, {
        name: query.definitionName,
        queryString: fillQuery(query, { [USER_POOL_ID_PLACEHOLDER]: userPoolId }),
        logGroupNames: [...query.logGroupNames],
        dependsOn,
      }).overrideLogicalId(queryAddress(query.name));
    }

    const activity = this.userActivityLogs?.userActivity;
    if (activity) this.addAlarms(env, activity.name, alertTopicArn);
  }

  /** One metric filter on the user-activity log group and one alarm per spec, both to the alert topic. */
  private addAlarms(env: EnvironmentConfig, logGroupName: string, alertTopicArn: string): void {
    for (const spec of auditAlarmSpecs(env)) {
      new CloudwatchLogMetricFilter(this, `filter-${spec.name}`, {
        name: `${alarmNamePrefix(env)}${spec.name}`,
        logGroupName,
        pattern: spec.pattern,
        metricTransformation: { name: spec.name, namespace: AUDIT_NAMESPACE, value: "1", unit: "Count" },
      }).overrideLogicalId(metricFilterAddress(spec.name));
      new CloudwatchMetricAlarm(this, `alarm-${spec.name}`, {
        alarmName: `${alarmNamePrefix(env)}${spec.name}`,
        alarmDescription: spec.description,
        namespace: AUDIT_NAMESPACE,
        metricName: spec.name,
        statistic: "Sum",
        period: spec.periodSeconds,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        // The filter publishes nothing when nothing matches: no data is the good case.
        treatMissingData: "notBreaching",
        alarmActions: [alertTopicArn],
        okActions: [alertTopicArn],
      }).overrideLogicalId(auditAlarmAddress(spec.name));
    }
  }
}
