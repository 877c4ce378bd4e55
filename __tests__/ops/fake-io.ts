/**
 * An Io that records instead of running: tests assert which commands would have run (none, for a
 * refused or invalid invocation) and what was printed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import type { AwsApi } from "../../scripts/lib/aws/ops-aws";
import type { Io, RunOptions } from "../../scripts/lib/cli/io";

const created: string[] = [];

/** A temp dir removed by removeTempDirs (call it in afterAll). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "taskflow-ops-test-"));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Call {
  readonly command: string;
  readonly args: readonly string[];
  readonly options?: RunOptions;
}

export interface FakeIo extends Io {
  readonly calls: Call[];
  /** AWS API calls, as "<method> <arguments>" (e.g. "deleteItemIf taskflow-tfstate-lock ..."). */
  readonly awsCalls: string[];
  readonly questions: string[];
  stdout: string;
  stderr: string;
}

export interface FakeOptions {
  readonly interactive?: boolean;
  /** What the operator types at each prompt, in order. */
  readonly answers?: string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly root?: string;
  /** Exit status of each run call (default 0). */
  readonly run?: (call: Call) => number;
  /** Result of each capture call (default: exit 0, empty stdout). */
  readonly capture?: (call: Call) => { code: number; stdout: string };
  /** The account STS reports for credentials in this environment (default: none: the call fails). */
  readonly callerAccount?: (env: NodeJS.ProcessEnv) => string | undefined;
  /** AWS answers that differ from the default: the credentials are the environment's, no pools, no state, no locks. */
  readonly aws?: (env: EnvironmentConfig) => Partial<AwsApi>;
}

/** The default AWS of the fake: right account, nothing deployed, nothing locked, every client styled. */
function quietAws(env: EnvironmentConfig): AwsApi {
  return {
    callerAccount: async () => env.accountId,
    userPools: async () => [],
    getObject: async () => undefined,
    objectVersions: async () => [],
    deleteObject: async () => undefined,
    getItem: async () => undefined,
    deleteItemIf: async () => true,
    // Every app client has its managed login branding style.
    managedLoginBrandingId: async () => "11111111-2222-4333-8444-555555555555",
  };
}

export function fakeIo(options: FakeOptions = {}): FakeIo {
  const answers = [...(options.answers ?? [])];
  const io: FakeIo = {
    root: options.root ?? tempDir(),
    // Hermetic: never the developer's ~/.terraformrc (a mirror there would add --skip-provider-lock).
    env: options.env ?? { TF_CLI_CONFIG_FILE: join(tempDir(), "absent.tfrc") },
    interactive: options.interactive ?? false,
    calls: [],
    questions: [],
    stdout: "",
    stderr: "",
    out: (text) => void (io.stdout += text),
    err: (text) => void (io.stderr += text),
    ask: async (question) => (io.questions.push(question), answers.shift() ?? ""),
    run: async (command, args, runOptions) => {
      const call = { command, args, options: runOptions };
      io.calls.push(call);
      return options.run?.(call) ?? 0;
    },
    capture: async (command, args, runOptions) => {
      const call = { command, args, options: runOptions };
      io.calls.push(call);
      return options.capture?.(call) ?? { code: 0, stdout: "" };
    },
    environments: () => loadEnvironments(),
    callerAccount: async (env) => {
      const account = options.callerAccount?.(env);
      if (account === undefined) throw new Error("Unable to locate credentials");
      return account;
    },
    awsCalls: [],
    aws: (env, profile) => {
      const api = { ...quietAws(env), ...options.aws?.(env) };
      // Every call is recorded with its arguments (Buffers as their text) before it is answered;
      // a call with a named profile as "<method>@<profile> ...".
      return Object.fromEntries(
        Object.entries(api).map(([name, fn]) => [
          name,
          (...args: unknown[]) => {
            const method = profile ? `${name}@${profile}` : name;
            io.awsCalls.push([method, ...args.map((a) => (Buffer.isBuffer(a) ? a.toString("utf8") : String(a)))].join(" "));
            return (fn as (...a: unknown[]) => unknown).apply(api, args);
          },
        ]),
      ) as unknown as AwsApi;
    },
  };
  return io;
}

/** The Terraform subcommand of a call (`terraform -chdir=... plan ...` → "plan"), or the script run by node. */
export function callText(call: Call): string {
  const args = call.args.filter((a) => !a.startsWith("-chdir="));
  return call.command === process.execPath ? `node ${args.join(" ")}` : `${call.command} ${args.join(" ")}`;
}
