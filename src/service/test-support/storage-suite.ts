import { afterEach, describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../storage/migrations.js";
import type { ForecastRow, PriceRow, SampleRow, Storage } from "../storage/types.js";

/**
 * The storage contract, run against every backend (SQLite file and memory, PostgreSQL): each test opens a fresh,
 * empty storage with `open` and closes it. A new Storage method gets its test here, so both backends prove it.
 */
export function describeStorage(name: string, open: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    const opened: Storage[] = [];
    const fresh = async () => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it("stores usage once per channel and interval; a later billable read replaces the estimate", async () => {
      const s = await fresh();
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
      expect(await s.usage({ source: "amber:S", from: T0, to: T0 + 1, channel: "E1" })).toEqual([
        { ...row, kwh: 0.12, quality: "billable" },
      ]);
      expect((await s.usage({ source: "amber:S", from: T0, to: T0 + 1 })).map((u) => u.channel)).toEqual(["B1", "E1"]);
      expect(await s.latestUsageStart("amber:S")).toBe(T0);
      expect(await s.latestUsageStart("amber:X")).toBeUndefined();
      // One batch naming an interval twice: applied in order, as if written one by one.
      expect(
        await s.upsertUsage([
          { ...row, start: T0 + 300_000 },
          { ...row, start: T0 + 300_000, kwh: 0.2 },
        ]),
      ).toBe(2);
      expect((await s.usage({ source: "amber:S", from: T0 + 300_000, to: T0 + 300_001 }))[0]?.kwh).toBe(0.2);
    });

    it("migrates an empty database to the latest schema version", async () => {
      const s = await fresh();
      expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    });

    it("stores the same reading twice as one row", async () => {
      const s = await fresh();
      expect(await s.insertSamples([sample(T0), sample(T0 + 10_000)])).toBe(2);
      expect(await s.insertSamples([sample(T0), sample(T0 + 10_000), sample(T0 + 20_000), sample(T0 + 20_000)])).toBe(1);
      expect((await s.samples("alphaess:AL1", T0, T0 + 60_000)).t).toEqual([T0, T0 + 10_000, T0 + 20_000]);
      expect((await s.latestSample("alphaess:AL1"))?.t).toBe(T0 + 20_000);
      expect(await s.latestSample("alphaess:NONE")).toBeUndefined();
      expect(await s.insertSamples([])).toBe(0);
    });

    it("inserts several callers' batches as one write, each told how many of its own rows were new", async () => {
      const s = await fresh();
      const march = Date.UTC(2026, 2, 3);
      const gw = (t: number, pvW = 1000): SampleRow => ({ ...sample(t, pvW), system: "goodwe:GW1" });
      expect(await s.insertSamples([sample(T0)])).toBe(1);
      // Systems and months mixed; copies within a batch, across batches and of a stored row count once, for the first.
      const counts = await s.insertSampleBatches([
        [sample(T0), sample(T0 + 10_000, 1)],
        [sample(T0 + 10_000, 2), gw(march), gw(march)],
        [],
        [gw(march, 3), sample(march), gw(T0)],
      ]);
      expect(counts).toEqual([1, 1, 0, 2]);
      expect((await s.samples("alphaess:AL1", T0, march + 1)).pvW).toEqual([1000, 1, 1000]);
      expect((await s.samples("goodwe:GW1", T0, march + 1)).t).toEqual([T0, march]);
      expect(await s.insertSampleBatches([])).toEqual([]);
      expect(await s.insertSampleBatches([[], []])).toEqual([0, 0]);
      expect(await s.insertSampleBatches([[sample(T0 + 20_000)]])).toEqual([1]);
      // Rows the retention already folded are refused, in a batch as alone.
      await s.applyRetention(T0 + 3_600_000);
      expect(await s.insertSampleBatches([[sample(T0 + 30_000)], [sample(T0 + 3_600_000)]])).toEqual([0, 1]);
    });

    it("records several runs as one write, in their order", async () => {
      const s = await fresh();
      const run = (startedAt: number, ok: boolean) =>
        ({
          source: "a",
          kind: "poll",
          startedAt,
          finishedAt: startedAt + 1,
          ok,
          items: 1,
          errorClass: ok ? null : "E",
          error: null,
        }) as const;
      await s.recordRuns([run(1, true), run(3, false), { ...run(5, true), source: "b" }, run(7, false)]);
      await s.recordRuns([]);
      expect(await s.runSummary()).toEqual([
        { source: "a", errors: 2, last: run(7, false), lastOk: run(1, true) },
        { source: "b", errors: 0, last: { ...run(5, true), source: "b" }, lastOk: { ...run(5, true), source: "b" } },
      ]);
    });

    it("keeps nulls as nulls and every column of a sample", async () => {
      const s = await fresh();
      const row: SampleRow = { system: "goodwe:GW1", t: T0, pvW: 1234.5, loadW: null, gridW: -12.25, batteryW: 0, soc: 0.875, evW: 7000 };
      await s.insertSamples([row]);
      expect(await s.latestSample("goodwe:GW1")).toEqual(row);
      expect(await s.samples("goodwe:GW1", T0, T0 + 1)).toEqual({
        t: [T0],
        pvW: [1234.5],
        loadW: [null],
        gridW: [-12.25],
        batteryW: [0],
        soc: [0.875],
        evW: [7000],
      });
      expect(JSON.parse((await s.samplesJson("goodwe:GW1", T0, T0 + 1)).json)).toEqual(await s.samples("goodwe:GW1", T0, T0 + 1));
      expect(await s.samplesJson("goodwe:NONE", T0, T0 + 1)).toEqual({
        count: 0,
        json: expect.any(String) as string,
      });
      expect(JSON.parse((await s.samplesJson("goodwe:NONE", T0, T0 + 1)).json)).toEqual(emptyColumns);
    });

    it("writes a large batch of many systems in one call", async () => {
      const s = await fresh();
      const rows = Array.from({ length: 2000 }, (_, i) => ({
        ...sample(T0 + (i % 100) * 60_000),
        system: `alphaess:S${Math.floor(i / 100)}`,
      }));
      expect(await s.insertSamples(rows)).toBe(2000);
      expect(await s.insertSamples(rows)).toBe(0);
      expect((await s.samples("alphaess:S7", T0, T0 + 86_400_000)).t).toHaveLength(100);
      expect((await s.listSystems()).map((x) => x.id)).toHaveLength(20);
    });

    it("averages into steps", async () => {
      const s = await fresh();
      await s.insertSamples([sample(T0, 100), sample(T0 + 60_000, 300), sample(T0 + 300_000, 1000)]);
      const h = await s.samples("alphaess:AL1", T0, T0 + 600_000, 300_000);
      expect(h.t).toEqual([T0, T0 + 300_000]);
      expect(h.pvW).toEqual([200, 1000]);
      const j = await s.samplesJson("alphaess:AL1", T0, T0 + 600_000, 300_000);
      expect({ count: j.count, ...(JSON.parse(j.json) as object) }).toEqual({ count: 2, ...h });
      const raw = await s.samplesJson("alphaess:AL1", T0, T0 + 600_000);
      expect(JSON.parse(raw.json)).toEqual(await s.samples("alphaess:AL1", T0, T0 + 600_000));
    });

    it("keeps every price vintage, one row per vintage, and answers the latest", async () => {
      const s = await fresh();
      await s.upsertPrices([price(T0 - 600_000, 20), price(T0 - 300_000, 25)]);
      await s.upsertPrices([price(T0 - 300_000, 26)]); // the firm-up re-read of one vintage replaces it
      expect(await s.upsertPrices([price(T0 - 200_000, 26)])).toBe(0); // unchanged: the earlier vintage still says it
      expect((await s.prices({ from: T0, to: T0 + 1, vintages: "all" })).map((p) => p.perKwhCents)).toEqual([20, 26]);
      expect((await s.prices({ from: T0, to: T0 + 1, vintages: "latest" })).map((p) => p.perKwhCents)).toEqual([26]);
      expect(await s.prices({ from: T0, to: T0 + 1, source: "amber:S1", channel: "general", vintages: "latest" })).toEqual([
        price(T0 - 300_000, 26),
      ]);
      expect(await s.prices({ from: T0, to: T0 + 1, source: "amber:OTHER", vintages: "all" })).toEqual([]);
      expect(await s.latestPriceStart("amber:S1")).toBe(T0);
      expect(await s.latestPriceStart("amber:OTHER")).toBeUndefined();
    });

    /** One day's totals of AL1 (without `readAt`). */
    const energyOfDay = {
      system: "alphaess:AL1",
      date: "2026-01-01",
      pvKwh: 1,
      loadKwh: 2,
      importKwh: 0,
      exportKwh: 0,
      chargeKwh: 0,
      dischargeKwh: null,
    };

    it("keeps the latest energy read of a day", async () => {
      const s = await fresh();
      const e = energyOfDay;
      expect(await s.upsertEnergy([{ ...e, readAt: 2 }])).toBe(1);
      expect(await s.upsertEnergy([{ ...e, pvKwh: 0.5, readAt: 1 }])).toBe(0);
      expect(await s.energy("alphaess:AL1", "2026-01-01", "2026-01-01")).toEqual([{ ...e, readAt: 2 }]);
      await s.upsertEnergy([
        { ...e, date: "2026-01-02", pvKwh: 3, readAt: 5 },
        { ...e, date: "2026-01-02", pvKwh: 4, readAt: 6 },
      ]);
      expect((await s.energy("alphaess:AL1", "2026-01-01", "2026-01-31")).map((r) => r.pvKwh)).toEqual([1, 4]);
    });

    it("upserts several callers' energy rows as one write, each told how many of its own rows were written", async () => {
      const s = await fresh();
      const e = { ...energyOfDay, dischargeKwh: 0 };
      expect(await s.upsertEnergy([{ ...e, readAt: 5 }])).toBe(1);
      // The same day from several callers (and twice in one): applied in order; an older read changes nothing.
      const counts = await s.upsertEnergyBatches([
        [{ ...e, pvKwh: 2, readAt: 6 }],
        [
          { ...e, pvKwh: 0.5, readAt: 4 },
          { ...e, system: "goodwe:G", readAt: 1 },
        ],
        [],
        [
          { ...e, pvKwh: 3, readAt: 7 },
          { ...e, pvKwh: 4, readAt: 8 },
        ],
      ]);
      expect(counts).toEqual([1, 1, 0, 2]);
      expect((await s.energy("alphaess:AL1", "2026-01-01", "2026-01-01")).map((r) => [r.pvKwh, r.readAt])).toEqual([[4, 8]]);
      expect(await s.energy("goodwe:G", "2026-01-01", "2026-01-01")).toEqual([{ ...e, system: "goodwe:G", readAt: 1 }]);
      expect(await s.upsertEnergyBatches([])).toEqual([]);
    });

    it("folds raw samples past retention into 30-minute aggregates and does not count a late copy twice", async () => {
      const s = await fresh();
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
      expect((await s.samples("alphaess:AL1", T0, T0 + 7_200_000, 3_600_000)).pvW).toEqual([150, 300]);
    });

    it("folds only up to the half hour at or before the cut", async () => {
      const s = await fresh();
      await s.insertSamples([sample(T0, 100), sample(T0 + 60_000, 200), sample(T0 + 1_200_000, 600)]);
      expect(await s.applyRetention(T0 + 900_000)).toBe(0); // rounds down to the half hour: nothing yet
      expect(await s.applyRetention(T0 + 1_800_000)).toBe(3);
      expect((await s.samples("alphaess:AL1", T0, T0 + 1_800_000)).pvW).toEqual([300]);
    });

    it("records runs, gaps, audit entries and decisions", async () => {
      const s = await fresh();
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
      await s.recordRun({ source: "b", kind: "backfill", startedAt: 5, finishedAt: 6, ok: false, items: 0, errorClass: "E", error: null });
      expect(await s.runSummary()).toEqual([
        {
          source: "a",
          errors: 1,
          last: { source: "a", kind: "poll", startedAt: 3, finishedAt: 4, ok: false, items: 0, errorClass: "TimeoutError", error: "x" },
          lastOk: { source: "a", kind: "poll", startedAt: 1, finishedAt: 2, ok: true, items: 1, errorClass: null, error: null },
        },
        {
          source: "b",
          errors: 1,
          last: { source: "b", kind: "backfill", startedAt: 5, finishedAt: 6, ok: false, items: 0, errorClass: "E", error: null },
          lastOk: null,
        },
      ]);
      await s.recordGap({ system: "alphaess:AL1", from: 10, to: 20, reason: "first" });
      await s.recordGap({ system: "alphaess:AL1", from: 10, to: 30, reason: "again" });
      await s.recordGap({ system: "Z:1", from: 5, to: 6, reason: "z" });
      expect(await s.gaps("alphaess:AL1")).toEqual([{ system: "alphaess:AL1", from: 10, to: 30, reason: "again" }]);
      expect((await s.gaps()).map((g) => g.system)).toEqual(["Z:1", "alphaess:AL1"]); // bytewise order, as SQLite
      const id = await s.recordAudit({
        at: 5,
        system: "alphaess:AL1",
        action: "apply",
        request: { a: 1 },
        plan: null,
        result: { ok: true },
        ok: true,
      });
      const id2 = await s.recordAudit({
        at: 6,
        system: "goodwe:G",
        action: "plan",
        request: { b: [1, 2] },
        plan: { p: "x" },
        result: undefined,
        ok: null,
      });
      expect(id2).toBeGreaterThan(id);
      expect(await s.audit("alphaess:AL1")).toEqual([
        { id, at: 5, system: "alphaess:AL1", action: "apply", request: { a: 1 }, plan: null, result: { ok: true }, ok: true },
      ]);
      expect((await s.audit()).map((a) => a.id)).toEqual([id2, id]);
      expect(await s.audit(undefined, 1)).toEqual([
        { id: id2, at: 6, system: "goodwe:G", action: "plan", request: { b: [1, 2] }, plan: { p: "x" }, result: null, ok: null },
      ]);
      await s.recordDecision({ at: T0, system: "alphaess:AL1", mode: "advise", action: "hold", reason: "first", detail: {} });
      const d = await s.recordDecision({
        at: T0 + 1,
        system: "alphaess:AL1",
        mode: "advise",
        action: "advise",
        reason: "second",
        detail: { x: 1 },
      });
      await s.recordDecision({ at: T0 + 2, system: "goodwe:G", mode: "control", action: "write", reason: "third", detail: null });
      expect(await s.latestDecisions("alphaess:AL1")).toEqual([
        { id: d, at: T0 + 1, system: "alphaess:AL1", mode: "advise", action: "advise", reason: "second", detail: { x: 1 } },
      ]);
      expect((await s.latestDecisions()).map((x) => [x.system, x.reason, x.detail])).toEqual([
        ["alphaess:AL1", "second", { x: 1 }],
        ["goodwe:G", "third", null],
      ]);
    });

    it("keeps every issue of a load or PV forecast interval, replaces a repeat, filters and orders", async () => {
      const s = await fresh();
      const H = 3_600_000;
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
      const batch = [
        row({}),
        row({ issuedAt: T0 + 0.5 * H, value: 1200 }),
        row({ quantity: "loadW", value: 500 }),
        row({ source: "open-meteo", value: null }),
        row({ system: "goodwe:B", start: T0 + 2 * H }),
      ];
      expect(await s.recordForecast(batch)).toBe(5);
      expect(await s.recordForecast([row({ value: 900 })])).toBe(1);
      const pv = await s.forecasts({ from: T0, to: T0 + 2 * H, system: "alphaess:A", quantity: "pvW", source: "history" });
      expect(pv.map((r) => [r.issuedAt - T0, r.value])).toEqual([
        [0, 900],
        [0.5 * H, 1200],
      ]);
      expect(await s.forecasts({ from: T0, to: T0 + 2 * H, source: "open-meteo" })).toEqual([row({ source: "open-meteo", value: null })]);
      expect(await s.forecasts({ from: T0, to: T0 + 3 * H })).toHaveLength(5);
      expect(await s.forecasts({ from: T0 + 2 * H, to: T0 + 3 * H })).toEqual([row({ system: "goodwe:B", start: T0 + 2 * H })]);
      expect(await s.forecasts({ from: T0, to: T0 + H })).toEqual([]);
      // Kept as long as raw samples: retention drops forecast intervals before the cut.
      await s.applyRetention(T0 + 1.5 * H);
      expect((await s.forecasts({ from: T0, to: T0 + 3 * H })).map((r) => r.system)).toEqual(["goodwe:B"]);
    });

    it("lists systems with their settings and the time of their newest sample", async () => {
      const s = await fresh();
      await s.upsertSystems([
        {
          id: "goodwe:G",
          vendor: "goodwe",
          device: "G",
          name: "Shed",
          timeZone: "Australia/Sydney",
          capabilities: ["read"],
          cadenceMs: 60_000,
          lastSeen: 5,
        },
        {
          id: "alphaess:AL1",
          vendor: "alphaess",
          device: "AL1",
          name: null,
          timeZone: null,
          capabilities: [],
          cadenceMs: null,
          lastSeen: null,
        },
      ]);
      await s.insertSamples([sample(T0)]);
      await s.upsertSystems([
        {
          id: "goodwe:G",
          vendor: "goodwe",
          device: "G",
          name: "Barn",
          timeZone: "Australia/Sydney",
          capabilities: ["read", "write"],
          cadenceMs: 30_000,
          lastSeen: null,
        },
      ]);
      expect(await s.listSystems()).toEqual([
        {
          id: "alphaess:AL1",
          vendor: "alphaess",
          device: "AL1",
          name: null,
          timeZone: null,
          capabilities: [],
          cadenceMs: null,
          lastSeen: T0,
          retiredAt: null,
        },
        {
          id: "goodwe:G",
          vendor: "goodwe",
          device: "G",
          name: "Barn",
          timeZone: "Australia/Sydney",
          capabilities: ["read", "write"],
          cadenceMs: 30_000,
          lastSeen: 5,
          retiredAt: null,
        },
      ]);
    });

    it("retires systems with their history kept, and brings one listed again back into service", async () => {
      const s = await fresh();
      const system = (id: string) => ({
        id,
        vendor: "alphaess",
        device: id.slice("alphaess:".length),
        name: null,
        timeZone: null,
        capabilities: ["read"],
        cadenceMs: 60_000,
        lastSeen: null,
      });
      await s.upsertSystems([system("alphaess:AL1"), system("alphaess:AL2")]);
      await s.insertSamples([sample(T0)]);
      const day = { date: "2026-01-01", pvKwh: 1, loadKwh: 2, importKwh: 0, exportKwh: 0, chargeKwh: 0, dischargeKwh: 0, readAt: T0 };
      await s.upsertEnergy([{ system: "alphaess:AL1", ...day }]);
      const retired = async () => Object.fromEntries((await s.listSystems()).map((x) => [x.id, x.retiredAt]));
      expect(await retired()).toEqual({ "alphaess:AL1": null, "alphaess:AL2": null });
      // Retired once: a second retirement keeps the first instant; an unknown id is ignored.
      expect(await s.retireSystems(["alphaess:AL1", "alphaess:nope"], T0 + 1_000)).toBe(1);
      expect(await s.retireSystems(["alphaess:AL1"], T0 + 2_000)).toBe(0);
      expect(await s.retireSystems([], T0)).toBe(0);
      expect(await retired()).toEqual({ "alphaess:AL1": T0 + 1_000, "alphaess:AL2": null });
      // Its history stays readable, and listing keeps the rest of the row.
      expect((await s.samples("alphaess:AL1", T0, T0 + 1)).t).toEqual([T0]);
      expect(await s.energy("alphaess:AL1", "2026-01-01", "2026-01-01")).toHaveLength(1);
      expect((await s.listSystems()).find((x) => x.id === "alphaess:AL1")).toMatchObject({ lastSeen: T0, cadenceMs: 60_000 });
      // Back in service: explicitly, or by being upserted again (listed by its vendor).
      expect(await s.retireSystems(["alphaess:AL1"], null)).toBe(1);
      expect(await s.retireSystems(["alphaess:AL1"], null)).toBe(0);
      await s.retireSystems(["alphaess:AL1", "alphaess:AL2"], T0 + 3_000);
      await s.upsertSystems([system("alphaess:AL2")]);
      expect(await retired()).toEqual({ "alphaess:AL1": T0 + 3_000, "alphaess:AL2": null });
      // An upsert may also carry the instant (a copy of a retired row).
      await s.upsertSystems([{ ...system("alphaess:AL3"), retiredAt: T0 + 4_000 }]);
      expect((await retired())["alphaess:AL3"]).toBe(T0 + 4_000);
    });
  });
}

export const T0 = Date.UTC(2026, 0, 1);

const emptyColumns = { t: [], pvW: [], loadW: [], gridW: [], batteryW: [], soc: [], evW: [] };

export const sample = (t: number, pvW = 1000): SampleRow => ({
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
