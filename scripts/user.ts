/**
 * npm run user -- <env> <action> <email>: look at one user of an environment's pool and contain
 * it (disable, sign out, force a password reset) or restore it (enable), without hand-typed AWS
 * CLI calls or a pool id copied from somewhere.
 *
 * Order, so that a refusal changes nothing: arguments (and --reason in prod) → caller's account
 * (STS) → pool id from the stack's outputs → the user exists and is not already in the requested
 * state → the typed confirmation (prod-stage, changing actions) → the change. stdout carries
 * exactly one JSON record per run, for the incident ticket; everything for the operator's eyes
 * goes to stderr.
 */
import { booleanOption, stringOption, yesOption, type CommandSpec, type OptionValues } from "./lib/cli/args";
import { withStack } from "./lib/cli/command";
import { confirm, needsConfirmation } from "./lib/cli/confirm";
import { EXIT } from "./lib/cli/exit-codes";
import { ENVIRONMENT_HELP, checkAccount, environmentOnly, formatTable, isoTime, userPoolId } from "./lib/incident/incident";
import { AwsError, sdkIncidentAws, type AuthEvent, type IncidentAws, type IncidentAwsFactory, type UserView } from "./lib/aws/incident-aws";
import { runIfMain, type Io } from "./lib/cli/io";
import type { StackTarget } from "./lib/cli/stacks";

interface Action {
  readonly summary: string;
  /** Changes the user: confirmation in prod-stage environments. */
  readonly changes: boolean;
  /** --reason is required in prod-stage environments. */
  readonly reasonInProd: boolean;
  /** Why there is nothing to do, when the user is already in the requested state. */
  readonly already?: (user: UserView) => string | undefined;
  readonly run?: (aws: IncidentAws, poolId: string, user: UserView) => Promise<string>;
}

const ACTIONS: Readonly<Record<string, Action>> = {
  show: {
    summary: "status, enabled, email verified, MFA set up, created/modified times (never tokens or secrets)",
    changes: false,
    reasonInProd: false,
  },
  events: {
    summary: "recent sign-in events (AdminListUserAuthEvents): time, type, result, risk level and decision, IP, city",
    changes: false,
    reasonInProd: false,
  },
  disable: {
    summary: "AdminDisableUser, then AdminUserGlobalSignOut: no new sign-ins, and its refresh tokens stop working",
    changes: true,
    reasonInProd: true,
    already: (u) => (u.enabled ? undefined : "already disabled"),
    async run(aws, poolId, user) {
      await aws.disableUser(poolId, user.username);
      try {
        await aws.globalSignOut(poolId, user.username);
      } catch (e) {
        throw new AwsError(
          (e as AwsError).code ?? "Error",
          `disabled, but the global sign-out failed (${(e as Error).message}): its refresh tokens may still work. Run the sign-out action now`,
        );
      }
      return "disabled; signed out everywhere (refresh tokens revoked)";
    },
  },
  enable: {
    summary: "AdminEnableUser: the user can sign in again (sessions revoked by disable stay revoked)",
    changes: true,
    reasonInProd: false,
    already: (u) => (u.enabled ? "already enabled" : undefined),
    run: async (aws, poolId, user) => (await aws.enableUser(poolId, user.username), "enabled"),
  },
  "sign-out": {
    summary: "AdminUserGlobalSignOut only: every refresh token of the user is revoked; the account stays enabled",
    changes: true,
    reasonInProd: true,
    run: async (aws, poolId, user) => (await aws.globalSignOut(poolId, user.username), "signed out everywhere (refresh tokens revoked)"),
  },
  "reset-password": {
    summary: "AdminResetUserPassword: the current password stops working; the user must set a new one at next sign-in",
    changes: true,
    reasonInProd: true,
    already: (u) => (u.status === "RESET_REQUIRED" ? "already RESET_REQUIRED" : undefined),
    run: async (aws, poolId, user) => (await aws.resetPassword(poolId, user.username), "password reset: status RESET_REQUIRED"),
  },
};

export const spec: CommandSpec = {
  name: "user",
  summary: "Show, contain or restore one user of an environment's user pool. Prints one JSON record of what was done on stdout.",
  positionals: ["<env>", "<action>", "<email>"],
  options: {
    reason: stringOption("why (goes into the record); required for disable, sign-out and reset-password in prod"),
    yes: yesOption(" in prod (pipelines, after their own approval step)"),
    json: booleanOption("show, events: put the user or the events into the record instead of a table on stderr"),
  },
  details: [
    "Actions:",
    ...Object.entries(ACTIONS).map(([name, a]) => `  ${name.padEnd(15)} ${a.summary}`),
    "",
    ENVIRONMENT_HELP,
    "<email> is the user's email (the pool's username attribute); a username or sub works too.",
    "The pool id comes from the stack's Terraform outputs (as npm run outputs reads them).",
    "In prod-stage environments, changing actions ask you to type the environment name; without a terminal they need --yes.",
    "stdout: one JSON record {time, env, action, user, reason, callerArn, result} per run, also for refusals after the",
    "account check. CloudTrail has the authoritative record of every Admin* call.",
  ].join("\n"),
};

export interface ActionRecord {
  readonly time: string;
  readonly env: string;
  readonly action: string;
  readonly user: string;
  readonly reason: string | null;
  readonly callerArn: string;
  readonly result: string;
  readonly poolId?: string;
  readonly details?: unknown;
}

function showTable(u: UserView): string {
  const rows: [string, string][] = [
    ["email", u.email ?? ""],
    ["username", u.username],
    ["sub", u.sub ?? ""],
    ["status", u.status ?? ""],
    ["enabled", String(u.enabled)],
    ["email verified", u.emailVerified === undefined ? "" : String(u.emailVerified)],
    ["MFA set up", u.mfa.length ? u.mfa.join(", ") + (u.preferredMfa ? ` (preferred: ${u.preferredMfa})` : "") : "none"],
    // ListWebAuthnCredentials takes the user's own access token: no administrator API lists passkeys.
    ["passkeys", "not visible to administrators (only the user's own session can list them)"],
    ["created", isoTime(u.created)],
    ["modified", isoTime(u.modified)],
  ];
  return formatTable(
    ["field", "value"],
    rows.map(([field, value]) => ({ field, value })),
  );
}

const EVENT_COLUMNS = ["time", "type", "result", "risk", "decision", "compromised", "ip", "city", "country", "challenges"] as const;

function eventRow(e: AuthEvent): Record<string, string> {
  return {
    time: isoTime(e.time),
    type: e.type ?? "",
    result: e.result ?? "",
    risk: e.riskLevel ?? "",
    decision: e.riskDecision ?? "",
    compromised: e.compromisedCredentials === undefined ? "" : String(e.compromisedCredentials),
    ip: e.ip ?? "",
    city: e.city ?? "",
    country: e.country ?? "",
    challenges: e.challenges.join(" "),
  };
}

const publicUser = (u: UserView) => ({ ...u, created: isoTime(u.created), modified: isoTime(u.modified) });

export interface UserDeps {
  readonly aws?: IncidentAwsFactory;
  readonly now?: () => Date;
}

export function user(argv: readonly string[], io: Io, deps: UserDeps = {}): Promise<number> {
  return withStack(spec, argv, io, (target, values, positionals) => runUser(target, values, positionals, io, deps));
}

async function runUser(target: StackTarget, values: OptionValues, positionals: readonly string[], io: Io, deps: UserDeps): Promise<number> {
  const notEnvironment = environmentOnly("user", target);
  if (notEnvironment) return (io.err(notEnvironment), EXIT.USAGE);
  const [, actionName = "", email = ""] = positionals;
  const action = ACTIONS[actionName];
  if (!action) {
    io.err(`Unknown action ${JSON.stringify(actionName)}. Actions: ${Object.keys(ACTIONS).join(", ")}\n`);
    return EXIT.USAGE;
  }
  const reason = typeof values.reason === "string" && values.reason.trim() !== "" ? values.reason.trim() : null;
  const { env } = target;
  if (action.reasonInProd && needsConfirmation(target) && !reason) {
    io.err(`${actionName} in ${env.name} needs --reason "...": it goes into the record for the incident ticket. Nothing was called.\n`);
    return EXIT.USAGE;
  }

  const aws = (deps.aws ?? sdkIncidentAws)(env.region);
  const account = await checkAccount(aws, env, io);
  if (!account.ok) return account.code;
  const now = deps.now ?? (() => new Date());
  const emit = (result: string, extra: Partial<ActionRecord> = {}) => {
    const record: ActionRecord = {
      time: isoTime(now()),
      env: env.name,
      action: actionName,
      user: email,
      reason,
      callerArn: account.caller.arn,
      result,
      ...extra,
    };
    io.out(`${JSON.stringify(record)}\n`);
  };

  const pool = await userPoolId(io, target);
  if (!pool.ok) return (emit("refused: no user_pool_id output"), pool.code);
  const { poolId } = pool;

  try {
    const found = await aws.getUser(poolId, email);
    if (!found) {
      io.err(`No user ${JSON.stringify(email)} in ${env.name}'s pool ${poolId}. Nothing was changed.\n`);
      emit("refused: no such user", { poolId });
      return EXIT.NO_SUCH_USER;
    }
    if (actionName === "reset-password" && !found.enabled) {
      // Cognito refuses AdminResetUserPassword for a disabled user (NotAuthorizedException "User is disabled";
      // AWS's answer in amazon-cognito-identity-js issue 373: enable first).
      io.err(
        `${email} is disabled in ${env.name}, and Cognito does not reset the password of a disabled user: run enable, then reset-password right after. Nothing was changed.\n`,
      );
      emit("refused: user is disabled (enable first)", { poolId });
      return EXIT.FAILED;
    }
    const already = action.already?.(found);
    if (already) {
      io.err(`${email} is ${already} in ${env.name}. Nothing was changed.\n`);
      emit(`refused: ${already}`, { poolId });
      return EXIT.ALREADY;
    }

    if (actionName === "show") {
      if (values.json !== true) io.err(showTable(found));
      emit("shown", { poolId, ...(values.json === true ? { details: publicUser(found) } : {}) });
      return EXIT.OK;
    }
    if (actionName === "events") {
      const events = await aws.listAuthEvents(poolId, found.username, 60);
      if (values.json !== true)
        io.err(events.length ? formatTable(EVENT_COLUMNS, events.map(eventRow)) : "No auth events recorded for this user.\n");
      emit(`listed ${events.length} events`, { poolId, ...(values.json === true ? { details: events.map(eventRow) } : {}) });
      return EXIT.OK;
    }

    if (action.changes) {
      const confirmation = await confirm(target, `${actionName} ${email} in`, values.yes === true, io);
      if (!confirmation.ok) {
        io.err(confirmation.message);
        emit("refused: not confirmed", { poolId });
        return EXIT.REFUSED;
      }
    }
    const result = await (action.run as NonNullable<Action["run"]>)(aws, poolId, found);
    io.err(`${email} in ${env.name}: ${result}.\n`);
    emit(result, { poolId });
    return EXIT.OK;
  } catch (e) {
    if (e instanceof AwsError && e.code === "UserPoolAddOnNotEnabledException") {
      io.err(
        `${env.name}'s pool records no auth events: threat protection is ${env.userPool.threatProtection} (Cognito keeps sign-in events only with AUDIT or ENFORCED). Use CloudTrail.\n`,
      );
      emit(`failed: ${e.code}`, { poolId });
      return EXIT.FAILED;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.err(`${actionName} ${email} in ${env.name} failed: ${message}\n`);
    emit(`failed: ${message}`, { poolId });
    return EXIT.FAILED;
  }
}

runIfMain(module, user);
