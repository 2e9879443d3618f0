import type { PriceInterval } from "../../model/types.js";
import { NemPriceModel } from "../../sim/price/nem-price-model.js";

const HALF_HOUR = 1_800_000;

/**
 * Amber-like prices from the NEM model (NSW1) as forecast at the clock's now, 24 h of 30-minute intervals
 * (general = spot + 9 c, feed-in earns spot − 0.4 c); nothing at all while `outage` says so.
 */
export function nemPriceFeed(now: () => number, outage: (ms: number) => boolean, seed: number) {
  const nem = new NemPriceModel({ seed, region: "NSW1" });
  return {
    vendor: "amber" as const,
    id: "sim",
    async getPriceIntervals(): Promise<PriceInterval[]> {
      const t = now();
      if (outage(t)) return [];
      const first = Math.floor(t / HALF_HOUR) * HALF_HOUR;
      return Array.from({ length: 48 }, (_, i) => {
        const start = first + i * HALF_HOUR;
        const spot = i === 0 ? nem.spotCents(start + HALF_HOUR, 30) : nem.forecastCents(start + HALF_HOUR, 30, t);
        const common = {
          start: new Date(start),
          end: new Date(start + HALF_HOUR),
          durationMin: 30 as const,
          kind: "forecast",
          estimate: true,
          spotPerKwhCents: spot,
          renewablesPct: 30,
          descriptor: "low",
          spike: "none",
        };
        return [
          { ...common, channel: "general", perKwhCents: spot + 9 },
          { ...common, channel: "feedIn", perKwhCents: -(spot - 0.4) },
        ] as PriceInterval[];
      }).flat();
    },
  };
}
