import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../../config";
import {
  api5xxErrors,
  apiLatencyP99,
  isPercentile,
  lambdaErrors,
  lambdaThrottles,
  riskEventsTotal,
  riskyRequestsTotal,
  ruleFailedInvocations,
  signInFailureRate,
  throttleMetrics,
  type CognitoIds,
  type MathDef,
  type MetricDef,
  type RiskKind,
  wafRequestsTotal,
} from "./metrics";
import { wafRules, webAclName } from "../waf/names";

/** Every alarm of an environment starts with this; the topic and key policies match on it. */
export const alarmNamePrefix = (env: EnvironmentConfig): string => `TaskFlow-${env.name}-`;

export interface AlarmSpec {
  /** Name after the TaskFlow-<env>- prefix; also the construct id. */
  readonly name: string;
  readonly description: string;
  readonly source: MetricDef | MathDef;
  readonly comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold";
  readonly threshold: number;
  readonly evaluationPeriods: number;
  /**
   * Cognito, Lambda and API Gateway publish nothing when nothing happens: no data means no
   * traffic, not a failure, so every alarm here treats it as not breaching.
   */
  readonly treatMissingData: "notBreaching";
}

export interface AlarmInputs extends CognitoIds {
  readonly env: EnvironmentConfig;
  /** EventBridge rule that forwards security events; its delivery failures are alarmed on. */
  readonly securityRuleName: string;
}

/** A failed delivery of a security event is always worth a look: one in 5 minutes alarms. */
const UNDELIVERED_EVENTS = { threshold: 1, periodSeconds: 300, evaluationPeriods: 1 };

/** The alarms of one environment, as data (the construct below only renders them). */
export function alarmSpecs({ env, userPoolId, userPoolClientId, securityRuleName }: AlarmInputs): AlarmSpec[] {
  const m = env.monitoring;
  const ids = { userPoolId, userPoolClientId };
  const notBreaching = "notBreaching" as const;
  const rate = m.signInFailureRate;

  const specs: AlarmSpec[] = [
    {
      name: "SignInFailureRate",
      description: `More than ${rate.thresholdPercent} % of sign-ins to app client ${env.appClient.name} failed (periods with more than ${rate.minimumAttempts} attempts only): credential stuffing, or a broken client.`,
      source: signInFailureRate(ids, rate.periodSeconds, rate.minimumAttempts),
      comparison: "GreaterThanThreshold",
      threshold: rate.thresholdPercent,
      evaluationPeriods: rate.evaluationPeriods,
      treatMissingData: notBreaching,
    },
    // Throttling means Cognito's request quota is reached: users cannot sign in at all.
    ...throttleMetrics(ids, m.throttles.periodSeconds).map((metric) => ({
      name: metric.metricName,
      description: `${metric.label} of app client ${env.appClient.name}: the user pool's request quota is reached.`,
      source: metric,
      comparison: "GreaterThanOrEqualToThreshold" as const,
      threshold: m.throttles.threshold,
      evaluationPeriods: m.throttles.evaluationPeriods,
      treatMissingData: notBreaching,
    })),
    {
      name: "ApiLambdaErrors",
      description: `The TaskFlow API function ${m.lambdaFunctionName} returned errors.`,
      source: lambdaErrors(m.lambdaFunctionName, m.lambdaErrors.periodSeconds),
      comparison: "GreaterThanThreshold",
      threshold: m.lambdaErrors.threshold,
      evaluationPeriods: m.lambdaErrors.evaluationPeriods,
      treatMissingData: notBreaching,
    },
    {
      name: "ApiLambdaThrottles",
      description: `Invocations of ${m.lambdaFunctionName} were throttled (concurrency limit reached).`,
      source: lambdaThrottles(m.lambdaFunctionName, m.lambdaThrottles.periodSeconds),
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: m.lambdaThrottles.threshold,
      evaluationPeriods: m.lambdaThrottles.evaluationPeriods,
      treatMissingData: notBreaching,
    },
    {
      name: "Api5xxErrors",
      description: `API Gateway ${m.apiGatewayName} answered with 5XX errors.`,
      source: api5xxErrors(m.apiGatewayName, m.api5xx.periodSeconds),
      comparison: "GreaterThanThreshold",
      threshold: m.api5xx.threshold,
      evaluationPeriods: m.api5xx.evaluationPeriods,
      treatMissingData: notBreaching,
    },
    {
      name: "ApiLatencyP99",
      description: `The slowest 1 % of requests to ${m.apiGatewayName} took longer than ${m.apiLatencyP99Ms.threshold} ms.`,
      source: apiLatencyP99(m.apiGatewayName, m.apiLatencyP99Ms.periodSeconds),
      comparison: "GreaterThanThreshold",
      threshold: m.apiLatencyP99Ms.threshold,
      evaluationPeriods: m.apiLatencyP99Ms.evaluationPeriods,
      treatMissingData: notBreaching,
    },
    {
      name: "SecurityEventsUndelivered",
      description: `EventBridge rule ${securityRuleName} matched Cognito security changes it could not deliver to the alert topic: check the topic and key policies.`,
      source: ruleFailedInvocations(securityRuleName, UNDELIVERED_EVENTS.periodSeconds),
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: UNDELIVERED_EVENTS.threshold,
      evaluationPeriods: UNDELIVERED_EVENTS.evaluationPeriods,
      treatMissingData: notBreaching,
    },
  ];

  // Threat protection publishes its metrics only when it is on (AUDIT or ENFORCED).
  if (env.userPool.threatProtection !== "OFF") {
    const risk = (name: string, kind: RiskKind, what: string): AlarmSpec => ({
      name,
      description: `Threat protection (${env.userPool.threatProtection}) saw ${what} at high risk in user pool ${env.userPool.name}.`,
      source: riskEventsTotal(userPoolId, kind, m.riskEvents.periodSeconds),
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: m.riskEvents.threshold,
      evaluationPeriods: m.riskEvents.evaluationPeriods,
      treatMissingData: notBreaching,
    });
    specs.push(
      risk("AccountTakeoverHighRisk", "accountTakeover", "account-takeover attempts"),
      risk("CompromisedCredentialsHighRisk", "compromisedCredentials", "compromised credentials"),
      // Backstop: the two alarms above filter on RiskLevel = "High", and a value spelt otherwise by
      // AWS gives them no data for ever (FILL + notBreaching hides it). This one has no RiskLevel.
      {
        name: "RiskyRequestsBackstop",
        description: `Threat protection (${env.userPool.threatProtection}) marked at least ${m.riskBackstop.threshold} requests to user pool ${env.userPool.name} as risky (any risk level). If the high-risk alarms stay silent meanwhile, check their RiskLevel spelling with aws cloudwatch list-metrics --namespace AWS/Cognito.`,
        source: riskyRequestsTotal(userPoolId, m.riskBackstop.periodSeconds),
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: m.riskBackstop.threshold,
        evaluationPeriods: m.riskBackstop.evaluationPeriods,
        treatMissingData: notBreaching,
      },
    );
  }
  // The user pool's web ACL: in block mode what it blocked, in count mode what it would have blocked
  // (a BlockedRequests alarm could never fire while every rule only counts).
  if (env.waf.mode !== "off") {
    const blocked = env.waf.mode === "block";
    const w = env.waf.alarm;
    specs.push({
      name: blocked ? "UserPoolWafBlockedRequests" : "UserPoolWafCountedRequests",
      description: `AWS WAF web ACL ${webAclName(env)} ${blocked ? "blocked" : "counted (would block)"} requests to user pool ${env.userPool.name}: a credential-stuffing or sign-up flood, bad sources, or a rule hitting real users (check sampled requests).`,
      source: wafRequestsTotal(
        webAclName(env),
        env.region,
        wafRules(env).map((r) => r.name),
        blocked ? "Blocked" : "Counted",
        w.periodSeconds,
      ),
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: w.threshold,
      evaluationPeriods: w.evaluationPeriods,
      treatMissingData: notBreaching,
    });
  }
  return specs;
}

type MetricArgs = Pick<
  CloudwatchMetricAlarmConfig,
  "namespace" | "metricName" | "dimensions" | "period" | "statistic" | "extendedStatistic" | "metricQuery"
>;

function metricArgs(source: MetricDef | MathDef): MetricArgs {
  if ("expression" in source) {
    return {
      metricQuery: [
        { id: "e1", expression: source.expression, label: source.label, returnData: true },
        ...Object.entries(source.inputs).map(([id, metric]) => ({
          id,
          returnData: false,
          metric: {
            namespace: metric.namespace,
            metricName: metric.metricName,
            dimensions: { ...metric.dimensions },
            stat: metric.stat,
            period: metric.periodSeconds,
          },
        })),
      ],
    };
  }
  return {
    namespace: source.namespace,
    metricName: source.metricName,
    dimensions: { ...source.dimensions },
    period: source.periodSeconds,
    ...(isPercentile(source.stat) ? { extendedStatistic: source.stat } : { statistic: source.stat }),
  };
}

export interface AlarmsProps extends AlarmInputs {
  readonly topicArn: string;
}

/** One CloudWatch alarm per spec, each notifying the alert topic when it fires and when it recovers. */
export class Alarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const prefix = alarmNamePrefix(props.env);
    this.alarms = alarmSpecs(props).map(
      (spec) =>
        new CloudwatchMetricAlarm(this, spec.name, {
          alarmName: `${prefix}${spec.name}`,
          alarmDescription: spec.description,
          comparisonOperator: spec.comparison,
          threshold: spec.threshold,
          evaluationPeriods: spec.evaluationPeriods,
          treatMissingData: spec.treatMissingData,
          // A p99 over a handful of requests is one slow request: keep the state until there are enough.
          ...("stat" in spec.source && isPercentile(spec.source.stat) ? { evaluateLowSampleCountPercentiles: "ignore" } : {}),
          ...metricArgs(spec.source),
          // OK actions too: on-call learns that an incident is over without opening the console.
          alarmActions: [props.topicArn],
          okActions: [props.topicArn],
        }),
    );
  }
}
