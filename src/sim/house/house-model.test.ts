import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors/index.js";
import { zonedTimeToInstant } from "../../core/time/index.js";
import { VirtualClock } from "../clock/virtual-clock.js";
import { HouseModel } from "./house-model.js";
import type { HouseConfig } from "./types.js";

const TZ = "Australia/Sydney";
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const local = (date: string, time: string) => zonedTimeToInstant(date, time, TZ).getTime();

function config(overrides: Partial<HouseConfig> = {}): HouseConfig {
  return {
    seed: 11,
    timeZone: TZ,
    latitude: -33.9,
    longitude: 151.2,
    pv: { capacityW: 6600, strings: 2 },
    load: { dailyKwh: 16 },
    battery: { capacityKwh: 10, maxChargeW: 5000, maxDischargeW: 5000, roundTripEfficiency: 0.9, minSoc: 0.1, maxSoc: 1, initialSoc: 0.5 },
    ev: null,
    ...overrides,
  };
}

function house(start: number, overrides: Partial<HouseConfig> = {}): { clock: VirtualClock; model: HouseModel } {
  const clock = new VirtualClock({ mode: "manual", start });
  return { clock, model: new HouseModel(config(overrides), clock) };
}

describe("HouseModel over a simulated year", () => {
  it("balances energy, keeps SOC consistent with the counters, and averages dailyKwh", async () => {
    const start = local("2024-07-01", "00:00");
    const { clock, model } = house(start, {
      ev: { maxCurrentA: 32, phases: 1, autoStart: true },
      grid: { phases: 3, exportLimitW: 5000 },
    });
    model.setControl({
      chargeWindows: [{ window: { start: "01:00", end: "04:00" }, fromGrid: true, stopSoc: 0.6, weekdays: [1, 3, 5] }],
      dischargeWindows: [{ window: { start: "16:00", end: "23:00" }, stopSoc: 0.2 }],
    });
    await clock.advance(365 * DAY);
    const t = model.totals();
    const supplied = t.pvKwh + t.importKwh + t.dischargeKwh;
    const used = t.loadKwh + t.evKwh + t.exportKwh + t.chargeKwh;
    expect(Math.abs(supplied - used) / used).toBeLessThan(1e-6);

    const eta = Math.sqrt(0.9);
    const storedChange = (model.now().soc - 0.5) * 10;
    expect(Math.abs(storedChange - (t.chargeKwh * eta - t.dischargeKwh / eta))).toBeLessThan(1e-6 * (t.chargeKwh + t.dischargeKwh));

    expect(t.loadKwh / 365).toBeGreaterThan(16 * 0.95);
    expect(t.loadKwh / 365).toBeLessThan(16 * 1.05);
    expect(t.gridChargeKwh).toBeGreaterThan(0);
    expect(t.gridChargeKwh).toBeLessThanOrEqual(t.chargeKwh);
    expect(t.evKwh).toBeGreaterThan(0);
    // Sydney: roughly 1200-1700 kWh per installed kW per year.
    expect(t.pvKwh / 6.6).toBeGreaterThan(1200);
    expect(t.pvKwh / 6.6).toBeLessThan(1700);

    // Day totals add up to the year, and summer (December-January) outproduces winter (June-July).
    let dayPv = 0;
    let summer = 0;
    let winter = 0;
    for (let d = 0; d < 365; d++) {
      const date = new Date(Date.UTC(2024, 6, 1 + d)).toISOString().slice(0, 10);
      const pv = model.dayTotals(date).pvKwh;
      dayPv += pv;
      if (date >= "2024-12-15" && date < "2025-01-15") summer += pv;
      if (date >= "2025-06-01" && date < "2025-07-01") winter += pv;
    }
    expect(Math.abs(dayPv - t.pvKwh)).toBeLessThan(1e-6 * t.pvKwh);
    expect(summer / 31).toBeGreaterThan(1.4 * (winter / 30));
    expect(model.dayTotals("2030-01-01").pvKwh).toBe(0);
  });
});

describe("HouseModel determinism", () => {
  it("gives identical numbers whatever the query order, including look-ahead", async () => {
    const start = local("2025-01-10", "00:00");
    const overrides: Partial<HouseConfig> = { ev: { maxCurrentA: 16, phases: 3, autoStart: true }, grid: { phases: 3 } };
    const a = house(start, overrides);
    const b = house(start, overrides);

    // a: steps forward in small hops.
    for (let i = 0; i < 48; i++) {
      await a.clock.advance(HOUR);
      a.model.now();
    }
    const aHistory = a.model.history(start, start + 2 * DAY);

    // b: looks three days ahead first, then jumps, then reads the past.
    const ahead = b.model.at(start + 3 * DAY + 5 * MIN);
    const mid = b.model.history(start + DAY, start + 2 * DAY);
    await b.clock.advance(2 * DAY);
    const bHistory = b.model.history(start, start + 2 * DAY);

    expect(bHistory).toEqual(aHistory);
    expect(mid).toEqual(aHistory.slice(aHistory.length / 2));
    expect(b.model.totals()).toEqual(a.model.totals());
    expect(b.model.dayTotals("2025-01-10")).toEqual(a.model.dayTotals("2025-01-10"));
    await a.clock.advance(2 * DAY);
    expect(a.model.at(start + 3 * DAY + 5 * MIN)).toEqual(ahead);
  });

  it("different seeds give different houses", () => {
    const start = local("2025-01-10", "12:00");
    const clock = new VirtualClock({ mode: "manual", start });
    const x = new HouseModel(config({ seed: 1 }), clock).now();
    const y = new HouseModel(config({ seed: 2 }), clock).now();
    expect(x.loadW).not.toBe(y.loadW);
  });
});

describe("HouseModel PV", () => {
  it("is exactly zero at night, positive at noon, and splits over strings", async () => {
    const start = local("2024-12-20", "00:00");
    const { clock, model } = house(start, { pv: { capacityW: 5000, strings: 3 } });
    await clock.advance(DAY);
    const day = model.history(start, start + DAY);
    for (const s of day) {
      const hour = (s.at.getTime() - start) / HOUR;
      if (hour < 4 || hour >= 21) expect(s.pvW).toBe(0);
      expect(s.pvStringsW).toHaveLength(3);
      expect(Math.abs(s.pvStringsW.reduce((x, y) => x + y, 0) - s.pvW)).toBeLessThan(1e-9);
      expect(s.pvW).toBeLessThanOrEqual(5000);
    }
    expect(day.find((s) => s.at.getTime() === local("2024-12-20", "13:00"))!.pvW).toBeGreaterThan(0);
  });
});

describe("HouseModel battery control", () => {
  it("charges from the grid in a 01:00-05:00 window to stopSoc 0.9", async () => {
    const start = local("2024-07-10", "00:00");
    const { clock, model } = house(start, {
      battery: {
        capacityKwh: 10,
        maxChargeW: 5000,
        maxDischargeW: 5000,
        roundTripEfficiency: 0.9,
        minSoc: 0.1,
        maxSoc: 1,
        initialSoc: 0.2,
      },
    });
    model.setControl({ chargeWindows: [{ window: { start: "01:00", end: "05:00" }, fromGrid: true, stopSoc: 0.9 }] });
    await clock.set(local("2024-07-10", "06:00"));
    const before = model.at(local("2024-07-10", "00:59"));
    expect(before.batteryW).toBeGreaterThanOrEqual(0);
    const charging = model.at(local("2024-07-10", "01:30"));
    expect(charging.batteryW).toBeCloseTo(-5000, 6);
    expect(charging.gridW).toBeGreaterThan(5000);
    const end = model.at(local("2024-07-10", "04:59"));
    expect(end.soc).toBeCloseTo(0.9, 9);
    expect(end.batteryW).toBe(0);
    // After the window self-use resumes and covers the (night) load from the battery.
    expect(model.at(local("2024-07-10", "05:30")).batteryW).toBeGreaterThan(0);
    const totals = model.dayTotals("2024-07-10");
    expect(totals.gridChargeKwh).toBeCloseTo(totals.chargeKwh, 9);
    const windowSteps = model.history(local("2024-07-10", "01:00"), local("2024-07-10", "05:00"));
    const chargedKwh = windowSteps.reduce((sum, s) => sum - s.batteryW / 60 / 1000, 0);
    expect(chargedKwh * Math.sqrt(0.9)).toBeCloseTo((0.9 - before.soc) * 10, 9);
  });

  it("charges from surplus PV only, up to stopSoc, in a window without fromGrid", async () => {
    const start = local("2024-12-21", "00:00");
    const { clock, model } = house(start, {
      battery: {
        capacityKwh: 10,
        maxChargeW: 5000,
        maxDischargeW: 5000,
        roundTripEfficiency: 0.9,
        minSoc: 0.1,
        maxSoc: 1,
        initialSoc: 0.3,
      },
    });
    model.setControl({ chargeWindows: [{ window: { start: "00:00", end: "23:45" }, fromGrid: false, stopSoc: 0.7 }] });
    await clock.advance(DAY);
    // The control applies from the second step; the window ends at 23:45.
    const day = model.history(start + MIN, local("2024-12-21", "23:45"));
    for (const s of day) {
      expect(s.batteryW).toBeLessThanOrEqual(0);
      expect(s.soc).toBeLessThanOrEqual(0.7 + 1e-12);
      // Never draws from the grid to charge.
      if (s.batteryW < 0) expect(s.gridW).toBeLessThanOrEqual(1e-9);
    }
    expect(Math.max(...day.map((s) => s.soc))).toBeCloseTo(0.7, 9);
    expect(model.dayTotals("2024-12-21").gridChargeKwh).toBe(0);
  });

  it("with dischargeTimeControl discharges only inside discharge windows, down to their stopSoc", async () => {
    const start = local("2024-07-10", "00:00");
    const { clock, model } = house(start, {
      battery: {
        capacityKwh: 10,
        maxChargeW: 5000,
        maxDischargeW: 5000,
        roundTripEfficiency: 0.9,
        minSoc: 0.1,
        maxSoc: 1,
        initialSoc: 0.95,
      },
    });
    model.setControl({
      dischargeTimeControl: true,
      dischargeWindows: [{ window: { start: "17:00", end: "22:00" }, stopSoc: 0.8, powerW: 2000 }],
    });
    await clock.advance(DAY);
    const day = model.history(start + MIN, start + DAY);
    let discharged = 0;
    for (const s of day) {
      const minute = (s.at.getTime() - start) / MIN;
      const inWindow = minute >= 17 * 60 && minute < 22 * 60;
      if (!inWindow) expect(s.batteryW).toBeLessThanOrEqual(0);
      if (s.batteryW > 0) discharged++;
      expect(s.batteryW).toBeLessThanOrEqual(2000);
      if (inWindow) expect(s.soc).toBeGreaterThanOrEqual(0.8 - 1e-12);
    }
    expect(discharged).toBeGreaterThan(0);
    // Night-time load came from the grid instead.
    expect(model.at(local("2024-07-10", "02:00")).gridW).toBeGreaterThan(0);
  });

  it("respects the export limit by curtailing PV", async () => {
    const start = local("2024-12-21", "00:00");
    const { clock, model } = house(start, {
      pv: { capacityW: 10_000 },
      battery: { capacityKwh: 5, maxChargeW: 2500, maxDischargeW: 2500, roundTripEfficiency: 0.9, minSoc: 0.1, maxSoc: 1, initialSoc: 1 },
    });
    model.setControl({ exportLimitW: 1500 });
    await clock.advance(DAY);
    const day = model.history(start, start + DAY);
    for (const s of day) {
      expect(s.gridW).toBeGreaterThanOrEqual(-1500 - 1e-9);
      expect(Math.abs(s.gridW - (s.loadW + s.evW - s.pvW - s.batteryW))).toBeLessThan(1e-9);
    }
    expect(day.some((s) => s.curtailedW > 0 && Math.abs(s.gridW + 1500) < 1e-9)).toBe(true);
  });

  it("limits a forced discharge to the export limit", async () => {
    const start = local("2024-07-10", "00:00");
    const { clock, model } = house(start, {
      grid: { exportLimitW: 0 },
      battery: {
        capacityKwh: 10,
        maxChargeW: 5000,
        maxDischargeW: 5000,
        roundTripEfficiency: 0.9,
        minSoc: 0.1,
        maxSoc: 1,
        initialSoc: 0.9,
      },
    });
    model.setControl({ mode: "forceDischarge" });
    await clock.advance(3 * HOUR);
    for (const s of model.history(start + MIN, start + 3 * HOUR)) {
      expect(s.gridW).toBeGreaterThanOrEqual(-1e-9);
      expect(s.batteryW).toBeCloseTo(s.loadW, 9);
    }
  });

  it("applies a control from the step after the call, and idle holds the SOC", async () => {
    const start = local("2024-07-10", "02:00");
    const { clock, model } = house(start);
    await clock.advance(10 * MIN + 30_000);
    const t = clock.now();
    model.setControl({ mode: "forceCharge", forcePowerW: 3000 });
    await clock.advance(5 * MIN);
    expect(model.at(t).batteryW).toBeGreaterThan(0);
    expect(model.at(t + MIN).batteryW).toBeCloseTo(-3000, 9);
    model.setControl({ mode: "idle" });
    const soc = model.now().soc;
    await clock.advance(HOUR);
    expect(model.now().soc).toBe(soc);
    expect(model.now().batteryW).toBe(0);
    expect(model.getControl()).toMatchObject({ mode: "idle", forcePowerW: 3000 });
    model.setControl({ forcePowerW: undefined, exportLimitW: undefined });
    expect(model.getControl()).not.toHaveProperty("forcePowerW");
    expect(model.getControl().exportLimitW).toBeNull();
  });

  it("discards look-ahead when a control changes", async () => {
    const start = local("2024-07-10", "02:00");
    const { model } = house(start);
    const ahead = model.at(start + HOUR);
    expect(ahead.batteryW).toBeGreaterThan(0);
    model.setControl({ mode: "forceCharge" });
    expect(model.at(start + HOUR).batteryW).toBeCloseTo(-5000, 9);
  });

  it("rejects invalid controls and changes nothing", () => {
    const { model } = house(local("2024-07-10", "02:00"));
    const before = model.getControl();
    expect(() => model.setControl({ minSoc: 5 })).toThrow(ValidationError);
    expect(() => model.setControl({ chargeWindows: [{ window: { start: "1:00", end: "05:00" }, fromGrid: true, stopSoc: 0.9 }] })).toThrow(
      /chargeWindows\[0\]\.window\.start/,
    );
    expect(() =>
      model.setControl({ dischargeWindows: [{ window: { start: "01:00", end: "05:00" }, stopSoc: 0.2, weekdays: [0] }] }),
    ).toThrow(ValidationError);
    expect(() => model.setControl({ exportLimitW: -1 })).toThrow(ValidationError);
    expect(model.getControl()).toEqual(before);
  });
});

describe("HouseModel time range", () => {
  it("throws RangeError before the start and beyond retention; history skips before the start", async () => {
    const start = local("2024-07-10", "00:00");
    const clock = new VirtualClock({ mode: "manual", start });
    const model = new HouseModel({ ...config(), historyRetentionDays: 1 }, clock);
    expect(() => model.at(start - MIN)).toThrow(RangeError);
    expect(model.history(start - HOUR, start + 2 * MIN)).toHaveLength(2);
    await clock.advance(2 * DAY);
    expect(() => model.at(start + HOUR)).toThrow(RangeError);
    expect(model.at(start + 2 * DAY - HOUR).at.getTime()).toBe(start + 2 * DAY - HOUR);
  });

  it("honours options.start and sums the grid phases", async () => {
    const clock = new VirtualClock({ mode: "manual", start: local("2024-07-10", "12:00") });
    const model = new HouseModel(config({ grid: { phases: 3 }, ev: { maxCurrentA: 32, phases: 1, autoStart: true } }), clock, {
      start: local("2024-07-09", "12:00") + 17_000,
    });
    expect(model.start.getTime()).toBe(local("2024-07-09", "12:00"));
    const day = model.history(model.start, clock.now());
    expect(day).toHaveLength(24 * 60);
    for (const s of day) {
      expect(s.gridPhasesW).toHaveLength(3);
      expect(Math.abs(s.gridPhasesW.reduce((x, y) => x + y, 0) - s.gridW)).toBeLessThan(1e-6);
    }
  });

  it("rejects a bad config", () => {
    const clock = new VirtualClock({ mode: "manual", start: 0 });
    expect(() => new HouseModel(config({ timeZone: "Mars/Olympus" }), clock)).toThrow(/timeZone/);
    expect(() => new HouseModel(config({ stepSeconds: 7 }), clock)).toThrow(/stepSeconds/);
    expect(() => new HouseModel(config({ pv: { capacityW: 5000, strings: 5 } }), clock)).toThrow(/pv.strings/);
  });
});

describe("EvCharger", () => {
  async function untilPlugged(clock: VirtualClock, model: HouseModel): Promise<void> {
    for (let i = 0; i < 14 * 24 * 12 && !model.ev!.state().plugged; i++) await clock.advance(5 * MIN);
    expect(model.ev!.state().plugged).toBe(true);
  }

  it("moves through preparing, charging, suspended, faulted and finishing", async () => {
    const start = local("2025-03-03", "12:00");
    const { clock, model } = house(start, { ev: { maxCurrentA: 32, phases: 1, carBatteryKwh: 8 } });
    const ev = model.ev!;
    expect(ev.state()).toEqual({ status: "available", plugged: false, currentLimitA: 32, powerW: 0, sessionKwh: 0, carSoc: null });
    expect(() => ev.setCurrentLimit(40)).toThrow(RangeError);

    await untilPlugged(clock, model);
    expect(ev.state().status).toBe("preparing");
    await clock.advance(MIN);
    expect(ev.state().powerW).toBe(0);

    ev.setCurrentLimit(16);
    ev.start();
    expect(ev.state().status).toBe("charging");
    expect(model.now().ev?.status).toBe("charging");
    await clock.advance(MIN);
    expect(ev.state().powerW).toBe(16 * 230);
    expect(model.now().evW).toBe(16 * 230);

    ev.setCurrentLimit(3);
    expect(ev.state().status).toBe("suspendedEVSE");
    await clock.advance(MIN);
    expect(ev.state().powerW).toBe(0);
    ev.setCurrentLimit(32);
    expect(ev.state().status).toBe("charging");

    ev.stop();
    expect(ev.state().status).toBe("suspendedEVSE");
    await clock.advance(MIN);
    expect(ev.state().powerW).toBe(0);

    ev.start();
    ev.setFault(true);
    expect(ev.state().status).toBe("faulted");
    await clock.advance(MIN);
    expect(ev.state().powerW).toBe(0);
    ev.start();
    expect(ev.state().status).toBe("faulted");
    // A fault ends the authorisation: the car waits for start() again.
    ev.setFault(false);
    expect(ev.state().status).toBe("preparing");

    ev.start();
    const sessionBefore = ev.state().sessionKwh;
    for (let i = 0; i < 120 && ev.state().status === "charging"; i++) await clock.advance(MIN);
    const full = ev.state();
    expect(full.status).toBe("finishing");
    expect(full.carSoc).toBe(1);
    expect(full.sessionKwh).toBeGreaterThan(sessionBefore);
    ev.start();
    expect(ev.state().status).toBe("suspendedEV");

    for (let i = 0; i < 14 * 24 * 12 && ev.state().plugged; i++) await clock.advance(5 * MIN);
    expect(ev.state()).toMatchObject({ status: "available", plugged: false, carSoc: null, powerW: 0 });
  });

  it("is deterministic given the same calls at the same times", async () => {
    const start = local("2025-03-03", "12:00");
    const runs = [];
    for (let r = 0; r < 2; r++) {
      const { clock, model } = house(start, { ev: { maxCurrentA: 32, phases: 3, carBatteryKwh: 40 } });
      await untilPlugged(clock, model);
      model.ev!.start();
      await clock.advance(3 * HOUR);
      model.ev!.setCurrentLimit(10);
      await clock.advance(3 * HOUR);
      runs.push({ state: model.ev!.state(), totals: model.totals(), at: clock.now() });
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0]!.totals.evKwh).toBeGreaterThan(0);
  });
});
