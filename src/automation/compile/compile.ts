import { formatTimeOfDay } from "../../core/time/schedule-grid.js";
import type { BatterySchedule, ScheduleWindow } from "../../model/types.js";
import type { OptimizeInput } from "../optimizer/input.js";
import type { OptimizeResult } from "../optimizer/optimize.js";
import { simulateSchedule, type DeviceKind, type SimBattery, type SimStep } from "./behaviour.js";
import { chooseNearTerm } from "./near-term.js";

type Slot = "charge" | "discharge" | "hold" | "self";
interface Run {
  kind: Exclude<Slot, "self">;
  from: number; // slot index, inclusive
  to: number; // exclusive
  kwh: number;
  powerW: number;
}

const SLOT_MIN = 15;
const SLOTS = 96;
const MARGIN_W = 200;

export interface CompileOptions {
  kind: DeviceKind;
  /** Minutes east of UTC of the device's wall clock over the plan (windows are times of day). */
  utcOffsetMinutes: number;
  /** Largest window power the device takes (GoodWe), W. */
  maxPowerW?: number;
  /**
   * What the device holds now. Given, it stays unless another schedule does better by more than
   * `writePenaltyCents` (default 0) over the first interval: fewer writes for a write budget.
   */
  current?: BatterySchedule | null;
  writePenaltyCents?: number;
  /** The schedule will run unattended (e.g. the day's last write): choose what is best left unchanged over the whole plan. */
  unattended?: boolean;
}

export interface CompiledPlan {
  schedule: BatterySchedule;
  /** The compiled schedule simulated on the plan's own forecast, cents (same terms as `OptimizeResult.costCents`). */
  compiledCostCents: number;
  /** compiledCostCents − the optimum: what the device's coarser controls cost. */
  compilationLossCents: number;
}

/**
 * Compiles an optimal trajectory into the windows a device takes, for the next 24 hours from the
 * plan's first interval (device windows repeat daily; the plan is recompiled as time moves on).
 * Each 15-minute slot is labelled by what the plan does there compared with self-use: grid
 * charging ("charge"), discharging beyond the house's need ("discharge"), keeping energy the house
 * would have drawn ("hold"), or what self-use would do anyway. Runs of labels become windows,
 * the largest first, as many as the device has.
 */
export function compileSchedule(input: OptimizeInput, plan: OptimizeResult, options: CompileOptions): CompiledPlan {
  const { battery } = input;
  const startMs = Date.parse(input.intervals[0]!.start);
  const slots = labelSlots(input, plan, startMs);
  const runs = findRuns(input, plan, startMs, slots);
  const windows =
    options.kind === "alphaess" ? alphaess(input, plan, slots, runs, startMs, options) : goodwe(input, plan, runs, startMs, options);
  const schedule = chooseNearTerm(
    input,
    plan,
    windows,
    options.kind,
    options.utcOffsetMinutes,
    options.current === undefined ? undefined : { schedule: options.current, writePenaltyCents: options.writePenaltyCents ?? 0 },
    options.unattended ?? false,
  );
  const simBattery: SimBattery = { ...battery, minSoc: battery.minSoc, maxSoc: battery.maxSoc };
  const steps: SimStep[] = input.intervals.map((i) => ({ ...i, startMs: Date.parse(i.start) }));
  const outcome = simulateSchedule(schedule, options.kind, simBattery, steps, battery.soc, options.utcOffsetMinutes);
  const compiledCostCents = outcome.costCents - input.endValueCentsPerKwh * outcome.endKwh;
  return { schedule, compiledCostCents, compilationLossCents: compiledCostCents - plan.costCents };
}

function labelSlots(input: OptimizeInput, plan: OptimizeResult, startMs: number): Slot[] {
  const minutes = new Map<Slot, number>();
  const labels: Slot[] = [];
  for (let s = 0; s < SLOTS; s++) {
    minutes.clear();
    const from = startMs + s * SLOT_MIN * 60_000;
    const to = from + SLOT_MIN * 60_000;
    input.intervals.forEach((iv, t) => {
      const a = Date.parse(iv.start);
      const b = a + iv.minutes * 60_000;
      const overlap = Math.min(b, to) - Math.max(a, from);
      if (overlap <= 0) return;
      const label = classify(iv.loadW, iv.pvW, plan.intervals[t]!.batteryW, plan.intervals[t]!.gridW, input.battery.maxDischargeW);
      minutes.set(label, (minutes.get(label) ?? 0) + overlap);
    });
    let best: Slot = "self";
    let most = 0;
    for (const [label, m] of minutes) if (m > most) [best, most] = [label, m];
    labels.push(best);
  }
  return labels;
}

function classify(loadW: number, pvW: number, batteryW: number, gridW: number, maxDischargeW: number): Slot {
  // Margins well above a planner's rounding (a DP on a coarse SOC grid moves in steps of ~100 W).
  const selfUseW = Math.min(Math.max(loadW - pvW, 0), maxDischargeW);
  if (batteryW < -MARGIN_W && gridW > MARGIN_W) return "charge";
  if (batteryW > selfUseW + MARGIN_W) return "discharge";
  if (selfUseW > MARGIN_W && batteryW < 0.5 * selfUseW) return "hold";
  return "self";
}

function findRuns(input: OptimizeInput, plan: OptimizeResult, startMs: number, slots: Slot[]): Run[] {
  const runs: Run[] = [];
  slots.forEach((label, s) => {
    if (label === "self") return;
    const last = runs.at(-1);
    if (last && last.kind === label && last.to === s) last.to = s + 1;
    else runs.push({ kind: label, from: s, to: s + 1, kwh: 0, powerW: 0 });
  });
  for (const run of runs) {
    const from = startMs + run.from * SLOT_MIN * 60_000;
    const to = startMs + run.to * SLOT_MIN * 60_000;
    let kwh = 0;
    let wh = 0;
    input.intervals.forEach((iv, t) => {
      const a = Date.parse(iv.start);
      const overlap = Math.min(a + iv.minutes * 60_000, to) - Math.max(a, from);
      if (overlap <= 0) return;
      const h = overlap / 3_600_000;
      const p = plan.intervals[t]!;
      // What the window is worth keeping: energy moved, or for a hold the deficit not discharged.
      const moved = run.kind === "hold" ? Math.max(0, iv.loadW - iv.pvW - Math.max(0, p.batteryW)) : Math.abs(p.batteryW);
      kwh += (moved / 1000) * h;
      wh += Math.abs(p.batteryW) * h;
    });
    run.kwh = kwh;
    run.powerW = wh / ((to - from) / 3_600_000);
  }
  return runs;
}

function window(startMs: number, run: { from: number; to: number }, utcOffsetMinutes: number, powerW?: number): ScheduleWindow {
  const base = Math.floor((startMs / 60_000 + utcOffsetMinutes) % 1440);
  const snapped = Math.round(base / SLOT_MIN) * SLOT_MIN;
  const start = formatTimeOfDay((snapped + run.from * SLOT_MIN) % 1440);
  const end = formatTimeOfDay((snapped + Math.min(run.to, run.from + SLOTS - 1) * SLOT_MIN) % 1440);
  return powerW === undefined ? { start, end } : { start, end, powerW };
}

function levels(input: OptimizeInput, plan: OptimizeResult): { top: number; bottom: number } {
  const socs = plan.intervals.map((i) => i.socEnd);
  const top = Math.min(input.battery.maxSoc, Math.ceil(Math.max(...socs) * 100) / 100);
  const bottom = Math.max(input.battery.minSoc, Math.floor(Math.min(...socs) * 100) / 100);
  return { top, bottom };
}

function alphaess(
  input: OptimizeInput,
  plan: OptimizeResult,
  slots: Slot[],
  runs: Run[],
  startMs: number,
  o: CompileOptions,
): BatterySchedule {
  const charges = runs
    .filter((r) => r.kind === "charge")
    .sort((a, b) => b.kwh - a.kwh)
    .slice(0, 2);
  const chargeTop = Math.max(
    0,
    ...charges.flatMap((r) => plan.intervals.filter((_, t) => inRun(input, startMs, r, t)).map((p) => p.socEnd)),
  );
  // Discharge is allowed everywhere but in holds; with more than two allowed runs, the shortest holds are given up.
  const allowed = slots.map((s) => s !== "hold");
  let allowedRuns = runsOf(allowed);
  while (allowedRuns.length > 2) {
    const gaps = allowedRuns.slice(1).map((r, i) => ({ from: allowedRuns[i]!.to, to: r.from }));
    const shortest = gaps.sort((a, b) => a.to - a.from - (b.to - b.from))[0]!;
    for (let s = shortest.from; s < shortest.to; s++) allowed[s] = true;
    allowedRuns = runsOf(allowed);
  }
  const timeControl = allowed.some((a) => !a);
  const { bottom } = levels(input, plan);
  return {
    charge: {
      fromGrid: true,
      stopLevel: charges.length > 0 ? Math.min(input.battery.maxSoc, Math.ceil(chargeTop * 100) / 100) : input.battery.maxSoc,
      windows: charges.sort((a, b) => a.from - b.from).map((r) => window(startMs, r, o.utcOffsetMinutes)),
    },
    discharge: {
      timeControl,
      stopLevel: bottom,
      windows: timeControl ? allowedRuns.map((r) => window(startMs, r, o.utcOffsetMinutes)) : [],
    },
  };
}

function goodwe(input: OptimizeInput, plan: OptimizeResult, runs: Run[], startMs: number, o: CompileOptions): BatterySchedule {
  const chosen = [...runs].sort((a, b) => b.kwh - a.kwh).slice(0, 4);
  const cap = o.maxPowerW ?? Math.max(input.battery.maxChargeW, input.battery.maxDischargeW);
  const power = (w: number) => Math.max(100, Math.min(cap, Math.round(w / 100) * 100));
  const holdW = power(input.battery.maxChargeW * 0.01);
  const charge = chosen.filter((r) => r.kind !== "discharge").sort((a, b) => a.from - b.from);
  const discharge = chosen.filter((r) => r.kind === "discharge").sort((a, b) => a.from - b.from);
  const { bottom } = levels(input, plan);
  const chargeTop = Math.max(
    0,
    ...charge
      .filter((r) => r.kind === "charge")
      .flatMap((r) => plan.intervals.filter((_, t) => inRun(input, startMs, r, t)).map((p) => p.socEnd)),
  );
  return {
    charge: {
      fromGrid: true,
      stopLevel: charge.some((r) => r.kind === "charge")
        ? Math.min(input.battery.maxSoc, Math.ceil(chargeTop * 100) / 100)
        : input.battery.maxSoc,
      windows: charge.map((r) => window(startMs, r, o.utcOffsetMinutes, r.kind === "hold" ? holdW : power(r.powerW))),
    },
    discharge: {
      timeControl: false,
      stopLevel: Math.max(0.1, bottom),
      windows: discharge.map((r) => window(startMs, r, o.utcOffsetMinutes, power(r.powerW))),
    },
  };
}

function inRun(input: OptimizeInput, startMs: number, run: { from: number; to: number }, t: number): boolean {
  const a = Date.parse(input.intervals[t]!.start);
  return a >= startMs + run.from * SLOT_MIN * 60_000 && a < startMs + run.to * SLOT_MIN * 60_000;
}

function runsOf(flags: boolean[]): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  flags.forEach((f, s) => {
    if (!f) return;
    const last = out.at(-1);
    if (last && last.to === s) last.to = s + 1;
    else out.push({ from: s, to: s + 1 });
  });
  return out;
}
