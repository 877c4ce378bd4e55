import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../../config";
import { AlertTopic } from "./alert-topic";
import { Alarms } from "./alarms";
import { OperationsDashboard } from "./dashboard";
import { ProjectLogs } from "./log-groups";
import { SecurityEvents } from "./security-events";

export interface MonitoringProps {
  readonly env: EnvironmentConfig;
  /** The user pool's id (a Terraform reference at synth time). */
  readonly userPoolId: string;
  /** The user pool's ARN (a Terraform reference): the security-event rule matches its DisassociateWebACL. */
  readonly userPoolArn: string;
  /** The app client whose sign-ins are watched. */
  readonly userPoolClientId: string;
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

  constructor(scope: Construct, id: string, { env, userPoolId, userPoolArn, userPoolClientId }: MonitoringProps) {
    super(scope, id);
    this.alertTopic = new AlertTopic(this, "alerts", { env });
    const topicArn = this.alertTopic.topic.arn;
    this.logs = new ProjectLogs(this, "logs", { env });
    this.securityEvents = new SecurityEvents(this, "security-events", { env, userPoolArn, topicArn, logs: this.logs });
    this.alarms = new Alarms(this, "alarms", {
      env,
      topicArn,
      userPoolId,
      userPoolClientId,
      // The literal name, not a reference: alarm dimensions need no dependency on the rule.
      securityRuleName: this.securityEvents.ruleName,
    });
    this.dashboard = new OperationsDashboard(this, "dashboard", { env, userPoolId, userPoolClientId });
  }
}
