import { ValidationError } from "../errors/index.js";

/**
 * Local calendar dates as "YYYY-MM-DD" strings. Arithmetic is done on the date itself (as a UTC
 * midnight), never via `toISOString()` of an instant, which would give the UTC date instead of
 * the device's local date.
 */
export type CalendarDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a strict "YYYY-MM-DD" that names a real day; throws `ValidationError` otherwise. */
export function parseCalendarDate(value: unknown, field = "date"): { year: number; month: number; day: number } {
  const match = typeof value === "string" ? DATE_RE.exec(value) : null;
  if (!match) {
    throw new ValidationError(`${field} must be a calendar date "YYYY-MM-DD", got ${JSON.stringify(value)}.`, { field });
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new ValidationError(`${field} ${JSON.stringify(value)} is not a real day.`, { field });
  }
  return { year, month, day };
}

export function assertCalendarDate(value: unknown, field = "date"): CalendarDate {
  parseCalendarDate(value, field);
  return value as CalendarDate;
}

export function isCalendarDate(value: unknown): value is CalendarDate {
  try {
    parseCalendarDate(value);
    return true;
  } catch {
    return false;
  }
}

function toDayNumber(date: CalendarDate): number {
  const { year, month, day } = parseCalendarDate(date);
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

function fromDayNumber(dayNumber: number): CalendarDate {
  const d = new Date(dayNumber * 86_400_000);
  return `${d.getUTCFullYear().toString().padStart(4, "0")}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Every date from `from` to `to`, both included. */
export function eachDay(from: CalendarDate, to: CalendarDate): CalendarDate[] {
  const out: CalendarDate[] = [];
  for (let n = toDayNumber(from), end = toDayNumber(to); n <= end; n++) out.push(fromDayNumber(n));
  return out;
}

/** ISO weekday, 1 = Monday ... 7 = Sunday (the AlphaESS `weeks` convention). */
export function isoWeekday(date: CalendarDate): number {
  const dow = new Date(toDayNumber(date) * 86_400_000).getUTCDay();
  return dow === 0 ? 7 : dow;
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
