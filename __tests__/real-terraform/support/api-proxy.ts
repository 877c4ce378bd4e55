/**
 * An HTTP relay between the tools and the emulator, for fault tests: the tools get the relay's URL
 * as AWS_ENDPOINT_URL, and the test can make the API "go away" (every open and new connection is
 * cut, as when the network or the endpoint fails mid-run) or hold chosen requests back until it
 * releases them (to keep an apply running at a known point). The emulator itself keeps running, so
 * what survived can be read back afterwards. Loopback only.
 */
import { readFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";

export interface HeldRequest {
  /** The API operation, as far as the request shows it (X-Amz-Target, Action=, or the path). */
  readonly operation: string;
  release(): void;
}

export interface ApiProxy {
  readonly endpoint: string;
  /** Cuts every connection and answers new ones by closing them, until up(). */
  down(): void;
  up(): void;
  /** Holds every request whose operation text matches, until released (or until hold(undefined)). */
  hold(match: RegExp | undefined): void;
  /** Requests held right now, oldest first. */
  held(): readonly HeldRequest[];
  /** Stops holding; requests still held are dropped (their connections cut), never sent. */
  dropHeld(): void;
  /**
   * Resolves once no relayed request has been open for `quietMs` (held ones do not count): whatever the
   * tools had in flight has been answered and they sent nothing since. Rejects after `timeoutMs`.
   */
  settled(quietMs: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** What the request says it is: enough to recognise e.g. PutMetricAlarm in any of the AWS protocols. */
function operationOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers["x-amz-target"];
  const form = body.length < 65536 ? body.toString("utf8").match(/(?:^|&)Action=([A-Za-z]+)/)?.[1] : undefined;
  const scope = String(req.headers.authorization ?? "").match(/Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//)?.[1] ?? "";
  return [scope, typeof target === "string" ? target : "", form ?? "", req.method ?? "", req.url ?? ""].filter(Boolean).join(" ");
}

/** A relay to `upstream` (http or https; `caBundle` is the file of the CA an https upstream's certificate is signed by). */
export async function startApiProxy(upstream: string, caBundle?: string): Promise<ApiProxy> {
  const target = new URL(upstream);
  const tls = target.protocol === "https:";
  const ca = tls && caBundle ? readFileSync(caBundle) : undefined;
  const sockets = new Set<Socket>();
  let isDown = false;
  let holdMatch: RegExp | undefined;
  const waiting: { operation: string; go: () => void; drop: () => void }[] = [];
  let open = 0;
  let lastActivity = Date.now();
  const opened = () => {
    open += 1;
    lastActivity = Date.now();
  };
  const closed = () => {
    open -= 1;
    lastActivity = Date.now();
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    opened();
    res.once("close", closed);
    const upstreamReq = (tls ? httpsRequest : request)(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, ...(ca ? { ca } : {}) },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstreamReq.on("error", () => res.destroy());
    upstreamReq.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (isDown) return void res.destroy();
      const body = Buffer.concat(chunks);
      const operation = operationOf(req, body);
      if (holdMatch?.test(operation)) {
        const entry = { operation, go: () => (isDown ? res.destroy() : forward(req, res, body)), drop: () => res.destroy() };
        waiting.push(entry);
        return;
      }
      forward(req, res, body);
    });
  });
  server.on("connection", (socket: Socket) => {
    if (isDown) return void socket.destroy();
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("api proxy: no address");

  const releaseEntry = (entry: (typeof waiting)[number]) => {
    const i = waiting.indexOf(entry);
    if (i >= 0) waiting.splice(i, 1);
    entry.go();
  };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    down() {
      isDown = true;
      for (const s of sockets) s.destroy();
    },
    up() {
      isDown = false;
    },
    hold(match) {
      holdMatch = match;
      if (!match) for (const entry of [...waiting]) releaseEntry(entry);
    },
    dropHeld() {
      holdMatch = undefined;
      for (const entry of waiting.splice(0)) entry.drop();
    },
    settled: async (quietMs, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (open > 0 || Date.now() - lastActivity < quietMs) {
        if (Date.now() > deadline) throw new Error(`api proxy: still ${open} request(s) open or recent after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    held: () => waiting.map((entry) => ({ operation: entry.operation, release: () => releaseEntry(entry) })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
