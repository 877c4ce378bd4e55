/**
 * Everything the ops commands do to the outside world, behind one interface: tests pass a fake and
 * assert what would have run (e.g. that an unknown stack never reaches cdktf or Terraform).
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { loadEnvironments, type EnvironmentConfig } from "../../../config";
import { realAws, type AwsApi } from "../aws/ops-aws";

export interface RunOptions {
  /** Working directory; default: the project root. */
  readonly cwd?: string;
  /** Where the child's stdout goes: the terminal (default) or stderr, to keep our stdout clean for JSON. */
  readonly stdout?: "inherit" | "stderr";
  readonly env?: NodeJS.ProcessEnv;
  /** Also hand the child's stderr to this callback (it still reaches the terminal as it comes). */
  readonly onStderr?: (chunk: string) => void;
  /** Also hand the child's stdout to this callback (it still goes where `stdout` says). */
  readonly onStdout?: (chunk: string) => void;
}

export interface Io {
  /** The project root: cdktf.json, cdktf.out/ and plans/ are resolved from here. */
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  /** stdin is a terminal, so a person can answer a prompt. */
  readonly interactive: boolean;
  out(text: string): void;
  err(text: string): void;
  ask(question: string): Promise<string>;
  /** Runs a command with inherited stdio; resolves to its exit status. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<number>;
  /** Runs a command and captures its stdout (stderr stays on the terminal). */
  capture(command: string, args: readonly string[], options?: RunOptions): Promise<{ code: number; stdout: string }>;
  /** Validated environments (throws ConfigError). */
  environments(): EnvironmentConfig[];
  /** The account of the credentials in `env` (STS GetCallerIdentity); throws when there are none or they are refused. */
  callerAccount(env: NodeJS.ProcessEnv): Promise<string>;
  /** AWS calls in the environment's region, with the credentials of this process's environment (or of a named profile). */
  aws(env: EnvironmentConfig, profile?: string): AwsApi;
}

/** Child environment: ours plus no Terraform checkpoint calls (offline machines, CI). */
function childEnv(io: Pick<Io, "env">, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...io.env, CHECKPOINT_DISABLE: io.env.CHECKPOINT_DISABLE ?? "1", ...extra };
}

export function realIo(root: string = resolve(__dirname, "..", "..", "..")): Io {
  const io: Io = {
    root,
    env: process.env,
    interactive: Boolean(process.stdin.isTTY),
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    run: (command, args, options = {}) =>
      new Promise((done) => {
        const stdoutTo = options.stdout === "stderr" ? process.stderr : process.stdout;
        const child = spawn(command, args, {
          cwd: options.cwd ?? root,
          env: childEnv(io, options.env),
          stdio: [
            "inherit",
            options.onStdout ? "pipe" : options.stdout === "stderr" ? process.stderr : "inherit",
            options.onStderr ? "pipe" : "inherit",
          ],
        });
        child.stdout?.on("data", (chunk: Buffer) => {
          stdoutTo.write(chunk);
          options.onStdout?.(chunk.toString("utf8"));
        });
        child.stderr?.on("data", (chunk: Buffer) => {
          process.stderr.write(chunk);
          options.onStderr?.(chunk.toString("utf8"));
        });
        child.on("error", (e) => (io.err(`${command}: ${e.message}\n`), done(127)));
        child.on("close", (code) => done(code ?? 1));
      }),
    capture: (command, args, options = {}) =>
      new Promise((done) => {
        const child = spawn(command, args, {
          cwd: options.cwd ?? root,
          env: childEnv(io, options.env),
          stdio: ["ignore", "pipe", "inherit"],
        });
        const chunks: Buffer[] = [];
        child.stdout.on("data", (c: Buffer) => chunks.push(c));
        child.on("error", (e) => (io.err(`${command}: ${e.message}\n`), done({ code: 127, stdout: "" })));
        child.on("close", (code) => done({ code: code ?? 1, stdout: Buffer.concat(chunks).toString("utf8") }));
      }),
    environments: () => loadEnvironments(),
    callerAccount: async (env) => {
      // Loaded on demand: only `drift --all` asks, and the SDK costs start-up time every other command would pay.
      const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
      // The SDK reads credentials, region and endpoint from process.env: give it exactly `env` for this call.
      const saved = { ...process.env };
      for (const k of Object.keys(process.env)) if (k.startsWith("AWS_")) delete process.env[k];
      Object.assign(process.env, Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("AWS_"))));
      const client = new STSClient({ region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1" });
      try {
        const identity = await client.send(new GetCallerIdentityCommand({}));
        if (!identity.Account) throw new Error("STS GetCallerIdentity returned no account");
        return identity.Account;
      } finally {
        client.destroy();
        for (const k of Object.keys(process.env)) if (k.startsWith("AWS_")) delete process.env[k];
        Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([k]) => k.startsWith("AWS_"))));
      }
    },
    aws: (env, profile) => realAws(env, profile),
  };
  return io;
}

/** Runs a command's main when its file is the entry point (`node scripts/run-ts.js scripts/plan.ts`). */
export function runIfMain(mod: NodeModule, main: (argv: string[], io: Io) => Promise<number>): void {
  if (require.main !== mod) return;
  main(process.argv.slice(2), realIo()).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
