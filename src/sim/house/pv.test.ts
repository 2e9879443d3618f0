import { describe, expect, it } from "vitest";
import { PvModel, sunPosition } from "./pv.js";

const DEG = 180 / Math.PI;

function maxElevationDeg(dayUtc: number, lat: number, lon: number): number {
  let best = -90;
  for (let m = 0; m < 1440; m++) best = Math.max(best, Math.asin(sunPosition(dayUtc + m * 60_000, lat, lon).up) * DEG);
  return best;
}

describe("solar geometry", () => {
  it("puts the noon sun where the declination says (Sydney, solstices and equinox)", () => {
    // Local noon in Sydney is about 02:00 UTC; scan the whole UTC day.
    expect(maxElevationDeg(Date.UTC(2024, 11, 21), -33.9, 151.2)).toBeCloseTo(90 - 33.9 + 23.44, 0);
    expect(maxElevationDeg(Date.UTC(2024, 5, 21), -33.9, 151.2)).toBeCloseTo(90 - 33.9 - 23.44, 0);
    expect(Math.abs(maxElevationDeg(Date.UTC(2024, 2, 20), -33.9, 151.2) - (90 - 33.9))).toBeLessThan(1);
  });

  it("has the sun in the north at noon in Sydney and rising in the east", () => {
    const noon = sunPosition(Date.UTC(2024, 5, 21, 2), -33.9, 151.2);
    expect(noon.north).toBeGreaterThan(0);
    const morning = sunPosition(Date.UTC(2024, 5, 20, 22), -33.9, 151.2);
    expect(morning.east).toBeGreaterThan(0);
  });
});

describe("PvModel", () => {
  it("favours the morning when facing east and the afternoon when facing west", () => {
    const east = new PvModel(1, -33.9, 151.2, { capacityW: 5000, strings: 1, tiltDeg: 30, azimuthDeg: 90 });
    const west = new PvModel(1, -33.9, 151.2, { capacityW: 5000, strings: 1, tiltDeg: 30, azimuthDeg: 270 });
    // 09:00 and 15:00 Sydney standard time.
    const nine = Date.UTC(2024, 5, 20, 23);
    const three = Date.UTC(2024, 5, 21, 5);
    expect(east.powerW(nine)).toBeGreaterThan(west.powerW(nine));
    expect(west.powerW(three)).toBeGreaterThan(east.powerW(three));
  });

  it("has clear and overcast days, and never exceeds capacity", () => {
    const pv = new PvModel(3, -33.9, 151.2, { capacityW: 5000, strings: 2, tiltDeg: 20, azimuthDeg: 0 });
    const clearness = Array.from({ length: 365 }, (_, d) => pv.dayClearness(Date.UTC(2024, 0, 1 + d, 2)));
    expect(clearness.filter((c) => c === 1).length).toBeGreaterThan(100);
    expect(clearness.filter((c) => c < 0.4).length).toBeGreaterThan(20);
    for (let h = 0; h < 24 * 365; h += 7) expect(pv.powerW(Date.UTC(2024, 0, 1) + h * 3_600_000)).toBeLessThanOrEqual(5000);
    expect(pv.stringShares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
