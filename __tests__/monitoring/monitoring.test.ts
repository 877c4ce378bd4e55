/**
 * Monitoring controls, one describe per control with its reason, checked on every environment's
 * synthesized JSON. The lists of real metrics are written here from AWS documentation on purpose,
 * not imported from stacks/constructs/monitoring/metrics.ts: a typo there must fail here.
 */
import { auditLogGroupNames } from "../../stacks/constructs/audit/queries";
import { EXPORTING } from "../audit/helpers";
import { controlName } from "../security/helpers";
import { ENV_NAMES, resourcesOf, shippedConfigs, synthStack, type TfJson } from "../support/synth";
import { AUDITED_COGNITO_EVENTS } from "./fixtures/audited-cognito-events";
import { eventMatches } from "../support/event-pattern";

const configs = new Map(shippedConfigs().map((c) => [c.name, c]));

/**
 * Metrics AWS publishes, per namespace, with the dimension sets we may alarm on.
 * Cognito: Developer Guide "User pool metrics in CloudWatch" and "Viewing threat protection metrics".
 * Lambda: "Types of metrics for Lambda functions". API Gateway: "Amazon API Gateway dimensions and
 * metrics" (REST APIs). EventBridge: "Monitoring Amazon EventBridge". AWS WAF: "AWS WAF metrics and dimensions".
 */
const REAL_METRICS: Record<string, { names: string[]; dimensionSets: string[][] }> = {
  "AWS/Cognito": {
    names: [
      "SignUpSuccesses",
      "SignUpThrottles",
      "SignInSuccesses",
      "SignInThrottles",
      "TokenRefreshSuccesses",
      "TokenRefreshThrottles",
      "FederationSuccesses",
      "FederationThrottles",
      "CompromisedCredentialRisk",
      "AccountTakeoverRisk",
      "OverrideBlock",
      "Risk",
      "NoRisk",
    ],
    dimensionSets: [
      ["UserPool", "UserPoolClient"],
      ["UserPool", "UserPoolClient", "IdentityProvider"],
      ["Operation", "RiskLevel", "UserPoolId"],
      ["Operation", "UserPoolId"],
    ],
  },
  "AWS/Lambda": {
    names: [
      "Invocations",
      "Errors",
      "Throttles",
      "Duration",
      "ConcurrentExecutions",
      "DeadLetterErrors",
      "DestinationDeliveryFailures",
      "IteratorAge",
    ],
    dimensionSets: [["FunctionName"], ["FunctionName", "Resource"]],
  },
  "AWS/ApiGateway": {
    names: ["4XXError", "5XXError", "CacheHitCount", "CacheMissCount", "Count", "IntegrationLatency", "Latency"],
    dimensionSets: [["ApiName"], ["ApiName", "Stage"]],
  },
  "AWS/Events": {
    names: ["Invocations", "FailedInvocations", "MatchedEvents", "TriggeredRules", "ThrottledRules", "DeadLetterInvocations"],
    dimensionSets: [["RuleName"], ["EventBusName", "RuleName"]],
  },
  // AWS WAF Developer Guide, "AWS WAF metrics and dimensions": Region is required for every protected resource but CloudFront.
  "AWS/WAFV2": {
    names: ["AllowedRequests", "BlockedRequests", "CountedRequests", "CaptchaRequests", "ChallengeRequests", "PassedRequests"],
    dimensionSets: [
      ["Region", "Rule", "WebACL"],
      ["Region", "RuleGroup", "WebACL"],
      ["Region", "Rule", "RuleGroup"],
    ],
  },
};

interface Metric {
  where: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat?: string;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Principal: "*" | Record<string, string | string[]>;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const statementsOf = (policy: string): Statement[] => JSON.parse(policy).Statement;
const servicesOf = (s: Statement): string[] => (s.Principal === "*" ? ["*"] : asList(s.Principal.Service ?? []));

/** The resource a `${type.name.attr}` reference points to. */
function referenced(json: TfJson, ref: string, type: string): TfJson {
  const match = new RegExp(`^\\$\\{${type}\\.([\\w-]+)\\.\\w+\\}$`).exec(ref);
  if (!match) throw new Error(`${ref} is not a reference to a ${type}`);
  const resource = resourcesOf(json, type)[match[1]];
  if (!resource) throw new Error(`${ref} points to no ${type} in the stack`);
  return resource;
}

function alarmsOf(json: TfJson): TfJson[] {
  return Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
}

function alarmNamed(json: TfJson, name: string): TfJson {
  const alarm = alarmsOf(json).find((a) => a.alarm_name === name);
  if (!alarm)
    throw new Error(
      `no alarm ${name}; alarms: ${alarmsOf(json)
        .map((a) => a.alarm_name)
        .join(", ")}`,
    );
  return alarm;
}

function alarmMetrics(alarm: TfJson): Metric[] {
  const where = `alarm ${alarm.alarm_name}`;
  if (alarm.metric_name) {
    return [
      {
        where,
        namespace: alarm.namespace,
        metricName: alarm.metric_name,
        dimensions: alarm.dimensions ?? {},
        stat: alarm.statistic ?? alarm.extended_statistic,
      },
    ];
  }
  return (alarm.metric_query ?? [])
    .filter((q: TfJson) => q.metric)
    .map((q: TfJson) => ({
      where,
      namespace: q.metric.namespace,
      metricName: q.metric.metric_name,
      dimensions: q.metric.dimensions ?? {},
      stat: q.metric.stat,
    }));
}

function dashboardOf(json: TfJson): TfJson {
  const all = Object.values(resourcesOf(json, "aws_cloudwatch_dashboard"));
  expect(all).toHaveLength(1);
  return all[0];
}

/** Metrics of every widget; a row is [namespace, name, dim, value, ..., {options}] or [{expression...}]. */
function widgetMetrics(body: TfJson): Metric[] {
  return body.widgets.flatMap((w: TfJson) =>
    (w.properties.metrics ?? [])
      .filter((row: unknown[]) => typeof row[0] === "string")
      .map((row: unknown[]) => {
        const options = typeof row[row.length - 1] === "object" ? (row[row.length - 1] as TfJson) : {};
        const parts = row.filter((x) => typeof x === "string") as string[];
        const dims: Record<string, string> = {};
        for (let i = 2; i + 1 < parts.length; i += 2) dims[parts[i]] = parts[i + 1];
        return { where: `widget "${w.properties.title}"`, namespace: parts[0], metricName: parts[1], dimensions: dims, stat: options.stat };
      }),
  );
}

/** EventBridge pattern matching for the subset we use: arrays of allowed values, nested objects. */
const matches = eventMatches;

const cloudTrailEvent = (eventName: string) => ({
  source: "aws.cognito-idp",
  "detail-type": "AWS API Call via CloudTrail",
  detail: { eventSource: "cognito-idp.amazonaws.com", eventName, requestParameters: { userPoolId: "ap-northeast-1_Example" } },
});

describe.each(ENV_NAMES)("%s", (name) => {
  const env = configs.get(name)!;
  const json = synthStack(name);
  const topics = resourcesOf(json, "aws_sns_topic");
  const [topicName, topic] = Object.entries(topics)[0] ?? [];
  const topicRef = `\${aws_sns_topic.${topicName}.arn}`;
  const partition = "aws";

  describe(`${controlName("AlertTopicEncryptionAndPolicy")}: the alert topic is encrypted with a rotating customer-managed key that CloudWatch and EventBridge can use (alias/aws/sns drops alarm notifications)`, () => {
    const key = referenced(json, topic.kms_master_key_id, "aws_kms_key");
    const statements = statementsOf(key.policy);

    test(`one topic named taskflow-${name}-alerts, on a key of this stack with rotation`, () => {
      expect(Object.keys(topics)).toHaveLength(1);
      expect(topic.name).toBe(`taskflow-${name}-alerts`);
      expect(topic.kms_master_key_id).not.toMatch(/alias\/aws\//);
      expect(key.enable_key_rotation).toBe(true);
    });

    test.each(["cloudwatch.amazonaws.com", "events.amazonaws.com"])(
      "%s may Decrypt and GenerateDataKey*, only for this topic (encryption context)",
      (service) => {
        const grants = statements.filter((s) => s.Effect === "Allow" && servicesOf(s).includes(service));
        expect(grants).toHaveLength(1);
        expect(asList(grants[0].Action).sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
        expect(grants[0].Condition?.StringEquals?.["kms:EncryptionContext:aws:sns:topicArn"]).toBe(
          `arn:${partition}:sns:${env.region}:${env.accountId}:${topic.name}`,
        );
      },
    );

    test("no other service or anonymous principal may use the key: every Allow is the account's own or CloudWatch's or EventBridge's", () => {
      const principals = statements
        .filter((s) => s.Effect === "Allow")
        .map((s) => (s.Principal === "*" ? "*" : JSON.stringify(s.Principal)));
      const allowed = [
        JSON.stringify({ AWS: `arn:${partition}:iam::${env.accountId}:root` }),
        JSON.stringify({ Service: "cloudwatch.amazonaws.com" }),
        JSON.stringify({ Service: "events.amazonaws.com" }),
      ];
      expect(principals.filter((p) => !allowed.includes(p))).toEqual([]);
    });
  });

  describe(`${controlName("AlertTopicEncryptionAndPolicy")}: only this account's alarms and EventBridge rules may publish to the topic (no one else can fake or flood alerts)`, () => {
    const policies = Object.values(resourcesOf(json, "aws_sns_topic_policy"));
    const statements = policies.flatMap((p) => statementsOf(p.policy));
    const allows = statements.filter((s) => s.Effect === "Allow");

    test("the policy is attached to the alert topic", () => {
      expect(policies.map((p) => p.arn)).toEqual([topicRef]);
    });

    test("every Allow is sns:Publish on the topic by CloudWatch or EventBridge", () => {
      expect(allows.length).toBeGreaterThan(0);
      for (const s of allows) {
        expect(asList(s.Action)).toEqual(["sns:Publish"]);
        expect(asList(s.Resource)).toEqual([topicRef]);
        expect(["cloudwatch.amazonaws.com", "events.amazonaws.com"]).toEqual(expect.arrayContaining(servicesOf(s)));
      }
    });

    test("each is limited to this account and to this environment's alarms or rules", () => {
      for (const s of allows) {
        expect(s.Condition?.StringEquals?.["aws:SourceAccount"]).toBe(env.accountId);
        const service = servicesOf(s)[0];
        const sourceArn = s.Condition?.ArnLike?.["aws:SourceArn"];
        expect(sourceArn).toBe(
          service === "cloudwatch.amazonaws.com"
            ? `arn:${partition}:cloudwatch:${env.region}:${env.accountId}:alarm:TaskFlow-${name}-*`
            : `arn:${partition}:events:${env.region}:${env.accountId}:rule/taskflow-${name}-*`,
        );
      }
    });
  });

  describe("alerts reach the environment's alert address (the subscription must be confirmed once)", () => {
    test("one email subscription to alertEmail", () => {
      const subs = Object.values(resourcesOf(json, "aws_sns_topic_subscription"));
      expect(subs).toEqual([expect.objectContaining({ topic_arn: topicRef, protocol: "email", endpoint: env.alertEmail })]);
    });
  });

  describe(`${controlName("AlarmNotifiesTopic")}: every alarm notifies the topic when it fires and when it recovers, and treats no data as not breaching (silent alarms are worse than none)`, () => {
    test.each(alarmsOf(json).map((a) => [a.alarm_name, a]))("%s", (alarmName, alarm) => {
      expect(alarmName).toMatch(new RegExp(`^TaskFlow-${name}-\\w+$`));
      expect(alarm.alarm_actions).toEqual([topicRef]);
      expect(alarm.ok_actions).toEqual([topicRef]);
      // No data means no traffic (AWS publishes nothing then), not a failure.
      expect(alarm.treat_missing_data).toBe("notBreaching");
    });
  });

  describe("alarms and dashboard widgets name only metrics AWS publishes (with their documented dimensions) or a metric filter of this stack publishes (a wrong name never fires)", () => {
    const body = JSON.parse(dashboardOf(json).dashboard_body);
    const fromFilters = new Set(
      Object.values(resourcesOf(json, "aws_cloudwatch_log_metric_filter")).map(
        (f) => `${f.metric_transformation.namespace} ${f.metric_transformation.name}`,
      ),
    );
    const all = [...alarmsOf(json).flatMap(alarmMetrics), ...widgetMetrics(body)];
    const metrics = all.filter((m) => !fromFilters.has(`${m.namespace} ${m.metricName}`));

    // Metric filters publish without dimensions unless they declare some; these declare none.
    const own = all.filter((m) => fromFilters.has(`${m.namespace} ${m.metricName}`));
    const exporting = (EXPORTING as readonly string[]).includes(name);
    test(`each metric of this stack's metric filters is read (${exporting ? "the stack exports user activity" : "none: the stack exports no user activity"}), without dimensions`, () => {
      expect(own.length > 0).toBe(exporting);
      expect(new Set(own.map((m) => `${m.namespace} ${m.metricName}`))).toEqual(fromFilters);
      expect(own.filter((m) => Object.keys(m.dimensions).length > 0)).toEqual([]);
    });

    test("there is no SignInFailures metric anywhere (AWS does not publish one)", () => {
      expect(metrics.filter((m) => m.metricName === "SignInFailures")).toEqual([]);
    });

    test.each(
      metrics.map((m) => [`${m.where}: ${m.namespace} ${m.metricName}${m.dimensions.Operation ? ` (${m.dimensions.Operation})` : ""}`, m]),
    )("%s", (_label, m) => {
      const real = REAL_METRICS[m.namespace];
      expect(real).toBeDefined();
      expect(real.names).toContain(m.metricName);
      expect(real.dimensionSets).toContainEqual(Object.keys(m.dimensions).sort());
    });

    test("Cognito dimensions point at this stack's user pool and app client", () => {
      const idOf = (type: string) => {
        const names = Object.keys(resourcesOf(json, type));
        expect(names).toHaveLength(1);
        return `\${${type}.${names[0]}.id}`;
      };
      const cognito = metrics.filter((x) => x.namespace === "AWS/Cognito");
      const clients = cognito.filter((m) => m.dimensions.UserPoolClient !== undefined);
      expect(clients.length).toBeGreaterThan(0);
      expect(cognito.map((m) => m.dimensions.UserPool ?? m.dimensions.UserPoolId)).toEqual(
        cognito.map(() => idOf("aws_cognito_user_pool")),
      );
      expect(clients.map((m) => m.dimensions.UserPoolClient)).toEqual(clients.map(() => idOf("aws_cognito_user_pool_client")));
    });
  });

  describe(`${controlName("AlarmThresholds")}: the sign-in failure rate is computed from SampleCount (attempts) and Sum (successes) of SignInSuccesses per pool and client (failures are not published)`, () => {
    const rate = env.monitoring.signInFailureRate;
    const alarm = alarmNamed(json, `TaskFlow-${name}-SignInFailureRate`);
    const queries: TfJson[] = alarm.metric_query;
    const output = queries.filter((q) => q.return_data);
    const byId = new Map(queries.map((q) => [q.id, q]));

    test("one returned expression over an attempts and a successes input, guarded by the minimum volume", () => {
      expect(output).toHaveLength(1);
      const [attemptsId, successesId] = ["SampleCount", "Sum"].map((stat) => queries.find((q) => q.metric?.stat === stat)?.id);
      expect(output[0].expression.replace(/\s/g, "")).toBe(
        `IF(${attemptsId}>${rate.minimumAttempts},100*(${attemptsId}-${successesId})/${attemptsId},0)`,
      );
    });

    test("both inputs are SignInSuccesses of the same pool and client, with the configured period", () => {
      const inputs = [...byId.values()].filter((q) => q.metric).map((q) => q.metric);
      expect(inputs.map((i) => i.stat).sort()).toEqual(["SampleCount", "Sum"]);
      for (const metric of inputs) {
        expect(metric).toMatchObject({ namespace: "AWS/Cognito", metric_name: "SignInSuccesses", period: rate.periodSeconds });
        expect(Object.keys(metric.dimensions).sort()).toEqual(["UserPool", "UserPoolClient"]);
      }
      expect(inputs[0].dimensions).toEqual(inputs[1].dimensions);
    });

    test("threshold and periods come from config", () => {
      expect(alarm).toMatchObject({
        threshold: rate.thresholdPercent,
        evaluation_periods: rate.evaluationPeriods,
        comparison_operator: "GreaterThanThreshold",
      });
    });
  });

  describe(`${controlName("AlarmThresholds")}: throttled sign-ins, sign-ups and token refreshes alarm (users are locked out by quota)`, () => {
    test.each(["SignInThrottles", "SignUpThrottles", "TokenRefreshThrottles"])("%s: Sum per pool and client", (metric) => {
      const alarm = alarmNamed(json, `TaskFlow-${name}-${metric}`);
      expect(alarm).toMatchObject({
        namespace: "AWS/Cognito",
        metric_name: metric,
        statistic: "Sum",
        threshold: env.monitoring.throttles.threshold,
        period: env.monitoring.throttles.periodSeconds,
      });
      expect(Object.keys(alarm.dimensions).sort()).toEqual(["UserPool", "UserPoolClient"]);
    });
  });

  describe(`${controlName("AlarmThresholds")}: high-risk account takeover and compromised credentials alarm wherever threat protection runs (they are attacks in progress)`, () => {
    const riskAlarms = alarmsOf(json).filter((a) =>
      alarmMetrics(a).some((m) => ["AccountTakeoverRisk", "CompromisedCredentialRisk"].includes(m.metricName)),
    );

    if (env.userPool.threatProtection === "OFF") {
      test("none when threat protection is off (no metrics are published)", () => {
        expect(riskAlarms).toEqual([]);
      });
    } else {
      test.each(["AccountTakeoverRisk", "CompromisedCredentialRisk"])(
        "%s summed over SignIn, SignUp and PasswordChange at RiskLevel High",
        (metric) => {
          const alarm = riskAlarms.find((a) => alarmMetrics(a).every((m) => m.metricName === metric));
          expect(alarm).toBeDefined();
          const inputs = alarmMetrics(alarm!);
          expect(inputs.map((m) => m.dimensions.Operation).sort()).toEqual(["PasswordChange", "SignIn", "SignUp"]);
          for (const m of inputs) expect(m.dimensions.RiskLevel).toBe("High");
          expect(alarm).toMatchObject({
            threshold: env.monitoring.riskEvents.threshold,
            evaluation_periods: env.monitoring.riskEvents.evaluationPeriods,
          });
        },
      );
    }
  });

  describe(`${controlName("AlarmThresholds")}: the TaskFlow API's Lambda and API Gateway alarm on errors, throttles and slow responses (the app behind sign-in)`, () => {
    const m = env.monitoring;
    test.each([
      [
        "ApiLambdaErrors",
        {
          namespace: "AWS/Lambda",
          metric_name: "Errors",
          statistic: "Sum",
          dimensions: { FunctionName: m.lambdaFunctionName },
          threshold: m.lambdaErrors.threshold,
          evaluation_periods: m.lambdaErrors.evaluationPeriods,
          comparison_operator: "GreaterThanThreshold",
        },
      ],
      [
        "ApiLambdaThrottles",
        {
          namespace: "AWS/Lambda",
          metric_name: "Throttles",
          statistic: "Sum",
          dimensions: { FunctionName: m.lambdaFunctionName },
          threshold: m.lambdaThrottles.threshold,
        },
      ],
      [
        "Api5xxErrors",
        {
          namespace: "AWS/ApiGateway",
          metric_name: "5XXError",
          statistic: "Sum",
          dimensions: { ApiName: m.apiGatewayName },
          threshold: m.api5xx.threshold,
        },
      ],
      [
        "ApiLatencyP99",
        {
          namespace: "AWS/ApiGateway",
          metric_name: "Latency",
          extended_statistic: "p99",
          dimensions: { ApiName: m.apiGatewayName },
          threshold: m.apiLatencyP99Ms.threshold,
        },
      ],
    ])("%s", (alarmName, expected) => {
      expect(alarmNamed(json, `TaskFlow-${name}-${alarmName}`)).toMatchObject(expected);
    });

    test("Lambda errors: more than 10 over 2 periods by default", () => {
      expect([m.lambdaErrors.threshold, m.lambdaErrors.evaluationPeriods]).toEqual([10, 2]);
    });
  });

  describe("the operations dashboard is valid CloudWatch dashboard JSON (an invalid body fails the apply)", () => {
    const dashboard = dashboardOf(json);
    const body = JSON.parse(dashboard.dashboard_body);

    test(`is named TaskFlow-${name}-Operations and has graphs in the environment's region`, () => {
      expect(dashboard.dashboard_name).toBe(`TaskFlow-${name}-Operations`);
      expect(body.widgets.length).toBeGreaterThan(0);
      for (const w of body.widgets) {
        expect(w).toMatchObject({ type: "metric", properties: { region: env.region } });
        expect(w.x + w.width).toBeLessThanOrEqual(24);
      }
    });

    test("shows sign-ins, failure rate, throttles, API latency and errors (and risk events where threat protection runs)", () => {
      const titles = body.widgets.map((w: TfJson) => w.properties.title).join(" | ");
      for (const part of ["successes vs failures", "failure rate", "throttles", "latency", "errors"])
        expect(titles.toLowerCase()).toContain(part);
      expect(titles.includes("risk")).toBe(env.userPool.threatProtection !== "OFF");
    });

    test("every expression refers only to metrics of its own widget", () => {
      for (const w of body.widgets) {
        const rows: unknown[][] = w.properties.metrics;
        const ids = new Set(rows.map((r) => (r[r.length - 1] as TfJson).id).filter(Boolean));
        for (const r of rows.filter((row) => typeof row[0] === "object")) {
          for (const ref of ((r[0] as TfJson).expression as string).match(/\bm\d+\b/g) ?? []) expect(ids).toContain(ref);
        }
      }
    });
  });

  describe(`${controlName("SecurityEventsRule")}: security-relevant Cognito changes are sent to the alert topic as they happen (an attacker's first step is to weaken the pool)`, () => {
    const rule = Object.values(resourcesOf(json, "aws_cloudwatch_event_rule"))[0];
    const pattern = JSON.parse(rule.event_pattern);
    const ruleRef = Object.entries(resourcesOf(json, "aws_cloudwatch_event_rule")).map(
      ([n]) => `\${aws_cloudwatch_event_rule.${n}.name}`,
    )[0];
    const targets = Object.values(resourcesOf(json, "aws_cloudwatch_event_target")).filter((t) => t.rule === ruleRef);

    test("the rule selects CloudTrail API calls of cognito-idp.amazonaws.com for exactly the listed events", () => {
      // With a web ACL the Cognito pattern is the first of the $or alternatives (the AWS WAF ones: __tests__/security/waf-controls.test.ts).
      const cognito = env.waf.mode === "off" ? pattern : pattern.$or[0];
      expect(rule.name).toMatch(new RegExp(`^taskflow-${name}-`));
      expect(cognito.source).toEqual(["aws.cognito-idp"]);
      expect(cognito["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
      expect(cognito.detail.eventSource).toEqual(["cognito-idp.amazonaws.com"]);
      expect([...cognito.detail.eventName].sort()).toEqual([...AUDITED_COGNITO_EVENTS].sort());
    });

    test.each(AUDITED_COGNITO_EVENTS)("a CloudTrail %s event matches", (eventName) => {
      expect(matches(pattern, cloudTrailEvent(eventName))).toBe(true);
    });

    test("routine calls such as InitiateAuth do not match", () => {
      expect(matches(pattern, cloudTrailEvent("InitiateAuth"))).toBe(false);
    });

    test("the topic target turns the event into one readable sentence", () => {
      const toTopic = targets.filter((t) => t.arn === topicRef);
      expect(toTopic).toHaveLength(1);
      const { input_paths: paths, input_template: template } = toTopic[0].input_transformer;
      expect(paths).toMatchObject({ event: "$.detail.eventName", actor: "$.detail.userIdentity.arn" });
      for (const variable of Object.keys(paths)) expect(template).toContain(`<${variable}>`);
      expect(template.trim().startsWith("{")).toBe(false);
    });

    test("undelivered security events alarm through CloudWatch (FailedInvocations of the rule)", () => {
      const alarm = alarmsOf(json).find((a) => a.metric_name === "FailedInvocations");
      expect(alarm).toMatchObject({
        namespace: "AWS/Events",
        dimensions: { RuleName: rule.name },
        comparison_operator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
      });
    });
  });

  describe(`${controlName("LogGroupRetentionAndEncryption")}: every log group the project owns keeps logs for the configured retention, encrypted with a key CloudWatch Logs may use only for log groups (logs are evidence); Cognito's export destinations have no KMS key, as AWS requires`, () => {
    // AWS::Cognito::LogDeliveryConfiguration CloudWatchLogsConfiguration: "The log group must not be encrypted with AWS KMS".
    const cognitoDestinations: string[] = env.audit.userActivityLogs ? Object.values(auditLogGroupNames(env)) : [];
    const all = Object.values(resourcesOf(json, "aws_cloudwatch_log_group"));
    const logGroups = all.filter((g) => !cognitoDestinations.includes(g.name));

    if (cognitoDestinations.length) {
      test.each(cognitoDestinations)("%s: the configured retention and no customer-managed key", (groupName) => {
        const group = all.find((g) => g.name === groupName);
        expect(group).toEqual({ name: groupName, retention_in_days: env.monitoring.logRetentionDays });
      });
    }

    test("there is at least the security-event audit log", () => {
      expect(logGroups.map((g) => g.name)).toContain(`/aws/events/taskflow-${name}-cognito-security-changes`);
    });

    test.each(logGroups.map((g) => [g.name, g]))("%s", (_n, group) => {
      expect(group.retention_in_days).toBe(env.monitoring.logRetentionDays);
      if (name === "prod") expect(group.retention_in_days).toBeGreaterThanOrEqual(365);
      const key = referenced(json, group.kms_key_id, "aws_kms_key");
      expect(key.enable_key_rotation).toBe(true);
      const grant = statementsOf(key.policy).find((s) => servicesOf(s).includes(`logs.${env.region}.amazonaws.com`));
      expect(grant?.Condition?.ArnLike?.["kms:EncryptionContext:aws:logs:arn"]).toBe(
        `arn:${partition}:logs:${env.region}:${env.accountId}:log-group:*`,
      );
    });
  });
});
