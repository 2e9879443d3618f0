import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { migrate, SqliteStorage } from "./sqlite.js";
import type { PriceRow, SampleRow } from "./types.js";

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "openpower-storage-"));
  dirs.push(dir);
  return join(dir, "openpower.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 1);
const sample = (t: number, pvW = 1000): SampleRow => ({
  system: "alphaess:AL1",
  t,
  pvW,
  loadW: 500,
  gridW: -500,
  batteryW: 0,
  soc: 0.5,
  evW: null,
});
const price = (issuedAt: number, cents: number): PriceRow => ({
  source: "amber:S1",
  channel: "general",
  start: T0,
  end: T0 + 300_000,
  issuedAt,
  kind: "forecast",
  estimate: true,
  perKwhCents: cents,
  spotPerKwhCents: 10,
  renewablesPct: 40,
  descriptor: "low",
  spike: "none",
});

describe("SqliteStorage", () => {
  it("stores usage once per channel and interval; a later billable read replaces the estimate", async () => {
    const s = new SqliteStorage(":memory:");
    const row = {
      source: "amber:S",
      channel: "E1",
      channelType: "general",
      start: T0,
      end: T0 + 300_000,
      kwh: 0.1,
      costCents: 3,
      quality: "estimated",
    };
    expect(await s.upsertUsage([row, { ...row, channel: "B1", channelType: "feedIn" }])).toBe(2);
    expect(await s.upsertUsage([row])).toBe(0);
    expect(await s.upsertUsage([{ ...row, kwh: 0.12, quality: "billable" }])).toBe(1);
    expect(await s.usage({ source: "amber:S", from: T0, to: T0 + 1, channel: "E1" })).toEqual([{ ...row, kwh: 0.12, quality: "billable" }]);
    expect(await s.usage({ source: "amber:S", from: T0, to: T0 + 1 })).toHaveLength(2);
    expect(await s.latestUsageStart("amber:S")).toBe(T0);
    expect(await s.latestUsageStart("amber:X")).toBeUndefined();
    await s.close();
  });

  it("opens one WAL file and migrates to the latest version", async () => {
    const s = new SqliteStorage(tempFile());
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.db.pragma("journal_mode", { simple: true })).toBe("wal");
    await s.close();
  });

  it.each(Array.from({ length: SCHEMA_VERSION }, (_, v) => v))("migrates from version %i keeping its data", async (from) => {
    const file = tempFile();
    const old = new Database(file);
    migrate(old, from);
    expect(old.pragma("user_version", { simple: true })).toBe(from);
    if (from >= 1) {
      old.prepare("INSERT INTO systems (id, vendor, device) VALUES ('alphaess:AL1', 'alphaess', 'AL1')").run();
      old.prepare("INSERT INTO samples (sid, t, pv_w) VALUES (1, ?, 123)").run(T0);
    }
    old.close();
    const s = new SqliteStorage(file);
    expect(s.schemaVersion).toBe(MIGRATIONS.length);
    if (from >= 1) expect((await s.latestSample("alphaess:AL1"))?.pvW).toBe(123);
    await s.insertSamples([sample(T0 + 60_000)]);
    await s.recordGap({ system: "alphaess:AL1", from: T0, to: T0 + 1, reason: "test" });
    await s.recordDecision({ at: T0, system: "alphaess:AL1", mode: "advise", action: "hold", reason: "first", detail: {} });
    await s.recordDecision({ at: T0 + 1, system: "alphaess:AL1", mode: "advise", action: "advise", reason: "second", detail: { x: 1 } });
    expect((await s.latestDecisions()).map((d) => [d.reason, d.detail])).toEqual([["second", { x: 1 }]]);
    expect((await s.samples("alphaess:AL1", T0, T0 + 3_600_000)).t.length).toBe(from >= 1 ? 2 : 1);
    await s.close();
  });

  it("refuses a database newer than itself", async () => {
    const file = tempFile();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SqliteStorage(file)).toThrow(/newer than this openpower/);
  });

  it("stores the same reading twice as one row", async () => {
    const s = new SqliteStorage(":memory:");
    expect(await s.insertSamples([sample(T0), sample(T0 + 10_000)])).toBe(2);
    expect(await s.insertSamples([sample(T0), sample(T0 + 10_000), sample(T0 + 20_000)])).toBe(1);
    expect((await s.samples("alphaess:AL1", T0, T0 + 60_000)).t).toEqual([T0, T0 + 10_000, T0 + 20_000]);
    expect((await s.latestSample("alphaess:AL1"))?.t).toBe(T0 + 20_000);
    await s.close();
  });

  it("averages into steps", async () => {
    const s = new SqliteStorage(":memory:");
    await s.insertSamples([sample(T0, 100), sample(T0 + 60_000, 300), sample(T0 + 300_000, 1000)]);
    const h = await s.samples("alphaess:AL1", T0, T0 + 600_000, 300_000);
    expect(h.t).toEqual([T0, T0 + 300_000]);
    expect(h.pvW).toEqual([200, 1000]);
    const j = await s.samplesJson("alphaess:AL1", T0, T0 + 600_000, 300_000);
    expect({ count: j.count, ...(JSON.parse(j.json) as object) }).toEqual({ count: 2, ...h });
    const raw = await s.samplesJson("alphaess:AL1", T0, T0 + 600_000);
    expect(JSON.parse(raw.json)).toEqual(await s.samples("alphaess:AL1", T0, T0 + 600_000));
    await s.close();
  });

  it("keeps every price vintage, one row per vintage, and answers the latest", async () => {
    const s = new SqliteStorage(":memory:");
    await s.upsertPrices([price(T0 - 600_000, 20), price(T0 - 300_000, 25)]);
    await s.upsertPrices([price(T0 - 300_000, 26)]); // the firm-up re-read of one vintage replaces it
    expect(await s.upsertPrices([price(T0 - 200_000, 26)])).toBe(0); // unchanged: the earlier vintage still says it
    expect((await s.prices({ from: T0, to: T0 + 1, vintages: "all" })).map((p) => p.perKwhCents)).toEqual([20, 26]);
    expect((await s.prices({ from: T0, to: T0 + 1, vintages: "latest" })).map((p) => p.perKwhCents)).toEqual([26]);
    expect(await s.latestPriceStart("amber:S1")).toBe(T0);
    await s.close();
  });

  it("keeps the latest energy read of a day", async () => {
    const s = new SqliteStorage(":memory:");
    const e = {
      system: "alphaess:AL1",
      date: "2026-01-01",
      pvKwh: 1,
      loadKwh: 2,
      importKwh: 0,
      exportKwh: 0,
      chargeKwh: 0,
      dischargeKwh: 0,
    };
    await s.upsertEnergy([{ ...e, readAt: 2 }]);
    await s.upsertEnergy([{ ...e, pvKwh: 0.5, readAt: 1 }]);
    expect((await s.energy("alphaess:AL1", "2026-01-01", "2026-01-01")).map((r) => r.pvKwh)).toEqual([1]);
    await s.close();
  });

  it("folds raw samples past retention into 30-minute aggregates and does not count a late copy twice", async () => {
    const s = new SqliteStorage(":memory:");
    const rows = Array.from({ length: 12 }, (_, i) => sample(T0 + i * 300_000, i < 6 ? 100 : 200));
    await s.insertSamples(rows);
    expect(await s.applyRetention(T0 + 3_600_000)).toBe(12);
    expect((await s.samples("alphaess:AL1", T0, T0 + 3_600_000)).pvW).toEqual([100, 200]);
    await s.insertSamples([sample(T0 + 3_600_000, 300)]);
    expect(JSON.parse((await s.samplesJson("alphaess:AL1", T0, T0 + 7_200_000)).json)).toMatchObject({
      t: [T0, T0 + 1_800_000, T0 + 3_600_000],
      pvW: [100, 200, 300],
    });
    expect(await s.insertSamples([sample(T0, 999)])).toBe(0);
    await s.applyRetention(T0 + 3_600_000);
    expect((await s.samples("alphaess:AL1", T0, T0 + 3_600_000)).pvW).toEqual([100, 200]);
    await s.close();
  });

  it("records runs, gaps and audit entries", async () => {
    const s = new SqliteStorage(":memory:");
    await s.recordRun({ source: "a", kind: "poll", startedAt: 1, finishedAt: 2, ok: true, items: 1, errorClass: null, error: null });
    await s.recordRun({
      source: "a",
      kind: "poll",
      startedAt: 3,
      finishedAt: 4,
      ok: false,
      items: 0,
      errorClass: "TimeoutError",
      error: "x",
    });
    const [sum] = await s.runSummary();
    expect(sum).toMatchObject({ source: "a", errors: 1, last: { ok: false }, lastOk: { startedAt: 1 } });
    const id = await s.recordAudit({
      at: 5,
      system: "alphaess:AL1",
      action: "apply",
      request: { a: 1 },
      plan: null,
      result: { ok: true },
      ok: true,
    });
    expect(await s.audit("alphaess:AL1")).toEqual([
      { id, at: 5, system: "alphaess:AL1", action: "apply", request: { a: 1 }, plan: null, result: { ok: true }, ok: true },
    ]);
    await s.close();
  });
});
