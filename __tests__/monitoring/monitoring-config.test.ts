/**
 * Monitoring settings that config refuses, one describe per rule: a compliant case that is accepted
 * and a non-compliant one refused with a message naming environment and field. (Alert email format
 * and presence are in __tests__/config-validation.test.ts.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
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
    compliant: monitoring({ api5xx: { threshold: 0.5 } }),
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
    compliant: monitoring({ signInFailureRate: { periodSeconds: 60 } }),
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
    compliant: monitoring({ lambdaErrors: { threshold: 10, evaluationPeriods: 1 } }),
    nonCompliant: monitoring({ lambdaErrors: { threshold: 10, evaluationPeriods: 0 } }),
    problem: "prod.monitoring.lambdaErrors.evaluationPeriods: must be between 1 and 100, got 0",
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

/**
 * The alarm table of stacks/constructs/monitoring/README.md documents each alarm's default ("fires
 * when (default)"): the defaults config gives must be those, so the operator's table cannot drift
 * from what is deployed. Which config setting drives which alarm is written here.
 */
describe("defaults are the documented ones (stacks/constructs/monitoring/README.md, alarm table)", () => {
  const m = parseEnvironmentConfig(rawEnv("prod", { monitoring: undefined }), "prod").monitoring;
  const readme = readFileSync(join(__dirname, "..", "..", "stacks", "constructs", "monitoring", "README.md"), "utf8");
  /** The "fires when (default)" cell of an alarm's row. */
  const firesWhen = (alarm: string): string => {
    const row = readme.split("\n").find((l) => l.startsWith(`| \`${alarm}\``));
    if (!row) throw new Error(`no row for ${alarm} in the monitoring README's alarm table`);
    return row.split("|")[5].trim();
  };
  /** threshold, periods and period length from "> 10 for 2 × 300 s" or "≥ 1 in 1 × 300 s". */
  const documented = (alarm: string) => {
    const match = /^(?:>|≥) (\d+)(?: %| ms)? (?:for|in) (\d+) × (\d+) s/.exec(firesWhen(alarm));
    if (!match) throw new Error(`${alarm}: cannot read "${firesWhen(alarm)}"`);
    return { threshold: Number(match[1]), evaluationPeriods: Number(match[2]), periodSeconds: Number(match[3]) };
  };
  const ALARM_SETTINGS = [
    ["SignInThrottles", "throttles"],
    ["SignUpThrottles", "throttles"],
    ["TokenRefreshThrottles", "throttles"],
    ["AccountTakeoverHighRisk", "riskEvents"],
    ["CompromisedCredentialsHighRisk", "riskEvents"],
    ["RiskyRequestsBackstop", "riskBackstop"],
    ["ApiLambdaErrors", "lambdaErrors"],
    ["ApiLambdaThrottles", "lambdaThrottles"],
    ["Api5xxErrors", "api5xx"],
    ["ApiLatencyP99", "apiLatencyP99Ms"],
  ] as const;

  test.each(ALARM_SETTINGS)("%s: monitoring.%s defaults to the documented threshold and periods", (alarm, setting) => {
    expect(m[setting]).toEqual(documented(alarm));
  });

  test("the Lambda function and the REST API default to the documented names, log retention to the documented days", () => {
    const defaultName = (setting: string) => new RegExp(`\`${setting}\` \\(default \`([\\w-]+)\`\\)`).exec(readme)?.[1];
    expect([m.lambdaFunctionName, m.apiGatewayName]).toEqual([
      defaultName("monitoring.lambdaFunctionName"),
      defaultName("monitoring.apiGatewayName"),
    ]);
    expect(m.logRetentionDays).toBe(Number(/`monitoring\.logRetentionDays` \(default (\d+) days/.exec(readme)?.[1]));
  });

  test("SignInFailureRate: monitoring.signInFailureRate defaults to the documented rate, periods and minimum attempts", () => {
    const { threshold, evaluationPeriods, periodSeconds } = documented("SignInFailureRate");
    const attempts = /only with more than (\d+) attempts per period/.exec(firesWhen("SignInFailureRate"));
    expect(m.signInFailureRate).toEqual({
      thresholdPercent: threshold,
      evaluationPeriods,
      periodSeconds,
      minimumAttempts: Number(attempts?.[1]),
    });
  });
});
