import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Construct } from "constructs";
import { alarmNamePrefix } from "../../../config/names";
import type { AlarmInputs } from "./alarms";
import {
  api5xxErrors,
  apiLatencyP99,
  lambdaErrors,
  lambdaThrottles,
  riskMetrics,
  signInFailureRate,
  signInFailures,
  throttleMetrics,
  type CognitoIds,
  type MathDef,
  type MetricDef,
} from "./metrics";

type MetricRow = (string | Record<string, unknown>)[];

/** A metric as a dashboard row: [namespace, name, dim1, value1, ..., {options}] (CloudWatch dashboard body structure). */
function metricRow(metric: MetricDef, options: Record<string, unknown> = {}): MetricRow {
  const dims = Object.entries(metric.dimensions).flat();
  return [
    metric.namespace,
    metric.metricName,
    ...dims,
    { stat: metric.stat, period: metric.periodSeconds, label: metric.label, ...options },
  ];
}

/** A math expression plus its inputs; inputs are hidden unless listed in `show`. */
function mathRows(math: MathDef, id: string, show: string[] = []): MetricRow[] {
  return [
    [{ expression: math.expression, label: math.label, id, period: math.periodSeconds }],
    ...Object.entries(math.inputs).map(([inputId, m]) => metricRow(m, { id: inputId, visible: show.includes(inputId) })),
  ];
}

interface Widget {
  type: "metric";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const WIDTH = 12;
const HEIGHT = 6;

/** Lays graphs out two per row. */
function graphs(
  region: string,
  specs: { title: string; metrics: MetricRow[]; threshold?: { value: number; label: string }; yLabel?: string }[],
): Widget[] {
  return specs.map((spec, i) => ({
    type: "metric",
    x: (i % 2) * WIDTH,
    y: Math.floor(i / 2) * HEIGHT,
    width: WIDTH,
    height: HEIGHT,
    properties: {
      title: spec.title,
      region,
      view: "timeSeries",
      stacked: false,
      metrics: spec.metrics,
      ...(spec.threshold ? { annotations: { horizontal: [spec.threshold] } } : {}),
      ...(spec.yLabel ? { yAxis: { left: { label: spec.yLabel, min: 0 } } } : {}),
    },
  }));
}

/** What the dashboard draws: the alarms' metrics, with their thresholds. */
export type DashboardInputs = CognitoIds & Pick<AlarmInputs, "environment" | "threatProtection" | "api" | "thresholds">;

/** The dashboard body, from the same metric definitions as the alarms. */
export function dashboardBody(inputs: DashboardInputs): { widgets: Widget[] } {
  const ids = { userPoolId: inputs.userPoolId, userPoolClientId: inputs.userPoolClientId };
  const m = { ...inputs.api, ...inputs.thresholds };
  const rate = m.signInFailureRate;
  const specs: Parameters<typeof graphs>[1] = [
    // Failures = attempts - successes; the successes input (m2) is drawn next to them.
    { title: "Sign-ins: successes vs failures", metrics: mathRows(signInFailures(ids, rate.periodSeconds), "e1", ["m2"]) },
    {
      title: "Sign-in failure rate (%)",
      metrics: mathRows(signInFailureRate(ids, rate.periodSeconds, rate.minimumAttempts), "e1"),
      threshold: { value: rate.thresholdPercent, label: "alarm" },
      yLabel: "%",
    },
    { title: "Cognito throttles", metrics: throttleMetrics(ids, m.throttles.periodSeconds).map((t) => metricRow(t)) },
  ];
  if (inputs.threatProtection !== "OFF") {
    specs.push({
      title: "Threat protection: high-risk events",
      metrics: [
        ...riskMetrics(ids.userPoolId, "accountTakeover", m.riskEvents.periodSeconds),
        ...riskMetrics(ids.userPoolId, "compromisedCredentials", m.riskEvents.periodSeconds),
      ].map((r) => metricRow(r)),
    });
  }
  specs.push(
    {
      title: "API latency p99 (ms)",
      metrics: [metricRow(apiLatencyP99(m.apiGatewayName, m.apiLatencyP99Ms.periodSeconds))],
      threshold: { value: m.apiLatencyP99Ms.threshold, label: "alarm" },
      yLabel: "ms",
    },
    {
      title: "API errors",
      metrics: [
        metricRow(api5xxErrors(m.apiGatewayName, m.api5xx.periodSeconds)),
        metricRow(lambdaErrors(m.lambdaFunctionName, m.lambdaErrors.periodSeconds)),
        metricRow(lambdaThrottles(m.lambdaFunctionName, m.lambdaThrottles.periodSeconds)),
      ],
    },
  );
  return { widgets: graphs(inputs.environment.region, specs) };
}

/** The dashboard is TaskFlow-<env>-Operations, in the environment's Region. */
export type OperationsDashboardProps = DashboardInputs;

/** TaskFlow-<env>-Operations. */
export class OperationsDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: `${alarmNamePrefix(props.environment.name)}Operations`,
      // Ids are Terraform references here; cdktf writes them as ${...} inside the JSON string.
      dashboardBody: JSON.stringify(dashboardBody(props)),
    });
  }
}
