import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors/index.js";
import { gridBoundCents, solveDp, stepCostCents } from "./dp.js";
import { parseOptimizeInput, type OptimizeInput } from "./input.js";
import { solveExact, TIE_CENTS } from "./lp.js";
import { optimizeBattery } from "./optimize.js";
import { buildProblem, intervalCost } from "./problem.js";
import { SAVINGS_TOLERANCE, solveStages } from "./stages-milp.js";

const LEVELS = 500;
const START = Date.parse("2026-03-01T00:00:00+11:00");

function iso(ms: number): string {
  const local = new Date(ms + 11 * 3_600_000).toISOString().slice(0, 19);
  return `${local}+11:00`;
}

/** Random small problems whose power limits are whole DP steps, so the DP's error bound holds. */
const problemArb = fc
  .record({
    count: fc.integer({ min: 1, max: 5 }),
    prices: fc.array(fc.record({ imp: fc.integer({ min: -40, max: 90 }), spread: fc.integer({ min: -5, max: 40 }) }), {
      minLength: 5,
      maxLength: 5,
    }),
    loads: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 5, maxLength: 5 }),
    pvs: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 6000 })), { minLength: 5, maxLength: 5 }),
    capacity: fc.oneof(fc.constant(0), fc.constant(5), fc.constant(10)),
    socLevel: fc.integer({ min: 0, max: LEVELS }),
    minLevel: fc.integer({ min: 0, max: LEVELS / 2 }),
    maxLevel: fc.integer({ min: LEVELS / 2, max: LEVELS }),
    chargeSteps: fc.integer({ min: 0, max: 200 }),
    dischargeSteps: fc.integer({ min: 0, max: 200 }),
    etaC: fc.constantFrom(1, 0.95, 0.9),
    etaD: fc.constantFrom(1, 0.95, 0.9),
    cycle: fc.constantFrom(0, 2, 5),
    maxExportW: fc.constantFrom(100_000, 5000, 1000, 0),
    maxImportW: fc.constantFrom(100_000, 6000, 2000),
    endValue: fc.integer({ min: -5, max: 30 }),
  })
  .map((r): OptimizeInput => {
    const minutes = 30;
    const h = minutes / 60;
    const step = r.capacity / LEVELS;
    return {
      intervals: Array.from({ length: r.count }, (_, t) => ({
        start: iso(START + t * minutes * 60_000),
        minutes,
        importCentsPerKwh: r.prices[t]!.imp,
        exportCentsPerKwh: r.prices[t]!.imp - r.prices[t]!.spread,
        loadW: r.loads[t]!,
        pvW: r.pvs[t]!,
      })),
      battery: {
        capacityKwh: r.capacity,
        soc: r.socLevel / LEVELS,
        minSoc: r.minLevel / LEVELS,
        maxSoc: r.maxLevel / LEVELS,
        maxChargeW: ((r.chargeSteps * step) / (h * r.etaC)) * 1000,
        maxDischargeW: ((r.dischargeSteps * step * r.etaD) / h) * 1000,
        chargeEfficiency: r.etaC,
        dischargeEfficiency: r.etaD,
        cycleCostCentsPerKwh: r.cycle,
      },
      grid: { maxImportW: r.maxImportW, maxExportW: r.maxExportW },
      endValueCentsPerKwh: r.endValue,
    };
  });

/** Many negative prices: import and feed-in below zero most of the time, PV surplus, export caps. */
const negativeArb = fc
  .record({
    count: fc.integer({ min: 2, max: 12 }),
    imp: fc.array(fc.integer({ min: -60, max: 40 }), { minLength: 12, maxLength: 12 }),
    feedIn: fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 12, maxLength: 12 }),
    loads: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 12, maxLength: 12 }),
    pvs: fc.array(fc.integer({ min: 0, max: 9000 }), { minLength: 12, maxLength: 12 }),
    soc: fc.double({ min: 0, max: 1, noNaN: true }),
    maxExportW: fc.constantFrom(100_000, 5000, 2000, 0),
    cycle: fc.constantFrom(0, 2),
    eta: fc.constantFrom(1, 0.95, 0.9),
    endValue: fc.integer({ min: -5, max: 30 }),
  })
  .map((r): OptimizeInput => ({
    intervals: Array.from({ length: r.count }, (_, t) => ({
      start: iso(START + t * 5 * 60_000),
      minutes: 5,
      importCentsPerKwh: r.imp[t]!,
      exportCentsPerKwh: r.feedIn[t]!,
      loadW: r.loads[t]!,
      pvW: r.pvs[t]!,
    })),
    battery: {
      capacityKwh: 1,
      soc: r.soc,
      minSoc: 0.1,
      maxSoc: 0.9,
      maxChargeW: 5000,
      maxDischargeW: 5000,
      chargeEfficiency: r.eta,
      dischargeEfficiency: r.eta,
      cycleCostCentsPerKwh: r.cycle,
    },
    grid: { maxImportW: 15_000, maxExportW: r.maxExportW },
    endValueCentsPerKwh: r.endValue,
  }));

/** The true cost (no tie-break) of the split-flow MIP's plan (lp.ts: an independent exact formulation). */
async function splitFlowCost(input: OptimizeInput): Promise<number> {
  const problem = buildProblem(input);
  const s = await solveExact(problem);
  let kwh = problem.startKwh;
  let cost = 0;
  s.dischargeKw.forEach((d, t) => {
    const b = d - s.chargeKw[t]!;
    cost += intervalCost(problem, t, b).cents;
    kwh = b >= 0 ? kwh - (b * problem.hours[t]!) / problem.etaDischarge : kwh - b * problem.hours[t]! * problem.etaCharge;
  });
  return cost - problem.endValue * kwh;
}

/** Largest energy the tie-break can distort: TIE_CENTS per kWh charged or discharged. */
function tieBound(input: OptimizeInput): number {
  const kwh = input.intervals.reduce((s, i) => s + ((input.battery.maxChargeW + input.battery.maxDischargeW) / 1000) * (i.minutes / 60), 0);
  return TIE_CENTS * kwh + 1e-6;
}

describe("optimizeBattery", () => {
  it("matches an independent grid DP on random problems (negative prices, export caps, SOC outside bounds, zero capacity)", async () => {
    await fc.assert(
      fc.asyncProperty(problemArb, async (input) => {
        const result = await optimizeBattery(input);
        const reference = solveDp(input, LEVELS, buildProblem(input));
        // The DP only considers feasible plans: the optimum can never cost more.
        // (Up to one grid step's worth where a forced-recovery bound lies off the grid.)
        const oneStep = stepCostCents(input, LEVELS) * input.intervals.length;
        expect(result.costCents).toBeLessThanOrEqual(reference.costCents + tieBound(input) + oneStep + 1e-6);
        // And the DP is at most its grid bound above the optimum.
        expect(reference.costCents - result.costCents).toBeLessThanOrEqual(gridBoundCents(input, LEVELS) * 2 + tieBound(input));
        checkPhysics(input, result);
      }),
      { numRuns: 80 },
    );
  });

  it("matches the independent split-flow MIP within 0.1 % of the savings on problems with many negative prices", async () => {
    await fc.assert(
      fc.asyncProperty(negativeArb, async (input) => {
        const result = await optimizeBattery(input);
        const reference = await splitFlowCost(input);
        const saving = result.baselineCostCents - result.costCents;
        // Never better than the optimum (the reference stops within 0.01 c of it), never worse than the tolerance allows.
        expect(result.costCents).toBeGreaterThanOrEqual(reference - 1e-2 - tieBound(input));
        expect(result.costCents).toBeLessThanOrEqual(reference + SAVINGS_TOLERANCE * Math.max(0, saving) + tieBound(input) + 1e-6);
        expect(result.costCents - result.solver.errorBoundCents).toBeLessThanOrEqual(reference + tieBound(input) + 1e-6);
        checkPhysics(input, result);
      }),
      { numRuns: 150 },
    );
  }, 300_000);

  it("solves the mixed-integer programme to the optimum when no tolerance is allowed", async () => {
    await fc.assert(
      fc.asyncProperty(negativeArb, async (input) => {
        const problem = buildProblem(input);
        const exact = await solveStages(problem, { tolerance: 0 });
        let kwh = problem.startKwh;
        let cost = 0;
        exact.batteryKw.forEach((b, t) => {
          cost += intervalCost(problem, t, b).cents;
          kwh = b >= 0 ? kwh - (b * problem.hours[t]!) / problem.etaDischarge : kwh - b * problem.hours[t]! * problem.etaCharge;
        });
        cost -= problem.endValue * kwh;
        const reference = await splitFlowCost(input);
        expect(Math.abs(cost - reference)).toBeLessThanOrEqual(2e-2 + tieBound(input));
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it("keeps the energy balance, the limits and the bounds in every interval", async () => {
    await fc.assert(
      fc.asyncProperty(problemArb, async (input) => {
        checkPhysics(input, await optimizeBattery(input));
      }),
      { numRuns: 80 },
    );
  });

  it("charges at the cheap price, discharges at the peak, and explains both", async () => {
    const prices = [10, 10, 10, 50, 50, 20];
    const input = simpleInput(prices, { loadW: 2000 });
    const result = await optimizeBattery(input);
    expect(result.intervals.slice(0, 3).every((i) => i.batteryW < 0)).toBe(true);
    expect(result.intervals.slice(3, 5).every((i) => i.batteryW > 0)).toBe(true);
    expect(result.costCents).toBeLessThan(result.baselineCostCents);
    expect(result.explanation.join("\n")).toMatch(/charge 00:00–01:30 .* from the grid at 10 c: the 01:30–03:00 discharge is worth 35 c/);
  });

  it("breaks ties towards charging earlier and discharging later on flat prices with a spread", async () => {
    // Two equally cheap hours, one later peak: the energy is bought in the earlier one.
    const input = simpleInput([10, 10, 40], { loadW: 2000, maxChargeW: 4000, capacityKwh: 1, soc: 0 });
    const result = await optimizeBattery(input);
    expect(result.intervals[0]!.batteryW).toBeLessThan(-1);
    expect(Math.abs(result.intervals[1]!.batteryW)).toBeLessThan(1);
    // Two equally dear hours after a cheap one: the energy is sold in the later one.
    const later = await optimizeBattery(simpleInput([40, 40], { loadW: 2000, maxDischargeW: 4000, capacityKwh: 1, soc: 1, endValue: 0 }));
    expect(Math.abs(later.intervals[0]!.batteryW)).toBeLessThan(1);
    expect(later.intervals[1]!.batteryW).toBeGreaterThan(1);
  });

  it("stays idle on flat prices with losses and says why", async () => {
    const result = await optimizeBattery(simpleInput([20, 20, 20, 20], { loadW: 1000, endValue: 20 * 0.9 }));
    expect(result.intervals.every((i) => Math.abs(i.batteryW) < 1)).toBe(true);
    expect(result.costCents).toBeCloseTo(result.baselineCostCents, 6);
    expect(result.explanation[0]).toMatch(/^idle/);
  });

  it("moves a start SOC below minSoc back inside, and never lower", async () => {
    const result = await optimizeBattery(simpleInput([90, 90, 90, 90], { loadW: 3000, soc: 0.02, minSoc: 0.2, endValue: 0 }));
    const socs = result.intervals.map((i) => i.socEnd);
    expect(socs[0]!).toBeGreaterThan(0.02);
    expect(socs.at(-1)!).toBeGreaterThanOrEqual(0.2 - 1e-9);
  });

  it("never charges and discharges, or imports and exports, in one interval when the price is negative", async () => {
    const input = simpleInput([-30, -30, 20], { loadW: 500, pvW: 6000, soc: 0.95, exportOffset: 0 });
    input.intervals.forEach((i) => (i.exportCentsPerKwh = i.importCentsPerKwh));
    const result = await optimizeBattery(input);
    checkPhysics(input, result);
  });

  it("curtails only at the export cap, and counts the non-convex intervals of negative feed-in", async () => {
    // Feed-in costs 5 c; the battery cannot charge. Out of reach of the cap: nothing is curtailed.
    const outOfReach = simpleInput([20, 20], { loadW: 3000, pvW: 1000, maxChargeW: 0, maxDischargeW: 1000, exportOffset: 25 });
    const a = await optimizeBattery(outOfReach);
    checkPhysics(outOfReach, a);
    expect(a.solver.binaryIntervals).toBe(0);
    expect(a.intervals.every((i) => i.curtailedW === 0)).toBe(true);
    // PV beyond load + the cap: exactly the excess is curtailed, and the cost is convex (no binary).
    const beyond = simpleInput([20, 20], { loadW: 500, pvW: 8000, maxChargeW: 0, maxDischargeW: 5000, exportOffset: 25 });
    const b = await optimizeBattery(beyond);
    checkPhysics(beyond, b);
    expect(b.intervals.map((i) => i.curtailedW)).toEqual([2500, 2500]);
    expect(b.solver.binaryIntervals).toBe(0);
    // PV surplus below the cap: discharging into the cap would let the inverter curtail, a non-convex choice.
    const below = simpleInput([20, 20], { loadW: 500, pvW: 4000, maxChargeW: 5000, maxDischargeW: 5000, exportOffset: 25 });
    const c = await optimizeBattery(below);
    checkPhysics(below, c);
    expect(c.solver.binaryIntervals).toBe(2);
    // Each route: convex (the chain DP alone), certified within the tolerance, and the MIP when none is allowed.
    expect([a.solver.route, b.solver.route]).toEqual(["chain", "chain"]);
    expect(c.solver.route).toBe("certified");
    // A full battery at a −3 c midday: discharging into the cap (so PV is curtailed) and refilling beats exporting, a
    // choice the convex envelope blurs; with no tolerance allowed the MIP decides it.
    const full = simpleInput([9, 9, 9, 9], { loadW: 2000, pvW: 6000, soc: 1, exportOffset: 12, endValue: 15 });
    const exact = await solveStages(buildProblem(full), { tolerance: 0 });
    expect(exact.route).toBe("milp");
    expect(exact.binaryIntervals).toBe(4);
  });

  it.each([
    [{ battery: { capacityKwh: -1 } }, "battery.capacityKwh"],
    [{ battery: { chargeEfficiency: 1.2 } }, "battery.chargeEfficiency"],
    [{ battery: { soc: Number.NaN } }, "battery.soc"],
    [{ grid: { maxExportW: Infinity } }, "grid.maxExportW"],
    [{ battery: { minSoc: 0.9, maxSoc: 0.5 } }, "battery.minSoc"],
    [{ gap: true }, "intervals[1].start"],
    [{ intervalNaN: true }, "intervals[0].loadW"],
    [{ badStart: true }, "intervals[0].start"],
  ])("refuses bad input %j naming %s", async (change, field) => {
    const input = simpleInput([10, 20], {}) as unknown as Record<string, Record<string, unknown>>;
    const c = change as Record<string, unknown>;
    if (c.battery) Object.assign(input.battery!, c.battery);
    if (c.grid) Object.assign(input.grid!, c.grid);
    const intervals = input.intervals as unknown as Record<string, unknown>[];
    if (c.gap) intervals[1]!.start = iso(START + 90 * 60_000);
    if (c.intervalNaN) intervals[0]!.loadW = Number.NaN;
    if (c.badStart) intervals[0]!.start = "2026-03-01 00:00";
    const error = await optimizeBattery(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as Error).message).toContain(field);
  });

  it("parses the JSON contract", () => {
    expect(() => parseOptimizeInput(JSON.parse(JSON.stringify(simpleInput([1], {}))))).not.toThrow();
  });
});

function checkPhysics(input: OptimizeInput, result: Awaited<ReturnType<typeof optimizeBattery>>): void {
  const { battery, grid } = input;
  const problem = buildProblem(input);
  expect(result.intervals).toHaveLength(input.intervals.length);
  result.intervals.forEach((p, t) => {
    const i = input.intervals[t]!;
    expect(i.pvW - p.curtailedW + p.gridW + p.batteryW).toBeCloseTo(i.loadW, 6);
    expect(p.batteryW).toBeLessThanOrEqual(battery.maxDischargeW + 1e-3);
    expect(-p.batteryW).toBeLessThanOrEqual(battery.maxChargeW + 1e-3);
    expect(-p.gridW).toBeLessThanOrEqual(grid.maxExportW + 1e-3);
    expect(p.curtailedW).toBeGreaterThanOrEqual(0);
    if (battery.capacityKwh > 0) {
      // 0.01 Wh: the LP fallback's feasibility tolerance (1e-7, on scaled variables) came to 1e-6 kWh once (seed 1891887170).
      expect(p.socEnd * battery.capacityKwh).toBeGreaterThanOrEqual(problem.lowerKwh[t]! - 1e-5);
      expect(p.socEnd * battery.capacityKwh).toBeLessThanOrEqual(problem.upperKwh[t]! + 1e-5);
    }
  });
}

function simpleInput(
  prices: number[],
  o: {
    loadW?: number;
    pvW?: number;
    capacityKwh?: number;
    soc?: number;
    minSoc?: number;
    maxChargeW?: number;
    maxDischargeW?: number;
    endValue?: number;
    exportOffset?: number;
  },
): OptimizeInput {
  return {
    intervals: prices.map((p, t) => ({
      start: iso(START + t * 30 * 60_000),
      minutes: 30,
      importCentsPerKwh: p,
      exportCentsPerKwh: p - (o.exportOffset ?? 5),
      loadW: o.loadW ?? 1000,
      pvW: o.pvW ?? 0,
    })),
    battery: {
      capacityKwh: o.capacityKwh ?? 10,
      soc: o.soc ?? 0.1,
      minSoc: o.minSoc ?? 0.1,
      maxSoc: 1,
      maxChargeW: o.maxChargeW ?? 5000,
      maxDischargeW: o.maxDischargeW ?? 5000,
      chargeEfficiency: 0.95,
      dischargeEfficiency: 0.95,
      cycleCostCentsPerKwh: 1,
    },
    grid: { maxImportW: 15000, maxExportW: 5000 },
    endValueCentsPerKwh: o.endValue ?? 5,
  };
}
