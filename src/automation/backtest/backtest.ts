import type { BatterySchedule } from "../../model/types.js";
import { compileSchedule } from "../compile/compile.js";
import { sameSchedule } from "../compile/near-term.js";
import { simulateSchedule, type DeviceKind, type SimBattery, type SimStep } from "../compile/behaviour.js";
import { forecastLoadPv, type HistorySample } from "../forecast/history.js";
import type { OptimizeInput } from "../optimizer/input.js";
import { optimizeBattery } from "../optimizer/optimize.js";
import type { PriceSeries } from "./amber-days.js";
import { HOUSE, houseMinutes, RetailPrices, type MinuteSeries } from "./house.js";

const MINUTE = 60_000;
const SLOT = 30;
const HORIZON_SLOTS = 48;
const WARMUP_DAYS = 7;

export interface BacktestOptions {
  days: number;
  seed: number;
  /** First simulated day, UTC midnight of a date (default 2025-09-01: spring, with negative midday prices). */
  startMs?: number;
  /** Plan with the DP on this many SOC steps instead of the exact optimiser (the default). */
  levels?: number;
  /** Prices to settle and plan with (default: the NEM model with `seed`); plans stop at its `endMs`. */
  prices?: PriceSeries;
  /**
   * Device writes allowed per local day for the compiled strategies (the controller's
   * `dailyWriteBudget`, default 6); once spent, the device keeps its last schedule until midnight, and
   * the last write is compiled to run unattended. Infinity: a write whenever the schedule changes.
   */
  dailyWriteBudget?: number;
  /** The device's schedule is changed only for a gain above this over the next interval, cents (default 0.5). */
  writePenaltyCents?: number;
  /** Called after each simulated day (progress). */
  onDay?: (day: number) => void;
}

export interface StrategyResult {
  name: string;
  costCents: number;
  /** Against self-consumption, cents (+ = cheaper). */
  savingCents: number;
  /** Share of perfect foresight's saving, percent. */
  ofPerfectPct: number | null;
  /**
   * Share of what perfect foresight could save with the same device's freedom, percent: for the
   * AlphaESS rows (its battery never exports) the no-export optimum, otherwise (d).
   */
  ofDevicePerfectPct: number | null;
  dailyCostCents: number[];
  /** Schedule writes per day a device needed (the schedule changed), for the strategies that write one; else null. */
  writesPerDay: number | null;
}

export interface BacktestResult {
  days: number;
  seed: number;
  /** The device writes a day the compiled strategies were allowed. */
  dailyWriteBudget: number;
  strategies: StrategyResult[];
  /** (c) compiled minus the plan it compiles followed exactly, per device: what the device's windows cost, cents. */
  compilationLossCents: Record<DeviceKind, number>;
}

export const BACKTEST_BATTERY: SimBattery = {
  capacityKwh: 13.3,
  maxChargeW: 5000,
  maxDischargeW: 5000,
  chargeEfficiency: 0.95,
  dischargeEfficiency: 0.95,
  minSoc: 0.1,
  maxSoc: 1,
  cycleCostCentsPerKwh: 2,
};
/** What a kWh left in the battery is worth at the end of the horizon / the backtest. */
const END_VALUE = 12;
const RULE_CHEAP_CENTS = 12;
/** Below this planned battery power, W, a follower stays idle rather than chase the house's swings. */
const IDLE_W = 50;

/** `written`: the automation's compiled schedule, sent to the device when it changes (counted, budgeted). */
type Control =
  { schedule: BatterySchedule | null; kind: DeviceKind; written?: true } | { setpointW: number; gridW: number; noExport: boolean };
type Planner = (slotStartMs: number, soc: number, device: { applied: BatterySchedule | null; lastWrite: boolean }) => Promise<Control>;

/**
 * Replays `days` days of the simulated house minute by minute under each strategy: (a) self-
 * consumption, (b) grid-charge below a price threshold, (c) this automation with the forecasts it
 * would have had (NEM price forecasts as issued, load/PV from the past week), re-planned every 30
 * minutes and compiled to AlphaESS and to GoodWe windows (and, for reference, followed exactly),
 * and (d) perfect foresight followed exactly. Costs are settled per minute at the interval's actual price.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const startMs = options.startMs ?? Date.UTC(2025, 8, 1) - HOUSE.utcOffsetMinutes * MINUTE;
  const historyStart = startMs - WARMUP_DAYS * 86_400_000;
  const series = houseMinutes(options.seed, historyStart, WARMUP_DAYS + options.days + 2);
  const prices: PriceSeries = options.prices ?? new RetailPrices(options.seed);
  const method = options.levels === undefined ? ({ method: "lp" } as const) : ({ method: "dp", levels: options.levels } as const);
  const slots = options.days * 48;
  const writePenaltyCents = options.writePenaltyCents ?? 0.5;
  const dailyWriteBudget = options.dailyWriteBudget ?? 6;

  const selfUse: Planner = async () => ({ schedule: null, kind: "alphaess" });
  const rule: Planner = async (slotMs) => {
    const { importCents } = prices.actual(slotMs);
    if (importCents >= RULE_CHEAP_CENTS) return { schedule: null, kind: "alphaess" };
    return { schedule: chargeNow(slotMs), kind: "alphaess" };
  };
  const automation = (kind: DeviceKind | "ideal" | "ideal-no-export", foresight: boolean): Planner => {
    return async (slotMs, soc, device) => {
      const input = planningInput(series, prices, slotMs, soc, foresight);
      const batteryExport = kind === "goodwe" || kind === "ideal";
      const plan = await optimizeBattery(input, { ...method, batteryExport });
      if (kind === "ideal" || kind === "ideal-no-export")
        return { setpointW: plan.intervals[0]!.batteryW, gridW: plan.intervals[0]!.gridW, noExport: !batteryExport };
      const compiled = compileSchedule(input, plan, {
        kind,
        utcOffsetMinutes: HOUSE.utcOffsetMinutes,
        current: device.applied,
        writePenaltyCents,
        unattended: device.lastWrite,
      });
      return { schedule: compiled.schedule, kind, written: true };
    };
  };
  const runs: [string, Planner][] = [
    ["(a) self-consumption", selfUse],
    [`(b) grid-charge below ${RULE_CHEAP_CENTS} c`, rule],
    ["(c) automation → AlphaESS", automation("alphaess", false)],
    ["(c) automation → GoodWe", automation("goodwe", false)],
    ["(c) automation, followed exactly", automation("ideal", false)],
    ["(d) perfect foresight", automation("ideal", true)],
    ["(c) automation, battery never exporting, followed exactly", automation("ideal-no-export", false)],
    ["(d) perfect foresight, battery never exporting", automation("ideal-no-export", true)],
  ];
  const results: { name: string; costCents: number; daily: number[]; writes: number | null }[] = [];
  for (const [name, planner] of runs) {
    results.push({ name, ...(await settle(series, prices, planner, startMs, slots, dailyWriteBudget, options.onDay)) });
  }
  const base = results[0]!.costCents;
  const perfect = base - results[5]!.costCents;
  const perfectNoExport = base - results[7]!.costCents;
  const share = (r: { costCents: number }, of: number) => (of > 0 ? ((base - r.costCents) / of) * 100 : null);
  const strategies = results.map((r, i) => ({
    name: r.name,
    costCents: r.costCents,
    savingCents: base - r.costCents,
    ofPerfectPct: share(r, perfect),
    ofDevicePerfectPct: share(r, i === 2 || i >= 6 ? perfectNoExport : perfect),
    dailyCostCents: r.daily,
    writesPerDay: r.writes === null ? null : r.writes / options.days,
  }));
  return {
    days: options.days,
    seed: options.seed,
    dailyWriteBudget,
    strategies,
    compilationLossCents: {
      alphaess: results[2]!.costCents - results[6]!.costCents,
      goodwe: results[3]!.costCents - results[4]!.costCents,
    },
  };
}

function chargeNow(slotMs: number): BatterySchedule {
  const minute = Math.round((((slotMs / MINUTE + HOUSE.utcOffsetMinutes) % 1440) + 1440) % 1440);
  const fmt = (m: number) => `${String(Math.floor((m % 1440) / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return {
    charge: { fromGrid: true, stopLevel: 1, windows: [{ start: fmt(minute), end: fmt(minute + SLOT) }] },
    discharge: { timeControl: false, stopLevel: BACKTEST_BATTERY.minSoc, windows: [] },
  };
}

/** The optimiser's input at a slot: forecasts as issued then (or the actuals, for perfect foresight). */
function planningInput(series: MinuteSeries, prices: PriceSeries, slotMs: number, soc: number, foresight: boolean): OptimizeInput {
  const known = prices.endMs === undefined ? HORIZON_SLOTS : Math.floor((prices.endMs - slotMs) / (SLOT * MINUTE));
  const slots = Math.max(1, Math.min(HORIZON_SLOTS, known));
  const loadPv = foresight
    ? actualLoadPv(series, slotMs, slots)
    : forecastLoadPv(historyBefore(series, slotMs), new Date(slotMs), slots, SLOT, { utcOffsetMinutes: HOUSE.utcOffsetMinutes });
  return {
    intervals: loadPv.map((lp, i) => {
      const start = slotMs + i * SLOT * MINUTE;
      const p = foresight || i === 0 ? prices.actual(start) : prices.forecast(start, slotMs);
      return {
        start: iso(start),
        minutes: SLOT,
        importCentsPerKwh: p.importCents,
        exportCentsPerKwh: p.exportCents,
        loadW: lp.loadW,
        pvW: lp.pvW,
      };
    }),
    battery: { ...BACKTEST_BATTERY, soc: Math.min(1, Math.max(0, soc)) },
    grid: { maxImportW: 20_000, maxExportW: 10_000 },
    endValueCentsPerKwh: END_VALUE,
  };
}

function actualLoadPv(series: MinuteSeries, slotMs: number, slots: number): { loadW: number; pvW: number }[] {
  return Array.from({ length: slots }, (_, i) => {
    const m0 = Math.round((slotMs - series.startMs) / MINUTE) + i * SLOT;
    let load = 0;
    let pv = 0;
    for (let m = m0; m < m0 + SLOT; m++) {
      load += series.loadW[m] ?? 0;
      pv += series.pvW[m] ?? 0;
    }
    return { loadW: load / SLOT, pvW: pv / SLOT };
  });
}

/** The past week as 5-minute samples, as a service's history store would hold them. */
function historyBefore(series: MinuteSeries, slotMs: number): HistorySample[] {
  const end = Math.round((slotMs - series.startMs) / MINUTE);
  const out: HistorySample[] = [];
  for (let m = Math.max(0, end - WARMUP_DAYS * 1440); m + 5 <= end; m += 5) {
    let load = 0;
    let pv = 0;
    for (let k = m; k < m + 5; k++) {
      load += series.loadW[k]!;
      pv += series.pvW[k]!;
    }
    out.push({ observedAt: new Date(series.startMs + m * MINUTE), loadW: load / 5, pvW: pv / 5 });
  }
  return out;
}

async function settle(
  series: MinuteSeries,
  prices: PriceSeries,
  planner: Planner,
  startMs: number,
  slots: number,
  dailyWriteBudget: number,
  onDay?: (day: number) => void,
): Promise<{ costCents: number; daily: number[]; writes: number | null }> {
  let soc = 0.5;
  let total = 0;
  const daily: number[] = [];
  let writes: number | null = null;
  let writesToday = 0;
  let applied: Control | undefined;
  for (let s = 0; s < slots; s++) {
    const slotMs = startMs + s * SLOT * MINUTE;
    if (s % 48 === 0) writesToday = 0;
    let control = await planner(slotMs, soc, {
      applied: applied && "schedule" in applied ? applied.schedule : null,
      lastWrite: writesToday === dailyWriteBudget - 1,
    });
    if ("written" in control) {
      // A device keeps what it was last sent: a changed schedule is a write, within the day's budget.
      const changed = !applied || !("schedule" in applied) || !sameSchedule(applied.schedule, control.schedule);
      if (changed && writesToday < dailyWriteBudget) {
        writes = (writes ?? 0) + 1;
        writesToday++;
        applied = control;
      }
      control = applied!;
    }
    const price = prices.actual(slotMs);
    const m0 = Math.round((slotMs - series.startMs) / MINUTE);
    const steps: SimStep[] = [];
    for (let m = m0; m < m0 + SLOT; m++) {
      steps.push({
        startMs: series.startMs + m * MINUTE,
        minutes: 1,
        loadW: series.loadW[m]!,
        pvW: series.pvW[m]!,
        importCentsPerKwh: price.importCents,
        exportCentsPerKwh: price.exportCents,
      });
    }
    const outcome =
      "setpointW" in control
        ? followSetpoint(control, steps, soc)
        : simulateSchedule(control.schedule, control.kind, BACKTEST_BATTERY, steps, soc, HOUSE.utcOffsetMinutes);
    soc = outcome.endKwh / BACKTEST_BATTERY.capacityKwh;
    total += outcome.costCents;
    if (s % 48 === 0) daily.push(0);
    daily[daily.length - 1]! += outcome.costCents;
    if (s % 48 === 47) onDay?.(Math.floor(s / 48) + 1);
  }
  // The energy left is worth the same to every strategy.
  return { costCents: total - END_VALUE * soc * BACKTEST_BATTERY.capacityKwh, daily, writes };
}

/**
 * A perfectly obedient battery following the plan's interval: where the plan moves the battery it
 * holds the planned grid power minute by minute (the battery takes the house's minute-level swings,
 * as a grid-setpoint controller does), else it stays idle; always within its power and energy
 * limits (and, if it never exports, the house's need).
 */
function followSetpoint(
  plan: { setpointW: number; gridW: number; noExport: boolean },
  steps: SimStep[],
  soc: number,
): { costCents: number; endKwh: number } {
  const b = BACKTEST_BATTERY;
  let kwh = soc * b.capacityKwh;
  let cost = 0;
  for (const step of steps) {
    const h = step.minutes / 60;
    const wanted = Math.abs(plan.setpointW) < IDLE_W ? 0 : step.loadW - step.pvW - plan.gridW;
    let w = plan.noExport ? Math.min(wanted, Math.max(0, step.loadW - step.pvW)) : wanted;
    if (w < 0) w = -Math.min(-w, b.maxChargeW, (Math.max(0, b.maxSoc * b.capacityKwh - kwh) / (h * b.chargeEfficiency)) * 1000);
    else if (w > 0) w = Math.min(w, b.maxDischargeW, ((Math.max(0, kwh - b.minSoc * b.capacityKwh) * b.dischargeEfficiency) / h) * 1000);
    const drawn = w > 0 ? ((w / 1000) * h) / b.dischargeEfficiency : 0;
    kwh += w < 0 ? (-w / 1000) * h * b.chargeEfficiency : -drawn;
    const grid = step.loadW - step.pvW - w;
    cost += (grid / 1000) * h * (grid >= 0 ? step.importCentsPerKwh : step.exportCentsPerKwh) + drawn * b.cycleCostCentsPerKwh;
  }
  return { costCents: cost, endKwh: kwh };
}

function iso(ms: number): string {
  return `${new Date(ms + HOUSE.utcOffsetMinutes * MINUTE).toISOString().slice(0, 19)}+10:00`;
}
