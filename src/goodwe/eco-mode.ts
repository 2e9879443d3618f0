import { ValidationError } from "../core/errors/index.js";
import { pad2 } from "../core/time/calendar-date.js";
import { parseTimeOfDay } from "../core/time/schedule-grid.js";
import { assertFraction } from "../core/units.js";
import { s16, s8, toHex, u16 } from "./protocol/bytes.js";
import { ET_SETTINGS } from "./registers/et.js";

/**
 * Eco-mode groups: GoodWe's four timed battery charge/discharge slots (ET registers 47515.. in
 * the 8-byte "V1" layout, or 47547.. in the 12-byte "V2" layout of ARM firmware >= 19; which one
 * an inverter has is found by probing 47547). Power is a share of the inverter's rating,
 * negative to charge and positive to discharge; V2 adds a SOC limit and a months mask.
 *
 * V1: `sh sm eh em power(s16 %) on_off(0xFF on, 0 off) days`
 * V2: `sh sm eh em on_off days power(s16) soc(s16 %) months(s16)` where on_off is −1−type when
 * enabled, type when disabled, 85 when unset (type 0 eco, 3 peak shaving, 6 eco on the 745 platform,
 * whose power is in 0.1 % and whose months mask is 0x0FFF for every month).
 */

export type EcoModeEncoding = "v1" | "v2";

export const ECO_GROUPS = 4;
/** Days bitmask: bit 0 Sunday … bit 6 Saturday. */
export const ALL_DAYS = 0x7f;
export const WEEKDAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

/** Schedule types of the V2 layout. */
export const SCHEDULE_TYPES = Object.freeze({
  0: "eco",
  1: "dryContactLoad",
  2: "smartLoad",
  3: "peakShaving",
  4: "backup",
  5: "smartCharge",
  6: "eco745",
});
const UNSET_ON_OFF = 85;

/** The schedule type an eco group is written with: 0 (eco) or 6 (eco on the 745 platform). */
export type EcoScheduleType = 0 | 6;

/**
 * The type to write a group with, as the `goodwe` library chooses it: the eco type the group
 * already has (0 or 6), else 6 on a 745-platform unit, else 0. A 745 unit's groups must keep
 * type 6: type 0 would be read in whole percent where it expects tenths.
 */
export function ecoScheduleTypeFor(current: Pick<EcoModeGroup, "scheduleType"> | null, platform745: boolean): EcoScheduleType {
  if (current?.scheduleType === 0 || current?.scheduleType === 6) return current.scheduleType;
  return platform745 ? 6 : 0;
}

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
  /** V2 months bitmask; default every month (0, or 0x0FFF for type 6). */
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
    if (!Number.isInteger(days) || days < 0 || days > ALL_DAYS)
      throw new ValidationError(`${field} must be a bitmask 0..127 (bit 0 Sunday), got ${days}.`, { field, vendor: "goodwe" });
    return days;
  }
  let mask = 0;
  for (const name of days) {
    const i = WEEKDAY_NAMES.indexOf(name);
    if (i < 0)
      throw new ValidationError(`${field} has an unknown weekday ${JSON.stringify(name)}; use ${WEEKDAY_NAMES.join(", ")}.`, {
        field,
        vendor: "goodwe",
      });
    mask |= 1 << i;
  }
  return mask;
}

export function dayNames(mask: number): WeekdayName[] {
  return WEEKDAY_NAMES.filter((_, i) => mask & (1 << i));
}

/** A fraction in steps of 0.01 as whole percent (ValidationError otherwise). */
function percentOf(value: unknown, field: string, min: number, max: number): number {
  return Math.round(assertFraction(value, field, { min, max, step: 0.01 }) * 100);
}

function hhmm(value: unknown, field: string): [number, number] {
  const minutes = parseTimeOfDay(value, field);
  return [Math.floor(minutes / 60), minutes % 60];
}

/**
 * Validates a group and encodes it for `encoding` (V2: as schedule `type`, 0 or 6; see
 * `ecoScheduleTypeFor`); throws `ValidationError` (nothing sent).
 */
export function encodeEcoModeGroup(
  input: EcoModeGroupInput,
  encoding: EcoModeEncoding,
  field = "group",
  type: EcoScheduleType = 0,
): Uint8Array {
  if (typeof input !== "object" || input === null) throw new ValidationError(`${field} must be an object.`, { field, vendor: "goodwe" });
  const [sh, sm] = hhmm(input.start, `${field}.start`);
  const [eh, em] = hhmm(input.end, `${field}.end`);
  if (sh === eh && sm === em)
    throw new ValidationError(`${field} starts and ends at ${input.start}: an empty window. Disable the group instead.`, {
      field,
      vendor: "goodwe",
    });
  const days = daysMask(input.days, `${field}.days`);
  const enabled = input.enabled ?? true;
  if (enabled && days === 0)
    throw new ValidationError(`${field}.days is empty: an enabled group needs at least one weekday.`, {
      field: `${field}.days`,
      vendor: "goodwe",
    });
  const power = percentOf(input.power, `${field}.power`, -1, 1);
  if (encoding === "v1") {
    const power16 = power & 0xffff;
    if (input.soc !== undefined && input.soc !== 1) {
      throw new ValidationError(
        `${field}.soc: this inverter has eco mode V1 (ARM firmware < 19), which cannot stop at a SOC; leave soc unset or 1.`,
        { field: `${field}.soc`, vendor: "goodwe" },
      );
    }
    if (input.months !== undefined && input.months !== 0) {
      throw new ValidationError(`${field}.months: eco mode V1 has no months mask.`, { field: `${field}.months`, vendor: "goodwe" });
    }
    return Uint8Array.of(sh, sm, eh, em, power16 >>> 8, power16 & 0xff, enabled ? 0xff : 0x00, days);
  }
  const soc = percentOf(input.soc ?? 1, `${field}.soc`, 0, 1);
  const months = input.months ?? (type === 6 ? 0x0fff : 0);
  if (!Number.isInteger(months) || months < 0 || months > 0x0fff)
    throw new ValidationError(`${field}.months must be a bitmask 0..4095 (bit 0 January), got ${months}.`, {
      field: `${field}.months`,
      vendor: "goodwe",
    });
  const onOff = enabled ? 0xff - type : type; // −1−type on, type off
  const power16 = (type === 6 ? power * 10 : power) & 0xffff; // type 6 stores tenths of a percent
  return Uint8Array.of(sh, sm, eh, em, onOff, days, power16 >>> 8, power16 & 0xff, soc >>> 8, soc & 0xff, months >>> 8, months & 0xff);
}

/** The bytes of a disabled, unset group (what the library writes to clear a slot), V2 as schedule `type`. */
export function encodeEcoModeOff(encoding: EcoModeEncoding, type: EcoScheduleType = 0): Uint8Array {
  if (encoding === "v1") return Uint8Array.of(48, 0, 48, 0, 0, 100, 0, 0);
  const power = type === 6 ? 1000 : 100;
  return Uint8Array.of(48, 0, 48, 0, type, 0, power >>> 8, power & 0xff, 0, 100, 0, 0);
}

function timeOf(h: number, m: number): string | null {
  if (h === 48 || h === 0xff || m === 0xff) return null;
  if (h > 23 || m > 59) return null;
  return `${pad2(h)}:${pad2(m)}`;
}

/** Decodes a group's registers; tolerant: odd values come back as nulls and `unset`. */
export function decodeEcoModeGroup(bytes: Uint8Array, encoding: EcoModeEncoding): EcoModeGroup {
  const raw = toHex(bytes);
  const start = timeOf(bytes[0]!, bytes[1]!);
  const end = timeOf(bytes[2]!, bytes[3]!);
  if (encoding === "v1") {
    const onOff = s8(bytes[6]!);
    const power = s16(bytes, 4);
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
  const onOff = s8(bytes[4]!);
  const unset = onOff === UNSET_ON_OFF || start === null || end === null;
  const type = onOff >= 0 && onOff <= 6 ? onOff : onOff <= -1 && onOff >= -7 ? -1 - onOff : null;
  const enabled = !unset && onOff < 0 && type !== null;
  const rawPower = s16(bytes, 6);
  const soc = s16(bytes, 8);
  const power = type === 0 ? rawPower / 100 : type === 6 ? rawPower / 1000 : null;
  return {
    start,
    end,
    days: bytes[5]! & ALL_DAYS,
    enabled,
    power: !unset && power !== null && power >= -1 && power <= 1 ? power : null,
    soc: !unset && soc >= 0 && soc <= 100 ? soc / 100 : null,
    months: u16(bytes, 10) & 0x0fff,
    scheduleType: type,
    unset,
    raw,
  };
}

/** The high byte of a switch register set to "off" (0), keeping the low byte (days or on_off/days). */
export function switchedOff(registerValue: number): number {
  return registerValue & 0x00ff;
}
