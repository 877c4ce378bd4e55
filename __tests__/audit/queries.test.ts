/**
 * Saved Logs Insights queries: the data module the investigate command imports, and the query
 * definitions each environment saves from it.
 */
import { auditLogGroupNames, fillQuery, investigationQueries, placeholdersOf, queryFolder } from "../../stacks/constructs/audit/queries";
import { queryAddress } from "../../stacks/constructs/audit";
import { resourcesOf } from "../support/synth";
import { config, EXPORTING, REF, resource, synth } from "./helpers";
import { DOCUMENTED_MESSAGE_FIELDS } from "./user-activity-events";

const ACTIVITY_QUERIES = ["user-events", "failed-sign-ins-by-ip", "high-risk-events", "compromised-credentials", "notification-errors"];
const CLOUDTRAIL = "aws-cloudtrail-logs-333333333333-management";

describe("the query data (what `npm run investigate` runs)", () => {
  const queries = investigationQueries(config("prod", { audit: { cloudTrailLogGroupName: CLOUDTRAIL } }));

  test("names are unique, lower-case and hyphenated (they are typed on the command line)", () => {
    const names = queries.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  test("prod with a CloudTrail log group has the five user-activity queries and the admin API calls", () => {
    expect(queries.map((q) => q.name)).toEqual([...ACTIVITY_QUERIES, "admin-api-calls"]);
  });

  test("every saved name starts with TaskFlow/<env>/ so an environment's queries sort together", () => {
    for (const q of queries) expect(q.definitionName).toBe(`${queryFolder(config("prod"))}/${q.title}`);
    expect(queryFolder(config("prod"))).toBe("TaskFlow/prod");
  });

  test("user-activity queries read only fields of the documented event format", () => {
    const { userActivity } = auditLogGroupNames(config("prod"));
    const read = queries
      .filter((q) => q.logGroupNames.includes(userActivity))
      .map((q) => ({ query: q.name, fields: [...q.queryString.matchAll(/message\.(\w+)/g)].map((m) => m[1]) }));
    expect(read.map((r) => r.query)).toEqual(["user-events", "failed-sign-ins-by-ip", "high-risk-events", "compromised-credentials"]);
    expect(read.filter((r) => r.fields.length === 0)).toEqual([]);
    expect(
      read.flatMap((r) =>
        r.fields.filter((f) => !(DOCUMENTED_MESSAGE_FIELDS as readonly string[]).includes(f)).map((f) => `${r.query}: message.${f}`),
      ),
    ).toEqual([]);
  });

  test("only user-events takes a parameter, the user, matched against userName or userSub", () => {
    expect(queries.filter((q) => q.parameters.length).map((q) => [q.name, q.parameters.map((p) => p.name)])).toEqual([
      ["user-events", ["user"]],
    ]);
    const userEvents = queries.find((q) => q.name === "user-events")!;
    expect(userEvents.queryString).toContain(`filter message.userName = "{{user}}" or message.userSub = "{{user}}"`);
    expect(placeholdersOf(userEvents.queryString)).toEqual(["user"]);
  });

  test("failed sign-ins are grouped by source IP, most failures first", () => {
    const q = queries.find((x) => x.name === "failed-sign-ins-by-ip")!.queryString;
    expect(q).toContain(`filter message.eventType = "SignIn" and message.eventResponse like /(?i)^fail/`);
    expect(q).toMatch(/\| stats count\(\*\) as failures, .* by ip\n\| sort failures desc/);
  });

  test("admin-api-calls reads the CloudTrail log group, Cognito Admin* calls on this pool only", () => {
    const q = queries.find((x) => x.name === "admin-api-calls")!;
    expect(q.logGroupNames).toEqual([CLOUDTRAIL]);
    expect(q.queryString).toContain(
      `filter eventSource = "cognito-idp.amazonaws.com" and eventName like /^Admin/ and requestParameters.userPoolId = "{{userPoolId}}"`,
    );
  });
});

describe("fillQuery refuses values that could change the query", () => {
  const userEvents = investigationQueries(config("prod")).find((q) => q.name === "user-events")!;

  test("1. a sub is substituted into both comparisons", () => {
    const sub = "9f1c2d3e-0000-4000-8000-123456789abc";
    expect(fillQuery(userEvents, { user: sub })).toContain(`message.userName = "${sub}" or message.userSub = "${sub}"`);
  });
  test("2. a value with a double quote is refused", () => {
    expect(() => fillQuery(userEvents, { user: 'x" or message.userSub like /./ or "' })).toThrow(/user-events: user .* is not a valid/);
  });
  test("3. a value with a backslash or a pipe is refused", () => {
    expect(() => fillQuery(userEvents, { user: "a\\b" })).toThrow();
    expect(() => fillQuery(userEvents, { user: "a | stats count(*)" })).toThrow();
  });
  test("4. placeholders without a value stay as they are", () => {
    expect(fillQuery(userEvents, {})).toBe(userEvents.queryString);
  });
});

describe.each(EXPORTING)("%s: saved query definitions", (env) => {
  const json = synth(env);
  const queries = investigationQueries(config(env));

  test("one aws_cloudwatch_query_definition per user-activity query, at its pinned address", () => {
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_query_definition")).sort()).toEqual(ACTIVITY_QUERIES.map(queryAddress).sort());
  });

  test.each(queries.map((q) => [q.name, q]))(
    "%s: saved under its TaskFlow/<env>/ name, on the audit log group, with the data's query text",
    (name, q) => {
      const def = resource(json, "aws_cloudwatch_query_definition", queryAddress(name));
      expect(def.name).toBe(`TaskFlow/${env}/${q.title}`);
      expect(def.log_group_names).toEqual([...q.logGroupNames]);
      expect(def.query_string).toBe(q.queryString);
      for (const group of q.logGroupNames) expect(group).toMatch(new RegExp(`^/aws/vendedlogs/cognito/taskflow-${env}/`));
    },
  );

  test("definitions are created after the log groups they name", () => {
    for (const def of Object.values(resourcesOf(json, "aws_cloudwatch_query_definition"))) {
      expect(def.depends_on).toEqual(
        expect.arrayContaining([
          "aws_cloudwatch_log_group.audit_user_activity_log_group",
          "aws_cloudwatch_log_group.audit_user_notification_log_group",
        ]),
      );
    }
  });
});

describe("the admin API calls query exists only where config names a CloudTrail log group", () => {
  test("1. shipped environments name none: no admin-api-calls definition", () => {
    for (const env of ["dev", ...EXPORTING] as const) {
      expect(Object.keys(resourcesOf(synth(env), "aws_cloudwatch_query_definition"))).not.toContain(queryAddress("admin-api-calls"));
    }
  });
  test("2. prod with one: saved with this pool's id filled in from the pool resource", () => {
    const def = resource(
      synth("prod", { audit: { cloudTrailLogGroupName: CLOUDTRAIL } }),
      "aws_cloudwatch_query_definition",
      queryAddress("admin-api-calls"),
    );
    expect(def.name).toBe("TaskFlow/prod/Admin API calls on the user pool");
    expect(def.log_group_names).toEqual([CLOUDTRAIL]);
    expect(def.query_string).toContain(`requestParameters.userPoolId = "${REF.poolId}"`);
    expect(def.query_string).not.toContain("{{");
  });
  test("3. dev with one (no exported user activity): the admin API calls query is its only definition", () => {
    const defs = resourcesOf(synth("dev", { audit: { cloudTrailLogGroupName: "trail" } }), "aws_cloudwatch_query_definition");
    expect(Object.keys(defs)).toEqual([queryAddress("admin-api-calls")]);
  });
});
