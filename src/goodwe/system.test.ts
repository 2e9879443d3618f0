import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import type { BatterySchedule } from "../model/types.js";
import { VirtualClock } from "../sim/kernel.js";
import { startGoodWeSimulator, type GoodWeSimulatorOptions } from "../sim/goodwe/inverter-simulator.js";
import { GoodWeInverter } from "./inverter.js";
import { GoodWeSystem, readScheduleFromGroups, scheduleFromGroups } from "./system.js";

const TZ = "Australia/Sydney";
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function setup(options: GoodWeSimulatorOptions = {}) {
  const s = await startGoodWeSimulator(options);
  open.push(s);
  const inverter = await GoodWeInverter.connect({
    host: s.host,
    port: s.udpPort,
    discoveryPort: s.discoveryPort!,
    timeoutMs: 200,
    timeZone: TZ,
    clock: s.clock,
  });
  open.unshift(inverter);
  return { s, system: new GoodWeSystem(inverter) };
}

const schedule = (
  over: Partial<{ charge: Partial<BatterySchedule["charge"]>; discharge: Partial<BatterySchedule["discharge"]> }> = {},
): BatterySchedule => ({
  charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }], ...over.charge },
  discharge: { timeControl: false, stopLevel: 0.2, windows: [{ start: "17:00", end: "20:00" }], ...over.discharge },
});

describe("GoodWeSystem (EnergySystem)", () => {
  it("reads the power flow and today's totals; other days are refused clearly", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-20T03:00:00Z") });
    const { s, system } = await setup({ clock });
    expect(system.id).toBe("9010KETU00000000");
    expect(system.batteryControl).toMatchObject({ maxChargeWindows: 4, gridMinutes: 15, windowPower: true, maxPowerW: 10000 });
    await clock.advance(3600_000);
    const flow = await system.getPowerFlow();
    expect(flow.source).toEqual({ vendor: "goodwe", device: "9010KETU00000000" });
    const totals = await system.getEnergyTotals("2026-01-20");
    expect(totals.pvKwh).toBeCloseTo(s.house.dayTotals("2026-01-20").pvKwh, 1);
    expect(totals.importKwh).toBeCloseTo(s.house.dayTotals("2026-01-20").importKwh, 1);
    await expect(system.getEnergyTotals("2026-01-19")).rejects.toThrow(/only keeps today's counters/);
  });

  it("reports a write whose outcome is unknown as sent: null (timed out, read-back failed)", async () => {
    const { s, system } = await setup();
    const plan = await system.planBatterySchedule(schedule());
    // The first write is applied but never answered, and neither is anything after it.
    s.setFaults({ dropReplies: 100 });
    const result = await system.applyPlan(plan);
    expect(result.results[0]).toMatchObject({ sent: null, taken: null });
    expect(result.results[0]!.error).toMatch(/Reading back failed/);
    expect(result.results.slice(1).every((r) => r.sent === false)).toBe(true);
    expect(result.ok).toBe(false);
  });

  it("plans eco groups, DoD and eco mode; applies with read-back; reads the schedule back", async () => {
    const { s, system } = await setup();
    s.clearRequests();
    const plan = await system.planBatterySchedule(schedule());
    expect(s.requests.filter((r) => r.kind === "write")).toHaveLength(0);
    expect(plan.writes.map((w) => w.target)).toEqual([
      "registers 47547..47552",
      "registers 47553..47558",
      "register 45356",
      "register 47000",
      "registers 47511..47512",
    ]);
    expect(plan.writes[0]!.payload).toEqual({ register: 47547, values: [0x0100, 0x0500, 0xff7f, 0xff9c, 90, 0] });
    expect(plan.writes[1]!.payload).toEqual({ register: 47553, values: [0x1100, 0x1400, 0xff7f, 100, 100, 0] });
    expect(plan.writes[2]).toMatchObject({ before: 10, after: 20 });
    expect(plan.warnings.join(" ")).toMatch(/eco mode/);

    const dry = await system.applyPlan(plan, { dryRun: true });
    expect(dry.results.every((r) => !r.sent)).toBe(true);
    // A dry run is ok when every planned write passed its checks (the model's contract).
    expect(dry.ok).toBe(true);
    expect(s.requests.filter((r) => r.kind === "write")).toHaveLength(0);

    const applied = await system.applyPlan(plan);
    expect(applied.ok).toBe(true);
    expect(applied.results.every((r) => r.sent && r.taken === true)).toBe(true);
    expect(await system.getBatterySchedule()).toEqual(schedule());
    expect(s.house.getControl()).toMatchObject({
      minSoc: 0.2,
      chargeWindows: [{ window: { start: "01:00", end: "05:00" }, fromGrid: true, stopSoc: 0.9, powerW: 10000 }],
      dischargeWindows: [{ window: { start: "17:00", end: "20:00" }, stopSoc: 0.2, powerW: 10000 }],
    });
    // Planning the same schedule again changes nothing.
    expect((await system.planBatterySchedule(schedule())).writes).toHaveLength(0);
    // Removing the windows disables the groups and leaves the mode alone.
    const clear = await system.planBatterySchedule(schedule({ charge: { windows: [] }, discharge: { windows: [] } }));
    expect(clear.writes.map((w) => w.target)).toEqual(["registers 47547..47552", "registers 47553..47558"]);
    expect((await system.applyPlan(clear)).ok).toBe(true);
    expect(s.house.getControl().chargeWindows).toEqual([]);
  });

  it("refuses totals for another day before any request (issue 12, item 29)", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-20T03:00:00Z") });
    const { s, system } = await setup({ clock });
    s.clearRequests();
    await expect(system.getEnergyTotals("2026-01-19")).rejects.toThrow(/only keeps today's counters/);
    await expect(system.getEnergyTotals("2026-13-01")).rejects.toThrow(ValidationError);
    expect(s.requests).toHaveLength(0);
  });

  it("refuses an eco group at 25:00 before any request (issue 12, item 29)", async () => {
    const { s, system } = await setup();
    s.clearRequests();
    await expect(system.inverter.setEcoModeGroup(1, { start: "25:00", end: "05:00", power: -0.5 })).rejects.toThrow(ValidationError);
    await expect(system.inverter.setEcoModeGroup(1, { start: "01:00", end: "05:00", power: 2 })).rejects.toThrow(ValidationError);
    expect(s.requests).toHaveLength(0);
  });

  it("window power and weekdays: refused beyond the rating before any write, rounded to whole percent with a warning", async () => {
    const { s, system } = await setup();
    s.clearRequests();
    const over = schedule({ charge: { windows: [{ start: "01:00", end: "05:00", powerW: 12000 }] } });
    await expect(system.planBatterySchedule(over)).rejects.toThrow(
      /GoodWe ET eco mode: charge.windows\[0\].powerW 12000 W is above the inverter's rating of 10000 W/,
    );
    await expect(
      system.planBatterySchedule(schedule({ charge: { windows: [{ start: "01:00", end: "05:00", weekdays: [] }] } })),
    ).rejects.toThrow(/at least one weekday/);
    expect(s.requests.filter((r) => r.kind === "write")).toHaveLength(0);
    const plan = await system.planBatterySchedule(
      schedule({
        charge: { windows: [{ start: "01:00", end: "05:00", powerW: 3333, weekdays: ["sat", "sun"] }] },
        // The same hours on other days do not overlap.
        discharge: { windows: [{ start: "02:00", end: "04:00", weekdays: ["mon"] }] },
      }),
    );
    expect(plan.warnings.join(" ")).toMatch(/3333 W is written as 33 % of 10000 W \(3300 W\)/);
    expect(plan.writes[0]!.description).toMatch(/33 % \(3333 W\) on sun, sat/);
    // Group 1: 01:00–05:00, enabled eco (0xff), days Sunday + Saturday (0x41), power −33 %.
    expect((plan.writes[0]!.payload as { values: number[] }).values.slice(0, 4)).toEqual([0x0100, 0x0500, 0xff41, 0xffdf]);
    expect((await system.applyPlan(plan)).ok).toBe(true);
    expect((await system.getBatterySchedule()).charge.windows).toEqual([
      { start: "01:00", end: "05:00", powerW: 3300, weekdays: ["sat", "sun"] },
    ]);
  });

  it("refuses schedules GoodWe cannot express, before reading anything", async () => {
    const { s, system } = await setup();
    s.clearRequests();
    const bad: BatterySchedule[] = [
      schedule({ charge: { windows: [{ start: "01:10", end: "05:00" }] } }),
      schedule({ charge: { fromGrid: false } }),
      schedule({ discharge: { timeControl: true } }),
      schedule({ discharge: { stopLevel: 0.05 } }),
      schedule({ charge: { stopLevel: 90 } }),
      schedule({
        charge: {
          windows: [
            { start: "01:00", end: "05:00" },
            { start: "04:00", end: "06:00" },
          ],
        },
      }),
      schedule({
        charge: { windows: [1, 2, 3].map((h) => ({ start: `0${h}:00`, end: `0${h}:30` })) },
        discharge: {
          windows: [
            { start: "17:00", end: "18:00" },
            { start: "19:00", end: "20:00" },
          ],
        },
      }),
    ];
    for (const desired of bad) await expect(system.planBatterySchedule(desired), JSON.stringify(desired)).rejects.toThrow(ValidationError);
    expect(s.requests).toHaveLength(0);
  });

  it("refuses a power override outside (0, 1] or off the 0.01 steps, before reading anything", async () => {
    const { s, system } = await setup();
    s.clearRequests();
    for (const power of [-0.5, 0, 1.5, 0.333, Number.NaN]) {
      await expect(system.planBatterySchedule(schedule(), { power }), String(power)).rejects.toThrow(ValidationError);
    }
    expect(s.requests).toHaveLength(0);
    const plan = await system.planBatterySchedule(schedule(), { power: 0.5 });
    expect(plan.writes[0]!.description).toBe("eco group 1: charge 01:00–05:00 at 50 %");
    expect(plan.writes[0]!.payload).toMatchObject({ values: [0x0100, 0x0500, 0xff7f, 0xffce, 90, 0] });
  });

  it("what getBatterySchedule returns can be planned: all-day and off-grid groups are shown on the grid, with notes", async () => {
    const { system } = await setup();
    await system.inverter.setOperationMode("ecoCharge", { power: 0.5, soc: 0.9 });
    const allDay = await system.readBatterySchedule();
    expect(allDay.schedule.charge).toEqual({
      fromGrid: true,
      stopLevel: 0.9,
      windows: [
        { start: "00:00", end: "12:00", powerW: 5000 },
        { start: "12:00", end: "00:00", powerW: 5000 },
      ],
    });
    expect(allDay.notes.join(" ")).toMatch(/runs all day/);
    // The window power read back (50 % of 10 kW) is what planning writes.
    const replanned = await system.planBatterySchedule(allDay.schedule);
    expect(replanned.writes.map((w) => w.target)).toEqual(["registers 47547..47552", "registers 47553..47558"]);
    expect((await system.applyPlan(replanned)).ok).toBe(true);
    expect(await system.getBatterySchedule()).toEqual(allDay.schedule);
    // A group set in the SolarGo app at 01:10–05:05: snapped to the nearest quarter hour.
    await system.inverter.setEcoModeGroup(2, { start: "01:10", end: "05:05", power: -0.5, soc: 0.9 });
    const solarGo = await system.readBatterySchedule();
    expect(solarGo.schedule.charge.windows).toEqual([
      { start: "00:00", end: "12:00", powerW: 5000 },
      { start: "01:15", end: "05:00", powerW: 5000 },
    ]);
    expect(solarGo.notes.join(" ")).toMatch(/Eco group 2 \(01:10–05:05\) is off the 15-minute grid: shown as 01:15–05:00/);
    await expect(system.planBatterySchedule(solarGo.schedule)).rejects.toThrow(/overlap/);
    const fixed = { ...solarGo.schedule, charge: { ...solarGo.schedule.charge, windows: [solarGo.schedule.charge.windows[1]!] } };
    expect((await system.planBatterySchedule(fixed)).writes.map((w) => w.target)).toEqual([
      "registers 47547..47552",
      "registers 47553..47558",
    ]);
  });

  it("a system on an inverter that has not read its device info yet plans for, and applies to, the serial number", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-20T03:00:00Z") });
    const s = await startGoodWeSimulator({ clock });
    open.push(s);
    const inverter = new GoodWeInverter({ host: s.host, port: s.udpPort, family: "ET", timeoutMs: 200, timeZone: TZ, clock });
    open.unshift(inverter);
    const system = new GoodWeSystem(inverter);
    const plan = await system.planBatterySchedule(schedule());
    expect(plan).toMatchObject({ device: "9010KETU00000000", createdAt: new Date("2026-01-20T03:00:00Z") });
    expect(plan.current).toMatchObject({ discharge: { stopLevel: 0.1 } });
    await system.getPowerFlow();
    const applied = await system.applyPlan(plan);
    expect(applied).toMatchObject({ ok: true, device: "9010KETU00000000", appliedAt: new Date("2026-01-20T03:00:00Z") });
  });

  it("a write that does not take is reported with raw register values on both sides", async () => {
    const { s, system } = await setup();
    const plan = await system.planBatterySchedule(schedule());
    s.setFaults({ ignoreWrites: true });
    const applied = await system.applyPlan(plan);
    expect(applied.ok).toBe(false);
    expect(applied.results[0]).toMatchObject({
      sent: true,
      taken: false,
      mismatches: [{ field: "registers 47547..47552", before: [0x0100, 0x0500, 0xff7f, 0xff9c, 90, 0] }],
    });
    expect(applied.results.slice(1).every((r) => r.sent === false)).toBe(true);
  });

  it("a plan for another device is refused", async () => {
    const { system } = await setup();
    const plan = await system.planBatterySchedule(schedule());
    await expect(system.applyPlan({ ...plan, device: "OTHER" })).rejects.toThrow(ValidationError);
  });

  it("reads group times the model cannot show (empty, too short), and power and weekdays as the model has them", () => {
    const group = { days: 0x7f, enabled: true, power: -0.5, soc: 0.8, months: 0, scheduleType: 0, unset: false, raw: "" };
    const { schedule: sched, notes } = readScheduleFromGroups(
      [
        { ...group, start: "05:00", end: "05:00" },
        { ...group, start: "06:01", end: "06:05" },
        { ...group, start: "07:00", end: "08:00", days: 0b0000010 },
        { ...group, start: "23:50", end: "23:59", power: 0.3 },
      ],
      0.07,
      10000,
    );
    // Power as W of the rating, the day mask as weekdays.
    expect(sched.charge.windows).toEqual([{ start: "07:00", end: "08:00", powerW: 5000, weekdays: ["mon"] }]);
    expect(sched.discharge).toEqual({ timeControl: false, stopLevel: 0.07, windows: [{ start: "23:45", end: "00:00", powerW: 3000 }] });
    expect(notes).toHaveLength(3);
    expect(notes.join(" ")).toMatch(/empty window.*shorter than the 15-minute grid.*off the 15-minute grid/s);
    // Without the rating, power below 100 % cannot be shown in W: said in a note.
    const unrated = readScheduleFromGroups([{ ...group, start: "07:00", end: "08:00" }], 0.07);
    expect(unrated.schedule.charge.windows).toEqual([{ start: "07:00", end: "08:00" }]);
    expect(unrated.notes.join(" ")).toMatch(/50 % of a rating this inverter does not report/);
  });

  it("midnight-ending windows map to 23:59 and back", () => {
    const sched = scheduleFromGroups(
      [
        {
          start: "22:00",
          end: "23:59",
          days: 0x7f,
          enabled: true,
          power: -0.5,
          soc: 0.8,
          months: 0,
          scheduleType: 0,
          unset: false,
          raw: "",
        },
      ],
      0.1,
    );
    expect(sched.charge).toEqual({ fromGrid: true, stopLevel: 0.8, windows: [{ start: "22:00", end: "00:00" }] });
  });
});
