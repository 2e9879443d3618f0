import { ValidationError } from "../../core/errors/index.js";
import { parseTimeOfDay } from "../../core/time/index.js";
import type { BatteryControl, ChargeWindow, DischargeWindow } from "./types.js";

/**
 * Battery dispatch. Losses are split evenly: √η of the AC energy charged is stored, and an AC
 * discharge of E takes E/√η from the store, so a full cycle returns η. Power limits are on the AC
 * side. The state of charge never leaves [minSoc, maxSoc] of the hardware.
 */

/** The battery as configured, after defaults. */
export interface BatterySpec {
  capacityKwh: number;
  maxChargeW: number;
  maxDischargeW: number;
  /** √(round-trip efficiency). */
  sqrtEta: number;
  minSoc: number;
  maxSoc: number;
}

/** A window pre-parsed for per-step checks. @internal */
export interface CompiledWindow {
  startMin: number;
  endMin: number;
  /** Bit n set = ISO weekday n applies; 0b11111110 = every day. */
  weekdayMask: number;
  stopSoc: number;
  powerW: number | undefined;
  fromGrid: boolean;
}

/** A control checked and pre-parsed. @internal */
export interface CompiledControl {
  mode: BatteryControl["mode"];
  forcePowerW: number | undefined;
  chargeWindows: CompiledWindow[];
  dischargeWindows: CompiledWindow[];
  dischargeTimeControl: boolean;
  minSoc: number;
  /** Effective export limit: the lower of the control's and the site's; null for none. */
  exportLimitW: number | null;
}

const ALL_DAYS = 0b11111110;
// Below this (kWh) the store counts as at its target, so float dust never becomes a trickle charge.
const ENERGY_EPSILON_KWH = 1e-9;

function fail(field: string, message: string): never {
  throw new ValidationError(`${field} ${message}`, { field });
}

function checkFraction(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1)
    fail(field, `must be a fraction from 0 to 1, got ${String(value)}.`);
  return value;
}

function checkPower(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) fail(field, `must be a power in W >= 0, got ${String(value)}.`);
  return value;
}

function compileWindow(w: ChargeWindow | DischargeWindow, field: string): CompiledWindow {
  if (typeof w !== "object" || w === null || typeof w.window !== "object" || w.window === null)
    fail(field, "must be { window: { start, end }, stopSoc, ... }.");
  let weekdayMask = ALL_DAYS;
  if (w.weekdays !== undefined) {
    if (!Array.isArray(w.weekdays)) fail(`${field}.weekdays`, "must be an array of ISO weekdays 1..7.");
    weekdayMask = 0;
    for (const d of w.weekdays) {
      if (!Number.isInteger(d) || d < 1 || d > 7)
        fail(`${field}.weekdays`, `must hold ISO weekdays 1 (Monday) to 7 (Sunday), got ${String(d)}.`);
      weekdayMask |= 1 << d;
    }
  }
  return {
    startMin: parseTimeOfDay(w.window.start, `${field}.window.start`),
    endMin: parseTimeOfDay(w.window.end, `${field}.window.end`),
    weekdayMask,
    stopSoc: checkFraction(w.stopSoc, `${field}.stopSoc`),
    powerW: checkPower(w.powerW, `${field}.powerW`),
    fromGrid: "fromGrid" in w ? w.fromGrid === true : false,
  };
}

/** Checks a full control and pre-parses it; throws `ValidationError` naming the bad field. @internal */
export function compileControl(control: BatteryControl, siteExportLimitW: number | null): CompiledControl {
  if (!["selfUse", "forceCharge", "forceDischarge", "idle"].includes(control.mode)) {
    fail("mode", `must be "selfUse", "forceCharge", "forceDischarge" or "idle", got ${JSON.stringify(control.mode)}.`);
  }
  if (!Array.isArray(control.chargeWindows)) fail("chargeWindows", "must be an array.");
  if (!Array.isArray(control.dischargeWindows)) fail("dischargeWindows", "must be an array.");
  if (typeof control.dischargeTimeControl !== "boolean") fail("dischargeTimeControl", "must be true or false.");
  const limit = control.exportLimitW;
  if (limit !== null && (typeof limit !== "number" || !Number.isFinite(limit) || limit < 0))
    fail("exportLimitW", `must be null or a power in W >= 0, got ${String(limit)}.`);
  const limits = [limit, siteExportLimitW].filter((v): v is number => v !== null);
  return {
    mode: control.mode,
    forcePowerW: checkPower(control.forcePowerW, "forcePowerW"),
    chargeWindows: control.chargeWindows.map((w, i) => compileWindow(w, `chargeWindows[${i}]`)),
    dischargeWindows: control.dischargeWindows.map((w, i) => compileWindow(w, `dischargeWindows[${i}]`)),
    dischargeTimeControl: control.dischargeTimeControl,
    minSoc: checkFraction(control.minSoc, "minSoc"),
    exportLimitW: limits.length === 0 ? null : Math.min(...limits),
  };
}

/**
 * Whether a window is active at local `minute` on ISO weekday `weekday`. The part of a window that
 * wraps past midnight belongs to the weekday it started on.
 */
export function windowActive(w: CompiledWindow, minute: number, weekday: number): boolean {
  const s = w.startMin;
  const e = w.endMin;
  if (s === e) return false;
  if (s < e) return minute >= s && minute < e && (w.weekdayMask & (1 << weekday)) !== 0;
  if (minute >= s) return (w.weekdayMask & (1 << weekday)) !== 0;
  if (minute < e) return (w.weekdayMask & (1 << (weekday === 1 ? 7 : weekday - 1))) !== 0;
  return false;
}

function firstActive(windows: CompiledWindow[], minute: number, weekday: number): CompiledWindow | undefined {
  for (const w of windows) if (windowActive(w, minute, weekday)) return w;
  return undefined;
}

/** Highest AC charge power (W) that brings the store to `targetSoc` within the step, no further. */
export function chargeHeadroomW(spec: BatterySpec, storedKwh: number, targetSoc: number, stepHours: number): number {
  const room = Math.min(targetSoc, spec.maxSoc) * spec.capacityKwh - storedKwh;
  return room > ENERGY_EPSILON_KWH ? (room * 1000) / spec.sqrtEta / stepHours : 0;
}

/** Highest AC discharge power (W) that takes the store down to `floorSoc` within the step, no further. */
export function dischargeHeadroomW(spec: BatterySpec, storedKwh: number, floorSoc: number, stepHours: number): number {
  const room = storedKwh - Math.max(floorSoc, spec.minSoc) * spec.capacityKwh;
  return room > ENERGY_EPSILON_KWH ? (room * 1000 * spec.sqrtEta) / stepHours : 0;
}

/** Result of one dispatch decision (AC side, both >= 0, at most one non-zero). */
export interface Dispatch {
  chargeW: number;
  dischargeW: number;
}

/**
 * Decides the battery's AC power for one step.
 * Order: forced modes; then an active charge window (no discharge; charge up to its stopSoc, from
 * the grid when `fromGrid`); then self-use (surplus PV charges up to maxSoc; a deficit is covered
 * down to max(minSoc, the active discharge window's stopSoc), only inside discharge windows when
 * `dischargeTimeControl`). Self-use never exports from the battery.
 */
export function dispatchBattery(
  spec: BatterySpec,
  control: CompiledControl,
  storedKwh: number,
  surplusW: number,
  minute: number,
  weekday: number,
  stepHours: number,
  out: Dispatch,
): Dispatch {
  out.chargeW = 0;
  out.dischargeW = 0;
  const dodFloor = Math.max(spec.minSoc, control.minSoc);
  switch (control.mode) {
    case "idle":
      return out;
    case "forceCharge":
      out.chargeW = Math.min(
        control.forcePowerW ?? spec.maxChargeW,
        spec.maxChargeW,
        chargeHeadroomW(spec, storedKwh, spec.maxSoc, stepHours),
      );
      return out;
    case "forceDischarge":
      out.dischargeW = Math.min(
        control.forcePowerW ?? spec.maxDischargeW,
        spec.maxDischargeW,
        dischargeHeadroomW(spec, storedKwh, dodFloor, stepHours),
      );
      return out;
    case "selfUse":
      break;
  }

  const charge = firstActive(control.chargeWindows, minute, weekday);
  if (charge) {
    const headroom = chargeHeadroomW(spec, storedKwh, charge.stopSoc, stepHours);
    const pvSurplus = Math.max(0, surplusW);
    const wanted = charge.fromGrid
      ? Math.max(charge.powerW ?? spec.maxChargeW, pvSurplus)
      : Math.min(pvSurplus, charge.powerW ?? spec.maxChargeW);
    out.chargeW = Math.min(wanted, spec.maxChargeW, headroom);
    return out;
  }

  if (surplusW > 0) {
    out.chargeW = Math.min(surplusW, spec.maxChargeW, chargeHeadroomW(spec, storedKwh, spec.maxSoc, stepHours));
    return out;
  }
  const discharge = firstActive(control.dischargeWindows, minute, weekday);
  if (control.dischargeTimeControl && !discharge) return out;
  const floor = discharge ? Math.max(dodFloor, discharge.stopSoc) : dodFloor;
  const cap = discharge?.powerW ?? spec.maxDischargeW;
  out.dischargeW = Math.min(-surplusW, cap, spec.maxDischargeW, dischargeHeadroomW(spec, storedKwh, floor, stepHours));
  return out;
}
