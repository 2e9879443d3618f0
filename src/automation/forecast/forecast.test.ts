import { describe, expect, it } from "vitest";
import type { PriceInterval } from "../../model/types.js";
import { forecastLoadPv, type HistorySample } from "./history.js";
import { pricesFromAmber } from "./prices.js";

const T0 = Date.parse("2026-03-01T00:00:00+10:00");

describe("pricesFromAmber", () => {
  it("uses Amber's predicted price where present, keeps low/high, and flips the feed-in sign", () => {
    const base = {
      end: new Date(T0 + 1_800_000),
      durationMin: 30,
      kind: "forecast",
      estimate: true,
      spotPerKwhCents: 5,
      renewablesPct: 30,
      descriptor: "low",
      spike: "none",
    };
    const intervals = [
      { ...base, start: new Date(T0), channel: "general", perKwhCents: 30, advanced: { lowCents: 20, predictedCents: 25, highCents: 40 } },
      { ...base, start: new Date(T0), channel: "feedIn", perKwhCents: -8 },
      { ...base, start: new Date(T0 + 1_800_000), channel: "general", perKwhCents: 12 },
    ] as PriceInterval[];
    const out = pricesFromAmber(intervals);
    expect(out[0]).toMatchObject({ importCentsPerKwh: 25, exportCentsPerKwh: 8, importLowCents: 20, importHighCents: 40, predicted: true });
    expect(out[1]).toMatchObject({ importCentsPerKwh: 12, exportCentsPerKwh: 0, importLowCents: null, predicted: false });
  });
});

describe("forecastLoadPv", () => {
  it("repeats the same time of day, weighting recent days more, and scales PV by yesterday's yield", () => {
    const samples: HistorySample[] = [];
    for (let d = 1; d <= 3; d++) {
      for (let m = 0; m < 1440; m += 30) {
        const at = T0 - d * 86_400_000 + m * 60_000;
        const noon = m >= 600 && m < 840;
        // Load 1000 W at 18:00 on the most recent day, 500 W before; PV 4 kW at midday, halved yesterday.
        samples.push({
          observedAt: new Date(at),
          loadW: m === 1080 ? (d === 1 ? 1000 : 500) : 300,
          pvW: noon ? (d === 1 ? 2000 : 4000) : 0,
        });
      }
    }
    const out = forecastLoadPv(samples, new Date(T0), 48, 30, { utcOffsetMinutes: 600, decay: 0.5 });
    const evening = out[36]!;
    // Weights 1, 0.5, 0.25: (1000 + 250 + 125) / 1.75.
    expect(evening.loadW).toBeCloseTo(1375 / 1.75, 6);
    const noon = out[22]!;
    const profile = (2000 + 0.5 * 4000 + 0.25 * 4000) / 1.75;
    expect(noon.pvW).toBeCloseTo(profile * (2000 / profile), 6);
    expect(out[2]!.pvW).toBe(0);
  });
});
