import { ValidationError } from "../core/errors/index.js";
import { pad2 } from "../core/time/calendar-date.js";
import { parseTimeOfDay } from "../core/time/schedule-grid.js";
import { ET_SETTINGS } from "./registers/et.js";

/**
 * Eco-mode groups: GoodWe's four timed battery charge/discharge slots (ET registers 47515.. in
 * the 8-byte "V1" layout, or 47547.. in the 12-byte "V2" layout of ARM firmware >= 19; which one
 * an inverter has is found by probing 47547). Power is a share of the inverter's rating,
 * negative to charge and positive to discharge; V2 adds a SOC limit and a months mask.
 *
 * V1: `sh sm eh em power(s16 %) on_off(0xFF on, 0 off) days`
 * V2: `sh sm eh em on_off days power(s16) soc(s16 %) months(s16)` where on_off is −1−type when
 * enabled, type when disabled, 85 when unset (type 0 eco, 3 peak shaving, 6 eco on the 745 platform).
 */

export type EcoModeEncoding = "v1" | "v2";

export const ECO_GROUPS = 4;
/** Days bitmask: bit 0 Sunday … bit 6 Saturday. */
export const ALL_DAYS = 0x7f;
export const WEEKDAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

/** Schedule types of the V2 layout. */
export const SCHEDULE_TYPES = Object.freeze({ 0: "eco", 1: "dryContactLoad", 2: "smartLoad", 3: "peakShaving", 4: "backup", 5: "smartCharge", 6: "eco745" });
const UNSET_ON_OFF = 85;

export interface EcoModeGroup {
  /** Start "HH:mm" (inverter local time), or null for an unset group. */
  start: string | null;
  /** End "HH:mm"; GoodWe's whole day is 00:00–23:59. A window may wrap past midnight. */
  end: string | null;
  /** Weekdays bitmask (bit 0 Sunday … bit 6 Saturday; 0x7f every day). */
  days: number;
  enabled: boolean;
  /**
   * Battery power as a fraction of the rating, −1..1: negative charges (from PV and grid), positive
   * discharges. Null for schedule types whose power is not a percentage (peak shaving stores 10 W units).
   */
  power: number | null;
  /** Stop level, fraction 0..1 (V2 only; null on V1, which always charges to full). */
  soc: number | null;
  /** Months bitmask, bit 0 January (V2); 0 or 0x0FFF mean every month; null on V1. */
  months: number | null;
  /** V2 schedule type code (0 eco); null on V1. */
  scheduleType: number | null;
  /** True for a slot that was never configured (85 or 48:00 markers). */
  unset: boolean;
  /** The raw register bytes, hex. */
  raw: string;
}

/** What a caller supplies to write a group. */
export interface EcoModeGroupInput {
  start: string;
  end: string;
  /** Bitmask or weekday names; default every day. */
  days?: number | readonly WeekdayName[];
  /** Default true. */
  enabled?: boolean;
  /** −1..1 in steps of 0.01: negative charge, positive discharge. */
  power: number;
  /** 0..1 in steps of 0.01 (V2 only). Default 1 (100 %). */
  soc?: number;
  /** V2 months bitmask; default 0 (every month). */
  months?: number;
}

export function groupRegister(encoding: EcoModeEncoding, group: number): number {
  return encoding === "v2" ? ET_SETTINGS.ecoModeV2 + (group - 1) * 6 : ET_SETTINGS.ecoModeV1 + (group - 1) * 4;
}

export function groupRegisterCount(encoding: EcoModeEncoding): number {
  return encoding === "v2" ? 6 : 4;
}

/** The register whose high byte holds a group's on/off byte. */
export function groupSwitchRegister(encoding: EcoModeEncoding, group: number): number {
  return groupRegister(encoding, group) + (encoding === "v2" ? 2 : 3);
}

export function daysMask(days: number | readonly WeekdayName[] | undefined, field = "days"): number {
  if (days === undefined) return ALL_DAYS;
  if (typeof days === "number") {
    if (!Number.isInteger(days) || days < 0 || days > ALL_DAYS) throw new ValidationError(`${field} must be a bitmask 0..127 (bit 0 Sunday), got ${days}.`, { field, vendor: "goodwe" });
    return days;
  }
  let mask = 0;
  for (const name of days) {
    const i = WEEKDAY_NAMES.indexOf(name);
    if (i < 0) throw new ValidationError(`${field} has an unknown weekday ${JSON.stringify(name)}; use ${WEEKDAY_NAMES.join(", ")}.`, { field, vendor: "goodwe" });
    mask |= 1 << i;
  }
  return mask;
}

export function dayNames(mask: number): WeekdayName[] {
  return WEEKDAY_NAMES.filter((_, i) => mask & (1 << i));
}

function percentOf(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    const hint = typeof value === "number" && Math.abs(value) > 1 && Math.abs(value) <= 100 ? ` (fractions: write ${value / 100} for ${value} %)` : "";
    throw new ValidationError(`${field} must be a number from ${min} to ${max}, got ${String(value)}${hint}.`, { field, vendor: "goodwe" });
  }
  const percent = Math.round(value * 100);
  if (Math.abs(percent - value * 100) > 1e-6) {
    throw new ValidationError(`${field} must be in steps of 0.01 (GoodWe stores whole percent), got ${value}.`, { field, vendor: "goodwe" });
  }
  return percent;
}

function hhmm(value: unknown, field: string): [number, number] {
  const minutes = parseTimeOfDay(value, field);
  return [Math.floor(minutes / 60), minutes % 60];
}

/** Validates a group and encodes it for `encoding`; throws `ValidationError` (nothing sent). */
export function encodeEcoModeGroup(input: EcoModeGroupInput, encoding: EcoModeEncoding, field = "group"): Uint8Array {
  if (typeof input !== "object" || input === null) throw new ValidationError(`${field} must be an object.`, { field, vendor: "goodwe" });
  const [sh, sm] = hhmm(input.start, `${field}.start`);
  const [eh, em] = hhmm(input.end, `${field}.end`);
  if (sh === eh && sm === em) throw new ValidationError(`${field} starts and ends at ${input.start}: an empty window. Disable the group instead.`, { field, vendor: "goodwe" });
  const days = daysMask(input.days, `${field}.days`);
  const enabled = input.enabled ?? true;
  if (enabled && days === 0) throw new ValidationError(`${field}.days is empty: an enabled group needs at least one weekday.`, { field: `${field}.days`, vendor: "goodwe" });
  const power = percentOf(input.power, `${field}.power`, -1, 1);
  const power16 = power & 0xffff;
  if (encoding === "v1") {
    if (input.soc !== undefined && input.soc !== 1) {
      throw new ValidationError(`${field}.soc: this inverter has eco mode V1 (ARM firmware < 19), which cannot stop at a SOC; leave soc unset or 1.`, { field: `${field}.soc`, vendor: "goodwe" });
    }
    if (input.months !== undefined && input.months !== 0) {
      throw new ValidationError(`${field}.months: eco mode V1 has no months mask.`, { field: `${field}.months`, vendor: "goodwe" });
    }
    return Uint8Array.of(sh, sm, eh, em, power16 >>> 8, power16 & 0xff, enabled ? 0xff : 0x00, days);
  }
  const soc = percentOf(input.soc ?? 1, `${field}.soc`, 0, 1);
  const months = input.months ?? 0;
  if (!Number.isInteger(months) || months < 0 || months > 0x0fff) throw new ValidationError(`${field}.months must be a bitmask 0..4095 (bit 0 January), got ${months}.`, { field: `${field}.months`, vendor: "goodwe" });
  const onOff = enabled ? 0xff : 0x00; // eco type 0: −1 on, 0 off
  return Uint8Array.of(sh, sm, eh, em, onOff, days, power16 >>> 8, power16 & 0xff, soc >>> 8, soc & 0xff, months >>> 8, months & 0xff);
}

/** The bytes of a disabled, unset group (what the library writes to clear a slot). */
export function encodeEcoModeOff(encoding: EcoModeEncoding): Uint8Array {
  return encoding === "v1" ? Uint8Array.of(48, 0, 48, 0, 0, 100, 0, 0) : Uint8Array.of(48, 0, 48, 0, 0, 0, 0, 100, 0, 100, 0, 0);
}

const signed8 = (b: number) => (b & 0x80 ? b - 0x100 : b);
const signed16 = (hi: number, lo: number) => {
  const v = (hi << 8) | lo;
  return v & 0x8000 ? v - 0x10000 : v;
};

function timeOf(h: number, m: number): string | null {
  if (h === 48 || h === 0xff || m === 0xff) return null;
  if (h > 23 || m > 59) return null;
  return `${pad2(h)}:${pad2(m)}`;
}

/** Decodes a group's registers; tolerant: odd values come back as nulls and `unset`. */
export function decodeEcoModeGroup(bytes: Uint8Array, encoding: EcoModeEncoding): EcoModeGroup {
  const raw = Buffer.from(bytes).toString("hex");
  const start = timeOf(bytes[0]!, bytes[1]!);
  const end = timeOf(bytes[2]!, bytes[3]!);
  if (encoding === "v1") {
    const onOff = signed8(bytes[6]!);
    const power = signed16(bytes[4]!, bytes[5]!);
    return {
      start,
      end,
      days: bytes[7]! & ALL_DAYS,
      enabled: onOff !== 0 && start !== null,
      power: start !== null && end !== null && power >= -100 && power <= 100 ? power / 100 : null,
      soc: null,
      months: null,
      scheduleType: null,
      unset: start === null || end === null,
      raw,
    };
  }
  const onOff = signed8(bytes[4]!);
  const unset = onOff === UNSET_ON_OFF || start === null || end === null;
  const type = onOff >= 0 && onOff <= 6 ? onOff : onOff <= -1 && onOff >= -7 ? -1 - onOff : null;
  const enabled = !unset && onOff < 0 && type !== null;
  const rawPower = signed16(bytes[6]!, bytes[7]!);
  const soc = signed16(bytes[8]!, bytes[9]!);
  const power = type === 0 ? rawPower / 100 : type === 6 ? rawPower / 1000 : null;
  return {
    start,
    end,
    days: bytes[5]! & ALL_DAYS,
    enabled,
    power: !unset && power !== null && power >= -1 && power <= 1 ? power : null,
    soc: !unset && soc >= 0 && soc <= 100 ? soc / 100 : null,
    months: signed16(bytes[10]!, bytes[11]!) & 0x0fff,
    scheduleType: type,
    unset,
    raw,
  };
}

/** The high byte of a switch register set to "off" (0), keeping the low byte (days or on_off/days). */
export function switchedOff(registerValue: number): number {
  return registerValue & 0x00ff;
}
