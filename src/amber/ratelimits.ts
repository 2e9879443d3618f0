import { parseRateLimitPolicy, type RateLimitObservation } from "../core/rate-limit/headers.js";

/**
 * What Amber last said about the request budget, from the `RateLimit-*` headers of the most
 * recent authenticated response (200 or 429). Amber allows 50 requests per 300 s per account
 * (`RateLimit-Policy: 50;w=300`). The renewables endpoint sends no such headers and never
 * changes this.
 */
export class Ratelimits {
  /** Requests allowed per window (`RateLimit-Limit`), e.g. 50. */
  readonly limit: number | null;
  /** Requests left in the current window (`RateLimit-Remaining`). */
  readonly remaining: number | null;
  /** Seconds until the window resets, counted from `refreshed` (`RateLimit-Reset`, a delta, not an epoch). */
  readonly reset: number | null;
  /** The raw policy, e.g. "50;w=300". */
  readonly policy: string | null;
  /** When these values were received. */
  readonly refreshed: Date;

  constructor(values: { limit: number | null; remaining: number | null; reset: number | null; policy: string | null; refreshed: Date }) {
    this.limit = values.limit;
    this.remaining = values.remaining;
    this.reset = values.reset;
    this.policy = values.policy;
    this.refreshed = values.refreshed;
    Object.freeze(this);
  }

  /** When the window resets: `refreshed + reset`. In the past when `refreshed` is old. Null without a `RateLimit-Reset`. */
  estimatedReset(): Date | null {
    return this.reset === null ? null : new Date(this.refreshed.getTime() + this.reset * 1000);
  }

  /** The window length in seconds, from the policy's `w=` parameter (300 for "50;w=300"); null when absent. */
  timeWindow(): number | null {
    const { windowMs } = parseRateLimitPolicy(this.policy ?? undefined);
    return windowMs === undefined ? null : windowMs / 1000;
  }

  toJSON(): Record<string, unknown> {
    return {
      limit: this.limit,
      remaining: this.remaining,
      reset: this.reset,
      policy: this.policy,
      refreshed: this.refreshed.toISOString(),
    };
  }
}

/**
 * The `Ratelimits` view of core's parsed rate-limit headers (`parseRateLimitHeaders`); null when
 * they carry none of the four (anonymous calls, edge 429s).
 */
export function ratelimitsFromObservation(observation: RateLimitObservation, receivedAt: number): Ratelimits | null {
  const { limit, remaining, resetAfterMs, policy } = observation;
  if (limit === undefined && remaining === undefined && resetAfterMs === undefined && policy === undefined) return null;
  return new Ratelimits({
    limit: limit ?? null,
    remaining: remaining ?? null,
    reset: resetAfterMs === undefined ? null : resetAfterMs / 1000,
    policy: policy ?? null,
    refreshed: new Date(receivedAt),
  });
}
