/**
 * Monitoring settings that config refuses, one describe per rule: a compliant case that is accepted
 * and a non-compliant one refused with a message naming environment and field. (Alert email format
 * and presence are in __tests__/config-validation.test.ts.)
 */
import { parseEnvironmentConfig } from "../../config";
import { describeRefusals, type RefusalCase } from "../support/config-problems";
import { rawEnv } from "../support/synth";

const monitoring = (settings: Record<string, unknown>) => ({ monitoring: settings });

const cases: RefusalCase[] = [
  {
    rule: "alarm thresholds are above 0 (a 0 threshold alarms on every datapoint)",
    env: "prod",
    compliant: monitoring({ lambdaErrors: { threshold: 1 } }),
    nonCompliant: monitoring({ lambdaErrors: { threshold: 0 } }),
    problem: "prod.monitoring.lambdaErrors.threshold: must be greater than 0, got 0",
  },
  {
    rule: "alarm thresholds are not negative",
    env: "staging",
    compliant: monitoring({ api5xx: { threshold: 5 } }),
    nonCompliant: monitoring({ api5xx: { threshold: -1 } }),
    problem: "staging.monitoring.api5xx.threshold: must be greater than 0, got -1",
  },
  {
    rule: "failure-rate threshold is a percentage above 0",
    env: "prod",
    compliant: monitoring({ signInFailureRate: { thresholdPercent: 1 } }),
    nonCompliant: monitoring({ signInFailureRate: { thresholdPercent: 0 } }),
    problem: "prod.monitoring.signInFailureRate.thresholdPercent: must be between 0 and 100 percent, got 0",
  },
  {
    rule: "failure-rate threshold is at most 100 %",
    env: "dev",
    compliant: monitoring({ signInFailureRate: { thresholdPercent: 100 } }),
    nonCompliant: monitoring({ signInFailureRate: { thresholdPercent: 101 } }),
    problem: "dev.monitoring.signInFailureRate.thresholdPercent: must be between 0 and 100 percent, got 101",
  },
  {
    rule: "alarm periods are at least 60 s (standard-resolution metrics)",
    env: "prod",
    compliant: monitoring({ throttles: { threshold: 1, periodSeconds: 60 } }),
    nonCompliant: monitoring({ throttles: { threshold: 1, periodSeconds: 30 } }),
    problem: "prod.monitoring.throttles.periodSeconds: must be at least 60 seconds (standard-resolution metrics), got 30",
  },
  {
    rule: "the failure-rate period is at least 60 s",
    env: "staging",
    compliant: monitoring({ signInFailureRate: { periodSeconds: 120 } }),
    nonCompliant: monitoring({ signInFailureRate: { periodSeconds: 59 } }),
    problem: "staging.monitoring.signInFailureRate.periodSeconds: must be at least 60 seconds (standard-resolution metrics), got 59",
  },
  {
    rule: "alarm periods are whole minutes",
    env: "prod",
    compliant: monitoring({ apiLatencyP99Ms: { threshold: 3000, periodSeconds: 600 } }),
    nonCompliant: monitoring({ apiLatencyP99Ms: { threshold: 3000, periodSeconds: 90 } }),
    problem: "prod.monitoring.apiLatencyP99Ms.periodSeconds: must be a multiple of 60 seconds, got 90",
  },
  {
    rule: "alarms evaluate at least one period",
    env: "prod",
    compliant: monitoring({ riskEvents: { threshold: 1, evaluationPeriods: 1 } }),
    nonCompliant: monitoring({ riskEvents: { threshold: 1, evaluationPeriods: 0 } }),
    problem: "prod.monitoring.riskEvents.evaluationPeriods: must be between 1 and 100, got 0",
  },
  {
    rule: "the failure rate needs a minimum volume of at least 1 attempt",
    env: "prod",
    compliant: monitoring({ signInFailureRate: { minimumAttempts: 1 } }),
    nonCompliant: monitoring({ signInFailureRate: { minimumAttempts: 0 } }),
    problem: "prod.monitoring.signInFailureRate.minimumAttempts: must be between 1 and 1000000, got 0",
  },
  {
    rule: "log retention is a value CloudWatch Logs accepts",
    env: "dev",
    compliant: monitoring({ logRetentionDays: 365 }),
    nonCompliant: monitoring({ logRetentionDays: 366 }),
    problem:
      "dev.monitoring.logRetentionDays: must be one of CloudWatch's retention values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 366",
  },
  {
    rule: "the Lambda function name is one Lambda accepts (else the alarm watches nothing)",
    env: "prod",
    compliant: monitoring({ lambdaFunctionName: "taskflow-api" }),
    nonCompliant: monitoring({ lambdaFunctionName: "task flow api" }),
    problem: 'prod.monitoring.lambdaFunctionName: must be a Lambda function name, got "task flow api"',
  },
  {
    rule: "an empty alert email is refused (alarms need somewhere to go)",
    env: "prod",
    compliant: { alertEmail: "oncall@example.com" },
    nonCompliant: { alertEmail: "" },
    problem: 'prod.alertEmail: must be an email address, got ""',
  },
];

describeRefusals(cases);

describe("defaults are the documented ones", () => {
  const m = parseEnvironmentConfig(rawEnv("prod", { monitoring: undefined }), "prod").monitoring;
  test("sign-in failure rate: over 50 % for 3 periods of 5 minutes, from 10 attempts per period", () => {
    expect(m.signInFailureRate).toEqual({ thresholdPercent: 50, periodSeconds: 300, evaluationPeriods: 3, minimumAttempts: 10 });
  });
  test("Lambda errors: more than 10 for 2 periods; function and API named TaskFlowApi", () => {
    expect(m.lambdaErrors).toEqual({ threshold: 10, periodSeconds: 300, evaluationPeriods: 2 });
    expect([m.lambdaFunctionName, m.apiGatewayName]).toEqual(["TaskFlowApi", "TaskFlowApi"]);
  });
  test("logs are kept 365 days", () => {
    expect(m.logRetentionDays).toBe(365);
  });
});
