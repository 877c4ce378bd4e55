/**
 * The AWS calls of the incident-response commands (npm run user, npm run investigate), behind one
 * interface so unit tests pass a fake. The real implementation uses clients.ts for the region of
 * the environment, from config, because that is where its pool and log groups are.
 */
import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminResetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  type AuthEventType,
} from "@aws-sdk/client-cognito-identity-provider";
import { GetQueryResultsCommand, StartQueryCommand, StopQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { awsClients } from "./clients";

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/** What `user show` prints: state and metadata only, never tokens or secrets. */
export interface UserView {
  /** Cognito's username (with email as the username attribute: a generated id). */
  readonly username: string;
  readonly sub?: string;
  readonly email?: string;
  readonly emailVerified?: boolean;
  /** UNCONFIRMED | CONFIRMED | RESET_REQUIRED | FORCE_CHANGE_PASSWORD | ... */
  readonly status?: string;
  readonly enabled: boolean;
  readonly created?: Date;
  readonly modified?: Date;
  /** MFA methods the user has set up (names only, e.g. SOFTWARE_TOKEN_MFA). */
  readonly mfa: readonly string[];
  readonly preferredMfa?: string;
}

/** One entry of AdminListUserAuthEvents (API reference: AuthEventType, EventRiskType, EventContextDataType). */
export interface AuthEvent {
  readonly time?: Date;
  readonly type?: string;
  /** Pass | Fail | InProgress */
  readonly result?: string;
  readonly riskLevel?: string;
  readonly riskDecision?: string;
  readonly compromisedCredentials?: boolean;
  readonly ip?: string;
  readonly city?: string;
  readonly country?: string;
  /** e.g. Password:Success, Mfa:Failure */
  readonly challenges: readonly string[];
}

export interface QueryStatus {
  /** Scheduled | Running | Complete | Failed | Cancelled | Timeout | Unknown */
  readonly status: string;
  /** Each row: field name → value (Logs Insights' @ptr left out). */
  readonly rows: readonly Readonly<Record<string, string>>[];
  readonly recordsScanned?: number;
}

export interface StartQueryInput {
  readonly logGroupNames: readonly string[];
  readonly queryString: string;
  /** Epoch seconds, inclusive. */
  readonly startTime: number;
  readonly endTime: number;
}

/** Errors the commands turn into their own messages and exit statuses. */
export class AwsError extends Error {
  constructor(
    /** The service's error code, e.g. UserNotFoundException. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface IncidentAws {
  callerIdentity(): Promise<CallerIdentity>;
  /** undefined when the pool has no such user (UserNotFoundException). */
  getUser(poolId: string, username: string): Promise<UserView | undefined>;
  /** Newest first, up to `max` (the API returns at most 60 per page). */
  listAuthEvents(poolId: string, username: string, max: number): Promise<AuthEvent[]>;
  disableUser(poolId: string, username: string): Promise<void>;
  enableUser(poolId: string, username: string): Promise<void>;
  globalSignOut(poolId: string, username: string): Promise<void>;
  resetPassword(poolId: string, username: string): Promise<void>;
  startQuery(input: StartQueryInput): Promise<string>;
  queryResults(queryId: string): Promise<QueryStatus>;
  stopQuery(queryId: string): Promise<void>;
}

/** Creates the AWS access for one environment's region. */
export type IncidentAwsFactory = (region: string) => IncidentAws;

/** Any SDK failure as an AwsError with the service's code (name), so callers never parse messages. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const error = e as { name?: string; message?: string };
    throw new AwsError(error.name ?? "Error", error.message ?? String(e));
  }
}

function toEvent(e: AuthEventType): AuthEvent {
  return {
    time: e.CreationDate,
    type: e.EventType,
    result: e.EventResponse,
    riskLevel: e.EventRisk?.RiskLevel,
    riskDecision: e.EventRisk?.RiskDecision,
    compromisedCredentials: e.EventRisk?.CompromisedCredentialsDetected,
    ip: e.EventContextData?.IpAddress,
    city: e.EventContextData?.City,
    country: e.EventContextData?.Country,
    challenges: (e.ChallengeResponses ?? []).map((c) => `${c.ChallengeName}:${c.ChallengeResponse}`),
  };
}

export const sdkIncidentAws: IncidentAwsFactory = (region) => {
  const clients = awsClients(region);
  return {
    async callerIdentity() {
      const r = await call(() => clients.sts().send(new GetCallerIdentityCommand({})));
      return { account: r.Account ?? "", arn: r.Arn ?? "" };
    },
    async getUser(poolId, username) {
      try {
        const r = await call(() => clients.cognito().send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username })));
        const attr = (name: string) => r.UserAttributes?.find((a) => a.Name === name)?.Value;
        return {
          username: r.Username ?? username,
          sub: attr("sub"),
          email: attr("email"),
          emailVerified: attr("email_verified") === undefined ? undefined : attr("email_verified") === "true",
          status: r.UserStatus,
          enabled: r.Enabled ?? false,
          created: r.UserCreateDate,
          modified: r.UserLastModifiedDate,
          mfa: r.UserMFASettingList ?? [],
          preferredMfa: r.PreferredMfaSetting,
        };
      } catch (e) {
        if (e instanceof AwsError && e.code === "UserNotFoundException") return undefined;
        throw e;
      }
    },
    async listAuthEvents(poolId, username, max) {
      const events: AuthEvent[] = [];
      let token: string | undefined;
      do {
        const r = await call(() =>
          clients.cognito().send(
            new AdminListUserAuthEventsCommand({
              UserPoolId: poolId,
              Username: username,
              MaxResults: Math.min(60, max - events.length),
              NextToken: token,
            }),
          ),
        );
        events.push(...(r.AuthEvents ?? []).map(toEvent));
        token = r.NextToken;
      } while (token && events.length < max);
      return events;
    },
    disableUser: async (poolId, username) =>
      void (await call(() => clients.cognito().send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: username })))),
    enableUser: async (poolId, username) =>
      void (await call(() => clients.cognito().send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: username })))),
    globalSignOut: async (poolId, username) =>
      void (await call(() => clients.cognito().send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: username })))),
    resetPassword: async (poolId, username) =>
      void (await call(() => clients.cognito().send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: username })))),
    async startQuery(input) {
      const r = await call(() =>
        clients.logs().send(
          new StartQueryCommand({
            logGroupNames: [...input.logGroupNames],
            queryString: input.queryString,
            startTime: input.startTime,
            endTime: input.endTime,
          }),
        ),
      );
      if (!r.queryId) throw new AwsError("NoQueryId", "StartQuery returned no query id");
      return r.queryId;
    },
    async queryResults(queryId) {
      const r = await call(() => clients.logs().send(new GetQueryResultsCommand({ queryId })));
      return {
        status: r.status ?? "Unknown",
        rows: (r.results ?? []).map((row) =>
          Object.fromEntries(row.filter((f) => f.field && f.field !== "@ptr").map((f) => [f.field as string, f.value ?? ""])),
        ),
        recordsScanned: r.statistics?.recordsScanned,
      };
    },
    stopQuery: async (queryId) => void (await call(() => clients.logs().send(new StopQueryCommand({ queryId })))),
  };
};
