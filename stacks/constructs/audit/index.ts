import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { CloudwatchQueryDefinition } from "@cdktf/provider-aws/lib/cloudwatch-query-definition";
import { Construct } from "constructs";
import { alarmNamePrefix, type EnvironmentIdentity } from "../../../config/names";
import type { ProjectLogs } from "../monitoring/log-groups";
import { AUDIT_NAMESPACE, auditAlarmSpecs, type AuditAlarmTiming } from "./alarms";
import { UserActivityLogs } from "./log-delivery";
import { fillQuery, investigationQueries, USER_POOL_ID_PLACEHOLDER, type AuditSettings } from "./queries";

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
  /**
   * The environment: its name is in every resource name, its account and Region in the ARNs.
   * Required.
   */
  readonly environment: EnvironmentIdentity;
  /**
   * What to export and which CloudTrail log group to query.
   * Required.
   */
  readonly audit: AuditSettings;
  /**
   * The user pool's id (exported, and filled into the saved queries).
   * Required.
   */
  readonly userPoolId: string;
  /**
   * The user pool's name, as the alarm descriptions show it.
   * Required.
   */
  readonly userPoolName: string;
  /**
   * The environment's log groups (retention and log key).
   * Required.
   */
  readonly logs: ProjectLogs;
  /**
   * The encrypted alert topic the audit alarms notify, like the other alarms.
   * Required.
   */
  readonly alertTopicArn: string;
  /**
   * When the audit alarms fire (the same sensitivity as the risk alarms on Cognito's metrics).
   * Required.
   */
  readonly alarmTiming: AuditAlarmTiming;
}

/**
 * Audit trail and incident response of one environment: the export of Cognito's user activity (PLUS
 * pools), the saved investigation queries and alarms on what only the exported events show (the
 * responder role is in state-<env>: responder-role.ts). Every resource has a pinned address (see the *_ADDRESSES constants and the
 * address functions above); nothing here exists unless config turns it on.
 */
export class AuditTrail extends Construct {
  readonly userActivityLogs?: UserActivityLogs;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { environment, audit, userPoolId, logs } = props;
    if (audit.userActivityLogs) {
      this.userActivityLogs = new UserActivityLogs(this, "user-activity", { environment, userPoolId, logs });
    }
    // Saved queries name their log groups by plain name; the groups must exist before the definitions.
    const dependsOn = this.userActivityLogs ? [this.userActivityLogs.userActivity, this.userActivityLogs.userNotification] : [];

    for (const query of investigationQueries({ name: environment.name, audit })) {
      new CloudwatchQueryDefinition(this, `query-${query.name}`, {
        name: query.definitionName,
        queryString: fillQuery(query, { [USER_POOL_ID_PLACEHOLDER]: userPoolId }),
        logGroupNames: [...query.logGroupNames],
        dependsOn,
      }).overrideLogicalId(queryAddress(query.name));
    }

    const activity = this.userActivityLogs?.userActivity;
    if (activity) this.addAlarms(props, activity.name);
  }

  /** One metric filter on the user-activity log group and one alarm per spec, both to the alert topic. */
  private addAlarms({ environment, userPoolName, alarmTiming, alertTopicArn }: AuditTrailProps, logGroupName: string): void {
    const prefix = alarmNamePrefix(environment.name);
    for (const spec of auditAlarmSpecs(environment.name, userPoolName, alarmTiming)) {
      new CloudwatchLogMetricFilter(this, `filter-${spec.name}`, {
        name: `${prefix}${spec.name}`,
        logGroupName,
        pattern: spec.pattern,
        metricTransformation: { name: spec.name, namespace: AUDIT_NAMESPACE, value: "1", unit: "Count" },
      }).overrideLogicalId(metricFilterAddress(spec.name));
      new CloudwatchMetricAlarm(this, `alarm-${spec.name}`, {
        alarmName: `${prefix}${spec.name}`,
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
