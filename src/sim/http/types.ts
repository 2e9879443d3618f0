import type { Clock } from "../../core/clock.js";

/** A request as a simulator handler sees it. */
export interface SimRequest {
  /** Upper-case method, e.g. "GET". */
  method: string;
  /** The pathname, as sent (not percent-decoded), without the query. */
  path: string;
  query: URLSearchParams;
  /** Header values by lower-cased name; repeated headers are joined with ", ". */
  headers: Record<string, string>;
  /** The body decoded as UTF-8 ("" when there is none). */
  body: string;
  /** The body parsed as JSON; throws `SimBodyError` (answered with 400) when it is not JSON. */
  json<T = unknown>(): T;
  remoteAddress: string;
  /** When it arrived, in the simulator clock's milliseconds. */
  receivedAt: number;
}

/** What a handler answers. */
export interface SimResponse {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /**
   * An object or array (or null) is sent as JSON with content-type application/json; a string as
   * is (text/plain unless a content-type header is given); a Buffer/Uint8Array raw; undefined as an
   * empty body.
   */
  body?: unknown;
}

/** Answers one request. Exceptions become 500 `{"message":"simulator error: ..."}`. */
export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/**
 * An injected failure:
 * - "http500" / "http502" / "http503": that status with `{"message":"..."}` (the handler is not called);
 * - "reset": the connection is destroyed without a response (the handler is not called);
 * - "timeout": the request is accepted and never answered, until the client gives up or the
 *   simulator closes (the handler is not called);
 * - "truncate": the handler's response is sent with its full Content-Length but only part of the
 *   body, then the connection is destroyed;
 * - "malformed": status 200 with a body that is not valid JSON (the handler's body, cut and spoiled);
 * - "lostResponse": the handler runs (so a write takes effect) but the connection is destroyed
 *   instead of answering: the case a client must never "fix" by resending a write.
 */
export type FaultKind = "http500" | "http502" | "http503" | "reset" | "timeout" | "truncate" | "malformed" | "lostResponse";

/** When and how to misbehave. */
export interface FaultRule {
  /** Only this method (case-insensitive). Default: any. */
  method?: string;
  /** An exact pathname, a prefix ending in "*" ("/api/*"), or a RegExp tested on the pathname. Default: any. */
  path?: string | RegExp;
  /** Real-time delay before answering, in ms: fixed, or uniform in [min, max]. Applies to every matching request. */
  latencyMs?: number | [number, number];
  /** Share of matching requests that fail, 0..1. Default 1 when `kinds` is given, otherwise 0. */
  errorRate?: number;
  /** Kinds to choose from (uniformly). Default: every kind except "timeout" and "lostResponse". */
  kinds?: FaultKind[];
  /** Apply to the next N matching requests only, then drop the rule. */
  times?: number;
}

/** One request as recorded by the simulator. */
export interface RecordedRequest {
  /** Sequence number of the request since the simulator started (1-based). */
  seq: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
  /** When it arrived, in the simulator clock's milliseconds. */
  at: number;
  /** The fault injected, if any. */
  faulted?: FaultKind;
}

/** Fault rules of a running simulator. */
export interface FaultControls {
  /** The rule applied when no added rule matches (null: none). */
  setDefault(rule: FaultRule | null): void;
  /** Adds a rule (checked in the order added, before the default); returns its remover. */
  add(rule: FaultRule): () => void;
  /** Removes every rule, including the default. */
  clear(): void;
}

/** A running HTTP simulator on 127.0.0.1. */
export interface HttpSimulator {
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  readonly port: number;
  /** The most recent requests, oldest first (a copy; at most `recordLimit`). */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  faults: FaultControls;
  /** Closes the server and every connection (keep-alive, hanging, delayed) promptly. */
  close(): Promise<void>;
}

/** Options of `startHttpSimulator`. */
export interface HttpSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Seed of the fault choices. Default 0. */
  seed?: number;
  /** Clock for `receivedAt`/`at` (default the system clock). Latency always uses real time. */
  clock?: Clock;
  /** How many requests to keep (default 1000; 0 records nothing). */
  recordLimit?: number;
  /** Rules to start with, as if passed to `faults.add` in order. */
  faults?: FaultRule[];
}
