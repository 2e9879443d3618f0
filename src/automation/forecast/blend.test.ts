import { describe, expect, it } from "vitest";
import { blendPv, openMeteoScale, pvOver } from "./blend.js";
import type { HistorySample } from "./history.js";
import type { PvForecastInterval } from "./open-meteo-pv.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");
const H = 3_600_000;
const hourly = (values: (number | null)[], from = T0): PvForecastInterval[] =>
  values.map((pvW, i) => ({ start: new Date(from + i * H), minutes: 60, pvW }));

describe("Open-Meteo blended with the history profile", () => {
  it("pvOver: hourly values fill half-hours by overlap; null where less than half is covered", () => {
    const f = hourly([1000, 2000, null]);
    expect(pvOver(f, T0, 30)).toBe(1000);
    expect(pvOver(f, T0 + 0.5 * H, 60)).toBe(1500);
    expect(pvOver(f, T0 + 2 * H, 30)).toBeNull();
    expect(pvOver(f, T0 + 1.75 * H, 60)).toBeNull();
  });

  it("blendPv: 0.7 × scaled Open-Meteo + 0.3 × history where Open-Meteo has a value; load untouched", () => {
    const history = [0, 1, 2].map((i) => ({ start: new Date(T0 + i * H), minutes: 60, loadW: 500, pvW: 1000 }));
    const { blend, openMeteoPvW } = blendPv(history, hourly([2000, null]), 1.2);
    expect(openMeteoPvW).toEqual([2400, null, null]);
    expect(blend.map((b) => b.pvW)).toEqual([0.7 * 2400 + 0.3 * 1000, 1000, 1000]);
    expect(blend.every((b) => b.loadW === 500)).toBe(true);
  });

  it("openMeteoScale: actual over forecast for the last 24 h, clamped to 0.5..1.5; 1 with too little to tell", () => {
    const now = T0 + 24 * H;
    const forecast = hourly(Array.from({ length: 24 }, (_, h) => (h >= 6 && h < 18 ? 2000 : 0)));
    const samples = (factor: number, hours = 24): HistorySample[] =>
      Array.from({ length: hours * 12 }, (_, i) => {
        const t = now - hours * H + i * 300_000;
        const h = Math.floor((t - T0) / H);
        return { observedAt: new Date(t), loadW: 500, pvW: h >= 6 && h < 18 ? 2000 * factor : 0 };
      });
    expect(openMeteoScale(samples(0.8), forecast, now)).toBeCloseTo(0.8, 10);
    expect(openMeteoScale(samples(3), forecast, now)).toBe(1.5);
    expect(openMeteoScale(samples(0.1), forecast, now)).toBe(0.5);
    expect(openMeteoScale(samples(0.8, 6), forecast, now)).toBe(1);
    expect(openMeteoScale(samples(0.8), hourly(Array.from({ length: 24 }, () => 0)), now)).toBe(1);
  });
});
