import { earningsPerKwhCents } from "../../model/helpers.js";
import type { PriceInterval } from "../../model/types.js";

/** One interval of price forecast in the optimiser's terms, with the retailer's band kept for risk. */
export interface PriceForecast {
  start: Date;
  minutes: number;
  importCentsPerKwh: number;
  /** What an exported kWh earns (Amber's feed-in price with its sign flipped). */
  exportCentsPerKwh: number;
  importLowCents: number | null;
  importHighCents: number | null;
  /** True when the price is Amber's own prediction (`advanced.predictedCents`), false when it is the plain forecast or the actual. */
  predicted: boolean;
}

/**
 * Pairs Amber's general and feed-in intervals into price forecasts, preferring Amber's predicted
 * price (`advanced.predictedCents`) where it sends one. Intervals without a feed-in partner earn 0.
 */
export function pricesFromAmber(intervals: readonly PriceInterval[]): PriceForecast[] {
  const feedIn = new Map(intervals.filter((i) => i.channel === "feedIn").map((i) => [i.start.getTime(), i]));
  return intervals
    .filter((i) => i.channel === "general")
    .sort((a, b) => a.start.getTime() - b.start.getTime())
    .map((g) => {
      const f = feedIn.get(g.start.getTime());
      const feedInCents = f ? (f.advanced?.predictedCents ?? f.perKwhCents) : 0;
      return {
        start: g.start,
        minutes: g.durationMin,
        importCentsPerKwh: g.advanced?.predictedCents ?? g.perKwhCents,
        exportCentsPerKwh: earningsPerKwhCents({ perKwhCents: feedInCents }),
        importLowCents: g.advanced?.lowCents ?? null,
        importHighCents: g.advanced?.highCents ?? null,
        predicted: g.advanced !== undefined,
      };
    });
}
