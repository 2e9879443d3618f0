import { formatTimeOfDay, parseTimeOfDay } from "../../core/time/schedule-grid.js";
import type { BatterySchedule, ScheduleWindow } from "../../model/types.js";
import { costToGo } from "../optimizer/convex-chain.js";
import type { OptimizeInput } from "../optimizer/input.js";
import type { OptimizeResult } from "../optimizer/optimize.js";
import { buildProblem } from "../optimizer/problem.js";
import { convexEnvelope, stageCost } from "../optimizer/stage.js";
import { simulateSchedule, type DeviceKind } from "./behaviour.js";

const SLOT_MIN = 15;
const SLOTS = 1440 / SLOT_MIN;

/**
 * Until the next re-plan only the first interval of a compiled schedule runs, so that is where the
 * device's coarse controls must follow the plan most closely. This picks, among the compiled
 * schedule and variants that set what the device does in the first interval (self-use, self-use
 * down to the plan's SOC, hold, charge or stand still up to the plan's SOC, from the grid or PV
 * only; on a GoodWe also a group at the plan's power), the one whose simulated cost over the first
 * interval plus the optimal cost from the SOC it leaves (the plan's cost-to-go, convex-chain.ts)
 * is lowest: a one-step look-ahead on the device's own feasible set. The rest of each variant is the
 * compiled schedule, cut around the first interval's window and within the device's window counts.
 */
export function chooseNearTerm(
  input: OptimizeInput,
  plan: OptimizeResult,
  compiled: BatterySchedule,
  kind: DeviceKind,
  utcOffsetMinutes: number,
  current?: { schedule: BatterySchedule | null; writePenaltyCents: number },
  unattended = false,
): BatterySchedule {
  const first = input.intervals[0]!;
  const startMs = Date.parse(first.start);
  const localStart = (((Math.floor(startMs / 60_000) + utcOffsetMinutes) % 1440) + 1440) % 1440;
  const fromSlot = Math.floor(localStart / SLOT_MIN);
  const value = valueAfterFirst(input, kind);
  const { battery } = input;
  // The near-term window: the plan's run of the same behaviour from now (first, so that among equals
  // the longer, steadier schedule wins and needs fewer writes), and the first interval alone.
  const runEnd = sameBehaviourRun(input, plan);
  const minutesTo = (t: number) => input.intervals.slice(0, t).reduce((m, i) => m + i.minutes, 0);
  const windows = [...new Set([runEnd, 1])].map((t) => {
    const toSlot = Math.min(fromSlot + SLOTS - 1, Math.ceil((localStart + minutesTo(t)) / SLOT_MIN));
    return { now: { start: formatTimeOfDay((fromSlot * SLOT_MIN) % 1440), end: formatTimeOfDay((toSlot * SLOT_MIN) % 1440) }, last: t - 1 };
  });
  const candidates: BatterySchedule[] = [compiled];
  for (const { now, last } of windows) candidates.push(...variants(input, plan, compiled, kind, now, fromSlot, last));
  // Scored over the first interval plus the optimal cost-to-go; or, when the schedule must run
  // unattended (the last write a budget allows), over the whole plan as it stands, with no re-plan.
  const steps = (unattended ? input.intervals : [first]).map((i) => ({ ...i, startMs: Date.parse(i.start) }));
  const score = (candidate: BatterySchedule | null) => {
    const out = simulateSchedule(candidate, kind, battery, steps, battery.soc, utcOffsetMinutes);
    return out.costCents + (unattended ? -input.endValueCentsPerKwh * out.endKwh : value(out.endKwh));
  };
  let best = compiled;
  let bestScore = Infinity;
  // What the device holds is kept only if it keeps the reserve: a stop level below the plan's minimum SOC
  // would let the battery run below it unattended, so it is replaced whatever the penalty.
  const keepable = current?.schedule && current.schedule.discharge.stopLevel >= battery.minSoc - 1e-9 ? current.schedule : null;
  if (keepable) {
    best = keepable;
    bestScore = score(keepable);
  }
  for (const candidate of candidates) {
    const penalty = current?.schedule && !sameSchedule(candidate, current.schedule) ? current.writePenaltyCents : 0;
    const total = score(candidate) + penalty;
    if (total < bestScore - 1e-9) {
      best = candidate;
      bestScore = total;
    }
  }
  return best;
}

/** What the device can be told to do from `now` (a window on the 15-minute grid), up to the plan's SOC after interval `last`. */
function variants(
  input: OptimizeInput,
  plan: OptimizeResult,
  compiled: BatterySchedule,
  kind: DeviceKind,
  now: ScheduleWindow,
  fromSlot: number,
  last: number,
): BatterySchedule[] {
  const { battery } = input;
  const target = plan.intervals[last]!.socEnd;
  const up = Math.min(battery.maxSoc, Math.ceil(target * 100 - 1e-6) / 100);
  const down = Math.max(battery.minSoc, Math.floor(target * 100 + 1e-6) / 100);
  const here = Math.max(battery.minSoc, Math.min(battery.maxSoc, Math.floor(battery.soc * 100) / 100));
  const span = input.intervals.slice(0, last + 1);
  const plannedW = span.reduce((w, iv, t) => w + plan.intervals[t]!.batteryW * iv.minutes, 0) / span.reduce((m, iv) => m + iv.minutes, 0);
  const candidates: BatterySchedule[] = [];
  const base: BatterySchedule = {
    charge: { ...compiled.charge, windows: cut(compiled.charge.windows, now) },
    discharge: { ...compiled.discharge, windows: cut(compiled.discharge.windows, now) },
  };
  if (kind === "alphaess") {
    const allowNow = (s: BatterySchedule, stopLevel: number): BatterySchedule => ({
      charge: s.charge,
      discharge: s.discharge.timeControl
        ? { ...s.discharge, stopLevel, windows: limit([now, ...s.discharge.windows], 2, fromSlot) }
        : { ...s.discharge, stopLevel },
    });
    candidates.push(allowNow(base, compiled.discharge.stopLevel), allowNow(base, down));
    // Hold: no discharge now (time control with windows everywhere else).
    const elsewhere = base.discharge.timeControl ? base.discharge.windows : [{ start: now.end, end: now.start }];
    candidates.push({ charge: base.charge, discharge: { ...base.discharge, timeControl: true, windows: limit(elsewhere, 2, fromSlot) } });
    for (const fromGrid of [true, false])
      for (const stopLevel of new Set([up, here, battery.maxSoc]))
        candidates.push({
          charge: { fromGrid, stopLevel, windows: limit([now, ...base.charge.windows], 2, fromSlot) },
          discharge: base.discharge,
        });
  } else {
    const groups = (w: ScheduleWindow, side: "charge" | "discharge", stop: number): BatterySchedule => {
      const charge = side === "charge" ? [w, ...base.charge.windows] : base.charge.windows;
      const discharge = side === "discharge" ? [w, ...base.discharge.windows] : base.discharge.windows;
      const keep = limit([w, ...base.charge.windows, ...base.discharge.windows], 4, fromSlot);
      return {
        charge: { ...base.charge, ...(side === "charge" && { stopLevel: stop }), windows: charge.filter((x) => keep.includes(x)) },
        discharge: {
          ...base.discharge,
          ...(side === "discharge" && { stopLevel: stop }),
          windows: discharge.filter((x) => keep.includes(x)),
        },
      };
    };
    const maxW = Math.max(battery.maxChargeW, battery.maxDischargeW);
    const power = (w: number) => Math.max(100, Math.min(maxW, Math.round(Math.abs(w) / 100) * 100));
    candidates.push(base);
    if (plannedW < 0)
      candidates.push(
        groups({ ...now, powerW: power(plannedW) }, "charge", up),
        groups({ ...now, powerW: power(plannedW) }, "charge", battery.maxSoc),
      );
    if (plannedW > 0) candidates.push(groups({ ...now, powerW: power(plannedW) }, "discharge", Math.max(0.1, down)));
    candidates.push(groups({ ...now, powerW: 100 }, "discharge", Math.max(0.1, down)));
  }
  return candidates;
}

/** How many intervals from the first the plan keeps doing the same kind of thing (at least 1). */
function sameBehaviourRun(input: OptimizeInput, plan: OptimizeResult): number {
  const kind = (t: number) => {
    const i = input.intervals[t]!;
    const p = plan.intervals[t]!;
    const surplus = i.pvW - i.loadW;
    if (p.batteryW < -200 && p.gridW > 200) return "grid-charge";
    if (Math.abs(p.batteryW) < 100 && surplus > 200) return "keep-pv-out";
    if (p.batteryW > Math.max(0, -surplus) + 200) return "export";
    if (-surplus > 200 && p.batteryW < -0.5 * surplus) return "hold";
    return "self";
  };
  const first = kind(0);
  let t = 1;
  let minutes = input.intervals[0]!.minutes;
  while (t < input.intervals.length && kind(t) === first && minutes + input.intervals[t]!.minutes < 1440 - SLOT_MIN)
    minutes += input.intervals[t++]!.minutes;
  return t;
}
/** Whether a device holding `a` would need a write to hold `b` (windows in any order, levels to 1 %). */
export function sameSchedule(a: BatterySchedule | null, b: BatterySchedule | null): boolean {
  if (a === null || b === null) return a === b;
  const side = (s: { stopLevel: number; windows: readonly ScheduleWindow[] }, flag: boolean) =>
    JSON.stringify([flag, Math.round(s.stopLevel * 100), s.windows.map((w) => `${w.start}-${w.end}-${w.powerW ?? ""}`).sort()]);
  return (
    side(a.charge, a.charge.fromGrid) === side(b.charge, b.charge.fromGrid) &&
    side(a.discharge, a.discharge.timeControl) === side(b.discharge, b.discharge.timeControl)
  );
}

/** The optimal cost from the second interval on, as a function of the stored energy then. */
function valueAfterFirst(input: OptimizeInput, kind: DeviceKind): (kwh: number) => number {
  const problem = buildProblem(input, { batteryExport: kind !== "alphaess" });
  const stages = Array.from({ length: problem.count - 1 }, (_, i) => convexEnvelope(stageCost(problem, i + 1)));
  return costToGo(stages, problem.lowerKwh.slice(1), problem.upperKwh.slice(1), problem.endValue);
}

/** The windows with `w`'s slots taken out (a window `w` splits becomes two). */
function cut(windows: readonly ScheduleWindow[], w: ScheduleWindow): ScheduleWindow[] {
  const out: ScheduleWindow[] = [];
  const remove = mask(w);
  for (const window of windows) {
    const keep = mask(window).map((on, s) => on && !remove[s]);
    for (const run of runs(keep))
      out.push({ ...window, start: formatTimeOfDay(run.from * SLOT_MIN), end: formatTimeOfDay((run.to * SLOT_MIN) % 1440) });
  }
  return out;
}

/** At most `count` windows: the first (the near-term one) and then the soonest after slot `now`. */
function limit(windows: ScheduleWindow[], count: number, now: number): ScheduleWindow[] {
  if (windows.length <= count) return windows;
  const [head, ...others] = windows;
  const soon = (x: ScheduleWindow) => (parseTimeOfDay(x.start) / SLOT_MIN - now + SLOTS) % SLOTS;
  return [head!, ...others.sort((a, b) => soon(a) - soon(b)).slice(0, count - 1)];
}

function mask(w: ScheduleWindow): boolean[] {
  const s = parseTimeOfDay(w.start) / SLOT_MIN;
  const e = parseTimeOfDay(w.end) / SLOT_MIN;
  return Array.from({ length: SLOTS }, (_, k) => (s === e ? false : s < e ? k >= s && k < e : k >= s || k < e));
}

/** Runs of set slots on the circle of a day (a run through midnight is one run). */
function runs(flags: boolean[]): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  flags.forEach((f, s) => {
    if (!f) return;
    const last = out.at(-1);
    if (last && last.to === s) last.to = s + 1;
    else out.push({ from: s, to: s + 1 });
  });
  if (out.length > 1 && out[0]!.from === 0 && out.at(-1)!.to === SLOTS) {
    const tail = out.pop()!;
    out[0] = { from: tail.from, to: out[0]!.to + SLOTS };
  }
  return out.map((r) => ({ from: r.from % SLOTS, to: r.to % SLOTS === 0 && r.to > 0 ? SLOTS : r.to % SLOTS }));
}
