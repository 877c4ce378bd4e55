/**
 * moto_server, the AWS API emulator, on a free loopback port for one suite.
 *
 * Stopping is guaranteed three ways: stop() in afterAll; a process 'exit' hook; and a watchdog
 * shell between Node and moto that kills moto as soon as its stdin (a pipe from this process)
 * closes, which also happens when Jest's process dies from SIGKILL. So no port stays open.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";
import { requireMotoPython } from "./tools";

/** moto plus this project's extensions (see emulator/launcher.py). */
export const LAUNCHER = join(__dirname, "..", "emulator", "launcher.py");

const HOST = "127.0.0.1";

/** A free TCP port on the loopback interface (the OS picks it; moto binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** True when something accepts TCP connections on the port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Watchdog: moto runs in the background with its own stdin on /dev/null; a reader of the
 * watchdog's stdin (fd 3, since background jobs of a non-interactive shell get /dev/null as stdin)
 * kills moto at EOF. The shell exits with moto's status.
 */
const WATCHDOG = [
  "exec 3<&0",
  '"$0" "$1" -H "$2" -p "$3" </dev/null &',
  "m=$!",
  '( cat <&3 >/dev/null; kill "$m" 2>/dev/null ) &',
  'wait "$m"',
].join("\n");

export interface Moto {
  readonly port: number;
  readonly endpoint: string;
  /** moto's log so far (requests and errors), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcessWithoutNullStreams,
  log: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto_server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`);
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs / 1000} s:\n${log()}`);
}

/** Starts moto_server on 127.0.0.1 and waits until it answers. Fails loudly when moto is not installed. */
export async function startMoto(options: { readyTimeoutMs?: number; attempts?: number } = {}): Promise<Moto> {
  const python = requireMotoPython();
  let lastError: unknown;
  for (let attempt = 1; attempt <= (options.attempts ?? 3); attempt++) {
    const port = await freePort();
    const endpoint = `http://${HOST}:${port}`;
    // Only the variables moto needs: no AWS_* (MOTO_ACCOUNT_ID etc. would change how it assigns accounts).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("MOTO_")));
    const child = spawn("/bin/sh", ["-c", WATCHDOG, python, LAUNCHER, HOST, String(port)], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    const keep = (d: string) => {
      output = (output + d).slice(-200_000);
    };
    child.stdout.setEncoding("utf8").on("data", keep);
    child.stderr.setEncoding("utf8").on("data", keep);
    child.stdin.on("error", () => undefined);
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    };
    const onExit = () => killGroup("SIGKILL");
    process.once("exit", onExit);
    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        child.stdin.end(); // the watchdog kills moto
        let timer: NodeJS.Timeout | undefined;
        const graceful = await Promise.race([
          exited.then(() => true),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5000))),
        ]);
        clearTimeout(timer);
        if (!graceful) {
          killGroup("SIGKILL");
          await exited;
        }
        killGroup("SIGKILL"); // the watchdog's reader, if moto had died on its own
        process.removeListener("exit", onExit);
      })());
    try {
      await waitUntilReady(endpoint, child, () => output, options.readyTimeoutMs ?? 30_000);
      return { port, endpoint, log: () => output, stop };
    } catch (e) {
      lastError = e;
      await stop();
      if (!/Address already in use/.test(output)) break; // only a lost port race is worth a retry
    }
  }
  throw lastError;
}

/**
 * Credentials of a session in `accountId`, issued by moto's STS (AssumeRole of a deploy role there).
 *
 * Why not AWS_ACCESS_KEY_ID=<account id>: moto 5.2 does not derive the account from a 12-digit key
 * (that is LocalStack's convention); it puts every unknown key in 123456789012. It does map the
 * credentials it issued to their account, for STS GetCallerIdentity (what the aws provider checks
 * against allowed_account_ids) and for every service. Ops work the same way: one deploy role per account.
 */
export async function assumeDeployRole(
  endpoint: string,
  accountId: string,
  region: string,
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  const body = new URLSearchParams({
    Action: "AssumeRole",
    Version: "2011-06-15",
    RoleArn: `arn:aws:iam::${accountId}:role/taskflow-deploy`,
    RoleSessionName: "real-terraform-suite",
    DurationSeconds: "43200",
  });
  const res = await fetch(`${endpoint}/`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      // moto routes by the credential scope's service; it does not check signatures.
      authorization: `AWS4-HMAC-SHA256 Credential=AKIAREALTERRAFORMSUITE/20250101/${region}/sts/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
  const xml = await res.text();
  const field = (name: string) => xml.match(new RegExp(`<${name}>([^<]+)</${name}>`))?.[1];
  const [accessKeyId, secretAccessKey, sessionToken] = [field("AccessKeyId"), field("SecretAccessKey"), field("SessionToken")];
  if (!res.ok || !accessKeyId || !secretAccessKey || !sessionToken)
    throw new Error(`moto STS AssumeRole for ${accountId} failed (${res.status}):\n${xml}`);
  return { accessKeyId, secretAccessKey, sessionToken };
}
