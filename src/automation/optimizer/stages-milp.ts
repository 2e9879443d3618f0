import { highsRuntime } from "./lp.js";
import type { Problem } from "./problem.js";
import { solveConvexChain } from "./convex-chain.js";
import { batteryKwOf, concaveKinks, convexEnvelope, stageCost, stageValue, type StageCost } from "./stage.js";

export interface StageSolution {
  batteryKw: number[];
  /** Intervals whose physical cost is non-convex in the stored energy. */
  binaryIntervals: number;
  /** Proven bound on how far the plan's cost is above the optimum, cents (0: exactly optimal). */
  gapCents: number;
  /** "chain": the convex DP alone; "certified": its plan, within the tolerance of its lower bound; "milp": HiGHS. */
  route: "chain" | "certified" | "milp";
}

/** The share of the savings a plan may be short of the optimum's (the 0.1 %). */
export const SAVINGS_TOLERANCE = 1e-3;

/**
 * The exact plan, fast. Each interval's physical cost is a piecewise-linear function of its
 * stored-energy change (stage.ts). Where every one is convex, the exact convex DP (convex-chain.ts)
 * returns the optimum, no solver needed. Otherwise the same DP on each cost's convex envelope gives
 * a lower bound of the optimum and a physical plan (every stored-energy change is one); when that
 * plan's true cost is within SAVINGS_TOLERANCE of the savings above the bound it is returned (a
 * proof: the optimum lies between the two). Only otherwise does HiGHS solve the mixed-integer
 * programme below, started from that plan and stopped at the same tolerance.
 */
export async function solveStages(p: Problem, options: { tolerance?: number } = {}): Promise<StageSolution> {
  const T = p.count;
  const stages: StageCost[] = [];
  const kinks: number[][] = [];
  for (let t = 0; t < T; t++) {
    stages.push(stageCost(p, t));
    kinks.push(concaveKinks(stages[t]!));
  }
  const binaryIntervals = kinks.filter((k) => k.length > 0).length;
  const chain = solveConvexChain(stages.map(convexEnvelope), p.lowerKwh, p.upperKwh, p.startKwh, p.endValue);
  const batteryKw = chain.x.map((x, t) => batteryKwOf(p, t, x));
  if (binaryIntervals === 0) return { batteryKw, binaryIntervals, gapCents: 0, route: "chain" };
  const physical =
    chain.x.reduce((s, x, t) => s + stageValue(stages[t]!, x), 0) - p.endValue * (p.startKwh + chain.x.reduce((s, x) => s + x, 0));
  const baseline = stages.reduce((s, stage) => s + stageValue(stage, 0), 0) - p.endValue * p.startKwh;
  const tolerance = (options.tolerance ?? SAVINGS_TOLERANCE) * Math.max(0, baseline - physical);
  if (physical - chain.cost <= tolerance + 1e-9)
    return { batteryKw, binaryIntervals, gapCents: Math.max(0, physical - chain.cost), route: "certified" };
  return { ...(await solveMilp(p, stages, kinks, chain.x, tolerance)), binaryIntervals, route: "milp" };
}

/**
 * The mixed-integer programme: one column per linear piece of each interval's cost, one per stored
 * energy, one row per interval (stored energy carries over). Every point of it is a physical plan at
 * its physical cost. At a non-convex kink a binary forces the pieces before it full before any piece
 * after it is used (an incremental piecewise-linear formulation, whose relaxation is the stage cost's
 * convex envelope). Started from `start` (stored-energy changes), stopped when within `tolerance`.
 */
async function solveMilp(
  p: Problem,
  stages: StageCost[],
  kinks: number[][],
  start: number[],
  tolerance: number,
): Promise<{ batteryKw: number[]; gapCents: number }> {
  const highs = await highsRuntime();
  const T = p.count;
  const firstSegment: number[] = [];
  let numCols = 0;
  for (let t = 0; t < T; t++) {
    firstSegment.push(numCols);
    numCols += stages[t]!.lengths.length + 1; // the segments, then the stored energy E_t
  }
  const binaries = kinks.reduce((n, k) => n + k.length, 0);
  const firstBinary = numCols;
  numCols += binaries;
  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const integrality = new Int32Array(numCols);
  const initial = new Float64Array(numCols);
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const row = (lower: number, upper: number) => {
    starts.push(indices.length);
    rowLower.push(lower);
    rowUpper.push(upper);
  };
  const entry = (j: number, v: number) => {
    indices.push(j);
    values.push(v);
  };
  const inf = highs.infinity;
  let w = firstBinary;
  for (let t = 0; t < T; t++) {
    const s = stages[t]!;
    const base = firstSegment[t]!;
    const e = base + s.lengths.length;
    s.lengths.forEach((length, k) => {
      colCost[base + k] = s.slopes[k]!;
      colUpper[base + k] = length;
    });
    let fill = start[t]! - s.xLow;
    s.lengths.forEach((length, k) => {
      initial[base + k] = Math.min(length, Math.max(0, fill));
      fill -= length;
    });
    initial[e] = (t > 0 ? initial[firstSegment[t - 1]! + stages[t - 1]!.lengths.length]! : p.startKwh) + start[t]!;
    colCost[e] = t === T - 1 ? -p.endValue : 0;
    colLower[e] = p.lowerKwh[t]!;
    colUpper[e] = p.upperKwh[t]!;
    // E_t − E_{t−1} − Σ segments = xLow (E_{−1} is the start energy)
    if (t > 0) entry(firstSegment[t - 1]! + stages[t - 1]!.lengths.length, -1);
    for (let k = 0; k < s.lengths.length; k++) entry(base + k, -1);
    entry(e, 1);
    const rhs = s.xLow + (t === 0 ? p.startKwh : 0);
    row(rhs, rhs);
    for (const kink of kinks[t]!) {
      // z = 1: every piece up to the kink is full; z = 0: no piece after it is used.
      integrality[w] = 1;
      if (start[t]! - s.xLow >= s.lengths.slice(0, kink + 1).reduce((a, b) => a + b, 0) - 1e-12) initial[w] = 1;
      colUpper[w] = 1;
      for (let k = 0; k < s.lengths.length; k++) {
        entry(base + k, 1);
        entry(w, -s.lengths[k]!);
        if (k <= kink) row(0, inf);
        else row(-inf, 0);
      }
      w++;
    }
  }
  const model = {
    numCols,
    numRows: rowLower.length,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    matrix: { format: "csr" as const, numRows: rowLower.length, numCols, starts, indices, values },
    integrality,
  };
  let gapCents = 0;
  const x = highs.withModel(model, (m) => {
    m.options.set({ output_flag: false, presolve: "off", mip_rel_gap: 0, mip_abs_gap: Math.max(tolerance, 1e-6) });
    m.setSolution({ colValue: initial });
    m.run();
    const status = m.getModelStatus();
    if (status !== highs.constants.modelStatus.optimal)
      throw new Error(
        `The battery optimiser found no optimal plan (HiGHS model status ${status}); this is a bug, please report it with the input.`,
      );
    gapCents = Math.max(0, Number(m.info.get("objective_function_value")) - Number(m.info.get("mip_dual_bound")));
    return m.getSolution().colValue;
  });
  const batteryKw = stages.map((s, t) => {
    let stored = s.xLow;
    for (let k = 0; k < s.lengths.length; k++) stored += Math.max(0, x[firstSegment[t]! + k]!);
    return batteryKwOf(p, t, stored);
  });
  return { batteryKw, gapCents };
}
