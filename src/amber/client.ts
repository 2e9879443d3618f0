import { inspect } from "node:util";
import { abortReason, systemClock, type Clock } from "../core/clock.js";
import { ConfigurationError, NotFoundError, ValidationError } from "../core/errors/index.js";
import { resolveRetryPolicy, type RetryPolicy } from "../core/http/retry-policy.js";
import { HttpTransport } from "../core/http/transport.js";
import type { FetchFn, QueryValue, TransportResponse } from "../core/http/types.js";
import type { Logger } from "../core/logger.js";
import { parseRateLimitHeaders } from "../core/rate-limit/headers.js";
import { RateLimiter, type RateLimitState } from "../core/rate-limit/limiter.js";
import { registerSecret } from "../core/redact.js";
import type { CalendarDate } from "../core/time/calendar-date.js";
import { nemDate } from "../core/time/nem.js";
import type { PriceInterval } from "../model/types.js";
import {
  fetchChunks,
  MAX_DAYS_PER_REQUEST,
  MAX_RANGE_DAYS,
  mergeIntervals,
  mergeUsage,
  splitDateRange,
  type Chunk,
  type ChunkProgress,
  type DateInput,
} from "./chunking.js";
import { mapAmberHttpError, TOKEN_HELP } from "./errors.js";
import {
  parseIntervals,
  parseRenewables,
  parseSites,
  parseUsage,
  type AmberInterval,
  type Renewable,
  type Site,
  type UsageRecord,
} from "./intervals.js";
import { AmberPriceSource, type PricesAheadOptions } from "./price-source.js";
import { ratelimitsFromObservation, type Ratelimits } from "./ratelimits.js";
import { isState, type State } from "./state.js";

export const AMBER_BASE_URL = "https://api.amber.com.au/v1";
/** Amber's documented budget: 50 requests per 300 s per account. */
export const AMBER_RATE_LIMIT = Object.freeze({ limit: 50, windowMs: 300_000 });
/** `next + previous` may not exceed this (422 otherwise). */
export const MAX_INTERVALS_PER_REQUEST = 2048;

/** Interval length in minutes for the price and renewables endpoints. */
export type Resolution = 5 | 30;

export interface AmberOptions {
  /** Personal API token (`psk_…`) from https://app.amber.com.au/developers. Optional for renewables only. */
  token?: string;
  /** Default site id for site methods (see `forSite`, `forActiveSite`). */
  site?: string;
  /** Default `https://api.amber.com.au/v1`. */
  baseUrl?: string;
  /** When the budget is used up: wait for it (default) or throw `RateLimitError` without sending. Not with `limiter`. */
  onLimit?: "wait" | "throw";
  /** In "wait" mode, the longest wait accepted before throwing instead. Default: no limit. Not with `limiter`. */
  maxWaitMs?: number;
  /**
   * A local budget of your own (e.g. to leave room for another program on the same account); it is
   * kept whatever Amber's `RateLimit-Policy` says. Default: Amber's documented 50 per 300 000 ms,
   * replaced by the policy Amber sends. The server's remaining/reset headers pace us either way.
   * Not with `limiter`.
   */
  rateLimit?: { limit: number; windowMs: number };
  /**
   * One budget for several clients of the same Amber account (the limit is per account); they then
   * also share `getRatelimits()`. The limiter's own settings apply (`onLimit`, `maxWaitMs`,
   * `limit`/`windowMs`, `refusalBackoff`): passing `onLimit`, `maxWaitMs`, `rateLimit` or
   * `gatewayBackoff` with it is a `ConfigurationError`.
   */
  limiter?: RateLimiter;
  /**
   * Back-off after an edge 429 without rate-limit headers (the limiter's `refusalBackoff`):
   * `baseMs · 2^(n−1)` for the n-th in a row, at most `maxMs`; a success resets it. Default 1 s … 300 s.
   * Renewables calls back off the same way, on their own. Not with `limiter`.
   */
  gatewayBackoff?: { baseMs?: number; maxMs?: number };
  /** Per-attempt timeout, ms. Default 30 000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  logger?: Logger;
  fetch?: FetchFn;
  userAgent?: string;
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
const TOKEN_RE = /^[\x21-\x7e]+$/;

interface Shared {
  readonly token: string | null;
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  readonly transport: HttpTransport;
  /** Renewables: no token, no budget, only its own back-off after edge 429s. */
  readonly anonymous: HttpTransport;
  readonly seen: LastSeen;
}

/**
 * The `RateLimit-*` headers of the latest authenticated response on one budget. They are parsed
 * only when `getRatelimits()` asks (the transport has already parsed them for the limiter), and
 * shared by every client that shares the limiter.
 */
interface LastSeen {
  headers: Headers | null;
  receivedAt: number;
  view: Ratelimits | null | undefined;
  /** Whether Amber has answered an authenticated request on this budget yet. */
  answered: boolean;
  /** Until it has: the one request in flight, which the others wait for (see `authenticated`). */
  first: Promise<void> | null;
}

const lastSeenByLimiter = new WeakMap<RateLimiter, LastSeen>();

function lastSeenOf(limiter: RateLimiter): LastSeen {
  let seen = lastSeenByLimiter.get(limiter);
  if (!seen) {
    seen = { headers: null, receivedAt: 0, view: null, answered: false, first: null };
    lastSeenByLimiter.set(limiter, seen);
  }
  return seen;
}

/**
 * The Amber Electric public API (`https://api.amber.com.au/v1`): sites, prices, usage and grid
 * renewables. Every request goes through one rate-limit budget (shared by `forSite` clones), paced
 * by Amber's `RateLimit-*` headers so that a request Amber would refuse is never sent.
 *
 * Prices are c/kWh including GST; on feedIn `perKwh` is negative when the customer is paid.
 * Dates are NEM dates ("YYYY-MM-DD", fixed UTC+10).
 */
export class Amber {
  /** The default site of this client (upper-case), or null. */
  readonly site: string | null;
  private readonly shared: Shared;

  constructor(options: AmberOptions = {}) {
    this.shared = createShared(options);
    this.site = options.site === undefined ? null : normaliseSiteId(options.site);
  }

  /** A client scoped to `site`, sharing this client's token, connection, and rate-limit budget. */
  forSite(site: string): Amber {
    const clone = Object.create(Amber.prototype) as Amber;
    Object.assign(clone, { shared: this.shared, site: normaliseSiteId(site) });
    return clone;
  }

  /** A client scoped to the account's active site (see `getActiveSite`). One request. */
  async forActiveSite(options: RequestControl = {}): Promise<Amber> {
    const site = await this.getActiveSite(options);
    return this.forSite(site.id);
  }

  /**
   * The `RateLimit-*` values of the latest authenticated response on this client's budget (its
   * `forSite` clones and any client sharing its `limiter` included), or `null` before the first
   * one. Renewables calls and edge 429s (no such headers) never change it.
   */
  getRatelimits(): Ratelimits | null {
    const seen = this.shared.seen;
    if (seen.view === undefined)
      seen.view = seen.headers && ratelimitsFromObservation(parseRateLimitHeaders(seen.headers, seen.receivedAt), seen.receivedAt);
    return seen.view;
  }

  /** The local view of the budget (what the limiter will allow next). */
  rateLimitState(): RateLimitState {
    return this.shared.limiter.state();
  }

  /** Every site of the account: pending, active and closed ones. */
  async listSites(options: RequestControl = {}): Promise<Site[]> {
    const response = await this.authenticated("sites", {}, "listSites", options.signal);
    return parseSites(response.data, "listSites");
  }

  /**
   * The first active site of the account. Throws `NotFoundError` when there is none (a new
   * account still being processed, or only closed/pending sites).
   */
  async getActiveSite(options: RequestControl = {}): Promise<Site> {
    const sites = await this.listSites(options);
    const site = activeSites(sites)[0];
    if (!site) {
      const seen = sites.length === 0 ? "no sites" : `only ${[...new Set(sites.map((s) => s.status))].join(" and ")} sites`;
      throw new NotFoundError(
        `This Amber account has ${seen}, none active. New accounts can take a few days; closed sites are old addresses.`,
        {
          vendor: "amber",
          operation: "getActiveSite",
        },
      );
    }
    return site;
  }

  /**
   * The current interval of every channel, plus `previous` actuals and `next` forecasts per
   * channel. On 5-minute sites the forecasts are 5-minute for about an hour, then 30-minute.
   */
  async getCurrentPrices(options: CurrentPricesOptions = {}): Promise<AmberInterval[]> {
    const site = this.siteFor(options.site);
    const previous = optionalCount(options.previous, "previous");
    const next = optionalCount(options.next, "next");
    if ((previous ?? 0) + (next ?? 0) > MAX_INTERVALS_PER_REQUEST) {
      throw new ValidationError(
        `next + previous must not exceed ${MAX_INTERVALS_PER_REQUEST} (got ${next ?? 0} + ${previous ?? 0}); Amber would refuse it. Nothing was sent.`,
        { field: "next", vendor: "amber", operation: "getCurrentPrices" },
      );
    }
    const resolution = optionalResolution(options.resolution);
    const response = await this.authenticated(
      `sites/${site}/prices/current`,
      { previous, next, resolution },
      "getCurrentPrices",
      options.signal,
    );
    // One response, already in Amber's order: nothing to merge.
    return parseIntervals(response.data, "getCurrentPrices", { inPlace: true });
  }

  /**
   * Prices for NEM dates `start`..`end` (inclusive; both default to today; at most
   * `MAX_RANGE_DAYS` = 366 days, longer is a `ValidationError` before anything is sent). Ranges longer than 7
   * days are fetched in 7-day chunks, one after another within the budget, and merged in
   * Amber's order (general, controlledLoad, feedIn; chronological), without gaps or duplicates.
   * A range of one chunk is returned as Amber sent it.
   */
  async getPrices(options: PricesOptions = {}): Promise<AmberInterval[]> {
    const chunks: AmberInterval[][] = [];
    for await (const chunk of this.iteratePrices(options)) chunks.push(chunk.records);
    return chunks.length === 1 ? chunks[0]! : mergeIntervals(chunks);
  }

  /** `getPrices` chunk by chunk: each yielded chunk carries its dates, records and progress. */
  iteratePrices(options: PricesOptions = {}): AsyncGenerator<Chunk<AmberInterval>, void, undefined> {
    const site = this.siteFor(options.site);
    const today = nemDate(this.shared.clock.now());
    const chunks = splitDateRange(options.start ?? today, options.end ?? today, MAX_DAYS_PER_REQUEST, {
      maxRangeDays: MAX_RANGE_DAYS,
      operation: "getPrices",
    });
    const resolution = optionalResolution(options.resolution);
    this.requireToken("getPrices");
    return fetchChunks(
      chunks,
      async (chunk) => {
        const response = await this.authenticated(
          `sites/${site}/prices`,
          { startDate: chunk.start, endDate: chunk.end, resolution },
          "getPrices",
          options.signal,
        );
        return parseIntervals(response.data, "getPrices", { inPlace: true });
      },
      options.onProgress,
    );
  }

  /**
   * Metered usage for NEM dates `start`..`end` (inclusive, both required, at most 366 days), at the site's billing
   * interval length. Meter data lags about a day: today gives `[]`. Chunked and merged like
   * `getPrices`. `resolution` is deprecated by Amber and never sent.
   */
  async getUsage(options: UsageOptions): Promise<UsageRecord[]> {
    const chunks: UsageRecord[][] = [];
    for await (const chunk of this.iterateUsage(options)) chunks.push(chunk.records);
    return chunks.length === 1 ? chunks[0]! : mergeUsage(chunks);
  }

  /** `getUsage` chunk by chunk, with progress. */
  iterateUsage(options: UsageOptions): AsyncGenerator<Chunk<UsageRecord>, void, undefined> {
    const site = this.siteFor(options?.site);
    if (options?.start === undefined || options.end === undefined) {
      throw new ValidationError("getUsage needs both start and end (NEM dates, inclusive). Nothing was sent.", {
        field: options?.start === undefined ? "start" : "end",
        vendor: "amber",
        operation: "getUsage",
      });
    }
    const chunks = splitDateRange(options.start, options.end, MAX_DAYS_PER_REQUEST, {
      maxRangeDays: MAX_RANGE_DAYS,
      operation: "getUsage",
    });
    this.requireToken("getUsage");
    return fetchChunks(
      chunks,
      async (chunk) => {
        const response = await this.authenticated(
          `sites/${site}/usage`,
          { startDate: chunk.start, endDate: chunk.end },
          "getUsage",
          options.signal,
        );
        return parseUsage(response.data, "getUsage");
      },
      options.onProgress,
    );
  }

  /**
   * Renewables share of a state's grid (no token needed, no rate-limit headers: it leaves
   * `getRatelimits()` alone and does not use the budget; after an edge 429 it backs off on its
   * own). Default: only the current 30-minute value.
   */
  async getCurrentRenewables(state: State, options: RenewablesOptions = {}): Promise<Renewable[]> {
    const normalised = typeof state === "string" ? state.toLowerCase() : state;
    if (!isState(normalised)) {
      throw new ValidationError(`state must be one of nsw, qld, sa, vic (State.*), got ${JSON.stringify(state)}. Nothing was sent.`, {
        field: "state",
        vendor: "amber",
        operation: "getCurrentRenewables",
      });
    }
    const query = {
      previous: optionalCount(options.previous, "previous"),
      next: optionalCount(options.next, "next"),
      resolution: optionalResolution(options.resolution),
    };
    const response = await this.shared.anonymous.request({
      path: `state/${normalised}/renewables/current`,
      query,
      operation: "getCurrentRenewables",
      signal: options.signal,
    });
    return parseRenewables(response.data, "getCurrentRenewables");
  }

  /** A unified `PriceSource` for a site (default: this client's). */
  priceSource(site?: string): AmberPriceSource {
    return new AmberPriceSource(site === undefined ? this.forSite(this.siteFor(undefined)) : this.forSite(site));
  }

  /** Unified prices from now for the next `hours` (current interval included). One request. */
  pricesAhead(hours: number, options: PricesAheadOptions = {}): Promise<PriceInterval[]> {
    return this.priceSource(options.site).pricesAhead(hours, options);
  }

  toJSON(): Record<string, unknown> {
    return { vendor: "amber", baseUrl: this.shared.baseUrl, site: this.site, token: this.shared.token ? "[REDACTED]" : null };
  }

  [inspect.custom](): string {
    return `Amber ${inspect(this.toJSON())}`;
  }

  /** The clock this client paces itself by. */
  get clock(): Clock {
    return this.shared.clock;
  }

  private siteFor(site: string | undefined): string {
    if (site !== undefined) return normaliseSiteId(site);
    if (this.site) return this.site;
    throw new ConfigurationError(
      "No Amber site selected. Pass { site }, use amber.forSite(id), or await amber.forActiveSite(). Nothing was sent.",
      {
        vendor: "amber",
        setting: "site",
      },
    );
  }

  private requireToken(operation: string): void {
    if (!this.shared.token) {
      throw new ConfigurationError(
        `${operation} needs an Amber API token (only getCurrentRenewables works without one). ${TOKEN_HELP} Nothing was sent.`,
        {
          vendor: "amber",
          operation,
          setting: "token",
        },
      );
    }
  }

  private async authenticated(
    path: string,
    query: Record<string, QueryValue>,
    operation: string,
    signal: AbortSignal | undefined,
  ): Promise<TransportResponse> {
    this.requireToken(operation);
    const { seen, transport } = this.shared;
    const request = { path, query, operation, signal };
    // Until Amber has answered once we cannot know what the account has left (another program may
    // have used most of it), so a burst would meet 429s: send one request, the rest once it is in.
    while (!seen.answered && seen.first) await settledOrAborted(seen.first, signal);
    if (seen.answered) return transport.request(request);
    const response = transport.request(request);
    const first = response.then(
      () => undefined,
      () => undefined,
    );
    seen.first = first;
    void first.then(() => {
      if (seen.first === first) seen.first = null;
    });
    return response;
  }
}

/** The active sites, in the order Amber listed them. */
export function activeSites(sites: readonly Site[]): Site[] {
  return sites.filter((s) => s.status === "active");
}

function createShared(options: AmberOptions): Shared {
  checkLimiterOptions(options);
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
  const limiter = options.limiter ?? ownLimiter(options, clock, refusalBackoff);
  // The limiter has already taken in what a refusal said (RateLimit-Reset, Retry-After, the
  // back-off after an edge 429) and waits for it within its own maxWaitMs, or refuses at once in
  // "throw" mode; a retry only adds the policy's short jittered back-off before asking it again.
  const retry = resolveRetryPolicy({ respectRetryAfter: false }, options.retry);
  const baseUrl = options.baseUrl ?? AMBER_BASE_URL;
  const seen = lastSeenOf(limiter);
  const anonymousLimiter = new RateLimiter({
    name: "amber renewables",
    vendor: "amber",
    onLimit: limiter.mode,
    maxWaitMs: options.maxWaitMs,
    refusalBackoff,
    clock,
  });
  const common = {
    vendor: "amber",
    baseUrl,
    clock,
    retry,
    timeoutMs: options.timeoutMs,
    logger: options.logger,
    fetch: options.fetch,
    userAgent: options.userAgent,
  };
  return {
    token,
    baseUrl,
    clock,
    limiter,
    seen,
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
  return new RateLimiter({
    name: "amber",
    vendor: "amber",
    limit: options.rateLimit?.limit ?? AMBER_RATE_LIMIT.limit,
    windowMs: options.rateLimit?.windowMs ?? AMBER_RATE_LIMIT.windowMs,
    // Amber's documented 50/300 s is only the assumption until its RateLimit-Policy says otherwise;
    // a budget the caller chose is kept.
    adoptServerPolicy: options.rateLimit ? false : "override",
    onLimit: options.onLimit ?? "wait",
    maxWaitMs: options.maxWaitMs,
    refusalBackoff,
    clock,
  });
}

/** The options that configure a limiter: with a shared `limiter`, they belong on it. */
const LIMITER_SETTINGS = ["onLimit", "maxWaitMs", "rateLimit", "gatewayBackoff"] as const;

function checkLimiterOptions(options: AmberOptions): void {
  if (!options.limiter) return;
  const clashing = LIMITER_SETTINGS.filter((key) => options[key] !== undefined);
  if (clashing.length > 0) {
    throw new ConfigurationError(
      `${clashing.join(", ")} cannot be combined with { limiter }: the shared RateLimiter's own settings apply. ` +
        `Set them on the RateLimiter (onLimit, maxWaitMs, limit/windowMs, refusalBackoff), or drop { limiter }.`,
      { vendor: "amber", setting: clashing[0] },
    );
  }
}

/** Resolves when `promise` settles; rejects with the abort reason if `signal` aborts first. */
function settledOrAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
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

function optionalCount(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_INTERVALS_PER_REQUEST) {
    throw new ValidationError(
      `${field} must be a whole number of intervals from 0 to ${MAX_INTERVALS_PER_REQUEST}, got ${String(value)}. Nothing was sent.`,
      { field, vendor: "amber" },
    );
  }
  return value;
}

function optionalResolution(value: unknown): Resolution | undefined {
  if (value === undefined) return undefined;
  if (value !== 5 && value !== 30) {
    throw new ValidationError(`resolution must be 5 or 30 (minutes), got ${String(value)}. Nothing was sent.`, {
      field: "resolution",
      vendor: "amber",
    });
  }
  return value;
}
