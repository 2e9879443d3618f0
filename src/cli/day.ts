import { addDays, assertCalendarDate, daysBetween, type CalendarDate } from "../core/time/calendar-date.js";
import { localDate } from "../core/time/zoned.js";
import { UsageError } from "./errors.js";

/**
 * A local calendar day as every command takes it: "YYYY-MM-DD", "today" or "yesterday" (in the
 * device's zone, by the client's clock).
 */
export function parseDay(text: string, option: string, timeZone: string, now: number): CalendarDate {
  const t = text.trim().toLowerCase();
  if (t === "today") return localDate(now, timeZone);
  if (t === "yesterday") return addDays(localDate(now, timeZone), -1);
  try {
    return assertCalendarDate(text.trim(), option);
  } catch {
    throw new UsageError(`${option} must be a date YYYY-MM-DD, "today" or "yesterday", got ${JSON.stringify(text)}.`, { field: option });
  }
}

/** The NEM's time (AEST all year, no daylight saving): Amber's dates are NEM dates. */
export const NEM_TIME_ZONE = "Australia/Brisbane";

/** Longest range of days one command fetches (history, Amber prices and usage): a year. */
export const MAX_RANGE_DAYS = 366;

/**
 * Refuses a range longer than `MAX_RANGE_DAYS` before anything is sent, saying how to get the
 * rest: the same command again from the day after the first part ends.
 */
export function assertRangeCap(from: CalendarDate, to: CalendarDate, options: { fromFlag: string; toFlag: string }): void {
  const days = daysBetween(from, to) + 1;
  if (days <= MAX_RANGE_DAYS) return;
  const firstEnd = addDays(from, MAX_RANGE_DAYS - 1);
  throw new UsageError(
    `At most ${MAX_RANGE_DAYS} days per command (asked for ${days}): fetch it in parts, ${options.fromFlag} ${from} ${options.toFlag} ${firstEnd}, then ${options.fromFlag} ${addDays(firstEnd, 1)} ${options.toFlag} ${to} (and so on); with --csv, append each part to one file.`,
    { field: options.toFlag },
  );
}
