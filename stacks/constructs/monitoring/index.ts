import { Construct } from "constructs";
import type { EnvironmentIdentity } from "../../../config/names";
import { AlertTopic } from "./alert-topic";
import { Alarms, type AlarmInputs, type WebAclAlarm } from "./alarms";
import { OperationsDashboard } from "./dashboard";
import { ProjectLogs } from "./log-groups";
import { SecurityEvents } from "./security-events";

export type { AlarmThreshold, AlarmThresholds, WatchedApi, WebAclAlarm } from "./alarms";

export interface MonitoringProps extends Omit<AlarmInputs, "environment" | "securityRuleName" | "webAcl"> {
  /**
   * The environment: every name derives from its name, and the topic, key and log policies admit only
   * its account's alarms, rules and log groups in its Region. Required.
   */
  readonly environment: EnvironmentIdentity;
  /** The user pool's ARN (a Terraform reference): the security-event rule matches its DisassociateWebACL. Required. */
  readonly userPoolArn: string;
  /** Address subscribed to the alert topic (the subscription must be confirmed once). Required. */
  readonly alertEmail: string;
  /** Days every log group of the environment keeps its events. Required. */
  readonly logRetentionDays: number;
  /**
   * The user pool's web ACL: an alarm on what it blocks (or counts), and the security-event rule also
   * reports the AWS WAF calls that switch it off.
   * @default - no web ACL: no WAF alarm, Cognito calls only
   */
  readonly webAcl?: WebAclAlarm;
}

/**
 * Monitoring and alerting of one environment: encrypted alert topic, alarms on Cognito and the
 * TaskFlow API, the operations dashboard, security-event notifications and the project's log groups.
 * Takes plain ids rather than the Cognito construct so the two can evolve independently.
 */
export class Monitoring extends Construct {
  readonly alertTopic: AlertTopic;
  /** Log groups of the project are created through this (retention and encryption included). */
  readonly logs: ProjectLogs;
  readonly securityEvents: SecurityEvents;
  readonly alarms: Alarms;
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { environment, webAcl } = props;
    this.alertTopic = new AlertTopic(this, "alerts", { environment, email: props.alertEmail });
    const topicArn = this.alertTopic.topic.arn;
    this.logs = new ProjectLogs(this, "logs", { environment, retentionDays: props.logRetentionDays });
    this.securityEvents = new SecurityEvents(this, "security-events", {
      environment,
      userPoolArn: props.userPoolArn,
      topicArn,
      logs: this.logs,
      webAclName: webAcl?.name,
    });
    this.alarms = new Alarms(this, "alarms", {
      ...props,
      topicArn,
      // The literal name, not a reference: alarm dimensions need no dependency on the rule.
      securityRuleName: this.securityEvents.ruleName,
    });
    this.dashboard = new OperationsDashboard(this, "dashboard", props);
  }
}
