import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config";
import { awsProviderFor } from "./aws-provider";
import { useS3Backend } from "./backend";
import { AuditTrail } from "./constructs/audit";
import { CognitoAuth } from "./constructs/cognito";
import { Monitoring } from "./constructs/monitoring";
import { UserPoolWaf } from "./constructs/waf";

/**
 * TaskFlow's authentication platform in one environment: one instance per entry of
 * config/environments.ts, with the environment's name as stack id (`cdktf deploy prod`).
 */
export class EnvironmentStack extends TerraformStack {
  /** User pool, app client, OAuth domain and threat protection (pinned addresses: see the construct). */
  readonly auth: CognitoAuth;
  /** The user pool's web ACL; absent when waf.mode is "off" (dev). */
  readonly waf?: UserPoolWaf;
  /** User-activity export, saved investigation queries and audit alarms (each only when configured). */
  readonly audit: AuditTrail;

  constructor(
    scope: Construct,
    readonly env: EnvironmentConfig,
  ) {
    super(scope, env.name);
    useS3Backend(this, env);
    awsProviderFor(this, env);
    this.auth = new CognitoAuth(this, "auth", env);
    const monitoring = new Monitoring(this, "monitoring", {
      env,
      userPoolId: this.auth.userPool.id,
      userPoolArn: this.auth.userPool.arn,
      userPoolClientId: this.auth.client.id,
    });
    if (env.waf.mode !== "off") {
      this.waf = new UserPoolWaf(this, "waf", { env, userPoolArn: this.auth.userPool.arn, logs: monitoring.logs });
    }
    this.audit = new AuditTrail(this, "audit", {
      env,
      userPoolId: this.auth.userPool.id,
      logs: monitoring.logs,
      alertTopicArn: monitoring.alertTopic.topic.arn,
    });
  }
}
