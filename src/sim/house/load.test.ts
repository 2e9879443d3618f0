import { describe, expect, it } from "vitest";
import { LoadModel, winternessOf, type LoadTime } from "./load.js";

/** Mean load over a year in W, sampling each minute of local time as if UTC were local. */
function yearlyMeanW(model: LoadModel, latitude = -33.9): number {
  let sum = 0;
  let n = 0;
  const start = Date.UTC(2024, 0, 1);
  for (let m = 0; m < 366 * 1440; m += 3) {
    const ms = start + m * 60_000;
    const day = Math.floor(m / 1440);
    const weekday = ((day + 0) % 7) + 1; // 2024-01-01 was a Monday
    const t: LoadTime = { minuteOfDay: m % 1440, weekend: weekday >= 6, winterness: winternessOf(day + 1, latitude) };
    sum += model.powerW(ms, t);
    n++;
  }
  return sum / n;
}

describe("LoadModel", () => {
  it("averages dailyKwh over a year", () => {
    for (const daily of [8, 16, 30]) {
      const mean = yearlyMeanW(new LoadModel(5, daily, undefined));
      expect(mean / ((daily * 1000) / 24)).toBeGreaterThan(0.95);
      expect(mean / ((daily * 1000) / 24)).toBeLessThan(1.05);
    }
  });

  it("peaks in the evening, dips at weekday midday, and never drops below the base", () => {
    const model = new LoadModel(5, 16, 250);
    const at = (minute: number, weekend: boolean) => model.shape({ minuteOfDay: minute, weekend, winterness: 0 });
    expect(at(19 * 60, false)).toBeGreaterThan(at(13 * 60, false));
    expect(at(7 * 60, false)).toBeGreaterThan(at(13 * 60, false));
    expect(at(13 * 60, true)).toBeGreaterThan(at(13 * 60, false));
    expect(model.powerW(Date.UTC(2024, 0, 1, 3), { minuteOfDay: 180, weekend: false, winterness: 0 })).toBeGreaterThanOrEqual(250);
    // Winter evenings (heating) draw more than spring evenings.
    expect(model.shape({ minuteOfDay: 19 * 60, weekend: false, winterness: 1 })).toBeGreaterThan(at(19 * 60, false));
  });

  it("is all base when baseW exceeds the average", () => {
    const model = new LoadModel(5, 2.4, 500);
    expect(model.scale).toBe(0);
    expect(model.powerW(Date.UTC(2024, 0, 1, 8), { minuteOfDay: 19 * 60, weekend: false, winterness: 0 })).toBe(500);
  });
});
