import type { Clock } from "./clock.js";
import type { FetchFn } from "./http/types.js";
import type { RetryPolicy } from "./http/retry-policy.js";
import type { Logger } from "./logger.js";
import type { RateLimiter } from "./rate-limit/limiter.js";

/**
 * The options every openpower client takes, declared once. Vendors add their own credentials and
 * settings beside these (`AlphaESSOptions extends ClientOptions`). Clients whose transport is not
 * HTTP (GoodWe local Modbus) ignore `fetch`, `userAgent` and `maxResponseBytes`.
 */
export interface ClientOptions {
  /** Injectable fetch; defaults to the global (undici, with keep-alive). */
  fetch?: FetchFn;
  /** Per-attempt timeout, ms. Each vendor documents its default. */
  timeoutMs?: number;
  /**
   * Retry policy for reads, as data (attempts, back-off, which failures). Writes are never retried
   * unless they provably never left. `false` disables retries.
   */
  retry?: Partial<RetryPolicy> | false;
  /**
   * The request budget: a `RateLimiter` to share with other clients of the same account, `null` for
   * none (tests), or absent for the vendor's documented default.
   */
  rateLimit?: RateLimiter | null;
  logger?: Logger;
  /** Sent as User-Agent, after "openpower/<version>". */
  userAgent?: string;
  /** Time source for pacing and timestamps (a simulator's virtual clock in tests and the demo). */
  clock?: Clock;
  /** Largest response body accepted, bytes. Default 16 MiB. */
  maxResponseBytes?: number;
}

/** The options a derived client (`withOptions`) may change; credentials and scope stay. */
export type ClientOverrides = Pick<ClientOptions, "timeoutMs" | "retry" | "logger" | "userAgent" | "maxResponseBytes">;

/** Fills in a derived client's options: overrides win, the rest is inherited. */
export function mergeClientOptions<T extends ClientOptions>(base: T, overrides: ClientOverrides): T {
  const merged = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
