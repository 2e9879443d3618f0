import type { ClientOptions } from "../core/client-options.js";
import { ValidationError } from "../core/errors/index.js";
import type { RateLimiter } from "../core/rate-limit/limiter.js";
import type { CalendarDate } from "../core/time/calendar-date.js";
import type { ChunkProgress, DateInput } from "./chunking.js";

/** Amber's options, request options and argument checks (the client is in client.ts). */

export const AMBER_BASE_URL = "https://api.amber.com.au/v1";
/** Amber's documented budget: 50 requests per 300 s per account. */
export const AMBER_RATE_LIMIT = Object.freeze({ limit: 50, windowMs: 300_000 });
/** `next + previous` may not exceed this (422 otherwise). */
export const MAX_INTERVALS_PER_REQUEST = 2048;

/** Interval length in minutes for the price and renewables endpoints. */
export type Resolution = 5 | 30;

/**
 * Amber's options: the common `ClientOptions` (fetch, timeoutMs, retry, rateLimit, logger,
 * userAgent, clock, maxResponseBytes) plus the token, the default site and the budget settings.
 */
export interface AmberOptions extends ClientOptions {
  /** Personal API token (`psk_…`) from https://app.amber.com.au/developers. Optional for renewables only. */
  token?: string;
  /** Default site id for site methods (see `forSite`, `forActiveSite`). */
  site?: string;
  /** Default `https://api.amber.com.au/v1`. */
  baseUrl?: string;
  /**
   * The request budget. A `RateLimiter` shares one budget among several clients of the same Amber
   * account (the limit is per account); they then also share `getRatelimits()`, and the limiter's
   * own settings apply (`onLimit`, `maxWaitMs`, `limit`/`windowMs`, `refusalBackoff`): passing
   * `onLimit`, `maxWaitMs`, `budget` or `gatewayBackoff` with it is a `ConfigurationError`.
   * `null`: no local budget, only what Amber's headers say. Absent: Amber's documented budget.
   */
  rateLimit?: RateLimiter | null;
  /** @deprecated The same as `rateLimit` with a `RateLimiter` (the name every client shares). */
  limiter?: RateLimiter;
  /** When the budget is used up: wait for it (default) or throw `RateLimitError` without sending. Not with a shared limiter. */
  onLimit?: "wait" | "throw";
  /** In "wait" mode, the longest wait accepted before throwing instead. Default: no limit. Not with a shared limiter. */
  maxWaitMs?: number;
  /**
   * A local budget of your own (e.g. to leave room for another program on the same account); it is
   * kept whatever Amber's `RateLimit-Policy` says. Default: Amber's documented 50 per 300 000 ms,
   * replaced by the policy Amber sends. The server's remaining/reset headers pace us either way.
   * Not with a shared limiter.
   */
  budget?: { limit: number; windowMs: number };
  /**
   * Back-off after an edge 429 without rate-limit headers (the limiter's `refusalBackoff`):
   * `baseMs · 2^(n−1)` for the n-th in a row, at most `maxMs`; a success resets it. Default 1 s … 300 s.
   * Renewables calls back off the same way, on their own. Not with a shared limiter.
   */
  gatewayBackoff?: { baseMs?: number; maxMs?: number };
  /** Per-attempt timeout, ms. Default 30 000. */
  timeoutMs?: number;
}

export interface RequestControl {
  signal?: AbortSignal;
}

export interface SiteScoped extends RequestControl {
  /** Overrides the client's site for this call. */
  site?: string;
}

export interface CurrentPricesOptions extends SiteScoped {
  /** Actual intervals before the current one, **per channel**. Default 0 (not sent). */
  previous?: number;
  /** Forecast intervals after the current one, per channel, whatever their duration. Default 0 (not sent). */
  next?: number;
  /** 5 or 30; default: the site's billing interval length. */
  resolution?: Resolution;
}

export interface DateRangeOptions extends SiteScoped {
  /** Called after each chunk of a range longer than 7 days (and once for a short one). */
  onProgress?: (progress: ChunkProgress & { start: CalendarDate; end: CalendarDate }) => void;
}

export interface PricesOptions extends DateRangeOptions {
  /** First NEM date, inclusive. Default: today (NEM). A `Date` is converted to the NEM date containing it. */
  start?: DateInput;
  /** Last NEM date, inclusive. Default: today (NEM). */
  end?: DateInput;
  resolution?: Resolution;
}

export interface UsageOptions extends DateRangeOptions {
  /** First NEM date, inclusive. Required. */
  start: DateInput;
  /** Last NEM date, inclusive. Required. Usage lags about a day: today gives no records. */
  end: DateInput;
}

export interface RenewablesOptions extends RequestControl {
  previous?: number;
  next?: number;
  /** 5 or 30; default 30. */
  resolution?: Resolution;
}

// Crockford base32 ULID: 26 characters, no I, L, O or U.
const SITE_ID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

/** Upper-cases and checks a site id (a 26-character ULID); `ValidationError` otherwise, nothing sent. */
export function normaliseSiteId(site: unknown): string {
  if (typeof site !== "string" || !SITE_ID_RE.test(site.trim())) {
    throw new ValidationError(
      `site must be an Amber site id (26 characters, e.g. 01F5A5CRKMZ5BCX9P1S4V990AM; see listSites()), got ${JSON.stringify(site)}. Nothing was sent.`,
      {
        field: "site",
        vendor: "amber",
      },
    );
  }
  return site.trim().toUpperCase();
}

export function optionalCount(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_INTERVALS_PER_REQUEST) {
    throw new ValidationError(
      `${field} must be a whole number of intervals from 0 to ${MAX_INTERVALS_PER_REQUEST}, got ${String(value)}. Nothing was sent.`,
      { field, vendor: "amber" },
    );
  }
  return value;
}

export function optionalResolution(value: unknown): Resolution | undefined {
  if (value === undefined) return undefined;
  if (value !== 5 && value !== 30) {
    throw new ValidationError(`resolution must be 5 or 30 (minutes), got ${String(value)}. Nothing was sent.`, {
      field: "resolution",
      vendor: "amber",
    });
  }
  return value;
}
