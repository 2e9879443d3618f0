import type { OptimizeInput } from "./input.js";
import type { Problem } from "./problem.js";

/**
 * A dynamic programme over stored energy on a grid of `levels` steps, with the physical stage cost
 * (no LP, no relaxation: a step up is charging, a step down is discharging, the grid settles the
 * rest, so negative prices and export caps need nothing special). It is the fast solver of the
 * backtest and the independent reference the LP is tested against. Every plan it considers is
 * feasible, so its cost is an upper bound of the optimum; when the power limits are whole grid
 * steps, rounding the optimal trajectory to the grid moves each stored energy by less than one
 * step, so the optimum is at most `gridBoundCents` below it (a Lipschitz argument).
 */
export function solveDp(
  input: OptimizeInput,
  levels: number,
  problem: Pick<Problem, "maxChargeKw" | "maxDischargeKw">,
): { costCents: number; batteryKw: number[] } {
  const { battery, grid, intervals } = input;
  const T = intervals.length;
  const cap = battery.capacityKwh;
  const N = cap > 0 ? levels : 0;
  const step = cap > 0 ? cap / N : 0;
  const startLevel = cap > 0 ? Math.round((battery.soc * cap) / step) : 0;
  /** Cost of interval t when the store moves by k steps (+ charge), or Infinity when the device cannot. */
  const stage = (t: number, k: number): number => {
    const iv = intervals[t]!;
    const h = iv.minutes / 60;
    const x = k * step;
    let batteryKw = 0;
    let drawn = 0;
    if (x > 0) {
      batteryKw = -x / (h * battery.chargeEfficiency);
      if (-batteryKw * 1000 > battery.maxChargeW + 1e-6) return Infinity;
    } else if (x < 0) {
      batteryKw = (-x * battery.dischargeEfficiency) / h;
      drawn = -x;
      if (batteryKw > problem.maxDischargeKw[t]! + 1e-9) return Infinity;
    }
    let gridKw = (iv.loadW - iv.pvW) / 1000 - batteryKw;
    const importCap = Math.max(grid.maxImportW / 1000, (iv.loadW - iv.pvW) / 1000);
    if (gridKw > importCap + 1e-9) return Infinity;
    if (gridKw < -grid.maxExportW / 1000) {
      const curtail = -grid.maxExportW / 1000 - gridKw;
      if (curtail > iv.pvW / 1000 + 1e-9) return Infinity;
      gridKw = -grid.maxExportW / 1000;
    }
    const price = gridKw >= 0 ? iv.importCentsPerKwh : iv.exportCentsPerKwh;
    return gridKw * h * price + drawn * battery.cycleCostCentsPerKwh;
  };
  // The SOC bounds on the grid; a start outside them moves back inside by whole steps at full power
  // (the LP's forced recovery, rounded so the DP can always follow it).
  const minLevel = step > 0 ? Math.ceil((battery.minSoc * cap) / step - 1e-6) : 0;
  const maxLevel = step > 0 ? Math.floor((battery.maxSoc * cap) / step + 1e-6) : 0;
  const lowest: number[] = [];
  const highest: number[] = [];
  let up = startLevel;
  let down = startLevel;
  for (let t = 0; t < T; t++) {
    const h = intervals[t]!.minutes / 60;
    if (step > 0) {
      up += Math.floor((problem.maxChargeKw[t]! * h * battery.chargeEfficiency) / step + 1e-9);
      down -= Math.floor((problem.maxDischargeKw[t]! * h) / battery.dischargeEfficiency / step + 1e-9);
    }
    lowest.push(startLevel < minLevel ? Math.min(minLevel, up) : minLevel);
    highest.push(startLevel > maxLevel ? Math.max(maxLevel, down) : maxLevel);
  }
  const allowed = (t: number, level: number) => level >= lowest[t]! && level <= highest[t]!;
  let value = new Float64Array(N + 1).map((_, level) => (allowed(T - 1, level) ? -input.endValueCentsPerKwh * level * step : Infinity));
  const choice: Int32Array[] = [];
  for (let t = T - 1; t >= 0; t--) {
    const h = intervals[t]!.minutes / 60;
    const up = step > 0 ? Math.min(N, Math.ceil(((battery.maxChargeW / 1000) * h * battery.chargeEfficiency) / step + 1e-9)) : 0;
    const down = step > 0 ? Math.min(N, Math.ceil((problem.maxDischargeKw[t]! * h) / battery.dischargeEfficiency / step + 1e-9)) : 0;
    // The stage cost depends on the move only, not on where the store is: compute it once per move.
    const costs = new Float64Array(up + down + 1);
    for (let k = -down; k <= up; k++) costs[k + down] = stage(t, k);
    const next = new Float64Array(N + 1).fill(Infinity);
    const pick = new Int32Array(N + 1).fill(-1);
    for (let from = 0; from <= N; from++) {
      let best = Infinity;
      let bestTo = -1;
      const lo = Math.max(0, from - down);
      const hi = Math.min(N, from + up);
      // Scanning from the fullest store keeps, among equal costs, the plan that charges earlier and discharges later.
      for (let to = hi; to >= lo; to--) {
        const total = costs[to - from + down]! + value[to]!;
        if (total < best - 1e-12) {
          best = total;
          bestTo = to;
        }
      }
      next[from] = t > 0 && !allowed(t - 1, from) ? Infinity : best;
      pick[from] = bestTo;
    }
    value = next;
    choice[t] = pick;
  }
  const batteryKw: number[] = [];
  let level = startLevel;
  for (let t = 0; t < T; t++) {
    const to = choice[t]![level]!;
    const h = intervals[t]!.minutes / 60;
    const x = (to - level) * step;
    batteryKw.push(x > 0 ? -x / (h * battery.chargeEfficiency) : (-x * battery.dischargeEfficiency) / h);
    level = to;
  }
  return { costCents: value[startLevel]!, batteryKw };
}

/**
 * How far the grid DP can be above the true optimum: every stored energy moves by less than one
 * step, each moves the cost of the two intervals it joins by at most the steepest marginal cost per
 * stored kWh, and the last one also moves the end value.
 */
export function gridBoundCents(input: OptimizeInput, levels: number): number {
  return input.intervals.length * stepCostCents(input, levels);
}

/** What moving every stored energy of a plan by one grid step can cost at most. */
export function stepCostCents(input: OptimizeInput, levels: number): number {
  const cap = input.battery.capacityKwh;
  if (cap === 0) return 0;
  const step = cap / levels;
  const { chargeEfficiency, dischargeEfficiency, cycleCostCentsPerKwh } = input.battery;
  const steepest = Math.max(...input.intervals.map((i) => Math.max(Math.abs(i.importCentsPerKwh), Math.abs(i.exportCentsPerKwh))));
  const perKwh = steepest / Math.min(chargeEfficiency, dischargeEfficiency) + cycleCostCentsPerKwh;
  return (2 * perKwh + Math.abs(input.endValueCentsPerKwh)) * step;
}
