import { ValidationError } from "../core/errors/index.js";
import { assertWindow, parseTimeOfDay, windowsOverlap, type TimeWindow } from "../core/time/schedule-grid.js";
import { assertFraction, assertNumberInRange, fractionToPercent, percentToFraction, roundTo } from "../core/units.js";
import type { ChargingSettings, DischargingSettings, SchedulePeriod, WeeklyScheduleInput } from "./models.js";
import type { SetTimeChargeBody, TimeChargeBodyItem } from "./wire.js";

/**
 * Checks of caller input, all made before anything is sent (a failure is a `ValidationError`
 * and nothing reaches the server). Periods are "HH:mm" on the 15-minute grid, 00:00 to 23:45;
 * levels are fractions 0..1.
 */

const SERIAL_RE = /^[A-Za-z0-9*_.-]{1,64}$/;

/** A system or charger serial number: letters, digits and `* _ . -` (redacted serials such as "AK1510****" are kept). */
export function assertSerial(value: unknown, field = "serialNumber"): string {
  if (typeof value !== "string" || !SERIAL_RE.test(value)) {
    throw new ValidationError(
      `${field} must be a serial number such as "AL70110230306xx" (letters and digits, up to 64 characters), got ${JSON.stringify(value)}. Nothing was sent.`,
      { field, vendor: "alphaess" },
    );
  }
  return value;
}

export function assertBoolean(value: unknown, field: string): boolean {
  if (typeof value !== "boolean")
    throw new ValidationError(`${field} must be true or false, got ${JSON.stringify(value)}. Nothing was sent.`, {
      field,
      vendor: "alphaess",
    });
  return value;
}

/**
 * A level as a fraction within [min, max] in whole percent (the API and app store whole percent;
 * whether 90.5 would be accepted is unverified, so it is refused rather than sent), returned with
 * float noise removed.
 */
export function assertLevel(value: unknown, field: string, min = 0, max = 1): number {
  assertFraction(value, field, { min, max, step: 0.01 });
  return percentToFraction(fractionToPercent(value as number))!;
}

function assertPlainObject(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(`${field} must be an object, got ${JSON.stringify(value)}. Nothing was sent.`, { field, vendor: "alphaess" });
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(`${field} has an unknown field "${key}" (expected ${allowed.join(", ")}). Nothing was sent.`, {
        field: `${field}.${key}`,
        vendor: "alphaess",
      });
    }
  }
  return value as Record<string, unknown>;
}

function assertDistinctPeriods(first: TimeWindow, second: TimeWindow, field: string): void {
  if (windowsOverlap(first, second)) {
    throw new ValidationError(
      `${field}: firstPeriod ${first.start}-${first.end} and secondPeriod ${second.start}-${second.end} overlap. Use separate periods, or disable one (start equal to end). Nothing was sent.`,
      { field: `${field}.periods`, vendor: "alphaess" },
    );
  }
}

const CHARGE_KEYS = ["stopLevel", "useGrid", "firstPeriod", "secondPeriod"] as const;
const DISCHARGE_KEYS = ["stopLevel", "enableTimeControl", "firstPeriod", "secondPeriod"] as const;

/** Validates the fields given in a (possibly partial) charge settings update. */
export function validateChargingInput(input: unknown): Partial<ChargingSettings> {
  const o = assertPlainObject(input, "chargingSettings", CHARGE_KEYS);
  const out: Partial<ChargingSettings> = {};
  if (o.stopLevel !== undefined) out.stopLevel = assertLevel(o.stopLevel, "stopLevel");
  if (o.useGrid !== undefined) out.useGrid = assertBoolean(o.useGrid, "useGrid");
  if (o.firstPeriod !== undefined) out.firstPeriod = assertWindow(o.firstPeriod, "firstPeriod");
  if (o.secondPeriod !== undefined) out.secondPeriod = assertWindow(o.secondPeriod, "secondPeriod");
  // Both periods given: their overlap is known now, before anything is read (issue 12, item 29).
  if (out.firstPeriod && out.secondPeriod) assertDistinctPeriods(out.firstPeriod, out.secondPeriod, "settings");
  return out;
}

export function validateDischargingInput(input: unknown): Partial<DischargingSettings> {
  const o = assertPlainObject(input, "dischargingSettings", DISCHARGE_KEYS);
  const out: Partial<DischargingSettings> = {};
  if (o.stopLevel !== undefined) out.stopLevel = assertLevel(o.stopLevel, "stopLevel");
  if (o.enableTimeControl !== undefined) out.enableTimeControl = assertBoolean(o.enableTimeControl, "enableTimeControl");
  if (o.firstPeriod !== undefined) out.firstPeriod = assertWindow(o.firstPeriod, "firstPeriod");
  if (o.secondPeriod !== undefined) out.secondPeriod = assertWindow(o.secondPeriod, "secondPeriod");
  // Both periods given: their overlap is known now, before anything is read (issue 12, item 29).
  if (out.firstPeriod && out.secondPeriod) assertDistinctPeriods(out.firstPeriod, out.secondPeriod, "settings");
  return out;
}

/**
 * Validates complete settings (after merging with what the device holds): every field present and
 * valid, and the two periods do not overlap. `origin` says where a bad value came from.
 */
export function validateCompleteCharging(settings: ChargingSettings, origin: string): ChargingSettings {
  const s = {
    stopLevel: assertLevel(settings.stopLevel, `${origin}.stopLevel`),
    useGrid: assertBoolean(settings.useGrid, `${origin}.useGrid`),
    firstPeriod: assertWindow(settings.firstPeriod, `${origin}.firstPeriod`),
    secondPeriod: assertWindow(settings.secondPeriod, `${origin}.secondPeriod`),
  };
  assertDistinctPeriods(s.firstPeriod, s.secondPeriod, origin);
  return s;
}

export function validateCompleteDischarging(settings: DischargingSettings, origin: string): DischargingSettings {
  const s = {
    stopLevel: assertLevel(settings.stopLevel, `${origin}.stopLevel`),
    enableTimeControl: assertBoolean(settings.enableTimeControl, `${origin}.enableTimeControl`),
    firstPeriod: assertWindow(settings.firstPeriod, `${origin}.firstPeriod`),
    secondPeriod: assertWindow(settings.secondPeriod, `${origin}.secondPeriod`),
  };
  assertDistinctPeriods(s.firstPeriod, s.secondPeriod, origin);
  return s;
}

/** Household current limit for the EV chargers, A. No API bound is documented: we accept 6..100 A. */
export function assertCurrentLimit(value: unknown, field = "amps"): number {
  return roundTo(assertNumberInRange(value, field, 6, 100, "A"), 1);
}

/**
 * A check code (device label) or an e-mailed verification code: 1 to 32 letters and digits. The
 * value is never echoed in the error: it is a credential.
 */
export function assertCode(value: unknown, field: string): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9]{1,32}$/.test(value.trim())) {
    const got = typeof value === "string" ? `${value.trim().length} characters` : typeof value;
    throw new ValidationError(
      `${field} must be the code as printed or e-mailed (1 to 32 letters and digits), got ${got}. Nothing was sent.`,
      { vendor: "alphaess", field },
    );
  }
  return value.trim();
}

// ---------------------------------------------------------------------------------------------
// Weekly ("periodic") schedule, spec §2.11.

export const MAX_PERIODS_PER_DAY = 6;
export const MAX_PERIODS_PER_WEEK = 28;
const WEEK_MINUTES = 7 * 1440;
const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const PERIOD_KEYS = ["start", "end", "weekdays", "powerW", "limit"] as const;

interface Arc {
  label: string;
  span: string;
  day: number;
  from: number;
  length: number;
}

function validatePeriod(value: unknown, field: string, weekly: boolean): SchedulePeriod {
  const o = assertPlainObject(value, field, PERIOD_KEYS);
  const window = assertWindow({ start: o.start, end: o.end }, field);
  if (window.start === window.end) {
    throw new ValidationError(
      `${field}: start and end are both ${window.start}. A zero-length period's meaning (nothing, or all day) is unconfirmed on the device, so it is refused. Nothing was sent.`,
      { field: `${field}.end`, vendor: "alphaess" },
    );
  }
  const limit = assertLevel(o.limit, `${field}.limit`, 0.1, 1);
  const period: SchedulePeriod = { start: window.start, end: window.end, limit };
  if (o.powerW !== undefined) {
    if (typeof o.powerW !== "number" || !Number.isInteger(o.powerW) || o.powerW < 0 || o.powerW > 1_000_000) {
      throw new ValidationError(
        `${field}.powerW must be a whole number of watts from 0 to 1000000, got ${JSON.stringify(o.powerW)}. Nothing was sent.`,
        { field: `${field}.powerW`, vendor: "alphaess" },
      );
    }
    period.powerW = o.powerW;
  }
  if (weekly) {
    const days = o.weekdays;
    if (!Array.isArray(days) || days.length === 0) {
      throw new ValidationError(
        `${field}.weekdays is required for a weekly schedule: a list of ISO weekdays 1 (Monday) to 7 (Sunday). Nothing was sent.`,
        { field: `${field}.weekdays`, vendor: "alphaess" },
      );
    }
    for (const d of days) {
      if (typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > 7) {
        throw new ValidationError(
          `${field}.weekdays must hold ISO weekdays 1 (Monday) to 7 (Sunday), got ${JSON.stringify(d)}. Nothing was sent.`,
          { field: `${field}.weekdays`, vendor: "alphaess" },
        );
      }
    }
    if (new Set(days).size !== days.length) {
      throw new ValidationError(`${field}.weekdays lists a day twice: ${JSON.stringify(days)}. Nothing was sent.`, {
        field: `${field}.weekdays`,
        vendor: "alphaess",
      });
    }
    period.weekdays = [...(days as number[])].sort((a, b) => a - b);
  } else if (o.weekdays !== undefined) {
    throw new ValidationError(
      `${field}.weekdays only applies to a weekly schedule (cycle "weekly"); a daily schedule runs every day. Nothing was sent.`,
      { field: `${field}.weekdays`, vendor: "alphaess" },
    );
  }
  return period;
}

function arcsOf(period: SchedulePeriod, label: string): Arc[] {
  const from = parseTimeOfDay(period.start);
  const length = (parseTimeOfDay(period.end) - from + 1440) % 1440;
  return (period.weekdays ?? [1, 2, 3, 4, 5, 6, 7]).map((day) => ({
    label,
    span: `${period.start}-${period.end}`,
    day,
    from: (day - 1) * 1440 + from,
    length,
  }));
}

function arcsOverlap(a: Arc, b: Arc): boolean {
  const ab = (((b.from - a.from) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  const ba = (((a.from - b.from) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  return ab < a.length || ba < b.length;
}

/**
 * Validates a weekly schedule and builds the `setTimeChargeBySn` body (without `sysSn`). Checks, in
 * the order the API documents them: cycle 0|1, both lists present and non-empty, each period on
 * the grid with a limit of 10-100 %, weekdays when weekly, at most 6 periods on any day and 28 per
 * week (charge and discharge together), and no two periods overlapping — a period that ends
 * before it starts runs past midnight into the next day.
 */
export function validateWeeklySchedule(input: unknown): { schedule: WeeklyScheduleInput; body: Omit<SetTimeChargeBody, "sysSn"> } {
  const o = assertPlainObject(input, "schedule", ["cycle", "gridCharge", "dischargeTimeControl", "charge", "discharge"]);
  if (o.cycle !== "daily" && o.cycle !== "weekly") {
    throw new ValidationError(`schedule.cycle must be "daily" or "weekly", got ${JSON.stringify(o.cycle)}. Nothing was sent.`, {
      field: "cycle",
      vendor: "alphaess",
    });
  }
  const weekly = o.cycle === "weekly";
  const lists: Record<"charge" | "discharge", SchedulePeriod[]> = { charge: [], discharge: [] };
  for (const side of ["charge", "discharge"] as const) {
    const list = o[side];
    if (!Array.isArray(list) || list.length === 0) {
      throw new ValidationError(
        `schedule.${side} must be a non-empty list of periods: the API rejects an empty list ("time list is null") and has no known way to say "no ${side} periods". Nothing was sent.`,
        { field: side, vendor: "alphaess" },
      );
    }
    lists[side] = list.map((p, i) => validatePeriod(p, `${side}[${i}]`, weekly));
  }
  const gridCharge = o.gridCharge === undefined ? undefined : assertBoolean(o.gridCharge, "gridCharge");
  const dischargeTimeControl =
    o.dischargeTimeControl === undefined ? undefined : assertBoolean(o.dischargeTimeControl, "dischargeTimeControl");

  const arcs = [
    ...lists.charge.flatMap((p, i) => arcsOf(p, `charge[${i}]`)),
    ...lists.discharge.flatMap((p, i) => arcsOf(p, `discharge[${i}]`)),
  ];
  const perDay = new Map<number, number>();
  for (const arc of arcs) perDay.set(arc.day, (perDay.get(arc.day) ?? 0) + 1);
  for (const [day, count] of perDay) {
    if (count > MAX_PERIODS_PER_DAY) {
      throw new ValidationError(
        `schedule has ${count} periods on ${DAY_NAMES[day - 1]}; the API allows at most ${MAX_PERIODS_PER_DAY} per day. Nothing was sent.`,
        { field: "charge", vendor: "alphaess" },
      );
    }
  }
  if (weekly && arcs.length > MAX_PERIODS_PER_WEEK) {
    throw new ValidationError(
      `schedule has ${arcs.length} period-days in the week; the API allows at most ${MAX_PERIODS_PER_WEEK}. Nothing was sent.`,
      { field: "charge", vendor: "alphaess" },
    );
  }
  for (let i = 0; i < arcs.length; i++) {
    for (let j = i + 1; j < arcs.length; j++) {
      const a = arcs[i]!;
      const b = arcs[j]!;
      if (a.label !== b.label && arcsOverlap(a, b)) {
        throw new ValidationError(
          `schedule: ${a.label} (${weekly ? `${DAY_NAMES[a.day - 1]} ` : ""}${a.span}) and ${b.label} (${weekly ? `${DAY_NAMES[b.day - 1]} ` : ""}${b.span}) overlap; ` +
            `the API refuses overlapping periods (code 6008). A period that ends before it starts runs past midnight. Nothing was sent.`,
          { field: b.label, vendor: "alphaess" },
        );
      }
    }
  }

  // Key order as in the documented request: beginTime, endTime, weeks, chargePower, chargeLimit.
  const toItem = (p: SchedulePeriod): TimeChargeBodyItem => ({
    beginTime: p.start,
    endTime: p.end,
    ...(weekly ? { weeks: p.weekdays! } : {}),
    ...(p.powerW !== undefined ? { chargePower: p.powerW } : {}),
    chargeLimit: fractionToPercent(p.limit),
  });
  const body: Omit<SetTimeChargeBody, "sysSn"> = {
    executeCycleType: weekly ? 1 : 0,
    chargeTimeList: lists.charge.map(toItem),
    dischargeTimeList: lists.discharge.map(toItem),
  };
  if (gridCharge !== undefined) body.gridChargeCycle = gridCharge ? 1 : 0;
  if (dischargeTimeControl !== undefined) body.ctrDisCycle = dischargeTimeControl ? 1 : 0;
  const schedule: WeeklyScheduleInput = { cycle: weekly ? "weekly" : "daily", charge: lists.charge, discharge: lists.discharge };
  if (gridCharge !== undefined) schedule.gridCharge = gridCharge;
  if (dischargeTimeControl !== undefined) schedule.dischargeTimeControl = dischargeTimeControl;
  return { schedule, body };
}
