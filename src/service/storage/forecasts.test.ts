import { afterEach, describe, expect, it } from "vitest";
import { SqliteStorage } from "./sqlite.js";
import type { ForecastRow, Storage } from "./types.js";

const H = 3_600_000;
const T0 = Date.parse("2026-03-01T00:00:00Z");
let open: Storage | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

const row = (over: Partial<ForecastRow>): ForecastRow => ({
  system: "alphaess:A",
  quantity: "pvW",
  source: "history",
  issuedAt: T0,
  start: T0 + H,
  minutes: 30,
  value: 1000,
  ...over,
});

/** The storage contract for forecasts; run against every backend. */
export function forecastContract(name: string, make: () => Promise<Storage>): void {
  describe(`${name}: forecasts with their issue time`, () => {
    it("keeps every issue of an interval, replaces a repeat, filters and orders", async () => {
      const s = (open = await make());
      expect(
        await s.recordForecast([
          row({}),
          row({ issuedAt: T0 + 0.5 * H, value: 1200 }),
          row({ quantity: "loadW", value: 500 }),
          row({ source: "open-meteo", value: null }),
          row({ system: "goodwe:B", start: T0 + 2 * H }),
        ]),
      ).toBe(5);
      await s.recordForecast([row({ value: 900 })]);
      const pv = await s.forecasts({ from: T0, to: T0 + 2 * H, system: "alphaess:A", quantity: "pvW", source: "history" });
      expect(pv.map((r) => [r.issuedAt - T0, r.value])).toEqual([
        [0, 900],
        [0.5 * H, 1200],
      ]);
      expect((await s.forecasts({ from: T0, to: T0 + 2 * H, source: "open-meteo" }))[0]).toEqual(
        row({ source: "open-meteo", value: null }),
      );
      expect(await s.forecasts({ from: T0, to: T0 + 3 * H })).toHaveLength(5);
      expect(await s.forecasts({ from: T0 + 2 * H, to: T0 + 3 * H })).toEqual([row({ system: "goodwe:B", start: T0 + 2 * H })]);
      expect(await s.forecasts({ from: T0, to: T0 + H })).toEqual([]);
    });
  });
}

forecastContract("SQLite", async () => new SqliteStorage(":memory:"));
