import { ConfigurationError, ValidationError } from "../core/errors/index.js";
import { assertCalendarDate } from "../core/time/calendar-date.js";
import { localDate } from "../core/time/zoned.js";
import { assertFraction } from "../core/units.js";
import type { BatteryControlLimits, BatteryController, EnergyMeter, PowerMeter } from "../model/capabilities.js";
import { applyOk, diffFields } from "../model/helpers.js";
import type {
  ApplyOptions,
  ApplyResult,
  BatterySchedule,
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
  type EcoModeGroup,
} from "./eco-mode.js";
import type { GoodWeWriteDetail } from "./control.js";
import { ecoModeSteps } from "./families/et.js";
import type { GoodWeInverter } from "./inverter.js";
import { registersOf } from "./protocol/bytes.js";
import { ET_SETTINGS } from "./registers/et.js";
import { assertWindowPower, groupInputs, readScheduleFromGroups, validateSchedule, type GoodWeScheduleReading } from "./schedule.js";
import { OPERATION_MODE_CODES } from "./types.js";

export { readScheduleFromGroups, scheduleFromGroups, type GoodWeScheduleReading } from "./schedule.js";

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
    await this.deviceId(options);
    const { groups } = await this.inverter.readEcoModeGroups(options);
    return readScheduleFromGroups(groups, (await this.readMinSocPercent(options)) / 100, this.inverter.deviceInfo?.ratedPowerW ?? null);
  }

  /** Plans the register writes that make the eco groups (and DoD, and the work mode) match `desired`. Reads, never writes. */
  async planBatterySchedule(desired: BatterySchedule, options: { signal?: AbortSignal; power?: number } = {}): Promise<ControlPlan> {
    this.requireEt("planBatterySchedule");
    const power = options.power === undefined ? this.schedulePower : assertFraction(options.power, "power", SCHEDULE_POWER);
    const checks = validateSchedule(desired);
    const device = await this.deviceId(options);
    const rated = this.inverter.deviceInfo?.ratedPowerW ?? null;
    assertWindowPower(desired, rated);
    const { encoding, groups: current } = await this.inverter.readEcoModeGroups(options);
    const warnings: string[] = [];
    if (encoding === "v1" && desired.charge.windows.length > 0 && desired.charge.stopLevel !== 1) {
      throw new ValidationError(
        "This inverter has eco mode V1 (ARM firmware < 19): charge windows always charge to full, so charge.stopLevel must be 1.",
        { field: "charge.stopLevel", vendor: "goodwe" },
      );
    }
    const inputs = groupInputs(desired, power, encoding, rated, warnings);
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
          ? `eco group ${i + 1}: ${input.kind} ${input.group.start}–${input.group.end} at ${Math.round(Math.abs(input.group.power) * 100)} %${input.powerW !== undefined ? ` (${input.powerW} W)` : ""}${input.group.days !== ALL_DAYS ? ` on ${dayNames(input.group.days as number).join(", ")}` : ""}`
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
      current: readScheduleFromGroups(current, currentMinSoc / 100, rated).schedule,
      writes,
      warnings,
    };
  }

  /** Performs a plan's writes in order, each read back; stops at the first failure. */
  async applyPlan(plan: ControlPlan, options: ApplyOptions = {}): Promise<ApplyResult<GoodWeWriteDetail>> {
    const device = await this.deviceId(options);
    if (plan.vendor !== "goodwe" || plan.device !== device) {
      throw new ValidationError(`This plan is for ${plan.vendor} ${plan.device}, not goodwe ${device}.`, {
        field: "plan",
        vendor: "goodwe",
      });
    }
    const dryRun = options.dryRun ?? false;
    const results: WriteResult<GoodWeWriteDetail>[] = [];
    let failed = false;
    for (const write of plan.writes) {
      const payload = write.payload as GoodWeWritePayload;
      if (failed || dryRun) {
        results.push({ write, sent: false, taken: null, detail: { register: payload.register, values: [...payload.values] } });
        continue;
      }
      const r = await this.inverter.writeRegisters(payload.register, payload.values, {
        verify: options.verify ?? true,
        signal: options.signal,
      });
      // The register write's result, under the plan's write (mismatches: raw values written and read back).
      results.push({ ...r.results[0]!, write });
      if (!r.ok) failed = true;
    }
    const ok = applyOk({ dryRun, results });
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
