/**
 * The saved CloudWatch Logs Insights queries of one environment, as data: the stack saves each as an
 * aws_cloudwatch_query_definition, and `npm run investigate -- <env> <name>` runs the same text.
 *
 * Placeholders are written {{name}} inside a string literal, so a saved query still parses in the
 * console (the operator replaces the text). `fillQuery` substitutes them; the stack fills
 * {{userPoolId}} with the pool's id, the investigate command fills both from its arguments and the
 * stack's outputs.
 *
 * Field names of the user-activity log: every event is a JSON object whose `message` holds
 * eventType, eventResponse, userName, userSub, userPoolId, clientId, ipAddress, city, country,
 * riskLevel, riskDecision, compromisedCredentialDetected, challenges, deviceName, eventId
 * (Cognito Developer Guide, "Exporting logs from Amazon Cognito user pools", example user-activity log:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/exporting-quotas-and-usage.html; the same
 * names, nested under `message`, are what public projects index on real exports). Confirm them on the
 * first real event (`npm run investigate -- staging user-events`): a renamed field makes a query
 * silently empty, not failing.
 * The values are those of AdminListUserAuthEvents (API reference, AuthEventType and EventRiskType:
 * EventResponse Pass | Fail | InProgress, RiskLevel Low | Medium | High, RiskDecision NoRisk |
 * AccountTakeover | Block). Risk values are matched case-insensitively: the API reference spells
 * them in mixed case, and a query that silently matches nothing is worse than a broad one.
 *
 * The pool's username attribute is email, so Cognito's userName is a generated id, not the email:
 * the "user" parameter is a username or sub (the investigate command turns an email into the sub).
 */
import { resourcePrefix, type EnvironmentIdentity } from "../../../config/names";

/** What an environment's audit trail covers (config: audit). */
export interface AuditSettings {
  /**
   * Export Cognito's user activity and notification errors to CloudWatch Logs (Plus pools with threat protection).
   * Required.
   */
  readonly userActivityLogs: boolean;
  /**
   * Log group of a CloudTrail trail that records the pool's API calls, for the admin-calls query.
   * @default - none: no CloudTrail query
   */
  readonly cloudTrailLogGroupName?: string;
}

/** What an environment's saved queries are built from; a resolved environment config is one. */
export interface QuerySources extends Pick<EnvironmentIdentity, "name"> {
  readonly audit: AuditSettings;
}

/** A value the operator (or the investigate command) supplies. */
export interface QueryParameter {
  /** Placeholder name: {{name}} in queryString. */
  readonly name: string;
  readonly description: string;
  /** Values are refused unless they match, so nothing can close the string literal and change the query. */
  readonly pattern: RegExp;
}

export interface InvestigationQuery {
  /** Short id used on the command line (`npm run investigate -- prod user-events`). */
  readonly name: string;
  /** Shown in the console after the environment's folder. */
  readonly title: string;
  /** Saved name: TaskFlow/<env>/<title>, so an environment's queries sort together in the console. */
  readonly definitionName: string;
  readonly description: string;
  /** Logs Insights query text, with {{placeholders}}. */
  readonly queryString: string;
  /** Log groups the query reads (plain names, known at synth time). */
  readonly logGroupNames: readonly string[];
  /** Values the operator supplies; {{userPoolId}} is not one of them (it comes from the stack). */
  readonly parameters: readonly QueryParameter[];
}

/**
 * Folder of an environment's saved queries in the Logs Insights console: the console groups saved
 * queries by the "/"-separated prefix of their names, and DescribeQueryDefinitions filters on it
 * (queryDefinitionNamePrefix; CloudWatch Logs API Reference, "PutQueryDefinition").
 */
export const queryFolder = (env: Pick<EnvironmentIdentity, "name">): string => `TaskFlow/${env.name}`;

/** Log groups of the exported Cognito logs. The /aws/vendedlogs/ prefix is explained in log-delivery.ts. */
export function auditLogGroupNames(env: Pick<EnvironmentIdentity, "name">): { userActivity: string; userNotification: string } {
  const base = `/aws/vendedlogs/cognito/${resourcePrefix(env.name)}`;
  return { userActivity: `${base}/user-activity`, userNotification: `${base}/user-notification` };
}

/** Placeholder of the user pool id in query strings. */
export const USER_POOL_ID_PLACEHOLDER = "userPoolId";

const USER: QueryParameter = {
  name: "user",
  description: "username or sub of the user (an email is resolved to the sub by the investigate command)",
  // Cognito usernames and subs: letters, digits and the few symbols Cognito allows; never quotes or backslashes.
  pattern: /^[\p{L}\p{M}\p{N}_.@+=,-]{1,128}$/u,
};

/** Columns every user-activity query shows, in the order an investigator reads them. */
const EVENT_FIELDS = [
  "@timestamp",
  "message.eventType as eventType",
  "message.eventResponse as result",
  "message.userName as userName",
  "message.userSub as sub",
  "message.riskLevel as riskLevel",
  "message.riskDecision as riskDecision",
  "message.compromisedCredentialDetected as compromised",
  "message.ipAddress as ip",
  "message.city as city",
  "message.country as country",
  "message.clientId as clientId",
].join(", ");

const lines = (...parts: string[]) => parts.join("\n| ");

/** Every saved query of the environment (empty when it has neither exported logs nor a CloudTrail log group). */
export function investigationQueries(env: QuerySources): InvestigationQuery[] {
  const folder = queryFolder(env);
  const query = (q: Omit<InvestigationQuery, "definitionName">): InvestigationQuery => ({ ...q, definitionName: `${folder}/${q.title}` });
  const queries: InvestigationQuery[] = [];

  if (env.audit.userActivityLogs) {
    const { userActivity, userNotification } = auditLogGroupNames(env);
    queries.push(
      query({
        name: "user-events",
        title: "User events (one user)",
        description: "Every exported sign-in, sign-up, password change and risk decision of one user, newest first.",
        queryString: lines(
          `fields ${EVENT_FIELDS}`,
          `filter message.userName = "{{user}}" or message.userSub = "{{user}}"`,
          "sort @timestamp desc",
          "limit 1000",
        ),
        logGroupNames: [userActivity],
        parameters: [USER],
      }),
      query({
        name: "failed-sign-ins-by-ip",
        title: "Failed sign-ins by source IP",
        description:
          "Failed sign-ins grouped by source IP: how many, how many distinct users, first and last seen. Credential stuffing shows as one IP and many users.",
        queryString: lines(
          "fields message.ipAddress as ip, message.userSub as sub",
          `filter message.eventType = "SignIn" and message.eventResponse like /(?i)^fail/`,
          "stats count(*) as failures, count_distinct(sub) as users, min(@timestamp) as firstSeen, max(@timestamp) as lastSeen by ip",
          "sort failures desc",
          "limit 100",
        ),
        logGroupNames: [userActivity],
        parameters: [],
      }),
      query({
        name: "high-risk-events",
        title: "High-risk and blocked events",
        description: "Events threat protection rated high risk, or answered with a block or its account-takeover action.",
        queryString: lines(
          `fields ${EVENT_FIELDS}`,
          "filter message.riskLevel like /(?i)^high$/ or message.riskDecision like /(?i)^(block|accounttakeover)/",
          "sort @timestamp desc",
          "limit 1000",
        ),
        logGroupNames: [userActivity],
        parameters: [],
      }),
      query({
        name: "compromised-credentials",
        title: "Compromised-credential detections",
        description: "Sign-ins, sign-ups and password changes with a password found in a public breach list.",
        queryString: lines(
          `fields ${EVENT_FIELDS}`,
          "filter message.compromisedCredentialDetected like /(?i)^(true|1)$/",
          "sort @timestamp desc",
          "limit 1000",
        ),
        logGroupNames: [userActivity],
        parameters: [],
      }),
      query({
        name: "notification-errors",
        title: "Email and SMS delivery errors",
        description: "Messages Cognito could not deliver (verification codes, invitations, risk notifications).",
        queryString: lines("fields @timestamp, @message", "sort @timestamp desc", "limit 200"),
        logGroupNames: [userNotification],
        parameters: [],
      }),
    );
  }

  if (env.audit.cloudTrailLogGroupName) {
    // CloudTrail record fields (CloudTrail User Guide, "CloudTrail record contents"); Cognito's admin
    // operations are all named Admin* and carry the pool in requestParameters.userPoolId.
    queries.push(
      query({
        name: "admin-api-calls",
        title: "Admin API calls on the user pool",
        description: "Admin* calls on this user pool recorded by CloudTrail: who, from where, on which user, and whether it failed.",
        queryString: lines(
          "fields @timestamp, eventName, userIdentity.arn as caller, sourceIPAddress as sourceIp, requestParameters.username as username, errorCode",
          `filter eventSource = "cognito-idp.amazonaws.com" and eventName like /^Admin/ and requestParameters.userPoolId = "{{${USER_POOL_ID_PLACEHOLDER}}}"`,
          "sort @timestamp desc",
          "limit 1000",
        ),
        logGroupNames: [env.audit.cloudTrailLogGroupName],
        parameters: [],
      }),
    );
  }
  return queries;
}

/** The placeholders a query string still contains. */
export function placeholdersOf(queryString: string): string[] {
  return [...new Set([...queryString.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))];
}

/**
 * Replaces the given placeholders. A value for a declared parameter must match its pattern
 * (throws otherwise); {{userPoolId}} takes the value as is (the stack passes a Terraform reference).
 */
export function fillQuery(query: InvestigationQuery, values: Readonly<Record<string, string>>): string {
  return query.queryString.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    const parameter = query.parameters.find((p) => p.name === name);
    if (parameter && !parameter.pattern.test(value)) {
      throw new Error(`${query.name}: ${name} ${JSON.stringify(value)} is not a valid ${parameter.description}`);
    }
    return value;
  });
}
