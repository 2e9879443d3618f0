import type { Clock } from "../clock.js";
import type { OpenPowerError } from "../errors/index.js";
import type { Logger } from "../logger.js";
import type { RateLimiter } from "../rate-limit/limiter.js";
import type { RetryPolicy } from "./retry-policy.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS";
export type QueryValue = string | number | boolean | null | undefined;
export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** Vendor name used in errors and logs, e.g. "alphaess". */
  vendor: string;
  baseUrl: string;
  /** Injectable fetch; defaults to the global (undici, with keep-alive connection reuse). */
  fetch?: FetchFn;
  clock?: Clock;
  logger?: Logger;
  userAgent?: string;
  /** Per-attempt timeout in ms, covering the headers and the body. Default 30 000. */
  timeoutMs?: number;
  /** Largest response body accepted, in bytes. Default 16 MiB. */
  maxResponseBytes?: number;
  retry?: Partial<RetryPolicy>;
  /** The budget shared by every request of this vendor account (and by scoped clones). */
  limiter?: RateLimiter | null;
  /** Headers sent on every request. */
  headers?: Record<string, string>;
  /** Source of randomness for back-off jitter. */
  random?: () => number;
  /** Sees every parsed response before status mapping; throw a typed error to reject it (vendor envelopes). */
  onResponse?: ResponseHook;
  /** Maps an HTTP error status to a typed error; return undefined for the default mapping. */
  mapHttpError?: (response: TransportResponse, request: PreparedRequest) => OpenPowerError | undefined;
  /**
   * Classifies a successful (2xx) body that is not JSON before it becomes a retryable
   * `ResponseFormatError`: e.g. an HTML login page served with 200 means "session expired".
   * Return undefined for the default error.
   */
  onInvalidBody?: (body: InvalidBody, request: PreparedRequest) => OpenPowerError | undefined;
}

/** A 2xx response whose body did not parse as JSON. */
export interface InvalidBody {
  text: string;
  status: number;
  headers: Headers;
}

export interface RequestOptions {
  method?: HttpMethod;
  /** Path relative to the base URL (a leading "/" is optional), or an absolute URL. */
  path: string;
  query?: Record<string, QueryValue>;
  /** Extra headers; a function is called again for every attempt (fresh signatures and timestamps). */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** A JSON body (sent with Content-Type: application/json). */
  json?: unknown;
  /** A raw body, for form posts and binary protocols. */
  body?: string | Uint8Array | URLSearchParams;
  /** Overrides the method-based idempotency used for retry decisions. */
  idempotent?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How to read the body. Default "json" (an empty body gives null). */
  responseType?: "json" | "text";
  /** Overrides the transport's retry policy for this request; `false` disables retries. */
  retry?: Partial<RetryPolicy> | false;
  /** More limiters to pass besides the transport's (e.g. a per-endpoint minimum interval). */
  limiters?: RateLimiter[];
  /** A name for errors and logs, e.g. "getLastPowerData". */
  operation?: string;
  /** A per-request response hook, run after the transport's. */
  onResponse?: ResponseHook;
  /**
   * Called once per attempt when every limiter has granted its slot, just before the request is
   * sent: the moment to record a client-side write cool-down (not when the call was queued).
   */
  onSend?: (request: PreparedRequest) => void;
}

export interface PreparedRequest {
  method: HttpMethod;
  url: string;
  operation: string | undefined;
  attempt: number;
}

export type ResponseHook = (response: TransportResponse, request: PreparedRequest) => void;

export interface TransportResponse<T = unknown> {
  status: number;
  ok: boolean;
  headers: Headers;
  /** Parsed JSON (or text, for responseType "text"); the raw text when an error body is not JSON. */
  data: T;
  url: string;
  method: HttpMethod;
  requestId: string | undefined;
  /** Attempts made, 1 when the first one succeeded. */
  attempts: number;
  /** When the response arrived, on the transport's clock (ms since epoch). */
  receivedAt: number;
}
