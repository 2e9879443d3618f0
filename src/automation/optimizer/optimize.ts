import { explainPlan } from "./explain.js";
import { parseOptimizeInput, type OptimizeInput } from "./input.js";
import { gridBoundCents, solveDp } from "./dp.js";
import { solveStages } from "./stages-milp.js";
import { buildProblem, intervalCost, nextKwh, type Problem } from "./problem.js";

export interface PlannedInterval {
  start: string;
  /** + discharge, − charge, W. */
  batteryW: number;
  /** + import, − export, W. pvW − curtailedW + gridW + batteryW = loadW. */
  gridW: number;
  /** PV the export cap forces off, W (0 unless PV exceeds load + charging + the export cap). */
  curtailedW: number;
  /** State of charge at the end of the interval, 0..1. */
  socEnd: number;
}

export interface OptimizeResult {
  intervals: PlannedInterval[];
  /** Energy bought − energy sold + cycle cost − the value of the energy left at the end, cents. */
  costCents: number;
  /** The same with the battery idle (it keeps its start energy). */
  baselineCostCents: number;
  /** One sentence per charge or discharge block. */
  explanation: string[];
  /**
   * How the solve went. `errorBoundCents`: a proven bound on how far `costCents` can be above the
   * optimum (the LP: the certified gap, at most 0.1 % of the savings; the DP: its grid bound).
   * `route`: "chain" (every interval convex: the exact convex DP), "certified" (its plan on the
   * convex envelopes, proven within the tolerance), "milp" (HiGHS), "dp". `binaryIntervals`: the
   * intervals whose cost is non-convex (negative prices, curtailment, feed-in above import).
   */
  solver: {
    method: "lp" | "dp";
    route: "chain" | "certified" | "milp" | "dp";
    binaryIntervals: number;
    errorBoundCents: number;
    milliseconds: number;
  };
}

/**
 * The cheapest battery plan for the given prices, load and PV: the true optimum of a linear model,
 * solved by HiGHS (see lp.ts for why the answer is exact). Pure apart from the solver; no I/O.
 */
export async function optimizeBattery(raw: unknown, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const input = parseOptimizeInput(raw);
  const started = performance.now();
  const problem = buildProblem(input, { batteryExport: options.batteryExport ?? true });
  let batteryKw: number[];
  let binaryIntervals = 0;
  let errorBoundCents = 0;
  let route: OptimizeResult["solver"]["route"] = "dp";
  if (options.method === "dp") {
    const levels = options.levels ?? 500;
    batteryKw = solveDp(input, levels, problem).batteryKw;
    errorBoundCents = gridBoundCents(input, levels);
  } else {
    const exact = await solveStages(problem);
    batteryKw = exact.batteryKw;
    binaryIntervals = exact.binaryIntervals;
    errorBoundCents = exact.gapCents;
    route = exact.route;
  }
  const result = costPlan(input, problem, batteryKw);
  return {
    ...result,
    explanation: explainPlan(input, result.intervals),
    solver: { method: options.method ?? "lp", route, binaryIntervals, errorBoundCents, milliseconds: performance.now() - started },
  };
}

export interface OptimizeOptions {
  /**
   * "lp" (default): the exact optimum, within 0.1 % of the savings (see stages-milp.ts). "dp": a
   * dynamic programme over `levels` SOC steps, within `solver.errorBoundCents` of the optimum.
   */
  method?: "lp" | "dp";
  levels?: number;
  /** False for a device whose battery only covers the house and never exports (AlphaESS self-use). Default true. */
  batteryExport?: boolean;
}

/** Costs a battery trajectory (kW per interval, + discharge) under the input's prices: the physical flows and cents. */
export function costPlan(input: OptimizeInput, problem: Problem, batteryKw: number[]): Omit<OptimizeResult, "explanation" | "solver"> {
  const capacity = input.battery.capacityKwh;
  let kwh = problem.startKwh;
  let cost = 0;
  let baseline = 0;
  const intervals: PlannedInterval[] = input.intervals.map((interval, t) => {
    const battery = round3(batteryKw[t]! * 1000) / 1000;
    const { cents, curtailedKw } = intervalCost(problem, t, battery);
    cost += cents;
    baseline += intervalCost(problem, t, 0).cents;
    kwh = nextKwh(problem, t, kwh, battery);
    const batteryW = battery * 1000;
    const curtailedW = round3(curtailedKw * 1000);
    return {
      start: interval.start,
      batteryW,
      gridW: interval.loadW - interval.pvW + curtailedW - batteryW,
      curtailedW,
      socEnd: capacity > 0 ? kwh / capacity : input.battery.soc,
    };
  });
  return {
    intervals,
    costCents: cost - problem.endValue * kwh,
    baselineCostCents: baseline - problem.endValue * problem.startKwh,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000 || 0;
}
