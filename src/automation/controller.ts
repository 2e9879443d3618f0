import { isBatteryController, isPowerMeter, type BatteryController, type PowerMeter, type PriceSource } from "../model/capabilities.js";
import type { ApplyResult, BatterySchedule, ControlPlan } from "../model/types.js";
import { ValidationError } from "../core/errors/index.js";
import { compileSchedule } from "./compile/compile.js";
import type { DeviceKind } from "./compile/behaviour.js";
import type { LoadPvForecast } from "./forecast/history.js";
import { pricesFromAmber, type PriceForecast } from "./forecast/prices.js";
import type { BatteryParameters, OptimizeInput } from "./optimizer/input.js";
import { optimizeBattery } from "./optimizer/optimize.js";

export type AutomationMode = "off" | "advise" | "control";

/** One decision of the loop, kept with its reasons: the audit trail of the automation. */
export interface AutomationDecision {
  at: Date;
  mode: AutomationMode;
  /** off: nothing done; skip: refused to act (stale data, cool-down, budget); hold: nothing to change; advise: a plan not applied; write: applied. */
  action: "off" | "skip" | "hold" | "advise" | "write";
  reason: string;
  replanned: boolean;
  explanation: string[];
  schedule?: BatterySchedule;
  /** The plan the schedule was compiled from: its inputs and the optimum, one row per 30-minute interval. */
  intervals?: PlanRow[];
  costCents?: number;
  baselineCostCents?: number;
  plan?: ControlPlan;
  result?: ApplyResult;
}

/** One interval of the plan: what it was planned on and what the battery does. */
export interface PlanRow {
  start: string;
  importCentsPerKwh: number;
  exportCentsPerKwh: number;
  loadW: number;
  pvW: number;
  batteryW: number;
  gridW: number;
  socEnd: number;
}

export interface AutomationControllerOptions {
  system: unknown;
  prices: PriceSource;
  /** Load and PV for `count` intervals of `minutes` from `from` (history profile, Open-Meteo, ...). */
  forecast: (from: Date, count: number, minutes: number) => Promise<LoadPvForecast[]> | LoadPvForecast[];
  kind: DeviceKind;
  battery: Omit<BatteryParameters, "soc">;
  grid: { maxImportW: number; maxExportW: number };
  mode?: AutomationMode;
  /** Never plan below this SOC (kept for outages and forecast misses). Default 0.2. */
  reserveSoc?: number;
  /** Writes allowed per local day. Default 6. */
  dailyWriteBudget?: number;
  /** What a change must save (cents, over the next interval) before the compiler replaces the device's schedule. Default 0.5. */
  writePenaltyCents?: number;
  /** Re-plan when the SOC is this far from the plan (fraction). Default 0.1. */
  socTolerance?: number;
  /** Prices, and the SOC reading, older than this are not acted on, ms. Default 15 min. */
  maxDataAgeMs?: number;
  /** How far ahead to plan, hours (1..48; prices permitting). Default 24. */
  horizonHours?: number;
  /** Minutes east of UTC of the device's wall clock. */
  utcOffsetMinutes: number;
  /** What a kWh left at the end of the horizon is worth. Default: the mean forecast import price × 0.8. */
  endValueCentsPerKwh?: number;
  now?: () => number;
  /**
   * Times (ms) of the writes to this device since `since` as kept outside this process (the
   * service's audit, the CLI's audit log), so that the cool-down and the daily budget survive a
   * restart. They are counted together with this controller's own writes (the larger count wins).
   */
  pastWrites?: (since: number) => Promise<readonly number[]> | readonly number[];
  onDecision?: (decision: AutomationDecision) => void | Promise<void>;
}

const SLOT_MIN = 30;

/**
 * The automation loop, one `cycle()` at a time (the service calls it on a timer; the CLI's
 * `automation run` calls it once). It re-plans when prices or forecasts change or the SOC strays
 * from the plan, writes only when the compiled schedule differs from the device's, honours the
 * device's write cool-down and a daily write budget, never acts on prices or a SOC older than
 * `maxDataAgeMs`, keeps `reserveSoc`, and records every decision with its explanation.
 */
export class AutomationController {
  readonly decisions: AutomationDecision[] = [];
  mode: AutomationMode;
  private readonly system: BatteryController & PowerMeter;
  private readonly now: () => number;
  private lastInputs = "";
  private lastPlan:
    | { socBySlot: Map<number, number>; schedule: BatterySchedule; explanation: string[]; cost: number; baseline: number; rows: PlanRow[] }
    | undefined;
  private lastWriteAt: number | undefined;
  private writesByDay = new Map<string, number>();

  constructor(private readonly options: AutomationControllerOptions) {
    if (!isBatteryController(options.system) || !isPowerMeter(options.system))
      throw new ValidationError("The automation needs a system that reads its power flow and takes a battery schedule.", {
        field: "system",
      });
    this.system = options.system;
    this.mode = options.mode ?? "advise";
    this.now = options.now ?? Date.now;
  }

  async cycle(): Promise<AutomationDecision> {
    if (this.mode === "off") {
      const at = new Date(this.now());
      return this.record({ at, mode: "off", action: "off", reason: "automation is off", replanned: false, explanation: [] });
    }
    const maxAge = this.options.maxDataAgeMs ?? 15 * 60_000;
    const flow = await this.read(() => this.system.getPowerFlow());
    if (!flow.ok) return this.skip(new Date(this.now()), `the SOC could not be read (${flow.error}): not acting without it`);
    // Times are taken after each read: on an accelerated clock a read can take minutes of simulated time.
    const socAge = this.now() - flow.value.observedAt.getTime();
    const soc = flow.value.soc;
    if (soc === null || socAge > maxAge)
      return this.skip(
        new Date(this.now()),
        `the SOC reading is ${soc === null ? "missing" : `${Math.round(socAge / 60_000)} min old`}: not acting on it`,
      );
    const read = await this.read(() => this.options.prices.getPriceIntervals({ next: this.slots() * 2 }));
    const at = new Date(this.now());
    if (!read.ok) return this.skip(at, `prices could not be read (${read.error}): prices are stale, not acting on them`);
    const prices = pricesFromAmber(read.value);
    const slotStart = Math.floor(at.getTime() / (SLOT_MIN * 60_000)) * SLOT_MIN * 60_000;
    const slotPrices = resample(prices, slotStart, at.getTime(), this.slots());
    if (slotPrices.length === 0) return this.skip(at, "no price covers now: prices are stale, not acting on them");
    const oldest = prices.find((p) => p.start.getTime() <= at.getTime() && p.start.getTime() + p.minutes * 60_000 > at.getTime());
    if (!oldest || at.getTime() - oldest.start.getTime() > maxAge + oldest.minutes * 60_000)
      return this.skip(at, "the current price is older than allowed: prices are stale, not acting on them");
    const loadPv = await this.options.forecast(new Date(slotStart), slotPrices.length, SLOT_MIN);
    const input = this.input(slotStart, slotPrices, loadPv, soc);
    const fingerprint = JSON.stringify([input.intervals, this.options.battery]);
    const expected = this.lastPlan?.socBySlot.get(slotStart);
    const strayed = expected !== undefined && Math.abs(expected - soc) > (this.options.socTolerance ?? 0.1);
    const replan = this.lastPlan === undefined || fingerprint !== this.lastInputs || strayed;
    const coolDownMs = writeIntervalS(this.system) * 1000;
    const day = localDay(at.getTime(), this.options.utcOffsetMinutes);
    const dayStart = Date.parse(`${day}T00:00:00Z`) - this.options.utcOffsetMinutes * 60_000;
    const past = this.options.pastWrites ? await this.options.pastWrites(Math.min(dayStart, at.getTime() - coolDownMs)) : [];
    const used = Math.max(this.writesByDay.get(day) ?? 0, past.filter((t) => t >= dayStart && t <= at.getTime()).length);
    const budget = this.options.dailyWriteBudget ?? 6;
    if (replan) {
      // An AlphaESS battery never exports (self-use windows): plan what it can do.
      const plan = await optimizeBattery(input, { batteryExport: this.options.kind !== "alphaess" });
      // Compiled as the backtest does: against what the device holds (a change must save its write penalty, so the
      // day's budget lasts), and the day's last write chosen to run unattended over the whole plan.
      const held = await this.read(() => this.system.getBatterySchedule());
      const compiled = compileSchedule(input, plan, {
        kind: this.options.kind,
        utcOffsetMinutes: this.options.utcOffsetMinutes,
        ...(held.ok ? { current: held.value, writePenaltyCents: this.options.writePenaltyCents ?? 0.5 } : {}),
        unattended: used === budget - 1,
      });
      const socBySlot = new Map(plan.intervals.map((p, i) => [slotStart + (i + 1) * SLOT_MIN * 60_000, p.socEnd]));
      this.lastPlan = {
        socBySlot,
        schedule: compiled.schedule,
        explanation: plan.explanation,
        cost: plan.costCents,
        baseline: plan.baselineCostCents,
        rows: plan.intervals.map((p, i) => {
          const x = input.intervals[i]!;
          const { importCentsPerKwh, exportCentsPerKwh, loadW, pvW } = x;
          return {
            start: x.start,
            importCentsPerKwh,
            exportCentsPerKwh,
            loadW,
            pvW,
            batteryW: p.batteryW,
            gridW: p.gridW,
            socEnd: p.socEnd,
          };
        }),
      };
      this.lastInputs = fingerprint;
    }
    const current = this.lastPlan!;
    const base = {
      at,
      mode: this.mode,
      replanned: replan,
      explanation: current.explanation,
      schedule: current.schedule,
      intervals: current.rows,
      costCents: current.cost,
      baselineCostCents: current.baseline,
    };
    const why = replan ? (strayed ? "the SOC strayed from the plan" : "prices or forecasts changed") : "inputs unchanged";
    const plan = await this.system.planBatterySchedule(current.schedule);
    if (plan.writes.length === 0)
      return this.record({ ...base, action: "hold", reason: `${why}; the device already has this schedule`, plan });
    if (this.mode === "advise") return this.record({ ...base, action: "advise", reason: `${why}; advise mode: not written`, plan });
    const lastWriteAt = Math.max(this.lastWriteAt ?? -Infinity, ...past);
    if (at.getTime() - lastWriteAt < coolDownMs)
      return this.record({
        ...base,
        action: "skip",
        reason: `write cool-down: ${Math.ceil((coolDownMs - (at.getTime() - lastWriteAt)) / 1000)} s left`,
        plan,
      });
    if (used >= budget) return this.record({ ...base, action: "skip", reason: `daily write budget (${budget}) used up`, plan });
    this.lastWriteAt = at.getTime();
    this.writesByDay.set(day, used + 1);
    const result = await this.system.applyPlan(plan, { verify: true });
    return this.record({
      ...base,
      action: "write",
      reason: `${why}; ${result.ok ? "written and read back" : "write not taken (see result)"}`,
      plan,
      result,
    });
  }

  private input(slotStart: number, prices: PriceForecast[], loadPv: LoadPvForecast[], soc: number): OptimizeInput {
    const reserve = Math.max(this.options.battery.minSoc, this.options.reserveSoc ?? 0.2);
    const mean = prices.reduce((s, p) => s + p.importCentsPerKwh, 0) / prices.length;
    return {
      intervals: prices.map((p, i) => ({
        start: iso(slotStart + i * SLOT_MIN * 60_000, this.options.utcOffsetMinutes),
        minutes: SLOT_MIN,
        importCentsPerKwh: p.importCentsPerKwh,
        exportCentsPerKwh: p.exportCentsPerKwh,
        loadW: Math.max(0, loadPv[i]?.loadW ?? 0),
        pvW: Math.max(0, loadPv[i]?.pvW ?? 0),
      })),
      battery: { ...this.options.battery, minSoc: Math.min(reserve, this.options.battery.maxSoc), soc },
      grid: this.options.grid,
      endValueCentsPerKwh: this.options.endValueCentsPerKwh ?? Math.max(0, mean * 0.8),
    };
  }

  private slots(): number {
    const hours = this.options.horizonHours ?? 24;
    return Math.max(2, Math.min(96, Math.round(hours * 2)));
  }

  /** A read that failed is a reason to skip, not a crash of the loop (the error class and message, no secrets). */
  private async read<T>(f: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
    try {
      return { ok: true, value: await f() };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }

  private skip(at: Date, reason: string): Promise<AutomationDecision> {
    return this.record({ at, mode: this.mode, action: "skip", reason, replanned: false, explanation: [] });
  }

  /** Keeps the decision and waits for `onDecision` (the service stores it) before the cycle returns. */
  private async record(decision: AutomationDecision): Promise<AutomationDecision> {
    this.decisions.push(decision);
    await this.options.onDecision?.(decision);
    return decision;
  }
}

/**
 * Price forecasts on 30-minute slots from `slotStart`: the current slot takes the interval covering
 * now (Amber's current interval may be a 5-minute one), the others the interval covering their
 * start; stops at the first gap.
 */
function resample(prices: PriceForecast[], slotStart: number, now: number, slots: number): PriceForecast[] {
  const out: PriceForecast[] = [];
  for (let i = 0; i < slots; i++) {
    const t = i === 0 ? now : slotStart + i * SLOT_MIN * 60_000;
    const p = prices.find((x) => x.start.getTime() <= t && x.start.getTime() + x.minutes * 60_000 > t);
    if (!p) break;
    out.push(p);
  }
  return out;
}

/** The device's write cool-down, from its battery-control limits. */
function writeIntervalS(system: BatteryController): number {
  return system.batteryControl.minWriteIntervalS;
}

function localDay(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

function iso(ms: number, offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19)}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
