import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config";
import { awsProviderFor } from "./aws-provider";
import { useS3Backend } from "./backend";
import { AuditTrail } from "./constructs/audit";
import { CognitoAuth, sesSender, type CognitoAuthProps } from "./constructs/cognito";
import { Monitoring, type MonitoringProps } from "./constructs/monitoring";
import { UserPoolWaf, wafRules, webAclName, type UserPoolWafProps } from "./constructs/waf";

/**
 * TaskFlow's authentication platform in one environment: one instance per entry of
 * config/environments.ts, with the environment's name as stack id (`cdktf deploy prod`).
 *
 * The one place that maps an environment's config to the props of its constructs: each construct
 * takes only what it uses, so its inputs can be read from its props and it can be built alone.
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
    this.auth = new CognitoAuth(this, "auth", cognitoProps(this, env));
    const monitoring = new Monitoring(this, "monitoring", {
      ...monitoringProps(env),
      userPoolId: this.auth.userPool.id,
      userPoolArn: this.auth.userPool.arn,
      userPoolClientId: this.auth.client.id,
    });
    if (env.waf.mode !== "off") {
      this.waf = new UserPoolWaf(this, "waf", {
        ...wafProps(env, env.waf.mode),
        userPoolArn: this.auth.userPool.arn,
        logs: monitoring.logs,
      });
    }
    this.audit = new AuditTrail(this, "audit", {
      environment: env,
      audit: env.audit,
      userPoolId: this.auth.userPool.id,
      userPoolName: env.userPool.name,
      logs: monitoring.logs,
      alertTopicArn: monitoring.alertTopic.topic.arn,
      // Same sensitivity as the risk alarms on Cognito's metrics: every such event is worth a look.
      alarmTiming: env.monitoring.riskEvents,
    });
  }
}

/** The user pool, its web client, domain and branding, from userPool, appClient and authDomain. */
function cognitoProps(stack: TerraformStack, env: EnvironmentConfig): CognitoAuthProps {
  const { userPool: pool, appClient: client, authDomain } = env;
  const email = pool.email;
  const rotation = client.refreshTokenRotation;
  // Cognito serves a custom domain through CloudFront: its certificate must be in us-east-1.
  const requestsCertificate = authDomain.kind === "custom" && !authDomain.certificateArn;
  return {
    environment: env,
    userPool: {
      name: pool.name,
      tier: pool.tier,
      deletionProtection: pool.deletionProtection,
      passwordPolicy: pool.passwordPolicy,
      mfa: pool.mfa,
      emailMfa: pool.emailMfa.enabled ? pool.emailMfa : undefined,
      threatProtection: pool.threatProtection,
      passkeys: pool.passkeys.enabled
        ? { relyingPartyId: env.passkeyRelyingPartyId, userVerification: pool.passkeys.userVerification }
        : undefined,
      sesSender:
        email.sender === "SES"
          ? sesSender({
              identity: email.identity ?? env.domainName,
              fromLocalPart: email.fromLocalPart,
              fromName: email.fromName,
              accountId: env.accountId,
              region: env.region,
            })
          : undefined,
      existingUserPoolId: pool.existingUserPoolId,
    },
    appClient: {
      name: client.name,
      accessTokenMinutes: client.accessTokenMinutes,
      idTokenMinutes: client.idTokenMinutes,
      refreshTokenMinutes: client.refreshTokenMinutes,
      callbackUrls: client.callbackUrls,
      logoutUrls: client.logoutUrls,
      refreshTokenRotation: rotation.enabled ? { retryGracePeriodSeconds: rotation.retryGracePeriodSeconds } : undefined,
      allowSrpSignIn: client.allowSrpSignIn,
      allowCustomAuth: client.allowCustomAuth,
      existingClientId: client.existingClientId,
    },
    domain: authDomain,
    certificateProvider: requestsCertificate ? awsProviderFor(stack, env, { alias: "us-east-1", region: "us-east-1" }) : undefined,
    branding: client.managedLoginBranding,
  };
}

/** Alert topic, log groups, alarms, dashboard and security events, from monitoring and the names of what they watch. */
function monitoringProps(env: EnvironmentConfig): Omit<MonitoringProps, "userPoolId" | "userPoolArn" | "userPoolClientId"> {
  const { lambdaFunctionName, apiGatewayName, logRetentionDays, ...thresholds } = env.monitoring;
  const waf = env.waf;
  return {
    environment: env,
    alertEmail: env.alertEmail,
    logRetentionDays,
    userPoolName: env.userPool.name,
    appClientName: env.appClient.name,
    threatProtection: env.userPool.threatProtection,
    api: { lambdaFunctionName, apiGatewayName },
    thresholds,
    webAcl:
      waf.mode === "off"
        ? undefined
        : {
            name: webAclName(env),
            ruleNames: wafRules(waf.extraManagedRuleGroups).map((r) => r.name),
            mode: waf.mode,
            alarm: waf.alarm,
          },
  };
}

/** The web ACL's rules and limits, from waf. */
function wafProps(env: EnvironmentConfig, mode: "count" | "block"): Omit<UserPoolWafProps, "userPoolArn" | "logs"> {
  const waf = env.waf;
  return {
    environment: env,
    userPoolName: env.userPool.name,
    mode,
    rateLimits: { perIp: waf.rateLimitPerIp, signInApi: waf.signInRateLimits.api, managedLogin: waf.signInRateLimits.managedLogin },
    rateWindowSeconds: waf.rateWindowSeconds,
    extraManagedRuleGroups: waf.extraManagedRuleGroups,
  };
}
