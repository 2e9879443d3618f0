import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResponseFormatError } from "../core/errors/index.js";
import { addDays } from "../core/time/calendar-date.js";
import { wallTimeOf, zonedTimeToInstant } from "../core/time/zoned.js";
import { powerBalanceW } from "../model/helpers.js";
import { toBatterySchedule, toEnergyTotals, toPowerFlow, toPowerHistory } from "./adapter.js";
import { parseEnvelope } from "./envelope.js";
import {
  parseChargingSettings,
  parseDailyEnergy,
  parseDischargingSettings,
  parseEvChargerCurrents,
  parseEvChargers,
  parseEvChargerStatus,
  parsePowerHistory,
  parseRealtimePower,
  parseSystemList,
  parseSystemSummary,
  parseWeeklySchedule,
} from "./parse.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/alphaess");
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), "utf8"));
const data = (name: string): unknown => parseEnvelope(fixture(name), name, 200).data;
const SN = "AL70110230306xx";
const TZ = "Australia/Sydney";
const at = new Date("2026-08-04T09:00:00Z");

/** Every response fixture, by endpoint, through its parser. */
const parsers: Record<string, (d: unknown) => unknown> = {
  getEssList: (d) => parseSystemList(d),
  getLastPowerData: (d) => parseRealtimePower(d, SN, at),
  getOneDayPowerBySn: (d) => parsePowerHistory(d, SN, "2023-06-10", TZ),
  getOneDateEnergyBySn: (d) => parseDailyEnergy(d, SN, "2026-08-04"),
  getSumDataForCustomer: (d) => parseSystemSummary(d, SN),
  getChargeConfigInfo: (d) => parseChargingSettings(d, SN),
  getDisChargeConfigInfo: (d) => parseDischargingSettings(d, SN),
  getTimeChargeBySn: (d) => parseWeeklySchedule(d, SN),
  getEvChargerConfigList: (d) => parseEvChargers(d),
  getEvChargerCurrentsBySn: (d) => parseEvChargerCurrents(d, SN),
  getEvChargerStatusBySn: (d) => parseEvChargerStatus(d, SN, "EV123"),
};

describe("AlphaESS fixtures", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json") && !f.includes(".request.") && f !== "errors.json");

  it("holds the 45 captured files and their INDEX.md", () => {
    expect(readdirSync(dir).filter((f) => f.endsWith(".json"))).toHaveLength(45);
    expect(readFileSync(join(dir, "INDEX.md"), "utf8")).toContain("provenance");
  });

  it.each(files)("%s parses: success into the typed model, errors as envelopes with their code", (file) => {
    const envelope = parseEnvelope(fixture(file), file, 200);
    const endpoint = file.split(".")[0]!;
    if (envelope.code !== 200) {
      expect(envelope.data).toBeNull();
      expect(envelope.msg).toBeTruthy();
      return;
    }
    const parser = parsers[endpoint];
    if (!parser) {
      // Writes and binding: success is data null.
      expect(envelope.data).toBeNull();
      return;
    }
    expect(() => parser(envelope.data)).not.toThrow();
  });

  it("getEssList: models, capacities and usable share as a fraction", () => {
    const [a, b] = parseSystemList(data("getEssList.json"));
    expect(a).toMatchObject({
      serialNumber: "AL70110230306xx",
      inverterModel: "SMILE5-INV",
      pvRatedKw: 9,
      inverterRatedKw: 5,
      batteryCapacityKwh: 13.34,
      usableCapacity: 1,
      emsStatus: "Normal",
    });
    expect(b!.usableCapacity).toBe(0.9);
    expect(b!.raw).toMatchObject({ sysSn: "AL70110230302xx", surplusCobat: 9.09 });
    expect(parseSystemList(data("getEssList.empty.json"))).toEqual([]);
    expect(parseSystemList(data("getEssList.vt1000.json"))[0]).toMatchObject({ emsStatus: "Protection", usableCapacity: 0.95 });
  });

  it("getLastPowerData: signs kept, SOC as a fraction, details, and the evening balance", () => {
    const p = parseRealtimePower(data("getLastPowerData.json"), SN, at);
    expect(p).toMatchObject({ pvW: 0, loadW: 1275, gridW: 11, batteryW: 1264, soc: 0.56, evW: 0, allNull: false, observedAt: at });
    expect(p.gridPhasesW).toEqual([11, 0, 0]);
    expect(p.inverterPhasesW).toEqual([1159, 0, 0]);
    expect(p.pvStringsW).toEqual([0, 0, 0, 0]);
    expect(p.evChargersW).toBeNull(); // every ev*Power null: no charger fitted
    expect(powerBalanceW(toPowerFlow(p))).toBe(0);
    const day = parseRealtimePower(data("getLastPowerData.daytime-export.json"), SN, at);
    expect(day).toMatchObject({ pvW: 757, gridW: -444, soc: 1, batteryW: 0 });
    expect(day.pvStringsW).toEqual([405, 352, 0, 0]);
    expect(day.gridPhasesW).toEqual([-703, 26, 233]);
    expect(day.evChargersW).toEqual([0, 0, 0, 0]);
    expect(p.raw).toEqual(data("getLastPowerData.json"));
  });

  it("getLastPowerData: the Storion-S5 all-null payload is data of nulls, not an error", () => {
    const p = parseRealtimePower(data("getLastPowerData.storion-s5-all-null.json"), "AK1510**********", at);
    expect(p.allNull).toBe(true);
    for (const key of [
      "pvW",
      "loadW",
      "gridW",
      "batteryW",
      "soc",
      "evW",
      "pvStringsW",
      "gridPhasesW",
      "evChargersW",
      "pvDcMeterW",
    ] as const)
      expect(p[key]).toBeNull();
    const flow = toPowerFlow(p);
    expect(flow).toMatchObject({
      pvW: null,
      loadW: null,
      gridW: null,
      batteryW: null,
      soc: null,
      source: { vendor: "alphaess", device: "AK1510**********" },
    });
    expect(powerBalanceW(flow)).toBeNull();
    // data: null with code 200 is the same thing.
    expect(parseRealtimePower(null, SN, at).allNull).toBe(true);
  });

  it("getOneDayPowerBySn: oldest first, uploadTime in the system's zone, cbat and pchargingPile behind our names", () => {
    const h = parsePowerHistory(data("getOneDayPowerBySn.json"), "SN1", "2023-06-10", TZ);
    expect(h.samples).toHaveLength(8);
    const times = h.samples.map((s) => s.at.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(h.samples[0]!.uploadTime).toBe("2023-06-10 23:26:35");
    // 23:26:35 in Sydney (AEST, UTC+10) on 10 June is 13:26:35 UTC.
    expect(h.samples[0]!.at.toISOString()).toBe("2023-06-10T13:26:35.000Z");
    const last = h.samples.at(-1)!;
    expect(last).toMatchObject({ uploadTime: "2023-06-10 23:57:34", loadW: 272, soc: 0.852, feedInW: 0, importW: 0, gridW: 0, evW: 0 });
    const withImport = h.samples.find((s) => s.uploadTime.endsWith("23:47:32"))!;
    expect(withImport.gridW).toBe(1);
    const feeding = h.samples.find((s) => s.uploadTime.endsWith("23:32:30"))!;
    expect(feeding.gridW).toBe(-11);
    const other = parsePowerHistory(data("getOneDayPowerBySn.json"), "SN1", "2023-06-10", "Europe/Berlin");
    expect(other.samples[0]!.at.toISOString()).toBe("2023-06-10T21:26:35.000Z");
  });

  it("getOneDayPowerBySn: newest-first and oldest-first lists both come out oldest first, each sample with its own raw", () => {
    const newestFirst = data("getOneDayPowerBySn.json") as { uploadTime: string }[];
    expect(newestFirst[0]!.uploadTime > newestFirst.at(-1)!.uploadTime).toBe(true);
    const a = parsePowerHistory(newestFirst, "SN1", "2023-06-10", TZ);
    const b = parsePowerHistory([...newestFirst].reverse(), "SN1", "2023-06-10", TZ);
    expect(b.samples.map((x) => x.at)).toEqual(a.samples.map((x) => x.at));
    for (const h of [a, b])
      for (const sample of h.samples) expect((sample.raw as { uploadTime: string }).uploadTime).toBe(sample.uploadTime);
    expect(parsePowerHistory([], "SN1", "2023-06-10", TZ).samples).toEqual([]);
  });

  it("getOneDayPowerBySn: on the fall-back day the repeated hour's second pass is an hour after the first", () => {
    // Sydney leaves daylight saving on 5 April 2026: 03:00 AEDT becomes 02:00 AEST, so 02:00-02:59 happens twice.
    const instants = Array.from({ length: 40 }, (_, i) => Date.parse("2026-04-04T14:32:10Z") + i * 300_000 + (i % 3) * 1000);
    const rows = instants.map((t) => ({
      sysSn: SN,
      uploadTime: wallString(t, TZ),
      ppv: 0,
      load: 300,
      cbat: 50,
      feedIn: 0,
      gridCharge: 300,
      pchargingPile: 0,
    }));
    expect(new Set(rows.map((r) => r.uploadTime.slice(11, 13))).has("02")).toBe(true);
    const h = parsePowerHistory([...rows].reverse(), SN, "2026-04-05", TZ);
    expect(h.samples.map((x) => x.at.getTime())).toEqual(instants);
    expect(h.samples.map((x) => x.uploadTime)).toEqual(rows.map((r) => r.uploadTime));
  });

  it("getOneDayPowerBySn: any day's samples, newest first, come back at their instants (DST days included)", () => {
    const zones = ["Australia/Sydney", "Europe/Berlin", "America/New_York", "Australia/Adelaide"];
    const days = ["2026-04-05", "2026-10-04", "2026-03-29", "2026-10-25", "2026-03-08", "2026-11-01", "2026-08-04"];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...days),
        fc.integer({ min: 1, max: 288 }),
        fc.integer({ min: 0, max: 59 }),
        (zone, day, count, second) => {
          const start = zonedTimeToInstant(day, "00:00", zone).getTime() + second * 1000;
          const end = zonedTimeToInstant(addDays(day, 1), "00:00", zone).getTime();
          const instants = Array.from({ length: count }, (_, i) => start + i * 300_000).filter((t) => t < end);
          const rows = instants.map((t) => ({ uploadTime: wallString(t, zone), ppv: 1, load: 1, cbat: 1, feedIn: 0, gridCharge: 0 }));
          const h = parsePowerHistory(rows.reverse(), SN, day, zone);
          expect(h.samples.map((x) => x.at.getTime())).toEqual(instants);
        },
      ),
    );
  });

  it("getOneDayPowerBySn: the history adapter derives battery power from the balance", () => {
    const h = parsePowerHistory(data("getOneDayPowerBySn.storion-s5.json"), "AK1510**********", "2024-08-20", TZ);
    const flows = toPowerHistory(h);
    expect(flows.map((f) => f.soc)).toEqual([0.312, 0.332]);
    // 09:59: pv 5642, load 666, export 2690 → the battery takes 2286 W (charging, negative).
    expect(flows[1]).toMatchObject({ pvW: 5642, loadW: 666, gridW: -2690, batteryW: -2286 });
    for (const f of flows) expect(powerBalanceW(f)).toBe(0);
  });

  it("getOneDateEnergyBySn: kWh by our names, load derived from the balance (matches eload of the same day)", () => {
    const e = parseDailyEnergy(data("getOneDateEnergyBySn.json"), SN, "2026-08-04");
    expect(e).toMatchObject({
      date: "2026-08-04",
      aggregated: true,
      pvKwh: 10.6,
      chargeKwh: 12.2,
      dischargeKwh: 7.1,
      gridChargeKwh: 9.1,
      importKwh: 14.41,
      exportKwh: 0.42,
      evKwh: 0,
    });
    const summary = parseSystemSummary(data("getSumDataForCustomer.no-tariff.json"), SN);
    expect(e.loadKwh).toBe(summary.loadTodayKwh);
    const withEv = parseDailyEnergy(data("getOneDateEnergyBySn.with-ev.json"), "SN1", "2023-06-10");
    expect(withEv.evKwh).toBe(11.25);
    expect(withEv.loadKwh).toBeCloseTo(30.6 + 0.46 + 7.4 - 1.77 - 10.1 - 11.25, 6);
    expect(toEnergyTotals(e)).toMatchObject({
      date: "2026-08-04",
      pvKwh: 10.6,
      loadKwh: 19.49,
      source: { vendor: "alphaess", device: SN },
    });
    const pending = parseDailyEnergy(null, SN, "2026-08-05");
    expect(pending).toMatchObject({ aggregated: false, date: "2026-08-05", pvKwh: null, loadKwh: null });
  });

  it("getSumDataForCustomer: fractions kept, tariff-less nulls, and garbage ratios as null", () => {
    const s = parseSystemSummary(data("getSumDataForCustomer.json"), SN);
    expect(s).toMatchObject({
      pvTodayKwh: 46.16,
      pvTotalKwh: 17003.14,
      exportTodayKwh: 37.01,
      selfConsumption: 0.47,
      selfSufficiency: 0.52016,
      currency: "EUR",
      co2SavedKg: 14622.7004,
    });
    const none = parseSystemSummary(data("getSumDataForCustomer.no-tariff.json"), SN);
    expect(none).toMatchObject({
      pvTotalKwh: null,
      incomeToday: null,
      currency: null,
      selfConsumption: null,
      treesPlanted: null,
      loadTodayKwh: 19.49,
    });
    const vt = parseSystemSummary(data("getSumDataForCustomer.vt1000-zeros.json"), SN);
    expect(vt.selfSufficiency).toBeNull();
    expect((vt.raw as { eselfSufficiency: number }).eselfSufficiency).toBe(-6.13514);
    expect(vt.selfConsumption).toBe(0);
  });

  it("charge and discharge configs: levels as fractions, periods, and the unified schedule", () => {
    const c = parseChargingSettings(data("getChargeConfigInfo.json"), SN);
    expect(c).toMatchObject({
      stopLevel: 1,
      useGrid: false,
      firstPeriod: { start: "11:00", end: "14:00" },
      secondPeriod: { start: "00:00", end: "00:00" },
    });
    const d = parseDischargingSettings(data("getDisChargeConfigInfo.json"), SN);
    expect(d).toMatchObject({ stopLevel: 0.05, enableTimeControl: false });
    const legacy = parseDischargingSettings(data("getDisChargeConfigInfo.2023.json"), SN);
    expect(legacy).toMatchObject({
      stopLevel: 0.1,
      firstPeriod: { start: "17:00", end: "00:00" },
      secondPeriod: { start: "00:00", end: "08:00" },
    });
    expect(toBatterySchedule(c, d)).toEqual({
      charge: { fromGrid: false, stopLevel: 1, windows: [{ start: "11:00", end: "14:00" }] },
      discharge: { timeControl: false, stopLevel: 0.05, windows: [] },
    });
    expect(parseChargingSettings(data("getChargeConfigInfo.all-disabled.json"), SN).stopLevel).toBe(0.9);
    expect(
      parseChargingSettings(
        { gridCharge: 1, timeChaf1: "01:00", timeChae1: "05:00", timeChaf2: "00:00", timeChae2: "00:00", batHighCap: "95" },
        SN,
      ),
    ).toMatchObject({ stopLevel: 0.95, useGrid: true });
  });

  it("getTimeChargeBySn: periods with weekdays, limits as fractions, cycle flags that read 0 reported as unknown", () => {
    const w = parseWeeklySchedule(data("getTimeChargeBySn.json"), SN);
    expect(w).toMatchObject({ cycle: "weekly", gridCharge: null, dischargeTimeControl: null });
    expect(w.charge).toEqual([{ start: "01:00", end: "05:00", weekdays: [1, 2, 3], powerW: 3000, limit: 0.9 }]);
    expect(w.discharge).toEqual([{ start: "18:00", end: "21:00", weekdays: [1, 2, 3], powerW: 3000, limit: 0.2 }]);
  });

  it("EV chargers: list, current limit and typed status (object or list form)", () => {
    expect(parseEvChargers(data("getEvChargerConfigList.json"))).toEqual([
      { serialNumber: "EV123", model: "SMILE-EVCT11", raw: { evchargerSn: "EV123", evchargerModel: "SMILE-EVCT11" } },
    ]);
    expect(parseEvChargers(data("getEvChargerConfigList.none.json"))).toEqual([]);
    expect(parseEvChargerCurrents(data("getEvChargerCurrentsBySn.json"), SN).currentLimitA).toBe(32);
    expect(parseEvChargerStatus(data("getEvChargerStatusBySn.json"), SN, "EV123")).toMatchObject({
      code: 2,
      state: "preparing",
      canStart: true,
      canStop: false,
    });
    expect(parseEvChargerStatus([{ evchargerStatus: 3 }], SN, "EV123")).toMatchObject({
      state: "charging",
      canStop: true,
      canStart: false,
    });
    expect(parseEvChargerStatus({ evchargerStatus: 7 }, SN, "EV123").state).toBe("unknown");
    expect(parseEvChargerStatus({ evchargerStatus: 9 }, SN, "EV123").state).toBe("faulted");
  });

  it("names the failing path when a field we use is malformed", () => {
    expect(() => parsePowerHistory([{ uploadTime: "yesterday", ppv: 1 }], SN, "2023-06-10", TZ)).toThrow(ResponseFormatError);
    try {
      parseChargingSettings(
        { gridCharge: 1, timeChaf1: 100, timeChae1: "05:00", timeChaf2: "00:00", timeChae2: "00:00", batHighCap: 90 },
        SN,
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ResponseFormatError);
      expect((error as ResponseFormatError).path).toBe("data.timeChaf1");
    }
    expect(() => parseSystemList([{ popv: 1 }])).toThrow(/data\[0\]\.sysSn/);
    expect(() => parseChargingSettings(null, SN)).toThrow(ResponseFormatError);
  });

  it("tolerates unknown fields and the portal spellings", () => {
    const h = parsePowerHistory(
      [
        {
          sysSn: "X",
          uploadTime: "2024-01-01 10:00:00",
          ppv: 1,
          load: 2,
          cobat: 50,
          feedIn: 0,
          gridCharge: 1,
          pChargingPile: 7,
          brandNew: true,
        },
      ],
      "X",
      "2024-01-01",
      TZ,
    );
    expect(h.samples[0]).toMatchObject({ soc: 0.5, evW: 7 });
    expect(parseRealtimePower({ ppv: 1, pevDetail: 0, novel: { a: 1 } }, SN, at)).toMatchObject({ pvW: 1, evChargersW: null, loadW: null });
  });

  it("property: any day series comes out oldest first, with SOC in 0..1 and grid = import − export", () => {
    const sample = fc.record({
      minute: fc.integer({ min: 0, max: 1439 }),
      second: fc.integer({ min: 0, max: 59 }),
      ppv: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 20000 })),
      load: fc.integer({ min: 0, max: 20000 }),
      cbat: fc.oneof(fc.constant(null), fc.double({ min: 0, max: 100, noNaN: true })),
      feedIn: fc.integer({ min: 0, max: 20000 }),
      gridCharge: fc.integer({ min: 0, max: 20000 }),
    });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 40 }), (rows) => {
        const body = rows.map((r) => ({
          sysSn: "X",
          uploadTime: `2024-03-05 ${String(Math.floor(r.minute / 60)).padStart(2, "0")}:${String(r.minute % 60).padStart(2, "0")}:${String(r.second).padStart(2, "0")}`,
          ppv: r.ppv,
          load: r.load,
          cbat: r.cbat,
          feedIn: r.feedIn,
          gridCharge: r.gridCharge,
          pchargingPile: 0,
        }));
        const h = parsePowerHistory(body, "X", "2024-03-05", "UTC");
        expect(h.samples).toHaveLength(rows.length);
        for (let i = 1; i < h.samples.length; i++)
          expect(h.samples[i]!.at.getTime()).toBeGreaterThanOrEqual(h.samples[i - 1]!.at.getTime());
        for (const s of h.samples) {
          if (s.soc !== null) {
            expect(s.soc).toBeGreaterThanOrEqual(0);
            expect(s.soc).toBeLessThanOrEqual(1);
          }
          expect(s.gridW).toBeCloseTo(s.importW! - s.feedInW!, 6);
        }
      }),
    );
  });
});

function wallString(ms: number, zone: string): string {
  const w = wallTimeOf(ms, zone);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}:${p(w.second)}`;
}
