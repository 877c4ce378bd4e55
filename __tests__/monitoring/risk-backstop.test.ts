/**
 * Detection that a spelling cannot silence. The high-risk alarms filter on RiskLevel = "High"; AWS
 * writes the levels "high, medium, or low" in prose ("Viewing threat protection metrics"), and a
 * mismatch gives them no data for ever. The backstop counts the Risk metric, which that page
 * documents with the dimensions Operation and UserPoolId only. Written from the page, not imported.
 */
import { ENV_NAMES, resourcesOf, shippedConfigs, synthStack, type TfJson } from "../support/synth";

const configs = new Map(shippedConfigs().map((c) => [c.name, c]));
const alarmsOf = (json: TfJson): TfJson[] => Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
/** The stack's one alert topic, as an alarm action references it. */
function alertTopicRef(json: TfJson): string {
  const topics = Object.keys(resourcesOf(json, "aws_sns_topic"));
  expect(topics).toHaveLength(1);
  return `\${aws_sns_topic.${topics[0]}.arn}`;
}

describe("CognitoRiskBackstopAlarm: wherever threat protection runs, an alarm counts risky requests without the RiskLevel dimension", () => {
  test.each(ENV_NAMES)(
    "%s: TaskFlow-<env>-RiskyRequestsBackstop sums Risk over SignIn, SignUp and PasswordChange per pool (none when threat protection is off)",
    (name) => {
      const env = configs.get(name)!;
      const alarm = alarmsOf(synthStack(name)).find((a) => a.alarm_name === `TaskFlow-${name}-RiskyRequestsBackstop`);
      if (env.userPool.threatProtection === "OFF") {
        expect(alarm).toBeUndefined();
        return;
      }
      expect(alarm).toBeDefined();
      const inputs: TfJson[] = alarm!.metric_query.filter((q: TfJson) => q.metric).map((q: TfJson) => q.metric);
      expect(inputs.map((m) => m.dimensions.Operation).sort()).toEqual(["PasswordChange", "SignIn", "SignUp"]);
      for (const m of inputs) {
        expect(m).toMatchObject({ namespace: "AWS/Cognito", metric_name: "Risk", stat: "Sum" });
        expect(Object.keys(m.dimensions).sort()).toEqual(["Operation", "UserPoolId"]);
        expect(m.dimensions.UserPoolId).toMatch(/^\$\{aws_cognito_user_pool\.[\w-]+\.id\}$/);
      }
      const [output] = alarm!.metric_query.filter((q: TfJson) => q.return_data);
      expect(output.expression.replace(/\s/g, "")).toBe("FILL(m1,0)+FILL(m2,0)+FILL(m3,0)");
      expect(alarm).toMatchObject({
        threshold: env.monitoring.riskBackstop.threshold,
        evaluation_periods: env.monitoring.riskBackstop.evaluationPeriods,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        alarm_actions: [alertTopicRef(synthStack(name))],
      });
    },
  );

  test.each(ENV_NAMES)("%s: the exact high-risk alarms are kept next to it (none when threat protection is off)", (name) => {
    const env = configs.get(name)!;
    const highRisk = alarmsOf(synthStack(name))
      .map((a) => a.alarm_name)
      .filter((n: string) => n.endsWith("HighRisk"))
      .sort();
    const expected = [`TaskFlow-${name}-AccountTakeoverHighRisk`, `TaskFlow-${name}-CompromisedCredentialsHighRisk`];
    expect(highRisk).toEqual(env.userPool.threatProtection === "OFF" ? [] : expected);
  });
});
