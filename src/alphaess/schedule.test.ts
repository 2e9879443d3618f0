import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import type { BatterySchedule } from "../model/types.js";
import { batteryControlLimits, fromWeeklySchedule, toWeeklyInput, validateUnifiedSchedule } from "./schedule.js";
import { alphaEssTestbed, type AlphaEssTestbed } from "./test-support/testbed.js";

const SN = "AL70110230306xx";
const legacy = batteryControlLimits("legacy", 30);
const weekly = batteryControlLimits("weekly", 30);

const base: BatterySchedule = {
  charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }] },
  discharge: { timeControl: true, stopLevel: 0.2, windows: [{ start: "17:00", end: "21:00" }] },
};
const withCharge = (windows: unknown[]): BatterySchedule => ({ ...base, charge: { ...base.charge, windows } as BatterySchedule["charge"] });

function refusal(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("not refused");
}

describe("a unified schedule on each AlphaESS backend", () => {
  it("the default backend refuses per-window power, weekdays and a third window, naming itself and why", () => {
    expect(refusal(() => validateUnifiedSchedule(withCharge([{ start: "01:00", end: "05:00", powerW: 2000 }]), legacy)).message).toMatch(
      /^AlphaESS charge\/discharge settings \(default backend\) cannot take this schedule: .*no per-window power/,
    );
    expect(
      refusal(() => validateUnifiedSchedule(withCharge([{ start: "01:00", end: "05:00", weekdays: ["mon"] }]), legacy)).message,
    ).toMatch(/default backend.*runs every window every day/);
    const three = [
      { start: "01:00", end: "02:00" },
      { start: "03:00", end: "04:00" },
      { start: "05:00", end: "06:00" },
    ];
    expect(refusal(() => validateUnifiedSchedule(withCharge(three), legacy)).message).toMatch(/default backend.*3 windows.*at most 2/);
    expect(refusal(() => validateUnifiedSchedule(withCharge([three[0], { start: "01:30", end: "02:30" }]), legacy)).field).toBe(
      "charge.windows",
    );
  });

  it("the weekly backend takes power and weekdays, refuses empty lists and off flags with windows", () => {
    const ok = validateUnifiedSchedule(withCharge([{ start: "01:00", end: "05:00", powerW: 3000, weekdays: ["fri", "mon"] }]), weekly);
    expect(ok.charge.windows).toEqual([{ start: "01:00", end: "05:00", powerW: 3000, weekdays: ["mon", "fri"] }]);
    // Every day is no limit at all.
    const everyDay = validateUnifiedSchedule(
      withCharge([{ start: "01:00", end: "05:00", weekdays: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] }]),
      weekly,
    );
    expect(everyDay.charge.windows).toEqual([{ start: "01:00", end: "05:00" }]);
    expect(refusal(() => validateUnifiedSchedule(withCharge([]), weekly)).message).toMatch(
      /^AlphaESS AU\/NZ\/UK weekly schedule cannot take this schedule: charge has no windows/,
    );
    expect(
      refusal(() => validateUnifiedSchedule({ ...base, discharge: { ...base.discharge, timeControl: false } }, weekly)).message,
    ).toMatch(/discharge.timeControl is false/);
    expect(refusal(() => validateUnifiedSchedule({ ...base, discharge: { ...base.discharge, stopLevel: 0.05 } }, weekly)).field).toBe(
      "discharge.stopLevel",
    );
    const seven = Array.from({ length: 7 }, (_, i) => ({ start: `0${i}:00`, end: `0${i}:30` }));
    expect(refusal(() => validateUnifiedSchedule(withCharge(seven), weekly)).message).toMatch(/7 windows.*at most 6/);
  });

  it("maps onto the periodic schedule and back: daily without weekdays, weekly with them", () => {
    const daily = toWeeklyInput(base);
    expect(daily).toEqual({
      cycle: "daily",
      gridCharge: true,
      dischargeTimeControl: true,
      charge: [{ start: "01:00", end: "05:00", limit: 0.9 }],
      discharge: [{ start: "17:00", end: "21:00", limit: 0.2 }],
    });
    const schedule = withCharge([{ start: "01:00", end: "05:00", powerW: 3000, weekdays: ["sat", "sun"] }]);
    const input = toWeeklyInput(schedule);
    expect(input.cycle).toBe("weekly");
    expect(input.charge[0]).toEqual({ start: "01:00", end: "05:00", weekdays: [6, 7], powerW: 3000, limit: 0.9 });
    expect(input.discharge[0]!.weekdays).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The read answers 0 for the flags (null here): a side with periods is on.
    expect(fromWeeklySchedule({ ...input, gridCharge: null, dischargeTimeControl: null })).toEqual(schedule);
    expect(fromWeeklySchedule({ cycle: "daily", gridCharge: null, dischargeTimeControl: null, charge: [], discharge: [] })).toEqual({
      charge: { fromGrid: false, stopLevel: 1, windows: [] },
      discharge: { timeControl: false, stopLevel: 0.1, windows: [] },
    });
  });
});

describe("planning refuses before anything is read or sent", () => {
  let bed: AlphaEssTestbed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it("on both backends, and converts once: one read per config", async () => {
    bed = await alphaEssTestbed();
    await expect(bed.api.system(SN).planBatterySchedule(withCharge([{ start: "01:00", end: "05:00", weekdays: ["mon"] }]))).rejects.toThrow(
      /default backend/,
    );
    await expect(bed.api.system(SN, { backend: "weekly" }).planBatterySchedule(withCharge([]))).rejects.toThrow(/weekly schedule/);
    expect(bed.requests()).toHaveLength(0);
    await bed.api.system(SN).planBatterySchedule(base);
    expect(
      bed
        .requests()
        .map((r) => r.path)
        .sort(),
    ).toEqual(["/api/getChargeConfigInfo", "/api/getDisChargeConfigInfo"]);
  });

  it("the weekly backend plans one setTimeChargeBySn with the flags on and applies it", async () => {
    bed = await alphaEssTestbed({ sim: { systems: [{ serialNumber: SN, legacyWritesIgnored: true }] } });
    const system = bed.api.system(SN, { backend: "weekly" });
    const plan = await system.planBatterySchedule(withCharge([{ start: "01:00", end: "05:00", powerW: 2500 }]));
    expect(plan.writes.map((w) => w.target)).toEqual(["POST setTimeChargeBySn"]);
    expect(plan.writes[0]!.payload).toEqual({
      sysSn: SN,
      executeCycleType: 0,
      chargeTimeList: [{ beginTime: "01:00", endTime: "05:00", chargePower: 2500, chargeLimit: 90 }],
      dischargeTimeList: [{ beginTime: "17:00", endTime: "21:00", chargeLimit: 20 }],
      gridChargeCycle: 1,
      ctrDisCycle: 1,
    });
    const result = await system.applyPlan(plan);
    expect(result.ok).toBe(true);
    expect(bed.sim.state(SN).periodic).toMatchObject({ gridChargeCycle: 1, ctrDisCycle: 1 });
  });
});
