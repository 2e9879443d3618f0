import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import type { BatterySchedule } from "../model/types.js";
import { VirtualClock } from "../sim/kernel.js";
import { startGoodWeSimulator, type GoodWeSimulatorOptions } from "../sim/goodwe/inverter-simulator.js";
import { GoodWeInverter } from "./inverter.js";
import { GoodWeSystem, scheduleFromGroups } from "./system.js";

const TZ = "Australia/Sydney";
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function setup(options: GoodWeSimulatorOptions = {}) {
  const s = await startGoodWeSimulator(options);
  open.push(s);
  const inverter = await GoodWeInverter.connect({ host: s.host, port: s.udpPort, discoveryPort: s.discoveryPort!, timeoutMs: 200, timeZone: TZ, clock: s.clock });
  open.unshift(inverter);
  return { s, system: new GoodWeSystem(inverter) };
}

const schedule = (over: Partial<{ charge: Partial<BatterySchedule["charge"]>; discharge: Partial<BatterySchedule["discharge"]> }> = {}): BatterySchedule => ({
  charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }], ...over.charge },
  discharge: { timeControl: false, stopLevel: 0.2, windows: [{ start: "17:00", end: "20:00" }], ...over.discharge },
});

describe("GoodWeSystem (EnergySystem)", () => {
  it("reads the power flow and today's totals; other days are refused clearly", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-20T03:00:00Z") });
    const { s, system } = await setup({ clock });
    expect(system.id).toBe("9010KETU00000000");
    expect(system.capabilities().control.batterySchedule).toMatchObject({ maxChargeWindows: 4, gridMinutes: 15 });
    await clock.advance(3600_000);
    const flow = await system.getPowerFlow();
    expect(flow.source).toEqual({ vendor: "goodwe", device: "9010KETU00000000" });
    const totals = await system.getEnergyTotals("2026-01-20");
    expect(totals.pvKwh).toBeCloseTo(s.house.dayTotals("2026-01-20").pvKwh, 1);
    expect(totals.importKwh).toBeCloseTo(s.house.dayTotals("2026-01-20").importKwh, 1);
    await expect(system.getEnergyTotals("2026-01-19")).rejects.toThrow(/only keeps today's counters/);
  });

  it("plans eco groups, DoD and eco mode; applies with read-back; reads the schedule back", async () => {
    const { s, system } = await setup();
    s.clearRequests();
    const plan = await system.planBatterySchedule(schedule());
    expect(s.requests.filter((r) => r.kind === "write")).toHaveLength(0);
    expect(plan.writes.map((w) => w.target)).toEqual(["registers 47547..47552", "registers 47553..47558", "register 45356", "register 47000", "registers 47511..47512"]);
    expect(plan.writes[0]!.payload).toEqual({ register: 47547, values: [0x0100, 0x0500, 0xff7f, 0xff9c, 90, 0] });
    expect(plan.writes[1]!.payload).toEqual({ register: 47553, values: [0x1100, 0x1400, 0xff7f, 100, 100, 0] });
    expect(plan.writes[2]).toMatchObject({ before: 10, after: 20 });
    expect(plan.warnings.join(" ")).toMatch(/eco mode/);

    const dry = await system.applyPlan(plan, { dryRun: true });
    expect(dry.results.every((r) => !r.sent)).toBe(true);
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

  it("refuses schedules GoodWe cannot express, before reading anything", async () => {
    const { s, system } = await setup();
    s.clearRequests();
    const bad: BatterySchedule[] = [
      schedule({ charge: { windows: [{ start: "01:10", end: "05:00" }] } }),
      schedule({ charge: { fromGrid: false } }),
      schedule({ discharge: { timeControl: true } }),
      schedule({ discharge: { stopLevel: 0.05 } }),
      schedule({ charge: { stopLevel: 90 } }),
      schedule({ charge: { windows: [{ start: "01:00", end: "05:00" }, { start: "04:00", end: "06:00" }] } }),
      schedule({ charge: { windows: [1, 2, 3].map((h) => ({ start: `0${h}:00`, end: `0${h}:30` })) }, discharge: { windows: [{ start: "17:00", end: "18:00" }, { start: "19:00", end: "20:00" }] } }),
    ];
    for (const desired of bad) await expect(system.planBatterySchedule(desired), JSON.stringify(desired)).rejects.toThrow(ValidationError);
    expect(s.requests).toHaveLength(0);
  });

  it("a plan for another device is refused", async () => {
    const { system } = await setup();
    const plan = await system.planBatterySchedule(schedule());
    await expect(system.applyPlan({ ...plan, device: "OTHER" })).rejects.toThrow(ValidationError);
  });

  it("midnight-ending windows map to 23:59 and back", () => {
    const sched = scheduleFromGroups(
      [{ start: "22:00", end: "23:59", days: 0x7f, enabled: true, power: -0.5, soc: 0.8, months: 0, scheduleType: 0, unset: false, raw: "" }],
      0.1,
    );
    expect(sched.charge).toEqual({ fromGrid: true, stopLevel: 0.8, windows: [{ start: "22:00", end: "00:00" }] });
  });
});
