import { ConfigurationError, ValidationError } from "../core/errors/index.js";
import { assertWindow, isDisabledWindow, parseTimeOfDay, windowsOverlap, type TimeWindow } from "../core/time/schedule-grid.js";
import { diffFields } from "../model/helpers.js";
import type { ApplyOptions, ApplyResult, BatterySchedule, Capabilities, ConstraintCheck, ControlPlan, EnergySystem, EnergyTotals, PlannedWrite, PowerFlow, WriteResult } from "../model/types.js";
import { toEnergyTotals } from "./adapter.js";
import { registersOf } from "./control.js";
import { decodeEcoModeGroup, ECO_GROUPS, encodeEcoModeGroup, encodeEcoModeOff, groupRegister, type EcoModeEncoding, type EcoModeGroup, type EcoModeGroupInput } from "./eco-mode.js";
import type { GoodWeInverter } from "./inverter.js";
import { ET_SETTINGS } from "./registers/et.js";
import { EMS_MODES, OPERATION_MODE_CODES } from "./types.js";

export interface GoodWeSystemOptions {
  /** Battery power of schedule windows, fraction 0..1 of the inverter's rating. Default 1 (100 %). */
  schedulePower?: number;
}

/** What a planned register write carries as its payload. */
export interface GoodWeWritePayload {
  register: number;
  /** 16-bit register values. */
  values: number[];
}

/**
 * A GoodWe inverter as an `EnergySystem`. The battery schedule maps to the four eco-mode groups:
 * charge windows become groups with negative power (charging from PV and grid up to the charge
 * stop level, V2 firmware), discharge windows groups with positive power; the discharge stop level
 * is the on-grid depth of discharge (register 45356 holds the minimum SOC in percent). Groups act
 * in eco mode only, so a plan switches the work mode to eco when needed (with its side effects).
 */
export class GoodWeSystem implements EnergySystem {
  readonly vendor = "goodwe" as const;
  readonly inverter: GoodWeInverter;
  private readonly schedulePower: number;

  constructor(inverter: GoodWeInverter, options: GoodWeSystemOptions = {}) {
    this.inverter = inverter;
    const power = options.schedulePower ?? 1;
    if (typeof power !== "number" || !(power > 0 && power <= 1) || Math.abs(Math.round(power * 100) - power * 100) > 1e-6) {
      throw new ConfigurationError(`schedulePower must be a fraction in (0, 1] in steps of 0.01, got ${String(power)}.`, { setting: "schedulePower", vendor: "goodwe" });
    }
    this.schedulePower = power;
  }

  /** The serial number once known (after `connect`/`readDeviceInfo`), else the host. */
  get id(): string {
    return this.inverter.deviceInfo?.serialNumber ?? this.inverter.host;
  }

  capabilities(): Capabilities {
    const et = this.inverter.family === "ET";
    const es = this.inverter.family === "ES";
    return {
      read: { powerFlow: true, energyTotals: true, energyTotalsHistory: false, history: false, prices: false },
      control: {
        ...(et ? { batterySchedule: { maxChargeWindows: ECO_GROUPS, maxDischargeWindows: ECO_GROUPS, maxWindowsTotal: ECO_GROUPS, gridMinutes: 15 as const, minWriteIntervalS: 0 } } : {}),
        ...(et ? { operationMode: ["general", "offGrid", "backup", "eco", "peakShaving", "selfUse", "ecoCharge", "ecoDischarge"] } : es ? { operationMode: ["general", "offGrid", "backup", "eco"] } : {}),
        exportLimit: et || es,
      },
    };
  }

  getPowerFlow(options: { signal?: AbortSignal } = {}): Promise<PowerFlow> {
    return this.inverter.readPowerFlow(options);
  }

  /** Today's counters only: the inverter keeps day counters for its current local day. */
  async getEnergyTotals(date: string, options: { signal?: AbortSignal } = {}): Promise<EnergyTotals> {
    const data = await this.inverter.readRuntimeData(options);
    const totals = toEnergyTotals(data, this.id, this.inverter.timeZone);
    if (totals.date !== date) {
      throw new ValidationError(
        `A GoodWe inverter only keeps today's counters (${totals.date} in ${this.inverter.timeZone}); ${date} is not available locally. Use the SEMS cloud client for other days.`,
        { field: "date", vendor: "goodwe" },
      );
    }
    return totals;
  }

  async getBatterySchedule(options: { signal?: AbortSignal } = {}): Promise<BatterySchedule> {
    this.requireEt("getBatterySchedule");
    const { groups } = await this.inverter.readEcoModeGroups(options);
    const minSoc = 1 - ((await this.inverter.getOngridBatteryDod(options)) ?? 0);
    return scheduleFromGroups(groups, minSoc);
  }

  /** Plans the register writes that make the eco groups (and DoD, and the work mode) match `desired`. Reads, never writes. */
  async planBatterySchedule(desired: BatterySchedule, options: { signal?: AbortSignal; power?: number } = {}): Promise<ControlPlan> {
    this.requireEt("planBatterySchedule");
    const power = options.power ?? this.schedulePower;
    const checks = validateSchedule(desired);
    const { encoding, groups: current } = await this.inverter.readEcoModeGroups(options);
    const warnings: string[] = [];
    if (encoding === "v1" && desired.charge.windows.length > 0 && desired.charge.stopLevel !== 1) {
      throw new ValidationError("This inverter has eco mode V1 (ARM firmware < 19): charge windows always charge to full, so charge.stopLevel must be 1.", { field: "charge.stopLevel", vendor: "goodwe" });
    }
    const inputs = groupInputs(desired, power, encoding);
    checks.push({ name: "windows", ok: true, detail: `${inputs.filter(Boolean).length} of ${ECO_GROUPS} eco groups used (${encoding.toUpperCase()} encoding)` });
    const writes: PlannedWrite[] = [];
    for (let i = 0; i < ECO_GROUPS; i++) {
      const input = inputs[i] ?? null;
      const before = current[i]!;
      const bytes = input ? encodeEcoModeGroup(input, encoding, `group ${i + 1}`) : encodeEcoModeOff(encoding);
      const after = decodeEcoModeGroup(bytes, encoding);
      if (!input && !before.enabled) continue; // already off: nothing to do
      if (before.raw === after.raw) continue;
      const register = groupRegister(encoding, i + 1);
      const values = registersOf(bytes);
      writes.push({
        target: `registers ${register}..${register + values.length - 1}`,
        description: input ? `eco group ${i + 1}: ${input.power < 0 ? "charge" : "discharge"} ${input.start}–${input.end} at ${Math.round(Math.abs(input.power) * 100)} %` : `eco group ${i + 1}: off`,
        before: summary(before),
        after: summary(after),
        changes: diffFields(summary(before), summary(after)),
        constraints: checks,
        payload: { register, values } satisfies GoodWeWritePayload,
      });
    }
    const minSocPercent = Math.round(desired.discharge.stopLevel * 100);
    const currentDod = await this.inverter.getOngridBatteryDod(options);
    const currentMinSoc = currentDod === null ? null : Math.round((1 - currentDod) * 100);
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
    const anyWindow = inputs.some(Boolean);
    if (anyWindow) {
      const mode = await this.inverter.readRegisters(ET_SETTINGS.workMode, 1, options);
      if (mode[0] !== OPERATION_MODE_CODES.eco) {
        writes.push({
          target: `register ${ET_SETTINGS.workMode}`,
          description: "work mode eco (3): eco groups act in eco mode only",
          before: mode[0],
          after: OPERATION_MODE_CODES.eco,
          changes: [{ field: "workMode", before: mode[0], after: OPERATION_MODE_CODES.eco }],
          constraints: checks,
          payload: { register: ET_SETTINGS.workMode, values: [OPERATION_MODE_CODES.eco] } satisfies GoodWeWritePayload,
        });
        writes.push({
          target: `registers ${ET_SETTINGS.emsMode}..${ET_SETTINGS.emsPowerLimit}`,
          description: "EMS mode auto, power 0 W",
          before: null,
          after: [EMS_MODES.auto, 0],
          changes: [],
          constraints: checks,
          payload: { register: ET_SETTINGS.emsMode, values: [EMS_MODES.auto, 0] } satisfies GoodWeWritePayload,
        });
        warnings.push("Switching to eco mode can reset schedules made in the SolarGo app, and sets EMS to auto.");
      }
    }
    if ([...desired.charge.windows, ...desired.discharge.windows].some((w) => w.end === "00:00" && w.start !== "00:00")) warnings.push('Windows ending at midnight are written as ending 23:59 (GoodWe has no "24:00").');
    warnings.push("Times are the inverter's local time; keep its clock in sync (syncClock).");
    return { vendor: "goodwe", device: this.id, createdAt: new Date(), desired, writes, warnings };
  }

  /** Performs a plan's writes in order, each read back; stops at the first failure. */
  async applyPlan(plan: ControlPlan, options: ApplyOptions = {}): Promise<ApplyResult> {
    if (plan.vendor !== "goodwe" || plan.device !== this.id) {
      throw new ValidationError(`This plan is for ${plan.vendor} ${plan.device}, not goodwe ${this.id}.`, { field: "plan", vendor: "goodwe" });
    }
    const results: WriteResult[] = [];
    let failed = false;
    for (const write of plan.writes) {
      const payload = write.payload as GoodWeWritePayload;
      if (failed || options.dryRun) {
        results.push({ write, sent: false, taken: null });
        continue;
      }
      const r = await this.inverter.writeRegisters(payload.register, payload.values, { verify: options.verify ?? true, signal: options.signal });
      const w = r.writes[0]!;
      results.push({ write, sent: w.sent, taken: w.taken, readBack: w.readBack, ...(w.error ? { error: w.error } : {}), ...(w.taken === false ? { mismatches: [{ field: write.target, before: w.after, after: w.readBack }] } : {}) });
      if (!r.ok) failed = true;
    }
    return { vendor: "goodwe", device: this.id, appliedAt: new Date(), dryRun: options.dryRun ?? false, results, ok: !options.dryRun && results.every((r) => r.sent && r.taken !== false) };
  }

  private requireEt(operation: string): void {
    if (this.inverter.family !== "ET") throw new ValidationError(`${operation} needs an ET-family (hybrid) inverter; this one is ${this.inverter.family}.`, { field: "family", vendor: "goodwe" });
  }
}

function summary(group: EcoModeGroup): Record<string, unknown> {
  return { start: group.start, end: group.end, days: group.days, enabled: group.enabled, power: group.power, soc: group.soc };
}

/** GoodWe end time for a model window end ("00:00" = midnight → 23:59). */
function deviceEnd(end: string): string {
  return end === "00:00" ? "23:59" : end;
}

/** Model end for a GoodWe end (23:59 → "00:00", midnight). */
function modelEnd(end: string): string {
  return end === "23:59" ? "00:00" : end;
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
    throw new ValidationError(`GoodWe has ${ECO_GROUPS} eco groups for charge and discharge windows together; got ${charge.length} + ${discharge.length}.`, { field: "windows", vendor: "goodwe" });
  }
  const all = [...charge, ...discharge];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (windowsOverlap(all[i]!, all[j]!)) throw new ValidationError(`Windows ${all[i]!.start}–${all[i]!.end} and ${all[j]!.start}–${all[j]!.end} overlap.`, { field: "windows", vendor: "goodwe" });
    }
  }
  checks.push({ name: "overlap", ok: true, detail: "no windows overlap" });
  if (charge.length > 0 && desired.charge.fromGrid !== true) {
    throw new ValidationError("GoodWe eco charge windows charge from PV and the grid: charge.fromGrid must be true when there are charge windows.", { field: "charge.fromGrid", vendor: "goodwe" });
  }
  if (desired.discharge.timeControl) {
    throw new ValidationError("GoodWe cannot limit discharging to windows: outside its eco groups the inverter runs self-use and discharges to cover the load. Set discharge.timeControl to false.", {
      field: "discharge.timeControl",
      vendor: "goodwe",
    });
  }
  const level = (v: unknown, field: string, min: number): number => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > 1 || Math.abs(Math.round(v * 100) - v * 100) > 1e-6) {
      const hint = typeof v === "number" && v > 1 && v <= 100 ? ` (levels are fractions: write ${v / 100} for ${v} %)` : "";
      throw new ValidationError(`${field} must be a fraction from ${min} to 1 in steps of 0.01, got ${String(v)}${hint}.`, { field, vendor: "goodwe" });
    }
    return v;
  };
  level(desired.charge.stopLevel, "charge.stopLevel", 0);
  level(desired.discharge.stopLevel, "discharge.stopLevel", 0.1);
  checks.push({ name: "levels", ok: true, detail: `charge stop ${desired.charge.stopLevel}, discharge stop ${desired.discharge.stopLevel} (DoD at most 90 %)` });
  // Midnight-ending windows are fine; make sure parse works for the converted end too.
  for (const w of all) parseTimeOfDay(deviceEnd(w.end));
  return checks;
}

function groupInputs(desired: BatterySchedule, power: number, encoding: EcoModeEncoding): Array<EcoModeGroupInput | null> {
  const out: Array<EcoModeGroupInput | null> = [];
  for (const w of desired.charge.windows.filter((x) => !isDisabledWindow(x))) {
    out.push({ start: w.start, end: deviceEnd(w.end), power: -power, ...(encoding === "v2" ? { soc: desired.charge.stopLevel } : {}) });
  }
  for (const w of desired.discharge.windows.filter((x) => !isDisabledWindow(x))) {
    out.push({ start: w.start, end: deviceEnd(w.end), power, ...(encoding === "v2" ? { soc: 1 } : {}) });
  }
  while (out.length < ECO_GROUPS) out.push(null);
  return out;
}

/** The battery schedule the eco groups express (enabled eco-type groups only). */
export function scheduleFromGroups(groups: readonly EcoModeGroup[], minSoc: number): BatterySchedule {
  const active = groups.filter((g) => g.enabled && !g.unset && g.power !== null && g.power !== 0 && g.start && g.end && (g.scheduleType === null || g.scheduleType === 0 || g.scheduleType === 6));
  const window = (g: EcoModeGroup): TimeWindow => {
    const w = { start: g.start!, end: modelEnd(g.end!) };
    return w.start === w.end ? { start: "00:00", end: "23:59" } : w;
  };
  const charge = active.filter((g) => g.power! < 0);
  const discharge = active.filter((g) => g.power! > 0);
  return {
    charge: { fromGrid: true, stopLevel: charge.find((g) => g.soc !== null)?.soc ?? 1, windows: charge.length ? charge.map(window) : [] },
    discharge: { timeControl: false, stopLevel: Math.round(minSoc * 100) / 100, windows: discharge.length ? discharge.map(window) : [] },
  };
}

