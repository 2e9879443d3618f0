import { addDays, assertCalendarDate, type CalendarDate } from "../core/time/calendar-date.js";
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
