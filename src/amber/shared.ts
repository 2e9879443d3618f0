import { systemClock, type Clock } from "../core/clock.js";
import { mergeClientOptions, type ClientOverrides } from "../core/client-options.js";
import { ConfigurationError } from "../core/errors/index.js";
import { resolveRetryPolicy, type RetryPolicy } from "../core/http/retry-policy.js";
import { HttpTransport } from "../core/http/transport.js";
import { RateLimiter } from "../core/rate-limit/limiter.js";
import { registerSecret } from "../core/redact.js";
import { mapAmberHttpError, TOKEN_HELP } from "./errors.js";
import { AMBER_BASE_URL, AMBER_RATE_LIMIT, type AmberOptions } from "./options.js";
import type { Ratelimits } from "./ratelimits.js";

/** What an `Amber` client and its clones (`forSite`, `withOptions`) hold in common. */
export interface Shared {
  readonly options: AmberOptions;
  readonly token: string | null;
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  /** Renewables: no token, no budget, only its own back-off after edge 429s. */
  readonly anonymousLimiter: RateLimiter;
  readonly transport: HttpTransport;
  readonly anonymous: HttpTransport;
  readonly seen: LastSeen;
}

/**
 * The `RateLimit-*` headers of the latest authenticated response on one budget. They are parsed
 * only when `getRatelimits()` asks (the transport has already parsed them for the limiter), and
 * shared by every client that shares the limiter.
 */
export interface LastSeen {
  headers: Headers | null;
  receivedAt: number;
  view: Ratelimits | null | undefined;
  /** Whether Amber has answered an authenticated request on this budget yet. */
  answered: boolean;
  /** Until it has: the one request in flight, which the others wait for (see `Amber.authenticated`). */
  first: Promise<void> | null;
}

const TOKEN_RE = /^[\x21-\x7e]+$/;
const lastSeenByLimiter = new WeakMap<RateLimiter, LastSeen>();

function lastSeenOf(limiter: RateLimiter): LastSeen {
  let seen = lastSeenByLimiter.get(limiter);
  if (!seen) {
    seen = { headers: null, receivedAt: 0, view: null, answered: false, first: null };
    lastSeenByLimiter.set(limiter, seen);
  }
  return seen;
}

export function createShared(options: AmberOptions): Shared {
  const shared = sharedLimiter(options);
  const token = options.token === undefined || options.token === "" ? null : options.token.trim();
  if (token !== null && !TOKEN_RE.test(token)) {
    throw new ConfigurationError(`The Amber token contains spaces or control characters; copy it again. ${TOKEN_HELP}`, {
      vendor: "amber",
      setting: "token",
    });
  }
  registerSecret(token);
  const clock = options.clock ?? systemClock;
  const refusalBackoff = { baseMs: options.gatewayBackoff?.baseMs ?? 1000, maxMs: options.gatewayBackoff?.maxMs ?? 300_000 };
  const limiter = shared ?? ownLimiter(options, clock, refusalBackoff);
  const anonymousLimiter = new RateLimiter({
    name: "amber renewables",
    vendor: "amber",
    onLimit: limiter.mode,
    maxWaitMs: options.maxWaitMs,
    refusalBackoff,
    clock,
  });
  const baseUrl = options.baseUrl ?? AMBER_BASE_URL;
  return withTransports({ options, token, baseUrl, clock, limiter, anonymousLimiter, seen: lastSeenOf(limiter) });
}

/** A derived client's state: the same token, budget and `getRatelimits()` view, its own transport settings. */
export function deriveShared(shared: Shared, overrides: ClientOverrides): Shared {
  return withTransports({ ...shared, options: mergeClientOptions(shared.options, overrides) });
}

function withTransports(base: Omit<Shared, "transport" | "anonymous">): Shared {
  const { options, token, limiter, anonymousLimiter, seen } = base;
  // The limiter has already taken in what a refusal said (RateLimit-Reset, Retry-After, the
  // back-off after an edge 429) and waits for it within its own maxWaitMs, or refuses at once in
  // "throw" mode; a retry only adds the policy's short jittered back-off before asking it again.
  const retry: RetryPolicy = resolveRetryPolicy({ respectRetryAfter: false }, options.retry === false ? { limit: 0 } : options.retry);
  const common = {
    vendor: "amber",
    baseUrl: base.baseUrl,
    clock: base.clock,
    retry,
    timeoutMs: options.timeoutMs,
    logger: options.logger,
    fetch: options.fetch,
    userAgent: options.userAgent,
    maxResponseBytes: options.maxResponseBytes,
  };
  return {
    ...base,
    transport: new HttpTransport({
      ...common,
      limiter,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      onResponse: (response) => {
        seen.answered = true;
        if (hasRateLimitHeaders(response.headers)) {
          seen.headers = response.headers;
          seen.receivedAt = response.receivedAt;
          seen.view = undefined;
        }
      },
      mapHttpError: (response, request) =>
        mapAmberHttpError(response, { operation: request.operation, retryableStatuses: retry.statusCodes, limiter }),
    }),
    anonymous: new HttpTransport({
      ...common,
      limiter: anonymousLimiter,
      mapHttpError: (response, request) =>
        mapAmberHttpError(response, { operation: request.operation, retryableStatuses: retry.statusCodes, limiter: anonymousLimiter }),
    }),
  };
}

function ownLimiter(options: AmberOptions, clock: Clock, refusalBackoff: { baseMs: number; maxMs: number }): RateLimiter {
  // `rateLimit: null`: no local budget; Amber's headers (remaining, reset, Retry-After) still pace it.
  const none = options.rateLimit === null;
  return new RateLimiter({
    name: "amber",
    vendor: "amber",
    limit: none ? undefined : (options.budget?.limit ?? AMBER_RATE_LIMIT.limit),
    windowMs: none ? undefined : (options.budget?.windowMs ?? AMBER_RATE_LIMIT.windowMs),
    // Amber's documented 50/300 s is only the assumption until its RateLimit-Policy says otherwise;
    // a budget the caller chose (or declined) is kept.
    adoptServerPolicy: options.budget || none ? false : "override",
    onLimit: options.onLimit ?? "wait",
    maxWaitMs: options.maxWaitMs,
    refusalBackoff,
    clock,
  });
}

/** The options that configure a limiter: with a shared one, they belong on it. */
const LIMITER_SETTINGS = ["onLimit", "maxWaitMs", "budget", "gatewayBackoff"] as const;

/** The shared limiter the options name (`rateLimit`, or the deprecated `limiter`), after checking nothing clashes with it. */
function sharedLimiter(options: AmberOptions): RateLimiter | undefined {
  if (options.limiter && options.rateLimit) {
    throw new ConfigurationError("Pass the shared RateLimiter as rateLimit only (limiter is its deprecated name), not both.", {
      vendor: "amber",
      setting: "limiter",
    });
  }
  const limiter = options.rateLimit ?? options.limiter;
  if (!limiter) return undefined;
  const clashing = LIMITER_SETTINGS.filter((key) => options[key] !== undefined);
  if (clashing.length > 0) {
    throw new ConfigurationError(
      `${clashing.join(", ")} cannot be combined with a shared RateLimiter (rateLimit): its own settings apply. ` +
        `Set them on the RateLimiter (onLimit, maxWaitMs, limit/windowMs, refusalBackoff), or drop it.`,
      { vendor: "amber", setting: clashing[0] },
    );
  }
  return limiter;
}

/** Whether a response carries any `RateLimit-*` header (one lookup on Amber's usual answers). */
function hasRateLimitHeaders(headers: Headers): boolean {
  return (
    headers.has("ratelimit-remaining") ||
    headers.has("ratelimit-limit") ||
    headers.has("ratelimit-reset") ||
    headers.has("ratelimit-policy")
  );
}
