/**
 * Metric filters and alarms on the exported user-activity log: only what Cognito's own risk metrics
 * cannot tell (whether a compromised-credential sign-in was blocked or got in). Each filter is
 * evaluated on exported events in the documented format (user-activity-events.ts), not compared
 * with its own text.
 */
import { metricFilterAddress, auditAlarmAddress } from "../../stacks/constructs/audit";
import { resourcesOf } from "../support/synth";
import { filterPattern, selectorsOf } from "./filter-pattern";
import { config, EXPORTING, REF, resource, synth } from "./helpers";
import { DOCUMENTED_MESSAGE_FIELDS, USER_ACTIVITY_EVENTS, type UserActivityEventName } from "./user-activity-events";

const ALARMS = ["CompromisedCredentialsSignInBlocked", "CompromisedCredentialsSignInSucceeded"];

/** Fixture names each filter must match, and no other (the rest of USER_ACTIVITY_EVENTS must not). */
const MATCHES: Record<string, UserActivityEventName[]> = {
  CompromisedCredentialsSignInBlocked: [
    "compromisedSignInBlocked",
    "compromisedSignInBlockedBooleanFlag",
    "compromisedSignInBlockedUpperCase",
  ],
  CompromisedCredentialsSignInSucceeded: ["compromisedSignInPassed", "compromisedSignInPassedBooleanFlag"],
};

const matching = (pattern: string): string[] => {
  const matches = filterPattern(pattern);
  return Object.entries(USER_ACTIVITY_EVENTS)
    .filter(([, event]) => matches(event))
    .map(([name]) => name);
};

describe.each(EXPORTING)("%s: metric filters on the user-activity log group", (env) => {
  const json = synth(env);
  const patternOf = (name: string): string => resource(json, "aws_cloudwatch_log_metric_filter", metricFilterAddress(name)).pattern;

  test("two filters, at their pinned addresses", () => {
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_log_metric_filter")).sort()).toEqual(ALARMS.map(metricFilterAddress).sort());
  });

  test.each(ALARMS)("%s counts matching events (value 1) into TaskFlow/Audit from the user-activity log group", (name) => {
    const filter = resource(json, "aws_cloudwatch_log_metric_filter", metricFilterAddress(name));
    expect(filter.name).toBe(`TaskFlow-${env}-${name}`);
    expect(filter.log_group_name).toBe(REF.userActivityName);
    expect(filter.metric_transformation).toEqual({ name, namespace: "TaskFlow/Audit", value: "1", unit: "Count" });
  });

  test.each(ALARMS)("%s reads only fields of message that Cognito's exported event has (a field it does not write never fires)", (name) => {
    const fields = selectorsOf(patternOf(name)).map((s) => s.replace(/^\$\.message\./, ""));
    expect(fields).toEqual(["eventType", "compromisedCredentialDetected", name.endsWith("Blocked") ? "riskDecision" : "eventResponse"]);
    expect(fields.filter((f) => !(DOCUMENTED_MESSAGE_FIELDS as readonly string[]).includes(f))).toEqual([]);
  });

  test("CompromisedCredentialsSignInBlocked matches the blocked sign-ins with a leaked password, and no other exported event", () => {
    expect(matching(patternOf("CompromisedCredentialsSignInBlocked"))).toEqual(MATCHES.CompromisedCredentialsSignInBlocked);
  });

  test("CompromisedCredentialsSignInSucceeded matches the sign-ins with a leaked password that got in, and no other exported event", () => {
    expect(matching(patternOf("CompromisedCredentialsSignInSucceeded"))).toEqual(MATCHES.CompromisedCredentialsSignInSucceeded);
  });
});

describe("the filter-pattern evaluator follows CloudWatch Logs' JSON semantics", () => {
  const { compromisedSignInBlocked, compromisedSignInBlockedBooleanFlag } = USER_ACTIVITY_EVENTS;
  test("1. a field Cognito does not write (the API's spelling compromisedCredentialsDetected) matches no exported event", () => {
    expect(matching('{ $.message.compromisedCredentialsDetected = "true" || $.message.compromisedCredentialsDetected IS TRUE }')).toEqual(
      [],
    );
  });
  test('2. IS TRUE matches a JSON true only; = "true" matches the string only', () => {
    expect(filterPattern("{ $.message.compromisedCredentialDetected IS TRUE }")(compromisedSignInBlocked)).toBe(false);
    expect(filterPattern("{ $.message.compromisedCredentialDetected IS TRUE }")(compromisedSignInBlockedBooleanFlag)).toBe(true);
    expect(filterPattern('{ $.message.compromisedCredentialDetected = "true" }')(compromisedSignInBlocked)).toBe(true);
    expect(filterPattern('{ $.message.compromisedCredentialDetected = "true" }')(compromisedSignInBlockedBooleanFlag)).toBe(false);
  });
  test("3. && binds tighter than ||; parentheses group", () => {
    const e = USER_ACTIVITY_EVENTS.signInNoRisk;
    expect(filterPattern('{ $.message.eventType = "SignUp" && $.message.eventType = "x" || $.message.eventResponse = "Pass" }')(e)).toBe(
      true,
    );
    expect(filterPattern('{ $.message.eventType = "SignUp" && ($.message.eventType = "x" || $.message.eventResponse = "Pass") }')(e)).toBe(
      false,
    );
  });
  test("4. a pattern outside the supported subset is refused, not matched", () => {
    expect(() => filterPattern("{ $.message.riskLevel > 1 }")).toThrow(/filter pattern/);
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
