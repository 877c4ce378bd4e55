/**
 * moto_server, the AWS API emulator, on a free loopback port for one suite.
 *
 * Stopping is guaranteed three ways: stop() in afterAll; a process 'exit' hook; and a watchdog
 * shell between Node and moto that kills moto as soon as its stdin (a pipe from this process)
 * closes, which also happens when Jest's process dies from SIGKILL. So no port stays open.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireMotoPython, requireTool } from "./tools";

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
 * kills moto at EOF. The shell exits with moto's status. $0 is python, "$@" the launcher and its flags.
 */
const WATCHDOG = ["exec 3<&0", '"$0" "$@" </dev/null &', "m=$!", '( cat <&3 >/dev/null; kill "$m" 2>/dev/null ) &', 'wait "$m"'].join("\n");

export interface Moto {
  readonly port: number;
  /** https://127.0.0.1:<port>: what every tool and client uses (AWS answers over TLS too). */
  readonly endpoint: string;
  /** http://127.0.0.1:<plainPort>: the same emulator (same state) without TLS, to show a TLS-only policy denying it. */
  readonly plainEndpoint: string;
  /** The throwaway self-signed certificate of this run (PEM): AWS_CA_BUNDLE / NODE_EXTRA_CA_CERTS point at it. */
  readonly caBundle: string;
  /** moto's log so far (requests and errors), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * A self-signed certificate for 127.0.0.1, valid for a day, in `dir`. The address goes into
 * subjectAltName (TLS clients, Go's included, check that and ignore the CN). An EC key: ~10 ms.
 */
export function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, "emulator-cert.pem");
  const key = join(dir, "emulator-key.pem");
  const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert];
  const r = spawnSync(requireTool("openssl"), [...args, "-days", "1", "-subj", `/CN=${HOST}`, "-addext", `subjectAltName=IP:${HOST}`], {
    encoding: "utf8",
  });
  if (r.status !== 0)
    throw new Error(`openssl could not make the emulator's certificate (the suites need openssl on PATH):\n${r.stderr ?? String(r.error)}`);
  return { cert, key };
}

async function waitUntilReady(
  plainEndpoint: string,
  port: number,
  child: ChildProcessWithoutNullStreams,
  log: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the emulator exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`);
    }
    try {
      // The plain listener starts first (launcher.py), the TLS one right after: ready when both answer,
      // and only if it is this child that answers: two suites may be handed the same free port one
      // after the other, and the loser's requests would then reach the winner's emulator (its own
      // launcher fails to bind and says so). Our child logs the probe and the TLS port it bound.
      const res = await fetch(`${plainEndpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      const ours = log().includes("GET /moto-api/") && log().includes(`Running on https://127.0.0.1:${port}`);
      if (res.ok && ours && (await portOpen(port))) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the emulator did not answer on ${plainEndpoint} within ${timeoutMs / 1000} s:\n${log()}`);
}

/**
 * Starts the emulator (moto with this project's extensions) on 127.0.0.1: HTTPS with a throwaway
 * certificate on one port, plain HTTP on another, and waits until both answer. Fails loudly when moto
 * or openssl is missing.
 */
export async function startMoto(options: { readyTimeoutMs?: number; attempts?: number } = {}): Promise<Moto> {
  const python = requireMotoPython();
  const certDir = mkdtempSync(join(tmpdir(), "taskflow-emulator-tls-"));
  const { cert, key } = makeCertificate(certDir);
  let lastError: unknown;
  for (let attempt = 1; attempt <= (options.attempts ?? 3); attempt++) {
    const port = await freePort();
    const plainPort = await freePort();
    const endpoint = `https://${HOST}:${port}`;
    const plainEndpoint = `http://${HOST}:${plainPort}`;
    // Only the variables moto needs: no AWS_* (MOTO_ACCOUNT_ID etc. would change how it assigns accounts).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("MOTO_")));
    const args = [LAUNCHER, "--plain-http-port", String(plainPort), "-H", HOST, "-p", String(port), "-c", cert, "-k", key];
    const child = spawn("/bin/sh", ["-c", WATCHDOG, python, ...args], { env, stdio: ["pipe", "pipe", "pipe"], detached: true });
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
        rmSync(certDir, { recursive: true, force: true });
      })());
    try {
      await waitUntilReady(plainEndpoint, port, child, () => output, options.readyTimeoutMs ?? 30_000);
      return { port, endpoint, plainEndpoint, caBundle: cert, log: () => output, stop };
    } catch (e) {
      lastError = e;
      await stop();
      if (!/Address already in use/.test(output)) break; // only a lost port race is worth a retry
    }
  }
  rmSync(certDir, { recursive: true, force: true });
  throw lastError;
}

/** POST of a form to the emulator over TLS, trusting only its certificate. */
function postForm(
  endpoint: string,
  caBundle: string,
  body: URLSearchParams,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${endpoint}/`, { method: "POST", ca: readFileSync(caBundle), headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body.toString());
  });
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
  moto: Pick<Moto, "endpoint" | "caBundle">,
  accountId: string,
  region: string,
  roleName = "taskflow-deploy",
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  const body = new URLSearchParams({
    Action: "AssumeRole",
    Version: "2011-06-15",
    RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
    RoleSessionName: "real-terraform-suite",
    DurationSeconds: "43200",
  });
  const res = await postForm(moto.endpoint, moto.caBundle, body, {
    "content-type": "application/x-www-form-urlencoded",
    // moto routes by the credential scope's service; it does not check signatures.
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAREALTERRAFORMSUITE/20250101/${region}/sts/aws4_request, SignedHeaders=host, Signature=0`,
  });
  const xml = res.text;
  const field = (name: string) => xml.match(new RegExp(`<${name}>([^<]+)</${name}>`))?.[1];
  const [accessKeyId, secretAccessKey, sessionToken] = [field("AccessKeyId"), field("SecretAccessKey"), field("SessionToken")];
  if (res.status !== 200 || !accessKeyId || !secretAccessKey || !sessionToken)
    throw new Error(`moto STS AssumeRole for ${accountId} failed (${res.status}):\n${xml}`);
  return { accessKeyId, secretAccessKey, sessionToken };
}
