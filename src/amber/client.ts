import { inspect } from "node:util";
import { abortReason, type Clock } from "../core/clock.js";
import type { ClientOverrides } from "../core/client-options.js";
import { ConfigurationError, NotFoundError, ValidationError } from "../core/errors/index.js";
import type { QueryValue, TransportResponse } from "../core/http/types.js";
import { parseRateLimitHeaders } from "../core/rate-limit/headers.js";
import type { RateLimitState } from "../core/rate-limit/limiter.js";
import { nemDate } from "../core/time/nem.js";
import type { PriceInterval } from "../model/types.js";
import { fetchChunks, MAX_DAYS_PER_REQUEST, MAX_RANGE_DAYS, mergeIntervals, mergeUsage, splitDateRange, type Chunk } from "./chunking.js";
import { TOKEN_HELP } from "./errors.js";
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
import {
  MAX_INTERVALS_PER_REQUEST,
  normaliseSiteId,
  optionalCount,
  optionalResolution,
  type AmberOptions,
  type CurrentPricesOptions,
  type PricesOptions,
  type RenewablesOptions,
  type RequestControl,
  type UsageOptions,
} from "./options.js";
import { AmberPriceSource, type PricesAheadOptions } from "./price-source.js";
import { ratelimitsFromObservation, type Ratelimits } from "./ratelimits.js";
import { isState, type State } from "./regions.js";
import { createShared, deriveShared, type Shared } from "./shared.js";

export {
  AMBER_BASE_URL,
  AMBER_RATE_LIMIT,
  MAX_INTERVALS_PER_REQUEST,
  normaliseSiteId,
  type AmberOptions,
  type CurrentPricesOptions,
  type DateRangeOptions,
  type PricesOptions,
  type RenewablesOptions,
  type RequestControl,
  type Resolution,
  type SiteScoped,
  type UsageOptions,
} from "./options.js";

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
    return this.clone(this.shared, normaliseSiteId(site));
  }

  /**
   * A client with other transport settings (timeout, retry, logger, user agent, body limit) and
   * the same token, site, rate-limit budget and `getRatelimits()` view.
   */
  withOptions(overrides: ClientOverrides): Amber {
    return this.clone(deriveShared(this.shared, overrides), this.site);
  }

  private clone(shared: Shared, site: string | null): Amber {
    const clone = Object.create(Amber.prototype) as Amber;
    Object.assign(clone, { shared, site });
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
