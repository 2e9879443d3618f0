import { ValidationError } from "../core/errors/index.js";
import type { PriceQuery, PriceSource } from "../model/capabilities.js";
import type { PriceChannel, PriceInterval } from "../model/types.js";
import { toPriceIntervals } from "./adapter.js";
import type { Amber, Resolution } from "./client.js";

export interface PricesAheadOptions {
  /** Only this channel (default: every channel). */
  channel?: PriceChannel;
  /** 5 or 30; default: the site's billing interval length. */
  resolution?: Resolution;
  /** Site override (on `Amber.pricesAhead`). */
  site?: string;
  signal?: AbortSignal;
}

const HOUR_MS = 3_600_000;
/** More than Amber forecasts (about 33 h at most, from 12:30 NEM). */
export const MAX_HOURS_AHEAD = 48;

/**
 * An Amber site as a unified `PriceSource`: `PriceInterval`s in c/kWh incl. GST, feed-in kept in
 * Amber's sign (negative = the customer is paid), intervals tiling without gaps.
 */
export class AmberPriceSource implements PriceSource {
  readonly vendor = "amber" as const;
  readonly id: string;

  /** `client` must be scoped to a site (`amber.priceSource()` does that). */
  constructor(private readonly client: Amber) {
    if (!client.site)
      throw new ValidationError("AmberPriceSource needs a site-scoped client: use amber.priceSource(siteId) or amber.forSite(id).", {
        field: "site",
        vendor: "amber",
      });
    this.id = client.site;
  }

  /**
   * With `from`/`to`: every interval overlapping `[from, to)` (from `/prices`, chunked by NEM
   * date; `to` defaults to `from` + 24 h, `from` to now). Without them: the current interval of
   * each channel plus `previous` actuals and `next` forecasts (`/prices/current`).
   */
  async getPriceIntervals(options: PriceQuery = {}): Promise<PriceInterval[]> {
    const { from, to, next, previous, resolution, signal } = options;
    if (from === undefined && to === undefined) {
      return toPriceIntervals(await this.client.getCurrentPrices({ next, previous, resolution, signal }));
    }
    if (next !== undefined || previous !== undefined) {
      throw new ValidationError("Pass either from/to or next/previous, not both. Nothing was sent.", { field: "next", vendor: "amber" });
    }
    const fromMs = from?.getTime() ?? this.client.clock.now();
    const toMs = to?.getTime() ?? fromMs + 24 * HOUR_MS;
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) {
      throw new ValidationError(`from must be a valid Date before to (got ${String(from)} .. ${String(to)}). Nothing was sent.`, {
        field: "from",
        vendor: "amber",
      });
    }
    // The NEM dates covering [from, to): the last instant before `to` decides the last date.
    const intervals = await this.client.getPrices({ start: new Date(fromMs), end: new Date(toMs - 1), resolution, signal });
    return toPriceIntervals(intervals.filter((i) => i.end.getTime() > fromMs && i.start.getTime() < toMs));
  }

  /**
   * Prices now and for the next `hours` (0 < hours <= 48): the current interval of each channel
   * and every forecast starting before now + hours, oldest first per channel. One request: it
   * asks for enough forecasts even when they are all 5-minute, then trims.
   */
  async pricesAhead(hours: number, options: PricesAheadOptions = {}): Promise<PriceInterval[]> {
    if (typeof hours !== "number" || !Number.isFinite(hours) || hours <= 0 || hours > MAX_HOURS_AHEAD) {
      throw new ValidationError(`hours must be a number above 0 and at most ${MAX_HOURS_AHEAD}, got ${String(hours)}. Nothing was sent.`, {
        field: "hours",
        vendor: "amber",
      });
    }
    const next = Math.ceil((hours * 60) / (options.resolution ?? 5));
    const now = this.client.clock.now();
    const horizon = now + hours * HOUR_MS;
    const intervals = await this.client.getCurrentPrices({ next, resolution: options.resolution, signal: options.signal });
    return toPriceIntervals(intervals).filter(
      (p) =>
        (p.kind === "current" || (p.end.getTime() > now && p.start.getTime() < horizon)) &&
        (!options.channel || p.channel === options.channel),
    );
  }
}
