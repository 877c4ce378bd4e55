/**
 * Every CloudWatch namespace, metric name and dimension the monitoring uses, in one place. Alarms
 * and the dashboard are built from these definitions, so a wrong name is fixed once.
 *
 * Sources (AWS documentation, checked when this was written):
 * - Cognito user-pool metrics: Amazon Cognito Developer Guide, "User pool metrics in CloudWatch"
 *   (metrics-for-cognito-user-pools.html). SignInSuccesses is 1 per successful and 0 per failed
 *   or throttled sign-in, dimensions UserPool + UserPoolClient. There is no SignInFailures metric.
 * - Cognito threat-protection metrics: Cognito Developer Guide, "Viewing threat protection metrics"
 *   (user-pool-settings-viewing-advanced-security-metrics.html), dimensions UserPoolId, Operation,
 *   RiskLevel. Spellings differ between sources: that current AWS page says AccountTakeoverRisk and
 *   CompromisedCredentialRisk; the archived GitHub copy of the same guide says AccountTakeOverRisk;
 *   Grafana's and Pulumi's metric lists say AccountTakeOverRisk and CompromisedCredentialsRisk.
 *   We follow the current AWS page. Metric names are case-sensitive: if
 *   `aws cloudwatch list-metrics --namespace AWS/Cognito` shows another spelling after the first
 *   risk event, change it here only.
 * - Lambda: Lambda Developer Guide, "Types of metrics for Lambda functions" (Errors, Throttles;
 *   dimension FunctionName).
 * - API Gateway (REST): API Gateway Developer Guide, "Amazon API Gateway dimensions and metrics"
 *   (5XXError, Latency in ms; dimension ApiName).
 * - EventBridge: EventBridge User Guide, "Monitoring Amazon EventBridge" (FailedInvocations;
 *   dimension RuleName).
 * - AWS WAF: AWS WAF Developer Guide, "AWS WAF metrics and dimensions" (waf-metrics.html), namespace
 *   AWS/WAFV2 (capital V), BlockedRequests and CountedRequests (Sum), per rule with the dimensions
 *   Region, Rule, WebACL: Region is "required for all protected resource types except for Amazon
 *   CloudFront distributions", so a user pool's metrics carry it; Rule and WebACL are the metric
 *   names in the visibility configs. Metrics are only published when non-zero. Unsettled: the same
 *   page says count-action rules inside rule groups emit no WebACL-dimension metrics; whether a
 *   managed group overridden to count (staging) still reports CountedRequests under the web ACL
 *   rule's own name is not stated. Confirm in staging with
 *   `aws cloudwatch list-metrics --namespace AWS/WAFV2 --dimensions Name=WebACL,Value=taskflow-staging-user-pool`.
 */

export const NAMESPACE = {
  cognito: "AWS/Cognito",
  lambda: "AWS/Lambda",
  apiGateway: "AWS/ApiGateway",
  events: "AWS/Events",
  waf: "AWS/WAFV2",
} as const;

const COGNITO = {
  signInSuccesses: "SignInSuccesses",
  signInThrottles: "SignInThrottles",
  signUpThrottles: "SignUpThrottles",
  tokenRefreshThrottles: "TokenRefreshThrottles",
  accountTakeoverRisk: "AccountTakeoverRisk",
  compromisedCredentialRisk: "CompromisedCredentialRisk",
  /** Requests Cognito marked as risky at any level; published per UserPoolId and Operation, without RiskLevel. */
  risk: "Risk",
} as const;

const LAMBDA = { errors: "Errors", throttles: "Throttles" } as const;
const API_GATEWAY = { serverErrors: "5XXError", latency: "Latency" } as const;
const EVENTS = { failedInvocations: "FailedInvocations" } as const;

/** Operations threat protection reports on (the only values of the Operation dimension). */
export const RISK_OPERATIONS = ["SignIn", "SignUp", "PasswordChange"] as const;

/**
 * Value of the RiskLevel dimension we alarm on. The metrics page writes "high, medium, or low" in
 * prose; the Cognito API's RiskLevelType enum is Low | Medium | High, and public alarms on these
 * metrics use "High". High only: medium and low are what adaptive authentication handles by itself.
 */
export const HIGH_RISK = "High";

/** One metric with its statistic, as both an alarm and a dashboard widget need it. */
export interface MetricDef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Sum, SampleCount, ... or a percentile such as p99. */
  readonly stat: string;
  readonly periodSeconds: number;
  readonly label: string;
}

/** CloudWatch metric math over named metrics (ids are the keys of `inputs`). */
export interface MathDef {
  readonly expression: string;
  readonly label: string;
  readonly periodSeconds: number;
  readonly inputs: Readonly<Record<string, MetricDef>>;
}

/** The user pool and app client the Cognito metrics are about (tokens at synth time). */
export interface CognitoIds {
  readonly userPoolId: string;
  readonly userPoolClientId: string;
}

// Sign-in, sign-up and token-refresh metrics are published per pool and client, as UserPool (not UserPoolId).
const clientDimensions = (ids: CognitoIds) => ({ UserPool: ids.userPoolId, UserPoolClient: ids.userPoolClientId });
// Threat-protection metrics use UserPoolId instead.
const riskDimensions = (userPoolId: string, operation: string) => ({ UserPoolId: userPoolId, Operation: operation, RiskLevel: HIGH_RISK });

/** A MetricDef from its parts, in the order CloudWatch names them. */
const metric = (
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
  stat: string,
  periodSeconds: number,
  label: string,
): MetricDef => ({ namespace, metricName, dimensions, stat, periodSeconds, label });

const cognitoMetric = (metricName: string, ids: CognitoIds, stat: string, periodSeconds: number, label: string): MetricDef =>
  metric(NAMESPACE.cognito, metricName, clientDimensions(ids), stat, periodSeconds, label);

/** Sign-in attempts (SampleCount) and successes (Sum) of one app client, from the same metric. */
export function signInMetrics(ids: CognitoIds, periodSeconds: number): { attempts: MetricDef; successes: MetricDef } {
  return {
    attempts: cognitoMetric(COGNITO.signInSuccesses, ids, "SampleCount", periodSeconds, "Sign-in attempts"),
    successes: cognitoMetric(COGNITO.signInSuccesses, ids, "Sum", periodSeconds, "Sign-in successes"),
  };
}

/** Failed sign-ins as a count (attempts minus successes). */
export function signInFailures(ids: CognitoIds, periodSeconds: number): MathDef {
  const { attempts, successes } = signInMetrics(ids, periodSeconds);
  return { expression: "m1 - m2", label: "Sign-in failures", periodSeconds, inputs: { m1: attempts, m2: successes } };
}

/**
 * Failed sign-ins in percent. Below `minimumAttempts` per period the rate counts as 0, so three
 * typos at night do not page anyone.
 */
export function signInFailureRate(ids: CognitoIds, periodSeconds: number, minimumAttempts: number): MathDef {
  const { attempts, successes } = signInMetrics(ids, periodSeconds);
  return {
    expression: `IF(m1 > ${minimumAttempts}, 100 * (m1 - m2) / m1, 0)`,
    label: "Sign-in failure rate (%)",
    periodSeconds,
    inputs: { m1: attempts, m2: successes },
  };
}

/** Throttled sign-ins, sign-ups and token refreshes of one app client (Sum = number throttled). */
export function throttleMetrics(ids: CognitoIds, periodSeconds: number): MetricDef[] {
  return [
    cognitoMetric(COGNITO.signInThrottles, ids, "Sum", periodSeconds, "Throttled sign-ins"),
    cognitoMetric(COGNITO.signUpThrottles, ids, "Sum", periodSeconds, "Throttled sign-ups"),
    cognitoMetric(COGNITO.tokenRefreshThrottles, ids, "Sum", periodSeconds, "Throttled token refreshes"),
  ];
}

export type RiskKind = "accountTakeover" | "compromisedCredentials";

const RISK_METRIC: Record<RiskKind, { metricName: string; label: string }> = {
  accountTakeover: { metricName: COGNITO.accountTakeoverRisk, label: "High-risk account takeover" },
  compromisedCredentials: { metricName: COGNITO.compromisedCredentialRisk, label: "Compromised credentials (high risk)" },
};

/** High-risk events of one kind, per operation. */
export function riskMetrics(userPoolId: string, kind: RiskKind, periodSeconds: number): MetricDef[] {
  const { metricName, label } = RISK_METRIC[kind];
  return RISK_OPERATIONS.map((operation) =>
    metric(NAMESPACE.cognito, metricName, riskDimensions(userPoolId, operation), "Sum", periodSeconds, `${label}: ${operation}`),
  );
}

/**
 * The sum of `metrics` (named m1, m2, ...) as metric math. FILL(…, 0): a metric without data
 * publishes nothing, and a sum with a missing term would be missing too.
 */
function filledSum(metrics: readonly MetricDef[], label: string, periodSeconds: number): MathDef {
  const inputs = Object.fromEntries(metrics.map((m, i) => [`m${i + 1}`, m]));
  return {
    expression: Object.keys(inputs)
      .map((id) => `FILL(${id}, 0)`)
      .join(" + "),
    label,
    periodSeconds,
    inputs,
  };
}

/** High-risk events of one kind across all operations (an operation without events counts 0). */
export function riskEventsTotal(userPoolId: string, kind: RiskKind, periodSeconds: number): MathDef {
  return filledSum(riskMetrics(userPoolId, kind, periodSeconds), RISK_METRIC[kind].label, periodSeconds);
}

/**
 * Backstop for the RiskLevel-filtered alarms: requests threat protection marked as risky, at any
 * level, per operation, summed. The "Viewing threat protection metrics" page documents Risk with
 * the dimensions Operation and UserPoolId only, so no spelling of a RiskLevel value can leave it
 * without data.
 */
export function riskyRequestsTotal(userPoolId: string, periodSeconds: number): MathDef {
  const perOperation = RISK_OPERATIONS.map((operation) =>
    metric(
      NAMESPACE.cognito,
      COGNITO.risk,
      { UserPoolId: userPoolId, Operation: operation },
      "Sum",
      periodSeconds,
      `Risky requests: ${operation}`,
    ),
  );
  return filledSum(perOperation, "Risky requests (any risk level)", periodSeconds);
}

export const lambdaErrors = (functionName: string, periodSeconds: number): MetricDef =>
  metric(NAMESPACE.lambda, LAMBDA.errors, { FunctionName: functionName }, "Sum", periodSeconds, "Lambda errors");

export const lambdaThrottles = (functionName: string, periodSeconds: number): MetricDef =>
  metric(NAMESPACE.lambda, LAMBDA.throttles, { FunctionName: functionName }, "Sum", periodSeconds, "Lambda throttles");

export const api5xxErrors = (apiName: string, periodSeconds: number): MetricDef =>
  metric(NAMESPACE.apiGateway, API_GATEWAY.serverErrors, { ApiName: apiName }, "Sum", periodSeconds, "API 5XX responses");

/** End-to-end latency (ms) of the slowest 1 % of requests. */
export const apiLatencyP99 = (apiName: string, periodSeconds: number): MetricDef =>
  metric(NAMESPACE.apiGateway, API_GATEWAY.latency, { ApiName: apiName }, "p99", periodSeconds, "API latency p99 (ms)");

/** Events a rule matched but could not deliver (a topic or key policy that refuses EventBridge). */
export const ruleFailedInvocations = (ruleName: string, periodSeconds: number): MetricDef =>
  metric(NAMESPACE.events, EVENTS.failedInvocations, { RuleName: ruleName }, "Sum", periodSeconds, "Undelivered security events");

/** What a web ACL's rules did to a request: BlockedRequests in block mode, CountedRequests in count mode. */
export type WafOutcome = "Blocked" | "Counted";

/** One rule's blocked or counted requests in a regional web ACL (dimensions Region, Rule, WebACL). */
export const wafRuleRequests = (webAcl: string, region: string, rule: string, outcome: WafOutcome, periodSeconds: number): MetricDef =>
  metric(
    NAMESPACE.waf,
    `${outcome}Requests`,
    { Region: region, Rule: rule, WebACL: webAcl },
    "Sum",
    periodSeconds,
    `${outcome} by ${rule}`,
  );

/**
 * Blocked (or counted) requests over every rule of the web ACL. Per rule, summed with FILL(…, 0):
 * a rule without matches publishes nothing, and the per-rule series are the documented dimension
 * set of a regional web ACL.
 */
export function wafRequestsTotal(
  webAcl: string,
  region: string,
  rules: readonly string[],
  outcome: WafOutcome,
  periodSeconds: number,
): MathDef {
  const perRule = rules.map((rule) => wafRuleRequests(webAcl, region, rule, outcome, periodSeconds));
  return filledSum(perRule, `Requests ${outcome.toLowerCase()} by web ACL ${webAcl}`, periodSeconds);
}

/** Percentile statistics (p99, p95.5) go to `extended_statistic`, the others to `statistic`. */
export const isPercentile = (stat: string): boolean => /^p\d+(\.\d+)?$/.test(stat);
