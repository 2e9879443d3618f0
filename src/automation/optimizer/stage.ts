import { TIE_CENTS } from "./lp.js";
import { intervalCost, type Problem } from "./problem.js";

/**
 * The physical cost of one interval as a function of x, the change of stored energy (kWh, + charge),
 * as a piecewise-linear function: x = xLow + the sum of the segments taken, each segment linear.
 *
 * x determines the battery power (b = −x/(h·ηc) charging, −x·ηd/h discharging), the power the grid
 * settles (load − pv − b, at most the export cap, PV curtailed beyond it) and so the cost: between
 * the breakpoints (b = 0, grid = 0, grid = −cap, the power limits) everything is linear. This is
 * the exact physical model (no split flows, no relaxation): where it is convex an LP takes it as is,
 * and it is non-convex only at a few kinks (negative prices, curtailment, feed-in above import).
 */
export interface StageCost {
  xLow: number;
  /** Cost at xLow, cents (with the tie-break). */
  costLow: number;
  /** Segment lengths, kWh (> 0), in increasing x. */
  lengths: number[];
  /** Segment slopes, c per kWh stored. */
  slopes: number[];
}

const SAME_X = 1e-12;

export function stageCost(p: Problem, t: number): StageCost {
  const h = p.hours[t]!;
  const T = p.count;
  const cMax = p.maxChargeKw[t]!;
  const dMax = p.maxDischargeKw[t]!;
  const net = p.netLoadKw[t]!;
  const powers = [-cMax, dMax, 0, net, net + p.exportCapKw].filter((b) => b >= -cMax && b <= dMax);
  const xs = [...new Set(powers.map((b) => xOf(p, t, b)))].sort((a, b) => a - b);
  const points = xs.filter((x, i) => i === 0 || x - xs[i - 1]! > SAME_X);
  const cost = (x: number) => {
    const b = batteryKwOf(p, t, x);
    const tie = b < 0 ? -b * h * TIE_CENTS * ((t + 1) / T) : b * h * TIE_CENTS * ((T - t) / T);
    return intervalCost(p, t, b).cents + tie;
  };
  const costs = points.map(cost);
  const lengths: number[] = [];
  const slopes: number[] = [];
  for (let k = 1; k < points.length; k++) {
    const length = points[k]! - points[k - 1]!;
    lengths.push(length);
    slopes.push((costs[k]! - costs[k - 1]!) / length);
  }
  return { xLow: points[0]!, costLow: costs[0]!, lengths, slopes };
}

/** Stored-energy change for battery power b (kW, + discharge). */
export function xOf(p: Problem, t: number, b: number): number {
  const h = p.hours[t]!;
  return b >= 0 ? (-b * h) / p.etaDischarge : -b * h * p.etaCharge;
}

/** Battery power (kW, + discharge) for a stored-energy change x. */
export function batteryKwOf(p: Problem, t: number, x: number): number {
  const h = p.hours[t]!;
  if (h === 0) return 0;
  return x >= 0 ? -x / (h * p.etaCharge) : (-x * p.etaDischarge) / h;
}

/** Indices k where slope k+1 is below slope k: the kinks that make the stage cost non-convex. */
export function concaveKinks(stage: StageCost, tolerance = 1e-9): number[] {
  const out: number[] = [];
  for (let k = 0; k + 1 < stage.slopes.length; k++) if (stage.slopes[k + 1]! < stage.slopes[k]! - tolerance) out.push(k);
  return out;
}

/** The stage cost at x (clamped to its domain), cents. */
export function stageValue(stage: StageCost, x: number): number {
  let value = stage.costLow;
  let d = x - stage.xLow;
  for (let k = 0; k < stage.lengths.length && d > 0; k++) {
    const take = Math.min(d, stage.lengths[k]!);
    value += take * stage.slopes[k]!;
    d -= take;
  }
  return value;
}

/** The largest convex function below the stage cost (its lower convex hull): the same where it is convex. */
export function convexEnvelope(stage: StageCost): StageCost {
  if (concaveKinks(stage).length === 0) return stage;
  const xs = [stage.xLow];
  const cs = [stage.costLow];
  stage.lengths.forEach((length, k) => {
    xs.push(xs[k]! + length);
    cs.push(cs[k]! + length * stage.slopes[k]!);
  });
  const hull: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // Drop b when it lies on or above the chord from a to i.
      if ((cs[b]! - cs[a]!) * (xs[i]! - xs[a]!) >= (cs[i]! - cs[a]!) * (xs[b]! - xs[a]!)) hull.pop();
      else break;
    }
    hull.push(i);
  }
  const lengths: number[] = [];
  const slopes: number[] = [];
  for (let k = 1; k < hull.length; k++) {
    const a = hull[k - 1]!;
    const b = hull[k]!;
    lengths.push(xs[b]! - xs[a]!);
    slopes.push((cs[b]! - cs[a]!) / (xs[b]! - xs[a]!));
  }
  return { xLow: stage.xLow, costLow: stage.costLow, lengths, slopes };
}
