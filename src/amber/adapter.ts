import type { PriceChannel, PriceInterval } from "../model/types.js";
import { isEstimate, kindOf, type AmberInterval } from "./intervals.js";

export interface ToPriceIntervalsOptions {
  /** Keep each Amber interval as `raw`. Default true. */
  includeRaw?: boolean;
}

/**
 * Converts Amber intervals to the unified `PriceInterval` (pure; no I/O).
 *
 * - `start` = `endTime − duration` (Amber's `startTime` minus its one second), `end` = `endTime`:
 *   intervals tile without gaps.
 * - `perKwhCents` keeps **Amber's sign, "what the customer pays"**: on `feedIn` a negative value
 *   means the customer is paid for exporting, a positive one that exporting costs money. Use
 *   `earningsPerKwhCents()` for the "what I earn" number. `advanced` (from `advancedPrice`) has the
 *   same sign as `perKwhCents`, so on feedIn `lowCents >= predictedCents >= highCents`.
 * - `spotPerKwhCents` and `spotRange` (from `range`) are never inverted.
 * - `estimate` is true for forecasts and for a current interval whose price is not locked in yet.
 * - `nemDate` is Amber's `date` (the NEM trading day).
 * - A channel type Amber adds later passes through under its own name.
 */
export function toPriceIntervals(intervals: readonly AmberInterval[], options: ToPriceIntervalsOptions = {}): PriceInterval[] {
  const includeRaw = options.includeRaw ?? true;
  const out: PriceInterval[] = [];
  for (const interval of intervals) {
    out.push(toPriceInterval(interval, includeRaw));
  }
  return out;
}

/** One interval. */
export function toPriceInterval(interval: AmberInterval, includeRaw = true): PriceInterval {
  const out: PriceInterval = {
    start: interval.start,
    end: interval.end,
    durationMin: interval.duration,
    channel: interval.channelType as PriceChannel,
    kind: kindOf(interval),
    estimate: isEstimate(interval),
    perKwhCents: interval.perKwh,
    spotPerKwhCents: interval.spotPerKwh,
    renewablesPct: interval.renewables,
    descriptor: interval.descriptor,
    spike: interval.spikeStatus,
    nemDate: interval.date,
  };
  if (interval.type !== "ActualInterval") {
    const { advancedPrice, range } = interval;
    if (advancedPrice)
      out.advanced = { lowCents: advancedPrice.low, predictedCents: advancedPrice.predicted, highCents: advancedPrice.high };
    if (range) out.spotRange = { minCents: range.min, maxCents: range.max };
  }
  if (includeRaw) out.raw = interval;
  return out;
}
