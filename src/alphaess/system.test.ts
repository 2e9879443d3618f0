import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { powerBalanceW } from "../model/helpers.js";
import type { BatterySchedule } from "../model/types.js";
import { alphaEssTestbed, type AlphaEssTestbed } from "./test-support/testbed.js";

const SN = "AL70110230306xx";
let bed: AlphaEssTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const desired: BatterySchedule = {
  charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }] },
  discharge: { timeControl: true, stopLevel: 0.2, windows: [{ start: "17:00", end: "21:00" }, { start: "22:00", end: "00:30" }] },
};

describe("AlphaEssSystem (the unified EnergySystem)", () => {
  it("reads power flow, energy totals and history in the unified model", async () => {
    bed = await alphaEssTestbed();
    const system = bed.api.system(SN);
    expect(system).toMatchObject({ vendor: "alphaess", id: SN });
    expect(system.capabilities()).toMatchObject({ read: { powerFlow: true, history: true, prices: false }, control: { batterySchedule: { maxChargeWindows: 2, gridMinutes: 15 } } });
    const flow = await system.getPowerFlow();
    expect(flow.source).toEqual({ vendor: "alphaess", device: SN });
    expect(Math.abs(powerBalanceW(flow)!)).toBeLessThanOrEqual(3);
    const totals = await system.getEnergyTotals("2026-08-03");
    expect(totals.date).toBe("2026-08-03");
    expect(totals.loadKwh).toBeCloseTo(bed.sim.house(SN).dayTotals("2026-08-03").loadKwh, 0);
    const history = await system.getPowerHistory("2026-08-04");
    expect(history.length).toBeGreaterThan(100);
    for (let i = 1; i < history.length; i++) expect(history[i]!.observedAt.getTime()).toBeGreaterThan(history[i - 1]!.observedAt.getTime());
    // The derived battery power has the house's sign (+ discharge, − charge).
    let compared = 0;
    for (const sample of history) {
      const truth = bed.sim.house(SN).at(sample.observedAt).batteryW;
      if (Math.abs(truth) > 200) {
        expect(Math.sign(sample.batteryW!)).toBe(Math.sign(truth));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
    expect(() => bed!.api.system()).toThrow(ValidationError);
  });

  it("plans without writing: changes per field, constraints, and warnings", async () => {
    bed = await alphaEssTestbed({ client: { writeCooldownMs: 30_000 } });
    const system = bed.api.system(SN);
    const plan = await system.planBatterySchedule(desired);
    expect(bed.requests().every((r) => r.method === "GET")).toBe(true);
    expect(plan).toMatchObject({ vendor: "alphaess", device: SN });
    expect(plan.writes.map((w) => w.target)).toEqual(["POST updateChargeConfigInfo", "POST updateDisChargeConfigInfo"]);
    const charge = plan.writes[0]!;
    expect(charge.payload).toEqual({ sysSn: SN, batHighCap: 90, gridCharge: 1, timeChaf1: "01:00", timeChae1: "05:00", timeChaf2: "00:00", timeChae2: "00:00" });
    expect(charge.changes).toEqual(
      expect.arrayContaining([
        { field: "batHighCap", before: 100, after: 90 },
        { field: "gridCharge", before: 0, after: 1 },
        { field: "timeChaf1", before: "00:00", after: "01:00" },
      ]),
    );
    expect(charge.constraints.every((c) => c.ok)).toBe(true);
    expect(plan.warnings.some((w) => w.includes("22:00-00:30") && w.includes("midnight"))).toBe(true);
    // A plan for what is already there needs no write.
    await system.applyPlan(plan);
    expect((await system.planBatterySchedule(desired)).writes).toEqual([]);
    expect(await system.getBatterySchedule()).toEqual(desired);
  });

  it("applies a plan, verifies it, and the house follows", async () => {
    bed = await alphaEssTestbed();
    const system = bed.api.system(SN);
    const plan = await system.planBatterySchedule(desired);
    const dry = await system.applyPlan(plan, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, ok: true });
    expect(dry.results.every((r) => !r.sent)).toBe(true);
    expect(bed.requests().filter((r) => r.method === "POST")).toHaveLength(0);
    const applied = await system.applyPlan(plan);
    expect(applied.ok).toBe(true);
    expect(applied.results.map((r) => [r.sent, r.taken])).toEqual([
      [true, true],
      [true, true],
    ]);
    const control = bed.sim.house(SN).getControl();
    expect(control.chargeWindows).toEqual([{ window: { start: "01:00", end: "05:00" }, fromGrid: true, stopSoc: 0.9 }]);
    expect(control.dischargeWindows.map((w) => w.window)).toEqual([{ start: "17:00", end: "21:00" }, { start: "22:00", end: "00:30" }]);
  });

  it("stops at the first failed write and reports what was not sent", async () => {
    bed = await alphaEssTestbed();
    const system = bed.api.system(SN);
    const plan = await system.planBatterySchedule(desired);
    bed.sim.setOnline(SN, false);
    const result = await system.applyPlan(plan);
    expect(result.ok).toBe(false);
    expect(result.results[0]).toMatchObject({ sent: false, taken: null });
    expect(result.results[0]!.error).toMatch(/6042/);
    expect(result.results[1]).toMatchObject({ sent: false, error: "Not sent because an earlier write failed." });
    expect(bed.requests("updateDisChargeConfigInfo")).toHaveLength(0);
  });

  it("refuses invalid schedules and foreign plans before anything is sent", async () => {
    bed = await alphaEssTestbed();
    const system = bed.api.system(SN);
    const bad = [
      { ...desired, charge: { ...desired.charge, stopLevel: 90 } },
      { ...desired, charge: { ...desired.charge, windows: [{ start: "01:05", end: "05:00" }] } },
      { ...desired, discharge: { ...desired.discharge, windows: [...desired.discharge.windows, { start: "06:00", end: "07:00" }] } },
      { charge: desired.charge } as unknown as BatterySchedule,
    ];
    for (const schedule of bad) await expect(system.planBatterySchedule(schedule)).rejects.toBeInstanceOf(ValidationError);
    expect(bed.requests()).toHaveLength(0);
    const plan = await system.planBatterySchedule(desired);
    await expect(bed.api.system("AL70110230302xx").applyPlan(plan)).rejects.toBeInstanceOf(ValidationError);
    await expect(system.applyPlan({ ...plan, writes: [{ ...plan.writes[0]!, payload: { ...(plan.writes[0]!.payload as object), timeChaf1: "01:07" } }] })).resolves.toMatchObject({ ok: false });
    expect(bed.requests().filter((r) => r.method === "POST")).toHaveLength(0);
  });
});
