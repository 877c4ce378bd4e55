/**
 * An in-memory IncidentAws: one account, one pool's users, scripted query results. Records every
 * call in order, so tests assert what would have been called (e.g. nothing after a wrong account).
 */
import {
  AwsError,
  type AuthEvent,
  type IncidentAws,
  type QueryStatus,
  type StartQueryInput,
  type UserView,
} from "../../scripts/lib/aws/incident-aws";

export interface FakeUser {
  email: string;
  username: string;
  sub: string;
  enabled: boolean;
  status: string;
  mfa?: string[];
  events?: AuthEvent[];
}

export interface FakeAwsOptions {
  readonly account: string;
  readonly arn?: string;
  readonly users?: FakeUser[];
  /** AdminListUserAuthEvents fails as on a pool without threat protection. */
  readonly noThreatProtection?: boolean;
  /** Statuses GetQueryResults returns in turn (the last one repeats). */
  readonly queryStatuses?: QueryStatus[];
  /** StartQuery fails with this error code. */
  readonly startQueryError?: string;
  /** AdminUserGlobalSignOut fails. */
  readonly signOutError?: string;
}

export interface FakeAws extends IncidentAws {
  readonly calls: string[];
  readonly users: FakeUser[];
  readonly queries: StartQueryInput[];
  /** The region the factory was asked for. */
  region?: string;
}

export function fakeAws(options: FakeAwsOptions): FakeAws {
  const users = options.users ?? [];
  const statuses = [...(options.queryStatuses ?? [{ status: "Complete", rows: [] }])];
  const find = (name: string) => users.find((u) => u.email === name || u.username === name || u.sub === name);
  const must = (name: string) => {
    const u = find(name);
    if (!u) throw new AwsError("UserNotFoundException", "User does not exist.");
    return u;
  };
  const aws: FakeAws = {
    calls: [],
    users,
    queries: [],
    async callerIdentity() {
      aws.calls.push("GetCallerIdentity");
      return { account: options.account, arn: options.arn ?? `arn:aws:sts::${options.account}:assumed-role/responder/alice` };
    },
    async getUser(_poolId, name): Promise<UserView | undefined> {
      aws.calls.push(`AdminGetUser ${name}`);
      const u = find(name);
      return (
        u && {
          username: u.username,
          sub: u.sub,
          email: u.email,
          emailVerified: true,
          status: u.status,
          enabled: u.enabled,
          mfa: u.mfa ?? [],
        }
      );
    },
    async listAuthEvents(_poolId, name) {
      aws.calls.push(`AdminListUserAuthEvents ${name}`);
      if (options.noThreatProtection) throw new AwsError("UserPoolAddOnNotEnabledException", "not enabled");
      return must(name).events ?? [];
    },
    async disableUser(_poolId, name) {
      aws.calls.push(`AdminDisableUser ${name}`);
      must(name).enabled = false;
    },
    async enableUser(_poolId, name) {
      aws.calls.push(`AdminEnableUser ${name}`);
      must(name).enabled = true;
    },
    async globalSignOut(_poolId, name) {
      aws.calls.push(`AdminUserGlobalSignOut ${name}`);
      if (options.signOutError) throw new AwsError(options.signOutError, "sign-out failed");
      must(name);
    },
    async resetPassword(_poolId, name) {
      aws.calls.push(`AdminResetUserPassword ${name}`);
      must(name).status = "RESET_REQUIRED";
    },
    async startQuery(input) {
      aws.calls.push("StartQuery");
      if (options.startQueryError) throw new AwsError(options.startQueryError, "The specified log group does not exist.");
      aws.queries.push(input);
      return "query-1";
    },
    async queryResults(id) {
      aws.calls.push(`GetQueryResults ${id}`);
      return (statuses.length > 1 ? statuses.shift() : statuses[0]) as QueryStatus;
    },
    async stopQuery(id) {
      aws.calls.push(`StopQuery ${id}`);
    },
  };
  return aws;
}

/** The factory the commands take: remembers the region it was asked for. */
export const factoryOf = (aws: FakeAws) => (region: string) => ((aws.region = region), aws);

/** Calls that change a user. */
export const changes = (aws: FakeAws): string[] =>
  aws.calls.filter((c) => /^Admin(Disable|Enable|UserGlobalSignOut|ResetUserPassword)/.test(c));
