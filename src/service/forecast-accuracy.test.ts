import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../cli/test-support/in-process.js";
import { forecastAccuracy } from "./forecast-accuracy.js";
import { SqliteStorage } from "./storage/sqlite.js";
import type { PriceRow } from "./storage/types.js";

const H = 3_600_000;
const SLOT = 30 * 60_000;
// A recent half-hour boundary, so that the CLI's default window (the last 7 days) covers it.
const T0 = Math.floor((Date.now() - 2 * 86_400_000) / SLOT) * SLOT;
const SYS = "alphaess:AL1";

/**
 * Known numbers: load measured 1000 W in slot 0 and 2000 W in slot 1 (two samples each), PV 0 then 500.
 * History issued 10 min before slot 0 said load 1100 and 1700 (errors +100, −300: MAE 200, bias −100);
 * Open-Meteo issued 10 h ahead said PV 100 and 400 (errors +100, −100: MAE 100, bias 0).
 * A price forecast 2 h ahead of 30 c and one 20 min ahead of 26 c against an actual of 25 c.
 */
async function seeded(file = ":memory:"): Promise<SqliteStorage> {
  const s = new SqliteStorage(file);
  await s.insertSamples(
    [
      [0, 900, 0],
      [15, 1100, 0],
      [30, 1800, 400],
      [45, 2200, 600],
    ].map(([min, loadW, pvW]) => ({
      system: SYS,
      t: T0 + min! * 60_000,
      loadW: loadW!,
      pvW: pvW!,
      gridW: null,
      batteryW: null,
      soc: 0.5,
      evW: null,
    })),
  );
  const f = (quantity: string, source: string, issuedAt: number, slot: number, value: number | null) => ({
    system: SYS,
    quantity,
    source,
    issuedAt,
    start: T0 + slot * SLOT,
    minutes: 30,
    value,
  });
  await s.recordForecast([
    f("loadW", "history", T0 - 10 * 60_000, 0, 1100),
    f("loadW", "history", T0 - 10 * 60_000, 1, 1700),
    f("pvW", "open-meteo", T0 - 10 * H, 0, 100),
    f("pvW", "open-meteo", T0 - 10 * H, 1, 400),
    f("pvW", "open-meteo", T0 - 10 * H, 2, null),
    // An interval nothing was measured in: left out.
    f("loadW", "history", T0 - 10 * 60_000, 5, 999),
  ]);
  const price = (issuedAt: number, kind: string, perKwhCents: number): PriceRow => ({
    source: "amber:site",
    channel: "general",
    start: T0,
    end: T0 + SLOT,
    issuedAt,
    kind,
    estimate: kind !== "actual",
    perKwhCents,
    spotPerKwhCents: 0,
    renewablesPct: 30,
    descriptor: "neutral",
    spike: "none",
  });
  await s.upsertPrices([price(T0 - 2 * H, "forecast", 30), price(T0 - 20 * 60_000, "forecast", 26), price(T0 + SLOT, "actual", 25)]);
  return s;
}

describe("forecast accuracy against what happened", () => {
  it("MAE and bias per quantity, source and horizon from a real SQLite store", async () => {
    const s = await seeded();
    const report = await forecastAccuracy(s, { from: T0 - 86_400_000, to: T0 + 4 * H });
    expect(report.rows).toEqual([
      { quantity: "loadW", source: "history", horizon: "0–1 h", n: 2, mae: 200, bias: -100, meanActual: 1500 },
      { quantity: "price general", source: "amber", horizon: "0–1 h", n: 1, mae: 1, bias: 1, meanActual: 25 },
      { quantity: "price general", source: "amber", horizon: "1–6 h", n: 1, mae: 5, bias: 5, meanActual: 25 },
      { quantity: "pvW", source: "open-meteo", horizon: "6–24 h", n: 2, mae: 100, bias: 0, meanActual: 250 },
    ]);
    // One system; an interval not yet ended is not judged.
    const early = await forecastAccuracy(s, { from: T0 - 86_400_000, to: T0 + SLOT, system: SYS });
    expect(early.rows.map((r) => [r.quantity, r.n])).toEqual([
      ["loadW", 1],
      ["price general", 1],
      ["price general", 1],
      ["pvW", 1],
    ]);
    await s.close();
  });

  it("openpower forecast accuracy prints the table, and JSON with --json", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "op-accuracy-")), "service.db");
    await (await seeded(file)).close();
    const table = await runInProcess(["forecast", "accuracy", "--db", file]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/loadW\s*│?\s*history\s*│?\s*0–1 h\s*│?\s*2\s*│?\s*200 W\s*│?\s*-100 W/);
    expect(table.stdout).toMatch(/price general.*amber.*1–6 h.*5\.00 c\/kWh.*\+5\.00 c\/kWh/);
    const json = await runInProcess(["forecast", "accuracy", "--db", file, "--json", "--system", SYS, "--days", "30"]);
    expect(json.code, json.stderr).toBe(0);
    const body = JSON.parse(json.stdout) as { rows: { quantity: string; mae: number }[] };
    expect(body.rows.find((r) => r.quantity === "pvW")?.mae).toBe(100);
    const missing = await runInProcess(["forecast", "accuracy", "--db", join(tmpdir(), "no-such-openpower.db")]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/No service database/);
  });
});
