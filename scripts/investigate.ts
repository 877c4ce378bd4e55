/**
 * npm run investigate -- <env> <query-name>: runs one of the environment's saved Logs Insights
 * queries (stacks/constructs/audit/queries.ts, the same text the stack saves) through the
 * CloudWatch Logs API and prints the rows. StartQuery is asynchronous: the command polls
 * GetQueryResults and shows a progress line on stderr until the query completes, fails or times out
 * (then it stops the query).
 */
import {
  fillQuery,
  investigationQueries,
  placeholdersOf,
  USER_POOL_ID_PLACEHOLDER,
  type InvestigationQuery,
} from "../stacks/constructs/audit/queries";
import { booleanOption, stringOption, type CommandSpec, type OptionValues } from "./lib/cli/args";
import { withStack } from "./lib/cli/command";
import { EXIT } from "./lib/cli/exit-codes";
import { ENVIRONMENT_HELP, checkAccount, environmentOnly, formatTable, userPoolId } from "./lib/incident/incident";
import { AwsError, sdkIncidentAws, type IncidentAwsFactory, type QueryStatus } from "./lib/aws/incident-aws";
import { runIfMain, type Io } from "./lib/cli/io";
import type { StackTarget } from "./lib/cli/stacks";

export const spec: CommandSpec = {
  name: "investigate",
  summary: "Run one of the environment's saved CloudWatch Logs Insights queries and print the rows (a table, or --json).",
  positionals: ["<env>", "<query-name>"],
  options: {
    since: stringOption("how far back: <n>m, <n>h or <n>d (default 24h; Logs Insights searches at most the log groups' retention)"),
    user: stringOption("the user, for queries about one user: email (resolved to the sub in the pool), username or sub"),
    json: booleanOption("print the rows as a JSON array of objects instead of a table"),
    timeout: stringOption("give up (and stop the query) after this many seconds (default 300)"),
  },
  details: [
    ENVIRONMENT_HELP,
    "<query-name> is one of the environment's saved queries; an unknown name lists them. Which exist depends on config:",
    "audit.userActivityLogs (user-events, failed-sign-ins-by-ip, high-risk-events, compromised-credentials,",
    "notification-errors) and audit.cloudTrailLogGroupName (admin-api-calls).",
    "The rows go to stdout; the progress line and messages to stderr.",
  ].join("\n"),
};

const DEFAULT_SINCE = "24h";
const DEFAULT_TIMEOUT_S = 300;
const UNIT_SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400 };

/** "24h" → seconds, or undefined when malformed. */
export function parseSince(text: string): number | undefined {
  const m = /^(\d{1,5})([mhd])$/.exec(text.trim());
  return m ? Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number) : undefined;
}

export interface InvestigateDeps {
  readonly aws?: IncidentAwsFactory;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
  /** Between two GetQueryResults calls (default 1000 ms). */
  readonly pollMs?: number;
}

export function investigate(argv: readonly string[], io: Io, deps: InvestigateDeps = {}): Promise<number> {
  return withStack(spec, argv, io, (target, values, positionals) => runInvestigate(target, values, positionals[1] ?? "", io, deps));
}

function listQueries(queries: readonly InvestigationQuery[]): string {
  return queries.map((q) => `  ${q.name.padEnd(24)} ${q.description}`).join("\n");
}

const DONE = new Set(["Complete", "Failed", "Cancelled", "Timeout", "Unknown"]);

async function runInvestigate(target: StackTarget, values: OptionValues, name: string, io: Io, deps: InvestigateDeps): Promise<number> {
  const notEnvironment = environmentOnly("investigate", target);
  if (notEnvironment) return (io.err(notEnvironment), EXIT.USAGE);
  const { env } = target;
  const queries = investigationQueries(env);
  const query = queries.find((q) => q.name === name);
  if (!query) {
    io.err(
      queries.length
        ? `Unknown query ${JSON.stringify(name)} for ${env.name}. Saved queries:\n${listQueries(queries)}\n`
        : `${env.name} has no saved queries: audit.userActivityLogs is off (tier ${env.userPool.tier}, threat protection ${env.userPool.threatProtection}) and no audit.cloudTrailLogGroupName is set.\n`,
    );
    return EXIT.USAGE;
  }
  const sinceText = typeof values.since === "string" ? values.since : DEFAULT_SINCE;
  const since = parseSince(sinceText);
  const timeoutS = typeof values.timeout === "string" ? Number(values.timeout) : DEFAULT_TIMEOUT_S;
  if (since === undefined || !(timeoutS > 0)) {
    io.err(
      since === undefined
        ? `--since must be <n>m, <n>h or <n>d (e.g. 24h), got ${JSON.stringify(sinceText)}\n`
        : "--timeout must be a positive number of seconds\n",
    );
    return EXIT.USAGE;
  }
  const takesUser = query.parameters.some((p) => p.name === "user");
  const userArg = typeof values.user === "string" ? values.user : undefined;
  if (takesUser !== (userArg !== undefined)) {
    io.err(takesUser ? `${query.name} needs --user <email>.\n` : `${query.name} is not about one user: drop --user (try user-events).\n`);
    return EXIT.USAGE;
  }

  const aws = (deps.aws ?? sdkIncidentAws)(env.region);
  const account = await checkAccount(aws, env, io);
  if (!account.ok) return account.code;

  const fill: Record<string, string> = {};
  if (placeholdersOf(query.queryString).includes(USER_POOL_ID_PLACEHOLDER) || userArg?.includes("@")) {
    const pool = await userPoolId(io, target);
    if (!pool.ok) return pool.code;
    fill[USER_POOL_ID_PLACEHOLDER] = pool.poolId;
    if (userArg?.includes("@")) {
      // The exported events name the user by username and sub, not by email.
      const found = await aws.getUser(pool.poolId, userArg).catch((e: unknown) => e as Error);
      if (found instanceof Error) return (io.err(`Looking up ${userArg} failed: ${found.message}\n`), EXIT.FAILED);
      if (!found) return (io.err(`No user ${JSON.stringify(userArg)} in ${env.name}'s pool ${pool.poolId}.\n`), EXIT.NO_SUCH_USER);
      fill.user = found.sub ?? found.username;
      io.err(`${userArg} is sub ${fill.user}.\n`);
    }
  }
  if (userArg !== undefined && fill.user === undefined) fill.user = userArg;
  let queryString: string;
  try {
    queryString = fillQuery(query, fill);
  } catch (e) {
    return (io.err(`${(e as Error).message}\n`), EXIT.USAGE);
  }

  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const endTime = Math.floor(now().getTime() / 1000);
  let queryId: string;
  try {
    queryId = await aws.startQuery({ logGroupNames: query.logGroupNames, queryString, startTime: endTime - since, endTime });
  } catch (e) {
    if (e instanceof AwsError && e.code === "ResourceNotFoundException") {
      io.err(`${query.logGroupNames.join(", ")} not found in ${env.name} (${e.message}). Is the audit trail deployed? Nothing was run.\n`);
      return EXIT.NOT_DEPLOYED;
    }
    return (io.err(`StartQuery failed: ${(e as Error).message}\n`), EXIT.FAILED);
  }

  io.err(`${query.definitionName}: last ${sinceText} of ${query.logGroupNames.join(", ")} (query ${queryId})\n`);
  const started = Date.now();
  let status: QueryStatus = { status: "Scheduled", rows: [] };
  let last = "";
  while (!DONE.has(status.status)) {
    if ((Date.now() - started) / 1000 > timeoutS) {
      await aws.stopQuery(queryId).catch(() => undefined);
      io.err(`Gave up after ${timeoutS} s and stopped the query. Try a shorter --since.\n`);
      return EXIT.FAILED;
    }
    status = await aws.queryResults(queryId);
    const progress = `  ${status.status}… ${Math.round((Date.now() - started) / 1000)} s`;
    if (!DONE.has(status.status) && progress !== last) io.err(`${progress}\n`);
    last = progress;
    if (!DONE.has(status.status)) await sleep(deps.pollMs ?? 1000);
  }
  if (status.status !== "Complete") {
    io.err(`The query ended with status ${status.status}.\n`);
    return EXIT.FAILED;
  }
  io.err(
    `  Complete: ${status.rows.length} row${status.rows.length === 1 ? "" : "s"}${status.recordsScanned === undefined ? "" : ` (${status.recordsScanned} records scanned)`}\n`,
  );
  if (values.json === true) {
    io.out(`${JSON.stringify(status.rows, null, 2)}\n`);
  } else if (status.rows.length) {
    const columns = [...new Set(status.rows.flatMap((r) => Object.keys(r)))];
    io.out(formatTable(columns, status.rows));
  }
  return EXIT.OK;
}

runIfMain(module, investigate);
