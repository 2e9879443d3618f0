import { systemClock, type Clock } from "../clock.js";
import { OpenPowerError, ResponseFormatError, RateLimitError } from "../errors/index.js";
import { silentLogger, redactingLogger, type Logger } from "../logger.js";
import { redactUrl } from "../redact.js";
import { parseRateLimitHeaders } from "../rate-limit/headers.js";
import type { RateLimiter, Release } from "../rate-limit/limiter.js";
import { excerpt } from "../validation.js";
import { VERSION } from "../version.js";
import { mapFetchFailure } from "./fetch-errors.js";
import { defaultHttpError } from "./http-errors.js";
import { readBodyText } from "./read-body.js";
import { resolveRetryPolicy, retryDelay, type RetryPolicy } from "./retry-policy.js";
import type { FetchFn, HttpMethod, PreparedRequest, QueryValue, RequestOptions, TransportOptions, TransportResponse } from "./types.js";

const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id", "x-correlation-id", "traceid"];
export const DEFAULT_USER_AGENT = `openpower/${VERSION} (+https://github.com/openpower; node ${process.versions.node})`;

/**
 * The one HTTP client every vendor uses: timeouts, retries by policy, a shared rate-limit budget,
 * JSON with a size limit, typed errors and redacted logs. Vendor clients wrap it; they never call
 * `fetch` themselves.
 */
export class HttpTransport {
  readonly vendor: string;
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly limiter: RateLimiter | null;
  readonly retryPolicy: RetryPolicy;
  private readonly fetchFn: FetchFn;
  private readonly logger: Logger;
  private readonly hasLogger: boolean;
  private readonly options: TransportOptions;
  private readonly defaultHeaders: Record<string, string>;
  private readonly ownLimiter: readonly RateLimiter[];
  private readonly maxResponseBytes: number;

  constructor(options: TransportOptions) {
    this.options = options;
    this.vendor = options.vendor;
    this.baseUrl = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`;
    this.clock = options.clock ?? systemClock;
    this.limiter = options.limiter ?? null;
    this.retryPolicy = resolveRetryPolicy(options.retry);
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
    this.logger = options.logger ? redactingLogger(options.logger) : silentLogger;
    this.hasLogger = options.logger !== undefined;
    this.defaultHeaders = { accept: "application/json", "user-agent": options.userAgent ?? DEFAULT_USER_AGENT, ...options.headers };
    this.ownLimiter = this.limiter ? [this.limiter] : [];
  }

  /** Sends a request, retrying as the policy allows, and returns the parsed response or throws a typed error. */
  async request<T = unknown>(options: RequestOptions): Promise<TransportResponse<T>> {
    const method = options.method ?? "GET";
    const policy =
      options.retry === undefined
        ? this.retryPolicy
        : options.retry === false
          ? resolveRetryPolicy(this.retryPolicy, { limit: 0 })
          : resolveRetryPolicy(this.retryPolicy, options.retry);
    const random = this.options.random ?? Math.random;
    for (let retries = 0; ; retries++) {
      try {
        return await this.attempt<T>(options, method, retries + 1, policy);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason ?? error;
        if (!(error instanceof OpenPowerError)) throw error;
        if (error instanceof RateLimitError && (error.local || this.limiter?.mode === "throw")) throw error;
        const sent = "sent" in error ? Boolean((error as { sent: unknown }).sent) : true;
        const delay = retryDelay(
          policy,
          {
            method,
            idempotent: options.idempotent,
            retriesSoFar: retries,
            retryable: error.retryable,
            sent,
            retryAfterMs: error.retryAfterMs,
          },
          random,
        );
        if (delay === null) throw error;
        this.logger.warn("retrying request", {
          vendor: this.vendor,
          operation: options.operation,
          error: error.name,
          code: error.code,
          status: error.status,
          retry: retries + 1,
          delayMs: delay,
        });
        await this.clock.sleep(delay, options.signal);
      }
    }
  }

  /** Builds the absolute URL for a path and query (exposed for signing and tests). */
  url(path: string, query?: Record<string, QueryValue>): string {
    let url = /^https?:\/\//i.test(path) ? path : this.baseUrl + (path.charCodeAt(0) === 47 ? path.slice(1) : path);
    if (query) {
      let qs = "";
      for (const key in query) {
        const value = query[key];
        if (value !== undefined && value !== null) qs += `${qs ? "&" : ""}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
      }
      if (qs) url += (url.includes("?") ? "&" : "?") + qs;
    }
    return url;
  }

  private limitersFor(options: RequestOptions): readonly RateLimiter[] {
    if (!this.limiter) return options.limiters ?? NO_LIMITERS;
    return options.limiters ? [this.limiter, ...options.limiters] : this.ownLimiter;
  }

  /**
   * Takes every limiter's slot at once when all are free right now (the common case), or none:
   * a limiter is only charged when the request is really about to be sent.
   */
  private tryAcquireAll(options: RequestOptions): Release[] | null {
    const limiters = this.limitersFor(options);
    if (limiters.length === 0) return NO_RELEASES;
    if (limiters.length === 1) {
      const release = limiters[0]!.tryAcquire();
      return release ? [release] : null;
    }
    for (const limiter of limiters) if (!limiter.canAcquire()) return null;
    return limiters.map((limiter) => limiter.tryAcquire()!);
  }

  /**
   * Waits for every limiter's slot in turn, then restamps them all to the moment of sending, so
   * that a slot taken while waiting for another limiter does not count from too early.
   */
  private async acquire(options: RequestOptions): Promise<Release[]> {
    const releases: Release[] = [];
    try {
      for (const limiter of this.limitersFor(options)) releases.push(await limiter.acquire({ signal: options.signal }));
    } catch (error) {
      for (const release of releases) release();
      throw error;
    }
    for (const release of releases) release.restamp?.();
    return releases;
  }

  private async attempt<T>(
    options: RequestOptions,
    method: HttpMethod,
    attempt: number,
    policy: RetryPolicy,
  ): Promise<TransportResponse<T>> {
    const releases = this.tryAcquireAll(options) ?? (await this.acquire(options));
    const url = this.url(options.path, options.query);
    const prepared: PreparedRequest = { method, url, operation: options.operation, attempt };
    const extra = typeof options.headers === "function" ? options.headers() : options.headers;
    let headers: Record<string, string> = extra ? { ...this.defaultHeaders, ...extra } : this.defaultHeaders;
    let body: RequestInit["body"];
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      if (!("content-type" in headers)) headers = { ...headers, "content-type": "application/json" };
    } else if (options.body !== undefined) {
      body = options.body;
    }
    // An AbortController with a plain timer: AbortSignal.timeout() costs about twice as much per
    // request inside undici, and this is the hot path.
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
    }, timeoutMs);
    // A caller's signal is combined with AbortSignal.any, which links signals without adding an
    // event listener to the caller's (often long-lived, shared) signal for every request.
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;

    options.onSend?.(prepared);
    if (this.hasLogger)
      this.logger.debug("request", { vendor: this.vendor, operation: options.operation, method, url: redactUrl(url), attempt });
    try {
      let response: Response;
      let text: string;
      try {
        const fetchFn = this.fetchFn; // called unbound, as a plain function
        response = await fetchFn(url, { method, headers, body, signal });
        // The first moment the request is known to have reached the server: limiters that hold
        // their interval until the send (holdUntilSent) count from here.
        for (const release of releases) release.sent?.();
        // Fast path: a declared length within the limit is read directly (no extra promise layer).
        const declared = Number(response.headers.get("content-length"));
        text =
          declared > 0 && declared <= this.maxResponseBytes
            ? await response.text()
            : await readBodyText(response, this.maxResponseBytes, this.vendor);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason ?? error;
        if (error instanceof OpenPowerError) throw error;
        throw mapFetchFailure(error, { vendor: this.vendor, operation: options.operation, origin: originOf(url), timeoutMs, timedOut });
      }
      const receivedAt = this.clock.now();
      const responseHeaders = response.headers;
      let requestId: string | null | undefined = null;
      const result: TransportResponse<T> = {
        status: response.status,
        ok: response.ok,
        headers: responseHeaders,
        data: this.parse(text, response, options, prepared) as T,
        url,
        method,
        // Looked up on first use: each Headers.get costs about a microsecond in undici.
        get requestId() {
          if (requestId === null) requestId = requestIdOf(responseHeaders);
          return requestId;
        },
        attempts: attempt,
        receivedAt,
      };
      if (this.hasLogger)
        this.logger.debug("response", { vendor: this.vendor, operation: options.operation, status: response.status, attempt });
      if (this.limiter) {
        if (!response.ok || hasRateLimitHints(responseHeaders)) {
          const hints = parseRateLimitHeaders(responseHeaders, receivedAt);
          this.limiter.observe(hints, receivedAt);
          // A 429 that says nothing about when to come back (a gateway throttle): back off.
          if (response.status === 429 && hints.retryAfterMs === undefined && hints.resetAfterMs === undefined)
            this.limiter.observeRefusal(receivedAt);
        }
        if (response.ok) this.limiter.observeSuccess();
      }
      try {
        this.options.onResponse?.(result, prepared);
        options.onResponse?.(result, prepared);
      } catch (error) {
        // A vendor's "too fast" envelope code: hold back every budget this request drew on.
        if (error instanceof RateLimitError && !error.local && error.retryAfterMs !== undefined) {
          for (const limiter of this.limitersFor(options)) limiter.blockUntil(receivedAt + error.retryAfterMs);
        }
        throw error;
      }
      if (!response.ok) {
        throw (
          this.options.mapHttpError?.(result, prepared) ??
          defaultHttpError(result, this.vendor, options.operation, receivedAt, policy.statusCodes)
        );
      }
      return result;
    } finally {
      clearTimeout(timer);
      for (const release of releases) release();
    }
  }

  private parse(text: string, response: Response, options: RequestOptions, request: PreparedRequest): unknown {
    if (options.responseType === "text") return text;
    if (text.trim() === "") return null;
    try {
      return JSON.parse(text);
    } catch (error) {
      // Error bodies are often HTML or plain text; keep them as text for the error mapping.
      if (!response.ok) return text;
      const classified = this.options.onInvalidBody?.({ text, status: response.status, headers: response.headers }, request);
      if (classified) throw classified;
      throw new ResponseFormatError(
        `${this.vendor} sent a body that is not valid JSON for ${request.operation ?? request.method}` +
          ` (HTTP ${response.status}, ${text.length} characters, maybe truncated). Try again; report it if it persists.`,
        {
          vendor: this.vendor,
          operation: request.operation,
          status: response.status,
          excerpt: excerpt(text),
          retryable: true,
          cause: error,
        },
      );
    }
  }
}

const NO_RELEASES: Release[] = [];
const NO_LIMITERS: readonly RateLimiter[] = [];

/**
 * Whether a successful response carries IETF budget fields worth parsing: two lookups instead of
 * eight on the hot path. Error responses are always parsed in full (Retry-After, x-ratelimit-*).
 */
function hasRateLimitHints(headers: Headers): boolean {
  return headers.has("ratelimit-remaining") || headers.has("ratelimit");
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function requestIdOf(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}
