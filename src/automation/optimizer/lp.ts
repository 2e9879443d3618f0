import highsModule from "highs";
import type { Problem } from "./problem.js";

// The package's types describe a CommonJS module (its default export under `.default`), while
// Node's ESM import of it yields the loader function itself: accept both.
type Loader = typeof highsModule.default;
const loadHighs: Loader = (highsModule as unknown as { default?: Loader }).default ?? (highsModule as unknown as Loader);
type Highs = Awaited<ReturnType<Loader>>;
let highsPromise: Promise<Highs> | undefined;

/** The WebAssembly HiGHS runtime, loaded once per process. */
export function highsRuntime(): Promise<Highs> {
  highsPromise ??= loadHighs();
  return highsPromise;
}

/**
 * Tie-breaking, c/kWh: charging costs a hair more the later it happens and discharging a hair more
 * the earlier, so among equally cheap plans the solver picks the one that charges earlier and
 * discharges later. The total distortion is at most TIE_CENTS per kWh moved (documented bound).
 */
export const TIE_CENTS = 1e-3;
/** Below this, kW, a flow counts as zero when checking that charge/discharge and import/export never overlap. */
const OVERLAP_KW = 1e-6;

export interface LpSolution {
  chargeKw: number[];
  dischargeKw: number[];
  importKw: number[];
  exportKw: number[];
  curtailedKw: number[];
  endKwh: number[];
  /** Intervals that needed a binary (the LP relaxation wanted to charge and discharge, or import and export, at once). */
  binaryIntervals: number;
}

const C = 0;
const D = 1;
const GI = 2;
const GE = 3;
const K = 4;
const E = 5;
const PER = 6;

/**
 * Solves the problem exactly. The LP with split flows is a relaxation of the physical problem (a
 * device cannot charge and discharge, or import and export, in the same interval). Where the
 * relaxation's optimum overlaps flows, a binary forbids it in that interval and the MIP is solved
 * again, until no interval overlaps: the last solution is then optimal for the physical problem too,
 * because it is feasible for it and optimal for a relaxation of it. Import/export overlap where
 * import costs at least what export earns is netted instead: netting keeps feasibility and never costs more.
 */
export async function solveExact(p: Problem): Promise<LpSolution> {
  const highs = await highsRuntime();
  // Binaries from the start wherever the relaxation could overlap flows: one MIP instead of rounds.
  const chargeModes = new Set<number>();
  const gridModes = new Set<number>();
  const curtailModes = new Set<number>();
  // Intervals where curtailing is physically impossible: bounded to 0, no binary needed.
  const noCurtail = new Set<number>();
  for (let t = 0; t < p.count; t++) {
    const lowest = Math.min(p.importPrice[t]!, p.exportPrice[t]!);
    if (lowest < 0 && p.maxChargeKw[t]! > 0 && p.maxDischargeKw[t]! > 0) chargeModes.add(t);
    if (p.exportPrice[t]! > p.importPrice[t]!) gridModes.add(t);
    if (p.exportPrice[t]! < 0 && p.pvKw[t]! > 0) {
      if (exportCapReachable(p, t)) curtailModes.add(t);
      else noCurtail.add(t);
    }
  }
  for (let round = 0; ; round++) {
    const x = solveOnce(highs, p, { chargeModes, gridModes, curtailModes, noCurtail });
    const solution = unpack(p, x);
    let added = false;
    for (let t = 0; t < p.count; t++) {
      if (Math.min(solution.chargeKw[t]!, solution.dischargeKw[t]!) > OVERLAP_KW && !chargeModes.has(t)) {
        chargeModes.add(t);
        added = true;
      }
      if (Math.min(solution.importKw[t]!, solution.exportKw[t]!) > OVERLAP_KW) {
        if (p.exportPrice[t]! > p.importPrice[t]! && !gridModes.has(t)) {
          gridModes.add(t);
          added = true;
        } else {
          const net = solution.importKw[t]! - solution.exportKw[t]!;
          solution.importKw[t] = Math.max(0, net);
          solution.exportKw[t] = Math.max(0, -net);
        }
      }
      // An inverter curtails PV only when the export cap is reached.
      const room = p.exportCapKw - solution.exportKw[t]!;
      if (solution.curtailedKw[t]! > OVERLAP_KW && (room > OVERLAP_KW || solution.importKw[t]! > OVERLAP_KW)) {
        if (p.exportPrice[t]! >= 0 && solution.importKw[t]! <= OVERLAP_KW) {
          // Exporting instead earns at least as much: shift what fits under the cap.
          const shift = Math.min(room, solution.curtailedKw[t]!);
          solution.curtailedKw[t]! -= shift;
          solution.exportKw[t]! += shift;
        } else if (!curtailModes.has(t) && !noCurtail.has(t)) {
          if (exportCapReachable(p, t)) curtailModes.add(t);
          else noCurtail.add(t);
          added = true;
        }
      }
    }
    if (!added || round > p.count) return { ...solution, binaryIntervals: chargeModes.size + gridModes.size + curtailModes.size };
  }
}

function unpack(p: Problem, x: Float64Array): Omit<LpSolution, "binaryIntervals"> {
  const pick = (j: number) => Array.from({ length: p.count }, (_, t) => Math.max(0, x[t * PER + j]!));
  return {
    chargeKw: pick(C),
    dischargeKw: pick(D),
    importKw: pick(GI),
    exportKw: pick(GE),
    curtailedKw: pick(K),
    endKwh: Array.from({ length: p.count }, (_, t) => x[t * PER + E]!),
  };
}

/**
 * Whether an inverter could reach the export cap in interval t (the only case where it may curtail
 * PV): at the cap, without importing, the battery must supply load − pv + cap, so it cannot when
 * that exceeds its discharge limit. Where it cannot, curtailment is fixed at 0 instead of a binary.
 */
function exportCapReachable(p: Problem, t: number): boolean {
  return p.netLoadKw[t]! + p.exportCapKw <= p.maxDischargeKw[t]! + 1e-9;
}

interface Modes {
  chargeModes: Set<number>;
  gridModes: Set<number>;
  curtailModes: Set<number>;
  noCurtail: Set<number>;
}

function solveOnce(highs: Highs, p: Problem, { chargeModes, gridModes, curtailModes, noCurtail }: Modes): Float64Array {
  const T = p.count;
  const extra = chargeModes.size + gridModes.size + curtailModes.size;
  const numCols = T * PER + extra;
  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const integrality = extra > 0 ? new Int32Array(numCols) : undefined;
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const row = (lower: number, upper: number, entries: [number, number][]) => {
    for (const [j, v] of entries) {
      indices.push(j);
      values.push(v);
    }
    starts.push(indices.length);
    rowLower.push(lower);
    rowUpper.push(upper);
  };
  for (let t = 0; t < T; t++) {
    const h = p.hours[t]!;
    const base = t * PER;
    colCost[base + C] = h * TIE_CENTS * ((t + 1) / T);
    colCost[base + D] = h * (p.cycleCost / p.etaDischarge + TIE_CENTS * ((T - t) / T));
    colCost[base + GI] = h * p.importPrice[t]!;
    colCost[base + GE] = -h * p.exportPrice[t]!;
    colCost[base + K] = 0;
    colCost[base + E] = t === T - 1 ? -p.endValue : 0;
    colUpper[base + C] = p.maxChargeKw[t]!;
    colUpper[base + D] = p.maxDischargeKw[t]!;
    colUpper[base + GI] = p.importCapKw[t]!;
    colUpper[base + GE] = p.exportCapKw;
    colUpper[base + K] = noCurtail.has(t) ? 0 : p.pvKw[t]!;
    colLower[base + E] = p.lowerKwh[t]!;
    colUpper[base + E] = p.upperKwh[t]!;
    // gi − ge + d − c − k = load − pv
    const net = p.netLoadKw[t]!;
    row(net, net, [
      [base + C, -1],
      [base + D, 1],
      [base + GI, 1],
      [base + GE, -1],
      [base + K, -1],
    ]);
    // e_t − e_{t−1} − h·ηc·c + h/ηd·d = 0 (e_{−1} is the start energy)
    const soc: [number, number][] = [
      [base + C, -h * p.etaCharge],
      [base + D, h / p.etaDischarge],
      [base + E, 1],
    ];
    if (t > 0) soc.unshift([base - PER + E, -1]);
    const rhs = t === 0 ? p.startKwh : 0;
    row(rhs, rhs, soc);
  }
  let j = T * PER;
  for (const t of chargeModes) {
    // z = 1 allows charging only, z = 0 discharging only.
    integrality![j] = 1;
    colUpper[j] = 1;
    row(-Infinity, 0, [
      [t * PER + C, 1],
      [j, -p.maxChargeKw[t]!],
    ]);
    row(-Infinity, p.maxDischargeKw[t]!, [
      [t * PER + D, 1],
      [j, p.maxDischargeKw[t]!],
    ]);
    j++;
  }
  for (const t of gridModes) {
    integrality![j] = 1;
    colUpper[j] = 1;
    row(-Infinity, 0, [
      [t * PER + GI, 1],
      [j, -p.importCapKw[t]!],
    ]);
    row(-Infinity, p.exportCapKw, [
      [t * PER + GE, 1],
      [j, p.exportCapKw],
    ]);
    j++;
  }
  for (const t of curtailModes) {
    // w = 1 allows curtailing, and then exports at the cap; w = 0 forbids curtailing.
    integrality![j] = 1;
    colUpper[j] = 1;
    row(-Infinity, 0, [
      [t * PER + K, 1],
      [j, -p.pvKw[t]!],
    ]);
    row(0, Infinity, [
      [t * PER + GE, 1],
      [j, -p.exportCapKw],
    ]);
    // ... and never while importing.
    row(-Infinity, p.importCapKw[t]!, [
      [t * PER + GI, 1],
      [j, p.importCapKw[t]!],
    ]);
    j++;
  }
  const inf = highs.infinity;
  const model = {
    numCols,
    numRows: rowLower.length,
    colCost,
    colLower,
    colUpper,
    rowLower: rowLower.map((v) => (v === -Infinity ? -inf : v)),
    rowUpper: rowUpper.map((v) => (v === Infinity ? inf : v)),
    matrix: { format: "csr" as const, numRows: rowLower.length, numCols, starts, indices, values },
    ...(integrality ? { integrality } : {}),
  };
  return highs.withModel(model, (m) => {
    // Measured on 576 intervals (bench/automation.ts): presolve off saves ~15 % on both; primal
    // simplex a further ~20 % on the pure LP.
    m.options.set({
      output_flag: false,
      presolve: "off",
      ...(integrality ? { mip_rel_gap: 1e-7, mip_abs_gap: 1e-2 } : { simplex_strategy: 4 }),
    });
    m.run();
    const status = m.getModelStatus();
    if (status !== highs.constants.modelStatus.optimal)
      throw new Error(
        `The battery optimiser found no optimal plan (HiGHS model status ${status}); this is a bug, please report it with the input.`,
      );
    return m.getSolution().colValue;
  });
}
