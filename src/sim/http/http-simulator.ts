import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { systemClock } from "../../core/clock.js";
import { FaultInjector } from "./faults.js";
import { SimBodyError } from "./sim-body-error.js";
import type { FaultKind, HttpSimulator, HttpSimulatorOptions, RecordedRequest, SimHandler, SimRequest, SimResponse } from "./types.js";

interface Encoded {
  status: number;
  headers: Record<string, string | number>;
  payload: Buffer;
}

const EMPTY = Buffer.alloc(0);

function flattenHeaders(raw: IncomingMessage["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function hasHeader(headers: Record<string, string> | undefined, name: string): boolean {
  if (!headers) return false;
  for (const key in headers) if (key.toLowerCase() === name) return true;
  return false;
}

function encode(out: SimResponse): Encoded {
  const headers: Record<string, string | number> = { ...out.headers };
  const body = out.body;
  let payload: Buffer;
  if (body === undefined) payload = EMPTY;
  else if (Buffer.isBuffer(body)) payload = body;
  else if (body instanceof Uint8Array) payload = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  else if (typeof body === "string") {
    payload = Buffer.from(body, "utf8");
    if (!hasHeader(out.headers, "content-type")) headers["content-type"] = "text/plain; charset=utf-8";
  } else {
    payload = Buffer.from(JSON.stringify(body) ?? "null", "utf8");
    if (!hasHeader(out.headers, "content-type")) headers["content-type"] = "application/json";
  }
  return { status: out.status ?? 200, headers, payload };
}

function errorBody(status: number, message: string): Encoded {
  return { status, headers: { "content-type": "application/json" }, payload: Buffer.from(JSON.stringify({ message }), "utf8") };
}

function send(res: ServerResponse, e: Encoded): void {
  e.headers["content-length"] = e.payload.length;
  res.writeHead(e.status, e.headers);
  res.end(e.payload);
}

function makeRequest(req: IncomingMessage, body: string, receivedAt: number): SimRequest {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  let parsed: { value: unknown } | undefined;
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: q < 0 ? url : url.slice(0, q),
    query: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)),
    headers: flattenHeaders(req.headers),
    body,
    json<T = unknown>(): T {
      if (!parsed) {
        try {
          parsed = { value: JSON.parse(body) };
        } catch (error) {
          throw new SimBodyError(`The request body is not valid JSON (${(error as Error).message}); send a JSON document.`, {
            cause: error,
          });
        }
      }
      return parsed.value as T;
    },
    remoteAddress: req.socket.remoteAddress ?? "",
    receivedAt,
  };
}

/**
 * Starts an HTTP server on 127.0.0.1 that answers with `handler`, records requests and injects
 * faults. The no-fault path does no more than parse, call the handler and write, so it can serve
 * transport benchmarks.
 *
 * Fault choice is deterministic from `seed` and the request's sequence number (requests are
 * numbered in arrival order; with concurrent clients that order is up to the network). Latency is
 * real time, like a network delay, whatever clock is given.
 */
export async function startHttpSimulator(handler: SimHandler, options: HttpSimulatorOptions = {}): Promise<HttpSimulator> {
  const clock = options.clock ?? systemClock;
  const recordLimit = options.recordLimit ?? 1000;
  if (!Number.isInteger(recordLimit) || recordLimit < 0)
    throw new RangeError(`recordLimit must be a whole number >= 0, got ${String(options.recordLimit)}.`);
  const faults = new FaultInjector(options.seed ?? 0, options.faults ?? []);

  // Ring buffer of recorded requests.
  const ring: (RecordedRequest | undefined)[] = new Array<RecordedRequest | undefined>(recordLimit);
  let recorded = 0;
  let seq = 0;
  let closed = false;
  const sockets = new Set<Socket>();
  const delays = new Set<ReturnType<typeof setTimeout>>();

  const respond = (req: IncomingMessage, res: ServerResponse, request: SimRequest, kind: FaultKind | null): void => {
    if (closed || res.destroyed) return;
    switch (kind) {
      case "http500":
      case "http502":
      case "http503": {
        const status = Number(kind.slice(4));
        send(res, errorBody(status, `Simulated fault: HTTP ${status}. Retry later.`));
        return;
      }
      case "reset":
        req.socket.destroy();
        return;
      case "timeout":
        // Never answered: the socket stays open until the client gives up or close() destroys it.
        return;
      default:
        break;
    }
    const finish = (out: SimResponse): void => {
      if (closed || res.destroyed) return;
      if (kind === "lostResponse") {
        // The handler ran (a write took effect) but the answer never arrives.
        req.socket.destroy();
        return;
      }
      let e: Encoded;
      try {
        e = encode(out ?? {});
      } catch (error) {
        e = errorBody(500, `simulator error: ${(error as Error).message}`);
      }
      if (kind === "truncate") {
        const full = e.payload.length >= 2 ? e.payload : Buffer.from('{"message":"truncated by the simulator"}', "utf8");
        e.headers["content-length"] = full.length;
        res.writeHead(e.status, e.headers);
        res.write(full.subarray(0, Math.floor(full.length / 2)), () => res.socket?.destroy());
        return;
      }
      if (kind === "malformed") {
        // A cut body followed by "<" is never valid JSON, whatever the cut leaves.
        const cut = e.payload.subarray(0, Math.floor(e.payload.length / 2)).toString("utf8");
        send(res, {
          status: 200,
          headers: { "content-type": "application/json" },
          payload: Buffer.from(`${cut}<!-- malformed by the simulator -->`, "utf8"),
        });
        return;
      }
      send(res, e);
    };
    const fail = (error: unknown): void => {
      if (closed || res.destroyed) return;
      if (error instanceof SimBodyError) send(res, errorBody(400, error.message));
      else send(res, errorBody(500, `simulator error: ${error instanceof Error ? error.message : String(error)}`));
    };
    try {
      const out = handler(request);
      if (out instanceof Promise) out.then(finish, fail);
      else finish(out);
    } catch (error) {
      fail(error);
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const n = ++seq;
    const request = makeRequest(req, body, clock.now());
    const decision = faults.idle ? null : faults.decide(request.method, request.path, n);
    const kind = decision?.kind ?? null;
    if (recordLimit > 0) {
      const entry: RecordedRequest = {
        seq: n,
        method: request.method,
        path: request.path,
        query: request.query,
        headers: request.headers,
        body,
        at: request.receivedAt,
      };
      if (kind) entry.faulted = kind;
      ring[recorded % recordLimit] = entry;
      recorded++;
    }
    if (decision && decision.latencyMs > 0) {
      const timer = setTimeout(() => {
        delays.delete(timer);
        respond(req, res, request, kind);
      }, decision.latencyMs);
      delays.add(timer);
    } else {
      respond(req, res, request, kind);
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handle(req, res, chunks.length === 0 ? "" : Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => req.socket.destroy());
  });
  server.on("connection", (socket: Socket) => {
    if (closed) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // A client that sends garbage or vanishes mid-request: drop it quietly.
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("The simulator's server has no TCP address.");
  const port = address.port;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests(): RecordedRequest[] {
      const count = Math.min(recorded, recordLimit);
      const out: RecordedRequest[] = [];
      for (let i = recorded - count; i < recorded; i++) out.push(ring[i % recordLimit]!);
      return out;
    },
    clearRequests(): void {
      ring.fill(undefined);
      recorded = 0;
    },
    faults,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        for (const timer of delays) clearTimeout(timer);
        delays.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
