import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nemDayStart } from "../../core/time/index.js";
import { NemPriceModel, type NemRegion } from "./nem-price-model.js";

const FIVE = 300_000;
const HALF_HOUR = 1_800_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const START = nemDayStart("2024-07-01").getTime();

/** Intervals (30-min ends) of a NEM day, 48 of them. */
function halfHourEnds(day: number): number[] {
  return Array.from({ length: 48 }, (_, k) => START + day * DAY + (k + 1) * HALF_HOUR);
}

describe("NemPriceModel spot prices", () => {
  it("is a pure function of (seed, region, interval)", () => {
    const a = new NemPriceModel({ seed: 3, region: "SA1" });
    const b = new NemPriceModel({ seed: 3, region: "SA1" });
    const ends = halfHourEnds(100);
    const forward = ends.map((e) => a.spotCents(e, 30));
    const backward = [...ends]
      .reverse()
      .map((e) => b.spotCents(new Date(e), 30))
      .reverse();
    expect(backward).toEqual(forward);
    expect(new NemPriceModel({ seed: 4, region: "SA1" }).spotCents(ends[10]!, 30)).not.toBe(forward[10]);
    expect(new NemPriceModel({ seed: 3, region: "VIC1" }).spotCents(ends[10]!, 30)).not.toBe(forward[10]);
  });

  it("prices a 30-minute interval at the mean of its six 5-minute prices", () => {
    const m = new NemPriceModel({ seed: 8 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 48 }), (k) => {
        const end = START + k * HALF_HOUR;
        const fives = [0, 1, 2, 3, 4, 5].map((j) => m.spotCents(end - j * FIVE, 5));
        expect(m.spotCents(end, 30)).toBeCloseTo(fives.reduce((x, y) => x + y, 0) / 6, 9);
        // An instant inside an interval names that interval.
        expect(m.spotCents(end - 7 * 60_000, 30)).toBe(m.spotCents(end, 30));
      }),
    );
  });

  it("goes negative at midday on some days but not all, and peaks in the evening", () => {
    const m = new NemPriceModel({ seed: 1, region: "NSW1" });
    let negativeDays = 0;
    let eveningAboveMidday = 0;
    const days = 365;
    for (let d = 0; d < days; d++) {
      const prices = halfHourEnds(d).map((e) => m.spotCents(e, 30));
      // Index k is the interval ending at (k + 1) / 2 hours: 10:00-14:00 is k = 20..27.
      const midday = prices.slice(20, 28);
      const evening = prices.slice(34, 40);
      if (Math.min(...midday) < 0) negativeDays++;
      if (Math.max(...evening) > Math.max(...midday)) eveningAboveMidday++;
    }
    expect(negativeDays).toBeGreaterThan(10);
    expect(negativeDays).toBeLessThan(days * 0.8);
    expect(eveningAboveMidday).toBeGreaterThan(days * 0.95);
  });

  it("spikes in the evening on a few days a year, to tens or hundreds of c/kWh", () => {
    for (const region of ["NSW1", "SA1", "TAS1"] satisfies NemRegion[]) {
      const m = new NemPriceModel({ seed: 2, region });
      let spikeDays = 0;
      for (let d = 0; d < 365; d++) {
        const ends = halfHourEnds(d);
        const spiking = ends.filter((e) => m.isSpike(e, 30));
        if (spiking.length > 0) spikeDays++;
        for (const e of spiking) {
          const hour = ((e - START) % DAY) / HOUR;
          expect(hour).toBeGreaterThan(16.9);
          expect(hour).toBeLessThanOrEqual(21.5);
          const fives = [0, 1, 2, 3, 4, 5].map((j) => e - j * FIVE).filter((f) => m.isSpike(f, 5));
          for (const f of fives) expect(m.spotCents(f, 5)).toBeGreaterThanOrEqual(20);
        }
      }
      expect(spikeDays).toBeGreaterThan(0);
      expect(spikeDays).toBeLessThan(365 * 0.15);
    }
  });

  it("rejects other durations", () => {
    const m = new NemPriceModel({ seed: 1 });
    expect(() => m.spotCents(START, 15 as 5)).toThrow(RangeError);
    expect(() => new NemPriceModel({ seed: 1, region: "WA1" as NemRegion })).toThrow(RangeError);
  });
});

describe("NemPriceModel forecasts", () => {
  const m = new NemPriceModel({ seed: 6, region: "QLD1" });

  it("equals the actual at or after the interval end", () => {
    for (const end of halfHourEnds(40)) {
      expect(m.forecastCents(end, 30, end)).toBe(m.spotCents(end, 30));
      expect(m.forecastCents(end, 30, end + DAY)).toBe(m.spotCents(end, 30));
      expect(m.forecastRange(end, 30, end)).toEqual({ min: m.spotCents(end, 30), max: m.spotCents(end, 30) });
    }
  });

  it("has an error that shrinks as the horizon shrinks", () => {
    const horizons = [24 * HOUR, 6 * HOUR, HOUR, 10 * 60_000];
    const meanAbsError = horizons.map((h) => {
      let sum = 0;
      let n = 0;
      for (let d = 0; d < 60; d++) {
        for (const end of halfHourEnds(d)) {
          sum += Math.abs(m.forecastCents(end, 30, end - h) - m.spotCents(end, 30));
          n++;
        }
      }
      return sum / n;
    });
    for (let i = 1; i < horizons.length; i++) expect(meanAbsError[i]).toBeLessThan(meanAbsError[i - 1]!);
    expect(meanAbsError[0]).toBeGreaterThan(0.5);
    expect(meanAbsError[3]).toBeLessThan(meanAbsError[0]! / 3);
  });

  it("drifts smoothly between successive forecasts and is deterministic", () => {
    const end = halfHourEnds(75)[30]!;
    const a = m.forecastCents(end, 30, end - 5 * HOUR);
    const b = m.forecastCents(end, 30, end - 5 * HOUR + 60_000);
    expect(Math.abs(a - b)).toBeLessThan(1);
    expect(new NemPriceModel({ seed: 6, region: "QLD1" }).forecastCents(end, 30, end - 5 * HOUR)).toBe(a);
  });

  it("brackets the forecast with a range that widens with the horizon", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 48 }), fc.integer({ min: 1, max: 48 * 60 }), (k, minutesAhead) => {
        const end = START + k * HALF_HOUR;
        const issued = end - minutesAhead * 60_000;
        const f = m.forecastCents(end, 30, issued);
        const r = m.forecastRange(end, 30, issued);
        expect(r.min).toBeLessThanOrEqual(f);
        expect(r.max).toBeGreaterThanOrEqual(f);
        const near = m.forecastRange(end, 30, end - 5 * 60_000);
        const far = m.forecastRange(end, 30, end - 20 * HOUR);
        expect(far.max - far.min).toBeGreaterThan(near.max - near.min);
      }),
      { numRuns: 200 },
    );
  });
});

describe("NemPriceModel renewables", () => {
  it("stays within 0..100 and is highest around solar noon", () => {
    for (const region of ["NSW1", "QLD1", "VIC1", "SA1", "TAS1"] satisfies NemRegion[]) {
      const m = new NemPriceModel({ seed: 9, region });
      let noonHigher = 0;
      for (let d = 0; d < 60; d++) {
        const ends = halfHourEnds(d * 6);
        const pct = ends.map((e) => m.renewablesPct(e, 30));
        for (const p of pct) {
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(100);
        }
        if (pct[24]! > pct[4]!) noonHigher++;
      }
      if (region !== "TAS1") expect(noonHigher).toBeGreaterThan(45);
    }
  });
});
