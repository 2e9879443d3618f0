import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isOnGrid } from "../../core/time/schedule-grid.js";
import type { OptimizeInput } from "../optimizer/input.js";
import { optimizeBattery } from "../optimizer/optimize.js";
import { batteryControlLimits, validateUnifiedSchedule } from "../../alphaess/schedule.js";
import { validateSchedule } from "../../goodwe/schedule.js";
import { simulateSchedule } from "./behaviour.js";
import { compileSchedule } from "./compile.js";
import { sameSchedule } from "./near-term.js";

const START = Date.parse("2026-03-01T00:00:00+10:00");

/** A day at 30 minutes: cheap night, solar midday, an evening peak. */
function day(o: { peak?: number; night?: number; pvScale?: number; soc?: number } = {}): OptimizeInput {
  return {
    intervals: Array.from({ length: 48 }, (_, t) => {
      const hour = t / 2;
      const price = hour >= 17 && hour < 21 ? (o.peak ?? 55) : hour < 5 ? (o.night ?? 12) : hour >= 10 && hour < 15 ? 8 : 25;
      return {
        start: `${new Date(START + t * 1_800_000 + 10 * 3_600_000).toISOString().slice(0, 19)}+10:00`,
        minutes: 30,
        importCentsPerKwh: price,
        exportCentsPerKwh: Math.max(-2, price - 15),
        loadW: hour >= 17 && hour < 22 ? 2500 : hour >= 7 && hour < 9 ? 1800 : 500,
        pvW: hour > 7 && hour < 17 ? (o.pvScale ?? 4000) * Math.sin(((hour - 7) / 10) * Math.PI) : 0,
      };
    }),
    battery: {
      capacityKwh: 10,
      soc: o.soc ?? 0.2,
      minSoc: 0.1,
      maxSoc: 1,
      maxChargeW: 5000,
      maxDischargeW: 5000,
      chargeEfficiency: 0.95,
      dischargeEfficiency: 0.95,
      cycleCostCentsPerKwh: 1,
    },
    grid: { maxImportW: 30000, maxExportW: 30000 },
    endValueCentsPerKwh: 10,
  };
}

describe("compileSchedule", () => {
  it("AlphaESS: at most two charge and two discharge windows on the 15-minute grid, charging in the cheap night", async () => {
    // No PV: the evening peak can only be served from night-time grid energy. An AlphaESS battery never exports.
    const input = day({ pvScale: 0 });
    const plan = await optimizeBattery(input, { batteryExport: false });
    const { schedule, compilationLossCents } = compileSchedule(input, plan, { kind: "alphaess", utcOffsetMinutes: 600 });
    expect(schedule.charge.windows.length).toBeLessThanOrEqual(2);
    expect(schedule.discharge.windows.length).toBeLessThanOrEqual(2);
    for (const w of [...schedule.charge.windows, ...schedule.discharge.windows]) {
      expect(isOnGrid(w.start) && isOnGrid(w.end)).toBe(true);
      expect(w.powerW).toBeUndefined();
    }
    expect(schedule.charge.windows[0]!.start).toBe("00:00");
    expect(compilationLossCents).toBeGreaterThanOrEqual(-1e-6);
    // Against the plan it can follow (no battery export), the windows, left unchanged for 48 h, lose little.
    expect(compilationLossCents).toBeLessThan(0.1 * (plan.baselineCostCents - plan.costCents));
  });

  it("GoodWe: at most four groups in all, each with a power within the limit", async () => {
    const input = day({ peak: 80 });
    const plan = await optimizeBattery(input);
    const { schedule, compilationLossCents } = compileSchedule(input, plan, { kind: "goodwe", utcOffsetMinutes: 600, maxPowerW: 5000 });
    const all = [...schedule.charge.windows, ...schedule.discharge.windows];
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThanOrEqual(4);
    for (const w of all) {
      expect(w.powerW).toBeGreaterThan(0);
      expect(w.powerW).toBeLessThanOrEqual(5000);
    }
    expect(schedule.discharge.timeControl).toBe(false);
    expect(schedule.discharge.stopLevel).toBeGreaterThanOrEqual(0.1);
    expect(compilationLossCents).toBeGreaterThanOrEqual(-1e-6);
  });

  it("no compiled plan beats the optimum (a check of the optimiser as much as of the compiler)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          peak: fc.integer({ min: 10, max: 120 }),
          night: fc.integer({ min: -10, max: 30 }),
          pvScale: fc.integer({ min: 0, max: 8000 }),
          soc: fc.double({ min: 0.1, max: 1, noNaN: true }),
          kind: fc.constantFrom("alphaess" as const, "goodwe" as const),
        }),
        async ({ kind, ...o }) => {
          const input = day(o);
          const plan = await optimizeBattery(input, { method: "lp" });
          const compiled = compileSchedule(input, plan, { kind, utcOffsetMinutes: 600 });
          expect(compiled.compiledCostCents).toBeGreaterThanOrEqual(plan.costCents - 1e-3);
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);

  it("every compiled schedule passes the vendor's own validation (no overlaps, window counts, the grid)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          peak: fc.integer({ min: 10, max: 120 }),
          night: fc.integer({ min: -10, max: 30 }),
          pvScale: fc.integer({ min: 0, max: 8000 }),
          soc: fc.double({ min: 0.1, max: 1, noNaN: true }),
          shift: fc.integer({ min: 0, max: 47 }),
        }),
        async ({ shift, ...o }) => {
          const whole = day(o);
          // Start anywhere in the day, so the near-term window falls on every time of day.
          const input = { ...whole, intervals: whole.intervals.slice(shift) };
          const alpha = compileSchedule(input, await optimizeBattery(input, { batteryExport: false }), {
            kind: "alphaess",
            utcOffsetMinutes: 600,
          });
          expect(() => validateUnifiedSchedule(alpha.schedule, batteryControlLimits("legacy", 0))).not.toThrow();
          const goodwe = compileSchedule(input, await optimizeBattery(input), { kind: "goodwe", utcOffsetMinutes: 600, maxPowerW: 5000 });
          expect(() => validateSchedule(goodwe.schedule)).not.toThrow();
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it("keeps PV out of the battery now when the plan exports it now and charges at the negative-price midday", async () => {
    // 08:00 on: PV surplus 3 kW all day; feed-in earns 10 c until 10:00, then costs 5 c; an evening to serve.
    const input = day({ soc: 0.5 });
    input.intervals = input.intervals.slice(16).map((i, t) => ({
      ...i,
      importCentsPerKwh: t >= 18 ? 40 : 20,
      exportCentsPerKwh: t < 4 ? 10 : t < 12 ? -5 : 5,
      loadW: 500,
      pvW: t < 18 ? 3500 : 0,
    }));
    for (const kind of ["alphaess", "goodwe"] as const) {
      const plan = await optimizeBattery(input, { batteryExport: kind === "goodwe" });
      expect(Math.abs(plan.intervals[0]!.batteryW)).toBeLessThan(100);
      const { schedule } = compileSchedule(input, plan, { kind, utcOffsetMinutes: 600, maxPowerW: 5000 });
      const first = input.intervals[0]!;
      const out = simulateSchedule(schedule, kind, input.battery, [{ ...first, startMs: Date.parse(first.start) }], 0.5, 600);
      // Self-use would charge 3 kW here; the compiled schedule keeps (nearly) all of it out.
      expect(out.batteryW[0]!).toBeGreaterThan(-150);
      const selfUse = simulateSchedule(null, kind, input.battery, [{ ...first, startMs: Date.parse(first.start) }], 0.5, 600);
      expect(selfUse.batteryW[0]!).toBeLessThan(-2900);
    }
  });

  it("keeps what the device holds unless another schedule gains more than the write penalty", async () => {
    const input = day({ pvScale: 0 });
    const plan = await optimizeBattery(input, { batteryExport: false });
    const fresh = compileSchedule(input, plan, { kind: "alphaess", utcOffsetMinutes: 600 });
    // Holding the same schedule: nothing to write.
    const again = compileSchedule(input, plan, { kind: "alphaess", utcOffsetMinutes: 600, current: fresh.schedule, writePenaltyCents: 0 });
    expect(sameSchedule(again.schedule, fresh.schedule)).toBe(true);
    // Holding plain self-use: a prohibitive penalty keeps it, a zero penalty replaces it.
    const kept = compileSchedule(input, plan, { kind: "alphaess", utcOffsetMinutes: 600, current: null, writePenaltyCents: 0 });
    expect(kept.schedule).not.toBeNull();
    const idle = { charge: { fromGrid: false, stopLevel: 1, windows: [] }, discharge: { timeControl: false, stopLevel: 0.1, windows: [] } };
    const stay = compileSchedule(input, plan, { kind: "alphaess", utcOffsetMinutes: 600, current: idle, writePenaltyCents: 1e9 });
    expect(stay.schedule).toBe(idle);
    const move = compileSchedule(input, plan, { kind: "alphaess", utcOffsetMinutes: 600, current: idle, writePenaltyCents: 0 });
    expect(sameSchedule(move.schedule, idle)).toBe(false);
  });

  it("unattended, it picks the schedule that is best left alone over the whole plan", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          peak: fc.integer({ min: 10, max: 120 }),
          pvScale: fc.integer({ min: 0, max: 8000 }),
          soc: fc.double({ min: 0.1, max: 1, noNaN: true }),
        }),
        fc.constantFrom("alphaess" as const, "goodwe" as const),
        async (o, kind) => {
          const input = day(o);
          const plan = await optimizeBattery(input, { batteryExport: kind === "goodwe" });
          const stepwise = compileSchedule(input, plan, { kind, utcOffsetMinutes: 600 });
          const unattended = compileSchedule(input, plan, { kind, utcOffsetMinutes: 600, unattended: true });
          expect(unattended.compiledCostCents).toBeLessThanOrEqual(stepwise.compiledCostCents + 1e-6);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("self-consumption (no schedule) charges from surplus PV and covers the load, never exporting from the battery", () => {
    const input = day();
    const steps = input.intervals.map((i) => ({ ...i, startMs: Date.parse(i.start) }));
    const out = simulateSchedule(null, "alphaess", { ...input.battery }, steps, 0.5, 600);
    out.gridW.forEach((g, t) => {
      const i = input.intervals[t]!;
      if (out.batteryW[t]! > 0) expect(g).toBeGreaterThanOrEqual(-1e-9);
      expect(i.pvW + g + out.batteryW[t]!).toBeCloseTo(i.loadW, 6);
    });
    expect(Math.min(...out.socEnd)).toBeGreaterThanOrEqual(0.1 - 1e-9);
  });
});
