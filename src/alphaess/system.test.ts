import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { capabilityNames } from "../model/capabilities.js";
import { powerBalanceW } from "../model/helpers.js";
import type { BatterySchedule } from "../model/types.js";
import { configConstraints } from "./system.js";
import { alphaEssTestbed, type AlphaEssTestbed } from "./test-support/testbed.js";

const SN = "AL70110230306xx";
let bed: AlphaEssTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const desired: BatterySchedule = {
  charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }] },
  discharge: {
    timeControl: true,
    stopLevel: 0.2,
    windows: [
      { start: "17:00", end: "21:00" },
      { start: "22:00", end: "00:30" },
    ],
  },
};

describe("AlphaEssSystem (the unified EnergySystem)", () => {
  it("reads power flow, energy totals and history in the unified model", async () => {
    bed = await alphaEssTestbed();
    const system = bed.api.system(SN);
    expect(system).toMatchObject({ vendor: "alphaess", id: SN, timeZone: "Australia/Sydney" });
    expect(capabilityNames(system).sort()).toEqual(["batterySchedule", "energyTotals", "evCharger", "powerFlow", "powerHistory"]);
    expect(system.batteryControl).toMatchObject({ maxChargeWindows: 2, gridMinutes: 15, windowPower: false, weekdays: false });
    expect(system).toMatchObject({ energyTotalsHistory: true, historyStepMinutes: 5, evCharger: { minCurrentA: 6, maxCurrentA: 100 } });
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
    expect(charge.payload).toEqual({
      sysSn: SN,
      batHighCap: 90,
      gridCharge: 1,
      timeChaf1: "01:00",
      timeChae1: "05:00",
      timeChaf2: "00:00",
      timeChae2: "00:00",
    });
    expect(charge.changes).toEqual(
      expect.arrayContaining([
        { field: "batHighCap", before: 100, after: 90 },
        { field: "gridCharge", before: 0, after: 1 },
        { field: "timeChaf1", before: "00:00", after: "01:00" },
      ]),
    );
    expect(charge.constraints.every((c) => c.ok)).toBe(true);
    expect(plan.warnings.some((w) => w.includes("22:00-00:30") && w.includes("midnight"))).toBe(true);
    expect(plan.current).toEqual({
      charge: { fromGrid: false, stopLevel: 1, windows: [] },
      discharge: { timeControl: false, stopLevel: 0.1, windows: [] },
    });
    // A plan for what is already there needs no write.
    await system.applyPlan(plan);
    expect((await system.planBatterySchedule(desired)).writes).toEqual([]);
    expect(await system.getBatterySchedule()).toEqual(desired);
  });

  it("planning the schedule just read is write-free, wherever the device keeps its windows", async () => {
    bed = await alphaEssTestbed();
    const system = bed.api.system(SN);
    // Slot 1 disabled and slot 2 in use; disabled periods that are not 00:00-00:00.
    Object.assign(bed.sim.state(SN).charge, {
      gridCharge: 1,
      timeChaf1: "00:00",
      timeChae1: "00:00",
      timeChaf2: "01:00",
      timeChae2: "05:00",
      batHighCap: 90,
    });
    Object.assign(bed.sim.state(SN).discharge, {
      ctrDis: 1,
      timeDisf1: "17:00",
      timeDise1: "21:00",
      timeDisf2: "05:00",
      timeDise2: "05:00",
      batUseCap: 20,
    });
    const current = await system.getBatterySchedule();
    expect(current.charge.windows).toEqual([{ start: "01:00", end: "05:00" }]);
    const plan = await system.planBatterySchedule(current);
    expect(plan.writes).toEqual([]);
    expect(plan.current).toEqual(current);
    // Windows listed in another order, or an explicit disabled window, change nothing either.
    const reordered = {
      ...current,
      discharge: { ...current.discharge, windows: [{ start: "09:00", end: "09:00" }, ...current.discharge.windows] },
    };
    expect((await system.planBatterySchedule(reordered)).writes).toEqual([]);
    // A change keeps the held window in its slot and fills the free one.
    const more = await system.planBatterySchedule({
      ...current,
      charge: {
        ...current.charge,
        windows: [
          { start: "13:00", end: "14:00" },
          { start: "01:00", end: "05:00" },
        ],
      },
    });
    expect(more.writes).toHaveLength(1);
    expect(more.writes[0]!.payload).toEqual({
      sysSn: SN,
      batHighCap: 90,
      gridCharge: 1,
      timeChaf1: "13:00",
      timeChae1: "14:00",
      timeChaf2: "01:00",
      timeChae2: "05:00",
    });
    expect(more.writes[0]!.changes.map((c) => c.field)).toEqual(["timeChaf1", "timeChae1"]);
    // An off-grid disabled period on the device is not a reason to write.
    bed.sim.state(SN).charge.timeChaf1 = "13:10";
    bed.sim.state(SN).charge.timeChae1 = "13:10";
    expect((await system.planBatterySchedule(current)).writes).toEqual([]);
    expect(bed.requests().every((r) => r.method === "GET")).toBe(true);
  });

  it("computes each write's constraints from the values it sends", () => {
    const ok = configConstraints({
      stopLevel: 0.9,
      firstPeriod: { start: "01:00", end: "05:00" },
      secondPeriod: { start: "00:00", end: "00:00" },
    });
    expect(ok.map((c) => [c.name, c.ok])).toEqual([
      ["grid", true],
      ["windows", true],
      ["level", true],
    ]);
    const bad = configConstraints({
      stopLevel: 1.5,
      firstPeriod: { start: "01:10", end: "05:00" },
      secondPeriod: { start: "00:00", end: "00:00" },
    });
    expect(bad.map((c) => [c.name, c.ok])).toEqual([
      ["grid", false],
      ["windows", false],
      ["level", false],
    ]);
    const overlap = configConstraints({
      stopLevel: 0.5,
      firstPeriod: { start: "01:00", end: "05:00" },
      secondPeriod: { start: "04:00", end: "06:00" },
    });
    expect(overlap.find((c) => c.name === "windows")).toMatchObject({ ok: false });
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
    expect(control.dischargeWindows.map((w) => w.window)).toEqual([
      { start: "17:00", end: "21:00" },
      { start: "22:00", end: "00:30" },
    ]);
  });

  it("reports a write whose read-back failed as sent (taken unknown), and still sends the next one", async () => {
    bed = await alphaEssTestbed();
    const system = bed.api.system(SN);
    const plan = await system.planBatterySchedule(desired);
    bed.sim.errors.add({ endpoint: "getChargeConfigInfo", code: 6029, times: 1 });
    const result = await system.applyPlan(plan);
    expect(result.ok).toBe(false);
    expect(result.results[0]).toMatchObject({ sent: true, taken: null });
    expect(result.results[0]!.error).toMatch(/Sent, but reading it back failed.*6029/);
    expect(result.results[1]).toMatchObject({ sent: true, taken: true });
    expect(bed.sim.state(SN).charge).toMatchObject({ gridCharge: 1, timeChaf1: "01:00", timeChae1: "05:00", batHighCap: 90 });
  });

  it("says sent: null for a write that may have reached the device, false for one that provably did not", async () => {
    bed = await alphaEssTestbed({ client: { timeoutMs: 300 } });
    const system = bed.api.system(SN);
    const plan = await system.planBatterySchedule(desired);
    const outcomes: unknown[] = [];
    for (const kinds of [["timeout"], ["reset"], ["http502"]] as const) {
      bed.sim.http.faults.add({ method: "POST", path: "/api/updateChargeConfigInfo", kinds: [...kinds], times: 1 });
      const result = await system.applyPlan(plan);
      outcomes.push([result.results[0]!.sent, result.results[1]!.sent]);
    }
    expect(outcomes).toEqual([
      [null, false],
      [null, false],
      [null, false],
    ]);
    bed.sim.errors.add({ endpoint: "updateChargeConfigInfo", code: 6026, times: 1 });
    // Unknown outcome, verified: read back, and the system does not hold it.
    expect((await system.applyPlan(plan)).results[0]).toMatchObject({ sent: null, taken: false });
    bed.sim.errors.add({ endpoint: "updateChargeConfigInfo", code: 6026, times: 1 });
    expect((await system.applyPlan(plan, { verify: false })).results[0]).toMatchObject({ sent: null, taken: null });
    bed.sim.errors.add({ endpoint: "updateChargeConfigInfo", code: 6008, times: 1 });
    expect((await system.applyPlan(plan)).results[0]).toMatchObject({ sent: false, taken: null });
  });

  it("a dry run is ok only when every planned write passes its checks", async () => {
    bed = await alphaEssTestbed({ client: { writeCooldownMs: 30_000 } });
    const system = bed.api.system(SN);
    await bed.api.setChargingSettings(
      { stopLevel: 0.5, useGrid: false, firstPeriod: { start: "00:00", end: "00:00" }, secondPeriod: { start: "00:00", end: "00:00" } },
      SN,
    );
    const plan = await system.planBatterySchedule(desired);
    expect(plan.writes[0]!.constraints.find((c) => c.name === "cooldown")).toMatchObject({ ok: false });
    const dry = await system.applyPlan(plan, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, ok: false });
    expect(dry.results.every((r) => r.sent === false && r.error === undefined)).toBe(true);
    await bed.clock.advance(30_000);
    expect(await system.applyPlan(await system.planBatterySchedule(desired), { dryRun: true })).toMatchObject({ ok: true });
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
    await expect(
      system.applyPlan({
        ...plan,
        writes: [{ ...plan.writes[0]!, payload: { ...(plan.writes[0]!.payload as object), timeChaf1: "01:07" } }],
      }),
    ).resolves.toMatchObject({ ok: false });
    const { batHighCap: _dropped, ...incomplete } = plan.writes[0]!.payload as Record<string, unknown>;
    const partial = await system.applyPlan({ ...plan, writes: [{ ...plan.writes[0]!, payload: incomplete }] });
    expect(partial).toMatchObject({ ok: false, results: [{ sent: false, taken: null }] });
    expect(partial.results[0]!.error).toMatch(/not a complete config \(batHighCap\)/);
    expect(bed.requests().filter((r) => r.method === "POST")).toHaveLength(0);
  });
});
