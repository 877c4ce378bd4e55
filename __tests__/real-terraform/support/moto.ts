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
  /** The IAM decision log (emulator/ext_authz.py), or undefined when authorization is off. */
  readonly authzLog?: string;
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

/** IAM authorization in the emulator (emulator/ext_authz.py): "record" decides and logs, "enforce" also refuses. */
export interface AuthzOptions {
  readonly mode: "record" | "enforce";
  /** The decision log: one JSON line per decision (principal, action, resource, decision, deciding statements). */
  readonly log: string;
}

/**
 * Starts the emulator (moto with this project's extensions) on 127.0.0.1: HTTPS with a throwaway
 * certificate on one port, plain HTTP on another, and waits until both answer. Fails loudly when moto
 * or openssl is missing. Every request is authorized as AWS would ("enforce", the decision log beside the
 * certificate) unless `authz` says otherwise: "off" only where no AWS behaviour is being checked.
 */
export async function startMoto(options: { readyTimeoutMs?: number; attempts?: number; authz?: AuthzOptions | "off" } = {}): Promise<Moto> {
  const python = requireMotoPython();
  const certDir = mkdtempSync(join(tmpdir(), "taskflow-emulator-tls-"));
  const { cert, key } = makeCertificate(certDir);
  const authzOptions = options.authz ?? { mode: "enforce", log: join(certDir, "authz-decisions.jsonl") };
  let lastError: unknown;
  for (let attempt = 1; attempt <= (options.attempts ?? 3); attempt++) {
    const port = await freePort();
    const plainPort = await freePort();
    const endpoint = `https://${HOST}:${port}`;
    const plainEndpoint = `http://${HOST}:${plainPort}`;
    // Only the variables moto needs: no AWS_* (MOTO_ACCOUNT_ID etc. would change how it assigns accounts).
    // The evaluator ext_authz.py starts runs on this Node binary.
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("MOTO_"))),
      TASKFLOW_AUTHZ_NODE: process.execPath,
    };
    const authz = authzOptions === "off" ? [] : ["--authz", authzOptions.mode, "--authz-log", authzOptions.log];
    const args = [LAUNCHER, "--plain-http-port", String(plainPort), ...authz, "-H", HOST, "-p", String(port), "-c", cert, "-k", key];
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
      const authzLog = authzOptions === "off" ? undefined : authzOptions.log;
      return { port, endpoint, plainEndpoint, caBundle: cert, log: () => output, authzLog, stop };
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

/** The harness's break-glass administrator in every account: what the suites act as unless they name a role. */
export const BREAK_GLASS_ROLE = "taskflow-deploy";

/** AdministratorAccess's document (AWS managed policy reference), as the role's inline policy. */
const ADMINISTRATOR_ACCESS = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });

/**
 * Sends one query-protocol request (IAM, STS) to the emulator. `asAccountRoot` sends it as that account's
 * root user: credentials the emulator did not issue, with moto's x-moto-account-id header naming the
 * account. Only the harness does that, to create each account's break-glass role (on AWS an administrator
 * creates it once, outside these stacks).
 */
async function query(
  moto: Pick<Moto, "endpoint" | "caBundle">,
  service: "iam" | "sts",
  region: string,
  params: Record<string, string>,
  asAccountRoot?: string,
): Promise<{ status: number; text: string }> {
  const version = service === "iam" ? "2010-05-08" : "2011-06-15";
  return postForm(moto.endpoint, moto.caBundle, new URLSearchParams({ ...params, Version: version }), {
    "content-type": "application/x-www-form-urlencoded",
    // moto routes by the credential scope's service; it does not check signatures.
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAREALTERRAFORMSUITE/20250101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    ...(asAccountRoot ? { "x-moto-account-id": asAccountRoot } : {}),
  });
}

/**
 * Makes sure `roleName` exists in `accountId` as an administrator (AdministratorAccess inline, trusted by
 * the account), so the emulator's authorization knows the harness's identity instead of meeting an unknown
 * principal.
 */
export async function ensureAdministratorRole(
  moto: Pick<Moto, "endpoint" | "caBundle">,
  accountId: string,
  region: string,
  roleName: string,
): Promise<void> {
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "sts:AssumeRole" }],
  });
  const created = await query(
    moto,
    "iam",
    region,
    { Action: "CreateRole", RoleName: roleName, AssumeRolePolicyDocument: trust },
    accountId,
  );
  if (created.status !== 200 && !created.text.includes("EntityAlreadyExists"))
    throw new Error(`could not create the administrator role ${roleName} in ${accountId} (${created.status}):\n${created.text}`);
  const put = await query(
    moto,
    "iam",
    region,
    { Action: "PutRolePolicy", RoleName: roleName, PolicyName: "AdministratorAccess", PolicyDocument: ADMINISTRATOR_ACCESS },
    accountId,
  );
  if (put.status !== 200) throw new Error(`could not give ${roleName} in ${accountId} its policy (${put.status}):\n${put.text}`);
}

/**
 * Credentials of a session in `accountId`, issued by moto's STS: AssumeRole of the administrator role
 * `roleName` there (created first if missing).
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
  roleName = BREAK_GLASS_ROLE,
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  await ensureAdministratorRole(moto, accountId, region, roleName);
  const res = await query(
    moto,
    "sts",
    region,
    {
      Action: "AssumeRole",
      RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
      RoleSessionName: "real-terraform-suite",
      DurationSeconds: "43200",
    },
    accountId,
  );
  return sessionFrom(res, `moto STS AssumeRole for ${accountId}`);
}

function sessionFrom(
  res: { status: number; text: string },
  what: string,
): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  const xml = res.text;
  const field = (name: string) => xml.match(new RegExp(`<${name}>([^<]+)</${name}>`))?.[1];
  const [accessKeyId, secretAccessKey, sessionToken] = [field("AccessKeyId"), field("SecretAccessKey"), field("SessionToken")];
  if (res.status !== 200 || !accessKeyId || !secretAccessKey || !sessionToken) throw new Error(`${what} failed (${res.status}):\n${xml}`);
  return { accessKeyId, secretAccessKey, sessionToken };
}

/**
 * A session from AssumeRoleWithWebIdentity with a GitHub Actions OIDC token (unsigned here: the emulator
 * checks the role's trust policy against the token's `aud` and `sub`, not the signature). Throws with the
 * emulator's answer when the trust policy refuses the token.
 */
export async function assumeRoleWithWebIdentity(
  moto: Pick<Moto, "endpoint" | "caBundle">,
  roleArn: string,
  claims: { sub: string; aud?: string },
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const token = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({
    iss: "https://token.actions.githubusercontent.com",
    aud: claims.aud ?? "sts.amazonaws.com",
    sub: claims.sub,
  })}.unsigned`;
  const body = new URLSearchParams({
    Action: "AssumeRoleWithWebIdentity",
    Version: "2011-06-15",
    RoleArn: roleArn,
    RoleSessionName: "github-actions",
    WebIdentityToken: token,
    DurationSeconds: "3600",
  });
  // Unsigned, as the AWS SDK sends it (AWS STS API Reference: no credentials needed).
  const res = await postForm(moto.endpoint, moto.caBundle, body, { "content-type": "application/x-www-form-urlencoded" });
  return sessionFrom(res, `AssumeRoleWithWebIdentity of ${roleArn} as ${claims.sub}`);
}
