/**
 * Metric filters and alarms on the exported user-activity log: only what Cognito's own risk metrics
 * cannot tell (whether a compromised-credential sign-in was blocked or got in).
 */
import { metricFilterAddress, auditAlarmAddress } from "../../stacks/constructs/audit";
import { resourcesOf } from "../support/synth";
import { config, EXPORTING, REF, resource, synth } from "./helpers";

const ALARMS = ["CompromisedCredentialsSignInBlocked", "CompromisedCredentialsSignInSucceeded"];
const SIGN_IN_WITH_COMPROMISED_PASSWORD =
  '$.message.eventType = "SignIn" && ($.message.compromisedCredentialDetected IS TRUE || $.message.compromisedCredentialDetected = "true")';

describe.each(EXPORTING)("%s: metric filters on the user-activity log group", (env) => {
  const json = synth(env);

  test("two filters, at their pinned addresses", () => {
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_log_metric_filter")).sort()).toEqual(ALARMS.map(metricFilterAddress).sort());
  });

  test.each(ALARMS)("%s counts matching events (value 1) into TaskFlow/Audit from the user-activity log group", (name) => {
    const filter = resource(json, "aws_cloudwatch_log_metric_filter", metricFilterAddress(name));
    expect(filter.name).toBe(`TaskFlow-${env}-${name}`);
    expect(filter.log_group_name).toBe(REF.userActivityName);
    expect(filter.metric_transformation).toEqual({ name, namespace: "TaskFlow/Audit", value: "1", unit: "Count" });
  });

  test("Blocked matches sign-ins with a compromised password that threat protection blocked", () => {
    expect(resource(json, "aws_cloudwatch_log_metric_filter", metricFilterAddress(ALARMS[0]!)).pattern).toBe(
      `{ ${SIGN_IN_WITH_COMPROMISED_PASSWORD} && ($.message.riskDecision = "Block" || $.message.riskDecision = "BLOCK") }`,
    );
  });

  test("Succeeded matches sign-ins with a compromised password that passed", () => {
    expect(resource(json, "aws_cloudwatch_log_metric_filter", metricFilterAddress(ALARMS[1]!)).pattern).toBe(
      `{ ${SIGN_IN_WITH_COMPROMISED_PASSWORD} && ($.message.eventResponse = "Pass" || $.message.eventResponse = "PASS") }`,
    );
  });
});

describe.each(EXPORTING)("%s: alarms on the filters' metrics", (env) => {
  const json = synth(env);
  const { riskEvents } = config(env).monitoring;
  const topicRefs = Object.keys(resourcesOf(json, "aws_sns_topic")).map((n) => `\${aws_sns_topic.${n}.arn}`);

  test("the stack has one alert topic (the one the audit alarms must use)", () => {
    expect(topicRefs).toHaveLength(1);
  });

  test.each(ALARMS)("%s fires on one event in the risk-event period and notifies the alert topic when it fires and recovers", (name) => {
    const alarm = resource(json, "aws_cloudwatch_metric_alarm", auditAlarmAddress(name));
    expect(alarm).toMatchObject({
      alarm_name: `TaskFlow-${env}-${name}`,
      namespace: "TaskFlow/Audit",
      metric_name: name,
      statistic: "Sum",
      period: riskEvents.periodSeconds,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: riskEvents.threshold,
      evaluation_periods: riskEvents.evaluationPeriods,
      treat_missing_data: "notBreaching",
      alarm_actions: topicRefs,
      ok_actions: topicRefs,
    });
    expect(alarm).not.toHaveProperty("dimensions");
  });

  test("each description tells on-call which saved query to run", () => {
    for (const name of ALARMS) {
      expect(resource(json, "aws_cloudwatch_metric_alarm", auditAlarmAddress(name)).alarm_description).toContain(
        `npm run investigate -- ${env} compromised-credentials`,
      );
    }
  });
});

describe("no audit alarms where no user activity is exported", () => {
  test("dev has neither filters nor audit alarms", () => {
    const json = synth("dev");
    expect(resourcesOf(json, "aws_cloudwatch_log_metric_filter")).toEqual({});
    for (const name of ALARMS) expect(Object.keys(resourcesOf(json, "aws_cloudwatch_metric_alarm"))).not.toContain(auditAlarmAddress(name));
  });
});
