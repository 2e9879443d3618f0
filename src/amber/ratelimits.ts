import { parseRateLimitPolicy } from "../core/rate-limit/headers.js";

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
    return { limit: this.limit, remaining: this.remaining, reset: this.reset, policy: this.policy, refreshed: this.refreshed.toISOString() };
  }
}

function headerNumber(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  if (value === null || value.trim() === "") return null;
  const n = Number(value.trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Reads the four `RateLimit-*` headers; null when none is present (anonymous calls, edge 429s). */
export function ratelimitsFromHeaders(headers: Headers, receivedAt: number): Ratelimits | null {
  const limit = headerNumber(headers, "ratelimit-limit");
  const remaining = headerNumber(headers, "ratelimit-remaining");
  const reset = headerNumber(headers, "ratelimit-reset");
  const policy = headers.get("ratelimit-policy");
  if (limit === null && remaining === null && reset === null && policy === null) return null;
  return new Ratelimits({ limit, remaining, reset, policy, refreshed: new Date(receivedAt) });
}
