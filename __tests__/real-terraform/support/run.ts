/**
 * Running the real tools (terraform, cdktf, moto_server) as child processes: output captured for
 * assertions and failure messages, a hard timeout per command, and the wall time of every step
 * printed as it finishes and summed up per suite.
 */
import { spawn } from "node:child_process";

export interface RunOptions {
  readonly cwd: string;
  /** The child's complete environment (nothing is inherited implicitly). */
  readonly env: NodeJS.ProcessEnv;
  /** Name of the step in the timing log. Default: the command line. */
  readonly label?: string;
  /** Killed (SIGKILL, whole process group) after this long. Default: 3 minutes. */
  readonly timeoutMs?: number;
  /** Written to the child's stdin, which is then closed. Default: stdin closed at once. */
  readonly input?: string;
}

export interface RunResult {
  readonly command: string;
  /** Exit code, or null when killed by a signal (timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly timedOut: boolean;
}

/**
 * Everything a failure message needs: the command, its exit code and the end of its output, stderr
 * first (Terraform's errors and the commands' messages are there; a CI log that shows only the start
 * of a long message still shows why).
 */
export function describeRun(r: RunResult, tailChars = 6000): string {
  const tail = (s: string) => (s.length > tailChars ? `[... ${s.length - tailChars} chars cut ...]\n${s.slice(-tailChars)}` : s);
  return [
    `$ ${r.command}`,
    `exit ${r.code ?? "none"}${r.timedOut ? " (killed: timeout)" : ""} after ${seconds(r.ms)}`,
    `--- stderr ---\n${tail(r.stderr)}`,
    `--- stdout ---\n${tail(r.stdout)}`,
  ].join("\n");
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Per-step wall times of one suite: printed live (stderr, so Jest does not buffer it) and as a table at the end. */
export class StepTimer {
  private readonly steps: { label: string; ms: number }[] = [];
  private readonly started = Date.now();

  constructor(private readonly suite: string) {}

  record(label: string, ms: number): void {
    this.steps.push({ label, ms });
    process.stderr.write(`[${this.suite}] ${seconds(ms).padStart(8)}  ${label}\n`);
  }

  /** Times an async step that is not a single command (SDK read-backs, waits). */
  async time<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      this.record(label, Date.now() - t0);
    }
  }

  summary(): string {
    const total = Date.now() - this.started;
    const width = Math.max(...this.steps.map((s) => s.label.length), 10);
    const lines = this.steps.map((s) => `  ${s.label.padEnd(width)}  ${seconds(s.ms).padStart(8)}`);
    return [`[${this.suite}] per-step wall time:`, ...lines, `  ${"suite total (wall)".padEnd(width)}  ${seconds(total).padStart(8)}`].join(
      "\n",
    );
  }

  printSummary(): void {
    process.stderr.write(`${this.summary()}\n`);
  }
}

/** A child process that is still running (e.g. an apply waiting at its approval prompt). */
export interface Running {
  readonly pid: number;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the text appears on stdout or stderr; rejects on timeout or early exit. */
  waitFor(text: string | RegExp, timeoutMs: number): Promise<void>;
  write(data: string): void;
  closeStdin(): void;
  /** Resolves when the process exits (with its result). */
  readonly done: Promise<RunResult>;
  /** SIGKILL to the whole process group. */
  kill(): void;
}

/** Process groups started here that are still running. */
const live = new Set<() => void>();

/**
 * Kills every command started by this module that is still running (a suite's afterAll, so a failed
 * test leaves no terraform or provider process behind). Returns how many there were.
 */
export function killRunning(): number {
  const n = live.size;
  for (const kill of [...live]) kill();
  return n;
}

/** Starts a command (its own process group, so a timeout kills its children too). */
export function start(command: string, args: readonly string[], options: RunOptions & { timer?: StepTimer }): Running {
  const commandLine = [command, ...args].join(" ");
  const t0 = Date.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
  let stdout = "";
  let stderr = "";
  let timedOut = false;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    notify();
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    notify();
  });
  child.stdin.on("error", () => undefined); // EPIPE when the child exits before reading
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  };
  const killOnExit = () => killGroup();
  process.once("exit", killOnExit);
  live.add(killGroup);
  const timeout = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs ?? 180_000);
  let exited = false;
  const done = new Promise<RunResult>((resolve) => {
    const finish = (code: number | null) => {
      if (exited) return;
      exited = true;
      clearTimeout(timeout);
      process.removeListener("exit", killOnExit);
      live.delete(killGroup);
      notify();
      const result: RunResult = { command: commandLine, code, stdout, stderr, ms: Date.now() - t0, timedOut };
      options.timer?.record(options.label ?? commandLine, result.ms);
      resolve(result);
    };
    child.on("error", (e) => {
      stderr += `\nspawn failed: ${e.message}`;
      finish(127);
    });
    child.on("close", (code) => finish(code));
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  return {
    pid: child.pid ?? -1,
    stdout: () => stdout,
    stderr: () => stderr,
    write: (data) => void child.stdin.write(data),
    closeStdin: () => void child.stdin.end(),
    kill: killGroup,
    done,
    waitFor(text, timeoutMs) {
      const seen = () => (typeof text === "string" ? (stdout + stderr).includes(text) : text.test(stdout + stderr));
      return new Promise<void>((resolve, reject) => {
        const settle = (outcome: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          outcome();
        };
        const check = () => {
          if (seen()) settle(resolve);
          else if (exited) settle(() => reject(new Error(`${commandLine} exited before printing ${String(text)}\n${stdout}\n${stderr}`)));
        };
        const timer = setTimeout(
          () => settle(() => reject(new Error(`${commandLine}: no ${String(text)} within ${seconds(timeoutMs)}\n${stdout}\n${stderr}`))),
          timeoutMs,
        );
        waiters.add(check);
        check();
      });
    },
  };
}

/** Runs a command to completion (stdin closed unless `input` is given). Never throws: check `code`. */
export function run(command: string, args: readonly string[], options: RunOptions & { timer?: StepTimer }): Promise<RunResult> {
  const p = start(command, args, options);
  if (options.input === undefined) p.closeStdin();
  return p.done;
}

/** Runs a command and throws with its output unless it exits 0. */
export async function runOk(command: string, args: readonly string[], options: RunOptions & { timer?: StepTimer }): Promise<RunResult> {
  const r = await run(command, args, options);
  if (r.code !== 0) throw new Error(`command failed:\n${describeRun(r)}`);
  return r;
}

/** Runs tasks with at most `limit` at a time (the machine has 2 cores; the provider is CPU-bound while loading). */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** What `npm run <script> -- <args>` starts (node runs the script directly), labelled as the operator types it. */
export function npmCommand(script: string, args: readonly string[]): { command: string; args: string[]; label: string } {
  return {
    command: process.execPath,
    args: ["scripts/run-ts.js", `scripts/${script}.ts`, ...args],
    label: `npm run ${script} -- ${args.join(" ")}`,
  };
}

/** `npm run <script> -- <args>` run to the end (npmCommand). */
export function npmScript(
  script: string,
  args: readonly string[],
  options: Omit<RunOptions, "label"> & { timer?: StepTimer },
): Promise<RunResult> {
  const npm = npmCommand(script, args);
  return run(npm.command, npm.args, { ...options, label: npm.label });
}
