import type { OptimizeInput } from "../optimizer/input.js";

/**
 * An independent exact-up-to-a-bound reference for the optimiser: a dynamic programme over stored
 * energy on a grid of `levels` steps, with the physical stage cost (no LP, no relaxation: a step up
 * is charging, a step down is discharging, the grid settles the rest). Every plan it considers is
 * feasible, so its cost is an upper bound of the optimum; when the power limits are whole grid steps,
 * rounding the optimal trajectory down to the grid changes each stored energy by less than one step,
 * so the optimum is at most `bound` below it (a Lipschitz argument, see `gridBoundCents`).
 */
export function referenceDp(
  input: OptimizeInput,
  levels: number,
  socBounds: { lowerKwh: number[]; upperKwh: number[] },
): { costCents: number; batteryKw: number[] } {
  const { battery, grid, intervals } = input;
  const T = intervals.length;
  const cap = battery.capacityKwh;
  const N = cap > 0 ? levels : 0;
  const step = cap > 0 ? cap / N : 0;
  const startLevel = cap > 0 ? Math.round((battery.soc * cap) / step) : 0;
  const stage = (t: number, fromLevel: number, toLevel: number): number => {
    const iv = intervals[t]!;
    const h = iv.minutes / 60;
    const x = (toLevel - fromLevel) * step;
    let batteryKw = 0;
    let drawn = 0;
    if (x > 0) {
      batteryKw = -x / (h * battery.chargeEfficiency);
      if (-batteryKw * 1000 > battery.maxChargeW + 1e-6) return Infinity;
    } else if (x < 0) {
      batteryKw = (-x * battery.dischargeEfficiency) / h;
      drawn = -x;
      if (batteryKw * 1000 > battery.maxDischargeW + 1e-6) return Infinity;
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
  // A forced-recovery bound off the grid rounds outwards: the DP may then sit up to one step beyond
  // it, which the callers' tolerance (one step's worth of cost) covers.
  const allowed = (t: number, level: number) =>
    level * step >= socBounds.lowerKwh[t]! - step - 1e-9 && level * step <= socBounds.upperKwh[t]! + step + 1e-9;
  let value = new Float64Array(N + 1).map((_, level) => -input.endValueCentsPerKwh * level * step);
  const choice: Int32Array[] = [];
  for (let t = T - 1; t >= 0; t--) {
    const next = new Float64Array(N + 1).fill(Infinity);
    const pick = new Int32Array(N + 1).fill(-1);
    const h = intervals[t]!.minutes / 60;
    const up = step > 0 ? Math.ceil(((battery.maxChargeW / 1000) * h * battery.chargeEfficiency) / step + 1e-9) : 0;
    const down = step > 0 ? Math.ceil(((battery.maxDischargeW / 1000) * h) / battery.dischargeEfficiency / step + 1e-9) : 0;
    for (let from = 0; from <= N; from++) {
      for (let to = Math.max(0, from - down); to <= Math.min(N, from + up); to++) {
        if (!allowed(t, to) || value[to] === Infinity) continue;
        const c = stage(t, from, to);
        if (c === Infinity) continue;
        const total = c + value[to]!;
        if (total < next[from]!) {
          next[from] = total;
          pick[from] = to;
        }
      }
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
