import { ConfigurationError, ValidationError } from "../core/errors/index.js";
import {
  assertWindow,
  formatTimeOfDay,
  isDisabledWindow,
  parseTimeOfDay,
  windowsOverlap,
  type TimeWindow,
} from "../core/time/schedule-grid.js";
import { assertCalendarDate } from "../core/time/calendar-date.js";
import { localDate } from "../core/time/zoned.js";
import { assertFraction } from "../core/units.js";
import type { BatteryControlLimits, BatteryController, EnergyMeter, PowerMeter } from "../model/capabilities.js";
import { diffFields } from "../model/helpers.js";
import type {
  ApplyOptions,
  ApplyResult,
  BatterySchedule,
  ConstraintCheck,
  ControlPlan,
  EnergySystem,
  EnergyTotals,
  PlannedWrite,
  PowerFlow,
  WriteResult,
} from "../model/types.js";
import { toEnergyTotals } from "./adapter.js";
import { is745Platform } from "./detect.js";
import {
  ALL_DAYS,
  dayNames,
  decodeEcoModeGroup,
  ECO_GROUPS,
  ecoScheduleTypeFor,
  encodeEcoModeGroup,
  encodeEcoModeOff,
  groupRegister,
  type EcoModeEncoding,
  type EcoModeGroup,
  type EcoModeGroupInput,
} from "./eco-mode.js";
import { ecoModeSteps } from "./families/et.js";
import type { GoodWeInverter } from "./inverter.js";
import { registersOf } from "./protocol/bytes.js";
import { ET_SETTINGS } from "./registers/et.js";
import { OPERATION_MODE_CODES } from "./types.js";

export interface GoodWeSystemOptions {
  /** Battery power of schedule windows, fraction 0.01..1 of the inverter's rating in steps of 0.01. Default 1 (100 %). */
  schedulePower?: number;
}

/** What a planned register write carries as its payload. */
export interface GoodWeWritePayload {
  register: number;
  /** 16-bit register values. */
  values: number[];
}

/** The battery schedule the eco groups express, and what had to be adjusted to express it. */
export interface GoodWeScheduleReading {
  schedule: BatterySchedule;
  /**
   * How groups the model cannot show exactly were shown: times off the 15-minute grid (snapped to
   * the nearest quarter hour), an all-day group (two 12-hour windows), weekday or month limits
   * (ignored), empty windows (left out). Planning this schedule writes the adjusted form.
   */
  notes: string[];
}

const SCHEDULE_POWER = { min: 0.01, max: 1, step: 0.01 } as const;

/**
 * A GoodWe inverter as an `EnergySystem`. The battery schedule maps to the four eco-mode groups:
 * charge windows become groups with negative power (charging from PV and grid up to the charge
 * stop level, V2 firmware), discharge windows groups with positive power; the discharge stop level
 * is the on-grid minimum SOC (register 45356, in percent). Groups act in eco mode only, so a plan
 * switches the work mode to eco when needed (with its side effects).
 */
export class GoodWeSystem implements EnergySystem, PowerMeter, EnergyMeter, BatteryController {
  readonly vendor = "goodwe" as const;
  readonly inverter: GoodWeInverter;
  private readonly schedulePower: number;

  constructor(inverter: GoodWeInverter, options: GoodWeSystemOptions = {}) {
    this.inverter = inverter;
    try {
      this.schedulePower = assertFraction(options.schedulePower ?? 1, "schedulePower", SCHEDULE_POWER);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ConfigurationError(error.message, { setting: "schedulePower", vendor: "goodwe" });
    }
  }

  /**
   * The serial number once known, else the host. Every method that reports or checks the device
   * (power flow, totals, plans) reads the device info first when it is not known yet, so their
   * `device` is always the serial number.
   */
  get id(): string {
    return this.inverter.deviceInfo?.serialNumber ?? this.inverter.host;
  }

  /** The inverter's IANA time zone: its local dates and eco-group times are counted in it. */
  get timeZone(): string {
    return this.inverter.timeZone;
  }

  /** A GoodWe inverter keeps today's counters only. */
  readonly energyTotalsHistory = false;

  /**
   * The eco-group limits of an ET-family (hybrid) inverter. Undefined on DT (no battery) and ES
   * (its eco groups are not mapped yet), so `isBatteryController` says false for them.
   */
  get batteryControl(): BatteryControlLimits {
    if (this.inverter.family !== "ET") return undefined as unknown as BatteryControlLimits;
    const rated = this.inverter.deviceInfo?.ratedPowerW ?? null;
    return {
      maxChargeWindows: ECO_GROUPS,
      maxDischargeWindows: ECO_GROUPS,
      maxWindowsTotal: ECO_GROUPS,
      gridMinutes: 15,
      minWriteIntervalS: 0,
      windowPower: true,
      ...(rated ? { maxPowerW: rated } : {}),
      weekdays: true,
      backend: "GoodWe ET eco mode",
    };
  }

  getPowerFlow(options: { signal?: AbortSignal } = {}): Promise<PowerFlow> {
    return this.inverter.readPowerFlow(options);
  }

  /** Today's counters only: the inverter keeps day counters for its current local day. */
  async getEnergyTotals(date: string, options: { signal?: AbortSignal } = {}): Promise<EnergyTotals> {
    assertCalendarDate(date, "date");
    // Refused before any request when it is plainly not today here; the device's own date is checked after the read.
    const today = localDate(this.inverter.clock.now(), this.inverter.timeZone);
    if (date !== today) throw notToday(date, today, this.inverter.timeZone);
    const device = await this.deviceId(options);
    const data = await this.inverter.readRuntimeData({ ...options, flowOnly: true });
    const totals = toEnergyTotals(data, device, this.inverter.timeZone);
    if (totals.date !== date) throw notToday(date, totals.date, this.inverter.timeZone);
    return totals;
  }

  async getBatterySchedule(options: { signal?: AbortSignal } = {}): Promise<BatterySchedule> {
    return (await this.readBatterySchedule(options)).schedule;
  }

  /** The battery schedule with notes on the groups it could not show exactly (see `GoodWeScheduleReading`). */
  async readBatterySchedule(options: { signal?: AbortSignal } = {}): Promise<GoodWeScheduleReading> {
    this.requireEt("readBatterySchedule");
    const { groups } = await this.inverter.readEcoModeGroups(options);
    return readScheduleFromGroups(groups, (await this.readMinSocPercent(options)) / 100);
  }

  /** Plans the register writes that make the eco groups (and DoD, and the work mode) match `desired`. Reads, never writes. */
  async planBatterySchedule(desired: BatterySchedule, options: { signal?: AbortSignal; power?: number } = {}): Promise<ControlPlan> {
    this.requireEt("planBatterySchedule");
    const power = options.power === undefined ? this.schedulePower : assertFraction(options.power, "power", SCHEDULE_POWER);
    const checks = validateSchedule(desired);
    const device = await this.deviceId(options);
    const { encoding, groups: current } = await this.inverter.readEcoModeGroups(options);
    const warnings: string[] = [];
    if (encoding === "v1" && desired.charge.windows.length > 0 && desired.charge.stopLevel !== 1) {
      throw new ValidationError(
        "This inverter has eco mode V1 (ARM firmware < 19): charge windows always charge to full, so charge.stopLevel must be 1.",
        { field: "charge.stopLevel", vendor: "goodwe" },
      );
    }
    const inputs = groupInputs(desired, power, encoding);
    checks.push({
      name: "windows",
      ok: true,
      detail: `${inputs.filter(Boolean).length} of ${ECO_GROUPS} eco groups used (${encoding.toUpperCase()} encoding)`,
    });
    const platform745 = is745Platform(device);
    const writes: PlannedWrite[] = [];
    for (let i = 0; i < ECO_GROUPS; i++) {
      const input = inputs[i] ?? null;
      const before = current[i]!;
      // A group keeps its schedule type (6 on the 745 platform, in tenths of a percent).
      const type = encoding === "v2" ? ecoScheduleTypeFor(before, platform745) : 0;
      const bytes = input ? encodeEcoModeGroup(input.group, encoding, `group ${i + 1}`, type) : encodeEcoModeOff(encoding, type);
      const after = decodeEcoModeGroup(bytes, encoding);
      if (!input && !before.enabled) continue; // already off: nothing to do
      if (before.raw === after.raw) continue;
      const register = groupRegister(encoding, i + 1);
      const values = registersOf(bytes);
      writes.push({
        target: `registers ${register}..${register + values.length - 1}`,
        description: input
          ? `eco group ${i + 1}: ${input.kind} ${input.group.start}–${input.group.end} at ${Math.round(power * 100)} %`
          : `eco group ${i + 1}: off`,
        before: summary(before),
        after: summary(after),
        changes: diffFields(summary(before), summary(after)),
        constraints: checks,
        payload: { register, values } satisfies GoodWeWritePayload,
      });
    }
    const minSocPercent = Math.round(desired.discharge.stopLevel * 100);
    const currentMinSoc = await this.readMinSocPercent(options);
    if (currentMinSoc !== minSocPercent) {
      writes.push({
        target: `register ${ET_SETTINGS.batteryDischargeDepth}`,
        description: `on-grid minimum SOC ${minSocPercent} % (DoD ${100 - minSocPercent} %)`,
        before: currentMinSoc,
        after: minSocPercent,
        changes: [{ field: "minSocPercent", before: currentMinSoc, after: minSocPercent }],
        constraints: checks,
        payload: { register: ET_SETTINGS.batteryDischargeDepth, values: [minSocPercent] } satisfies GoodWeWritePayload,
      });
    }
    if (inputs.some(Boolean)) {
      const [mode] = await this.inverter.readRegisters(ET_SETTINGS.workMode, 1, options);
      if (mode !== OPERATION_MODE_CODES.eco) {
        const [workMode, emsAuto] = ecoModeSteps();
        writes.push(
          {
            target: `register ${workMode!.register}`,
            description: "work mode eco (3): eco groups act in eco mode only",
            before: mode,
            after: OPERATION_MODE_CODES.eco,
            changes: [{ field: "workMode", before: mode, after: OPERATION_MODE_CODES.eco }],
            constraints: checks,
            payload: { register: workMode!.register, values: workMode!.values } satisfies GoodWeWritePayload,
          },
          {
            target: `registers ${emsAuto!.register}..${emsAuto!.register + emsAuto!.values.length - 1}`,
            description: "EMS mode auto, power 0 W",
            before: null,
            after: emsAuto!.values,
            changes: [],
            constraints: checks,
            payload: { register: emsAuto!.register, values: emsAuto!.values } satisfies GoodWeWritePayload,
          },
        );
        warnings.push("Switching to eco mode can reset schedules made in the SolarGo app, and sets EMS to auto.");
      }
    }
    if ([...desired.charge.windows, ...desired.discharge.windows].some((w) => w.end === "00:00" && w.start !== "00:00"))
      warnings.push('Windows ending at midnight are written as ending 23:59 (GoodWe has no "24:00").');
    warnings.push("Times are the inverter's local time; keep its clock in sync (syncClock).");
    return {
      vendor: "goodwe",
      device,
      createdAt: new Date(this.inverter.clock.now()),
      desired,
      current: readScheduleFromGroups(current, currentMinSoc / 100).schedule,
      writes,
      warnings,
    };
  }

  /** Performs a plan's writes in order, each read back; stops at the first failure. */
  async applyPlan(plan: ControlPlan, options: ApplyOptions = {}): Promise<ApplyResult> {
    const device = await this.deviceId(options);
    if (plan.vendor !== "goodwe" || plan.device !== device) {
      throw new ValidationError(`This plan is for ${plan.vendor} ${plan.device}, not goodwe ${device}.`, {
        field: "plan",
        vendor: "goodwe",
      });
    }
    const dryRun = options.dryRun ?? false;
    const results: WriteResult[] = [];
    let failed = false;
    for (const write of plan.writes) {
      const payload = write.payload as GoodWeWritePayload;
      if (failed || dryRun) {
        results.push({ write, sent: false, taken: null });
        continue;
      }
      const r = await this.inverter.writeRegisters(payload.register, payload.values, {
        verify: options.verify ?? true,
        signal: options.signal,
      });
      const w = r.writes[0]!;
      // Both sides of a mismatch in raw register values: what was written, what was read back.
      const written = payload.values.length === 1 ? payload.values[0] : payload.values;
      results.push({
        write,
        // null when no answer came and reading back did not show the new value.
        sent: w.sent,
        taken: w.taken,
        readBack: w.readBack,
        ...(w.error ? { error: w.error } : {}),
        ...(w.taken === false ? { mismatches: [{ field: write.target, before: written, after: w.readBack }] } : {}),
      });
      if (!r.ok) failed = true;
    }
    const ok = dryRun
      ? plan.writes.every((w) => w.constraints.every((c) => c.ok))
      : results.every((r) => r.sent === true && r.taken !== false);
    return { vendor: "goodwe", device, appliedAt: new Date(this.inverter.clock.now()), dryRun, results, ok };
  }

  private requireEt(operation: string): void {
    if (this.inverter.family !== "ET")
      throw new ValidationError(`${operation} needs an ET-family (hybrid) inverter; this one is ${this.inverter.family}.`, {
        field: "family",
        vendor: "goodwe",
      });
  }

  /** The serial number, reading the device info when it is not known yet. */
  private async deviceId(options: { signal?: AbortSignal }): Promise<string> {
    return (this.inverter.deviceInfo ?? (await this.inverter.readDeviceInfo(options))).serialNumber;
  }

  /** Register 45356: the on-grid minimum SOC in percent (100 − DoD). */
  private async readMinSocPercent(options: { signal?: AbortSignal }): Promise<number> {
    return (await this.inverter.readRegisters(ET_SETTINGS.batteryDischargeDepth, 1, options))[0]!;
  }
}

function notToday(date: string, today: string, timeZone: string): ValidationError {
  return new ValidationError(
    `A GoodWe inverter only keeps today's counters (${today} in ${timeZone}); ${date} is not available locally. Use the SEMS cloud client for other days.`,
    { field: "date", vendor: "goodwe" },
  );
}

function summary(group: EcoModeGroup): Record<string, unknown> {
  return { start: group.start, end: group.end, days: group.days, enabled: group.enabled, power: group.power, soc: group.soc };
}

/** GoodWe end time for a model window end ("00:00" = midnight → 23:59). */
function deviceEnd(end: string): string {
  return end === "00:00" ? "23:59" : end;
}

function validateSchedule(desired: BatterySchedule): ConstraintCheck[] {
  if (typeof desired !== "object" || desired === null || typeof desired.charge !== "object" || typeof desired.discharge !== "object") {
    throw new ValidationError("desired must be a BatterySchedule { charge, discharge }.", { field: "desired", vendor: "goodwe" });
  }
  const checks: ConstraintCheck[] = [];
  const windows = (list: unknown, field: string): TimeWindow[] => {
    if (!Array.isArray(list)) throw new ValidationError(`${field} must be an array of windows.`, { field, vendor: "goodwe" });
    return list.map((w, i) => assertWindow(w, `${field}[${i}]`)).filter((w) => !isDisabledWindow(w));
  };
  const charge = windows(desired.charge.windows, "charge.windows");
  const discharge = windows(desired.discharge.windows, "discharge.windows");
  checks.push({ name: "grid", ok: true, detail: "all window times on the 15-minute grid" });
  if (charge.length + discharge.length > ECO_GROUPS) {
    throw new ValidationError(
      `GoodWe has ${ECO_GROUPS} eco groups for charge and discharge windows together; got ${charge.length} + ${discharge.length}.`,
      { field: "windows", vendor: "goodwe" },
    );
  }
  const all = [...charge, ...discharge];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (windowsOverlap(all[i]!, all[j]!))
        throw new ValidationError(`Windows ${all[i]!.start}–${all[i]!.end} and ${all[j]!.start}–${all[j]!.end} overlap.`, {
          field: "windows",
          vendor: "goodwe",
        });
    }
  }
  checks.push({ name: "overlap", ok: true, detail: "no windows overlap" });
  if (charge.length > 0 && desired.charge.fromGrid !== true) {
    throw new ValidationError(
      "GoodWe eco charge windows charge from PV and the grid: charge.fromGrid must be true when there are charge windows.",
      { field: "charge.fromGrid", vendor: "goodwe" },
    );
  }
  if (desired.discharge.timeControl) {
    throw new ValidationError(
      "GoodWe cannot limit discharging to windows: outside its eco groups the inverter runs self-use and discharges to cover the load. Set discharge.timeControl to false.",
      {
        field: "discharge.timeControl",
        vendor: "goodwe",
      },
    );
  }
  assertFraction(desired.charge.stopLevel, "charge.stopLevel", { step: 0.01 });
  assertFraction(desired.discharge.stopLevel, "discharge.stopLevel", { min: 0.1, step: 0.01 });
  checks.push({
    name: "levels",
    ok: true,
    detail: `charge stop ${desired.charge.stopLevel}, discharge stop ${desired.discharge.stopLevel} (DoD at most 90 %)`,
  });
  return checks;
}

function groupInputs(
  desired: BatterySchedule,
  power: number,
  encoding: EcoModeEncoding,
): Array<{ kind: "charge" | "discharge"; group: EcoModeGroupInput } | null> {
  const out: Array<{ kind: "charge" | "discharge"; group: EcoModeGroupInput } | null> = [];
  for (const w of desired.charge.windows.filter((x) => !isDisabledWindow(x))) {
    out.push({
      kind: "charge",
      group: { start: w.start, end: deviceEnd(w.end), power: -power, ...(encoding === "v2" ? { soc: desired.charge.stopLevel } : {}) },
    });
  }
  for (const w of desired.discharge.windows.filter((x) => !isDisabledWindow(x))) {
    out.push({ kind: "discharge", group: { start: w.start, end: deviceEnd(w.end), power, ...(encoding === "v2" ? { soc: 1 } : {}) } });
  }
  while (out.length < ECO_GROUPS) out.push(null);
  return out;
}

/** Minutes since midnight rounded to the nearest quarter hour (0..1440; 1440 is midnight at the end). */
const nearestQuarter = (minutes: number): number => Math.round(minutes / 15) * 15;

/** The model windows of one enabled group, with a note for every adjustment. */
function windowsOfGroup(g: EcoModeGroup, name: string, notes: string[]): TimeWindow[] {
  const rawStart = parseTimeOfDay(g.start);
  // GoodWe's day ends at 23:59: that end is midnight, exactly.
  const rawEnd = g.end === "23:59" ? 1440 : parseTimeOfDay(g.end);
  const duration = (rawEnd - rawStart + 1440) % 1440 || (rawEnd === rawStart ? 0 : 1440);
  if (duration === 0) {
    notes.push(`${name} starts and ends at ${g.start}: an empty window, left out.`);
    return [];
  }
  const start = nearestQuarter(rawStart) % 1440;
  const end = nearestQuarter(rawEnd) % 1440;
  const shown = `${formatTimeOfDay(start)}–${formatTimeOfDay(end)}`;
  if (start === end) {
    if (duration < 720) {
      notes.push(`${name} (${g.start}–${g.end}) is shorter than the 15-minute grid can show: left out.`);
      return [];
    }
    const half = (start + 720) % 1440;
    notes.push(
      `${name} runs all day (${g.start}–${g.end}); a window cannot span 24 h, so it is shown as ${formatTimeOfDay(start)}–${formatTimeOfDay(half)} and ${formatTimeOfDay(half)}–${formatTimeOfDay(start)}.`,
    );
    return [
      { start: formatTimeOfDay(start), end: formatTimeOfDay(half) },
      { start: formatTimeOfDay(half), end: formatTimeOfDay(start) },
    ];
  }
  if (nearestQuarter(rawStart) !== rawStart || nearestQuarter(rawEnd) !== rawEnd)
    notes.push(`${name} (${g.start}–${g.end}) is off the 15-minute grid: shown as ${shown}.`);
  return [{ start: formatTimeOfDay(start), end: formatTimeOfDay(end) }];
}

/**
 * The battery schedule the eco groups express (enabled eco-type groups), with notes on what the
 * model cannot show exactly: times are snapped to the nearest quarter hour, an all-day group
 * becomes two 12-hour windows, weekday and month limits are ignored. The result always passes
 * `planBatterySchedule`'s checks (unless the groups themselves overlap or exceed four windows).
 */
export function readScheduleFromGroups(groups: readonly EcoModeGroup[], minSoc: number): GoodWeScheduleReading {
  const notes: string[] = [];
  const charge: TimeWindow[] = [];
  const discharge: TimeWindow[] = [];
  let chargeStop: number | null = null;
  for (const [i, g] of groups.entries()) {
    if (!g.enabled || g.unset || g.power === null || g.power === 0 || !g.start || !g.end) continue;
    if (g.scheduleType !== null && g.scheduleType !== 0 && g.scheduleType !== 6) continue;
    const name = `Eco group ${i + 1}`;
    if ((g.days & ALL_DAYS) !== ALL_DAYS)
      notes.push(`${name} runs on ${dayNames(g.days).join(", ") || "no day"} only; the schedule shows it every day.`);
    if (g.months !== null && g.months !== 0 && g.months !== 0x0fff)
      notes.push(`${name} is limited to some months (mask 0x${g.months.toString(16)}); the schedule shows it all year.`);
    const windows = windowsOfGroup(g, name, notes);
    if (g.power < 0) {
      charge.push(...windows);
      if (windows.length > 0) chargeStop ??= g.soc;
    } else {
      discharge.push(...windows);
    }
  }
  return {
    schedule: {
      charge: { fromGrid: true, stopLevel: chargeStop ?? 1, windows: charge },
      discharge: { timeControl: false, stopLevel: Math.round(minSoc * 100) / 100, windows: discharge },
    },
    notes,
  };
}

/** The battery schedule the eco groups express (see `readScheduleFromGroups`, which also says what was adjusted). */
export function scheduleFromGroups(groups: readonly EcoModeGroup[], minSoc: number): BatterySchedule {
  return readScheduleFromGroups(groups, minSoc).schedule;
}
