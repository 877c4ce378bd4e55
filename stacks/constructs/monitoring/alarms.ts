import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
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
import { alarmNamePrefix as alarmNamePrefixOf, type EnvironmentIdentity } from "../../../config/names";

/** Every alarm of an environment starts with this; the topic and key policies match on it. */
export const alarmNamePrefix = (env: Pick<EnvironmentIdentity, "name">): string => alarmNamePrefixOf(env.name);

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

/** When one alarm fires: above (or at) `threshold` for `evaluationPeriods` periods of `periodSeconds` in a row. */
export interface AlarmThreshold {
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
}

/** Thresholds of the alarms (an environment's `monitoring` settings have this shape). */
export interface AlarmThresholds {
  /** Failed sign-ins in percent; below `minimumAttempts` per period the rate counts as 0. Required. */
  readonly signInFailureRate: {
    readonly thresholdPercent: number;
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    readonly minimumAttempts: number;
  };
  /** Any throttled sign-in, sign-up or token refresh. Required. */
  readonly throttles: AlarmThreshold;
  /** High-risk account-takeover and compromised-credential events (only with threat protection). Required. */
  readonly riskEvents: AlarmThreshold;
  /** Risky requests at any risk level (only with threat protection). Required. */
  readonly riskBackstop: AlarmThreshold;
  /** Errors of the API's Lambda function. Required. */
  readonly lambdaErrors: AlarmThreshold;
  /** Throttles of the API's Lambda function. Required. */
  readonly lambdaThrottles: AlarmThreshold;
  /** 5XX answers of the API Gateway REST API. Required. */
  readonly api5xx: AlarmThreshold;
  /** p99 latency of the API Gateway REST API, in milliseconds. Required. */
  readonly apiLatencyP99Ms: AlarmThreshold;
}

/** The TaskFlow API whose errors, throttles and latency are watched. */
export interface WatchedApi {
  /** The API's Lambda function (dimension FunctionName). Required. */
  readonly lambdaFunctionName: string;
  /** The API Gateway REST API (dimension ApiName). Required. */
  readonly apiGatewayName: string;
}

/** The user pool's web ACL, whose blocked (or, in count mode, counted) requests are alarmed on. */
export interface WebAclAlarm {
  /** Name of the web ACL (the WebACL dimension). Required. */
  readonly name: string;
  /** Metric names of its rules (the Rule dimension), summed. Required. */
  readonly ruleNames: readonly string[];
  /** "block" alarms on BlockedRequests, "count" on CountedRequests (a count-mode ACL blocks nothing). Required. */
  readonly mode: "count" | "block";
  /** When the alarm fires. Required. */
  readonly alarm: AlarmThreshold;
}

/** What the alarms watch, and when each fires. */
export interface AlarmInputs extends CognitoIds {
  /**
   * The environment: alarms are named TaskFlow-<env>-<alarm>; its Region is the WAF metrics' Region
   * dimension and the dashboard's. Required.
   */
  readonly environment: Pick<EnvironmentIdentity, "name" | "region">;
  /** Name of the user pool, for descriptions. Required. */
  readonly userPoolName: string;
  /** Name of the watched app client, for descriptions. Required. */
  readonly appClientName: string;
  /** The pool's threat protection: the risk alarms exist only when it is AUDIT or ENFORCED. Required. */
  readonly threatProtection: "OFF" | "AUDIT" | "ENFORCED";
  /** The API whose errors, throttles and latency are watched. Required. */
  readonly api: WatchedApi;
  /** When each alarm fires. Required. */
  readonly thresholds: AlarmThresholds;
  /** EventBridge rule that forwards security events; its delivery failures are alarmed on. Required. */
  readonly securityRuleName: string;
  /** The user pool's web ACL. @default - no web ACL, no WAF alarm */
  readonly webAcl?: WebAclAlarm;
}

/** A failed delivery of a security event is always worth a look: one in 5 minutes alarms. */
const UNDELIVERED_EVENTS = { threshold: 1, periodSeconds: 300, evaluationPeriods: 1 };

/** The alarms of one environment, as data (the construct below only renders them). */
export function alarmSpecs(inputs: AlarmInputs): AlarmSpec[] {
  const { userPoolId, userPoolClientId, securityRuleName, appClientName, userPoolName, threatProtection, webAcl } = inputs;
  const m = { ...inputs.api, ...inputs.thresholds };
  const ids = { userPoolId, userPoolClientId };
  const notBreaching = "notBreaching" as const;
  const rate = m.signInFailureRate;

  const specs: AlarmSpec[] = [
    {
      name: "SignInFailureRate",
      description: `More than ${rate.thresholdPercent} % of sign-ins to app client ${appClientName} failed (periods with more than ${rate.minimumAttempts} attempts only): credential stuffing, or a broken client.`,
      source: signInFailureRate(ids, rate.periodSeconds, rate.minimumAttempts),
      comparison: "GreaterThanThreshold",
      threshold: rate.thresholdPercent,
      evaluationPeriods: rate.evaluationPeriods,
      treatMissingData: notBreaching,
    },
    // Throttling means Cognito's request quota is reached: users cannot sign in at all.
    ...throttleMetrics(ids, m.throttles.periodSeconds).map((metric) => ({
      name: metric.metricName,
      description: `${metric.label} of app client ${appClientName}: the user pool's request quota is reached.`,
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
  if (threatProtection !== "OFF") {
    const risk = (name: string, kind: RiskKind, what: string): AlarmSpec => ({
      name,
      description: `Threat protection (${threatProtection}) saw ${what} at high risk in user pool ${userPoolName}.`,
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
        description: `Threat protection (${threatProtection}) marked at least ${m.riskBackstop.threshold} requests to user pool ${userPoolName} as risky (any risk level). If the high-risk alarms stay silent meanwhile, check their RiskLevel spelling with aws cloudwatch list-metrics --namespace AWS/Cognito.`,
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
  if (webAcl) {
    const blocked = webAcl.mode === "block";
    const w = webAcl.alarm;
    specs.push({
      name: blocked ? "UserPoolWafBlockedRequests" : "UserPoolWafCountedRequests",
      description: `AWS WAF web ACL ${webAcl.name} ${blocked ? "blocked" : "counted (would block)"} requests to user pool ${userPoolName}: a credential-stuffing or sign-up flood, bad sources, or a rule hitting real users (check sampled requests).`,
      source: wafRequestsTotal(webAcl.name, inputs.environment.region, webAcl.ruleNames, blocked ? "Blocked" : "Counted", w.periodSeconds),
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
  /** Topic every alarm notifies when it fires and when it recovers. Required. */
  readonly topicArn: string;
}

/** One CloudWatch alarm per spec, each notifying the alert topic when it fires and when it recovers. */
export class Alarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const prefix = alarmNamePrefix(props.environment);
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
