import { ConfigurationError, ValidationError } from "../errors/index.js";
import { parseCalendarDate, pad2, type CalendarDate } from "./calendar-date.js";

/**
 * Instants to and from wall-clock time in an IANA time zone, with explicit handling of the
 * daylight-saving gap (a local time that does not exist) and overlap (one that happens twice).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== "string" || timeZone === "") return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Returns the zone or throws a `ConfigurationError` naming the bad value. */
export function assertTimeZone(timeZone: unknown, setting = "timeZone"): string {
  if (!isValidTimeZone(timeZone)) {
    throw new ConfigurationError(`${setting} must be an IANA time zone such as "Australia/Sydney", got ${JSON.stringify(timeZone)}.`, {
      setting,
    });
  }
  return timeZone;
}

/** The machine's own time zone. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock fields of an instant in a time zone (seconds resolution). */
export function wallTimeOf(instant: Date | number, timeZone: string): WallTime {
  const parts = formatter(timeZone).formatToParts(typeof instant === "number" ? instant : instant.getTime());
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** The local calendar date of an instant in `timeZone`, as "YYYY-MM-DD". */
export function localDate(instant: Date | number, timeZone: string): CalendarDate {
  const w = wallTimeOf(instant, timeZone);
  return `${w.year}-${pad2(w.month)}-${pad2(w.day)}`;
}

/** "HH:mm" of an instant in `timeZone`. */
export function localTimeOfDay(instant: Date | number, timeZone: string): string {
  const w = wallTimeOf(instant, timeZone);
  return `${pad2(w.hour)}:${pad2(w.minute)}`;
}

/** Minutes since local midnight (0..1439) of an instant in `timeZone`. */
export function localMinuteOfDay(instant: Date | number, timeZone: string): number {
  const w = wallTimeOf(instant, timeZone);
  return w.hour * 60 + w.minute;
}

/** UTC offset of `timeZone` at an instant, in minutes (east positive: Sydney is +600 or +660). */
export function offsetMinutes(instant: Date | number, timeZone: string): number {
  const ms = typeof instant === "number" ? instant : instant.getTime();
  const w = wallTimeOf(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * How to resolve a local time that occurs twice (DST overlap) or never (DST gap):
 * - "compatible" (default, like Temporal): earlier for an overlap, shifted forward for a gap;
 * - "earlier" / "later": the earlier or later candidate in both cases;
 * - "reject": throw a ValidationError.
 */
export type Disambiguation = "compatible" | "earlier" | "later" | "reject";

/** The instant at which the wall clock in `timeZone` shows `date` `time` ("HH:mm" or "HH:mm:ss"). */
export function zonedTimeToInstant(
  date: CalendarDate,
  time: string,
  timeZone: string,
  disambiguation: Disambiguation = "compatible",
): Date {
  const { year, month, day } = parseCalendarDate(date);
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!match) throw new ValidationError(`time must be "HH:mm" or "HH:mm:ss", got ${JSON.stringify(time)}.`, { field: "time" });
  const [hour, minute, second] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59)
    throw new ValidationError(`time ${JSON.stringify(time)} is out of range.`, { field: "time" });

  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // The offset can only change once around a given moment; the offsets a day before and after
  // bracket both candidates.
  const before = offsetMinutes(wallAsUtc - 86_400_000, timeZone);
  const after = offsetMinutes(wallAsUtc + 86_400_000, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallAsUtc - offset * 60_000)
    .filter((t) => {
      const w = wallTimeOf(t, timeZone);
      return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) === wallAsUtc;
    })
    .sort((a, b) => a - b);

  if (candidates.length === 1) return new Date(candidates[0]!);
  if (candidates.length > 1) {
    if (disambiguation === "reject")
      throw new ValidationError(`${date} ${time} happens twice in ${timeZone} (daylight saving ends).`, { field: "time" });
    return new Date(disambiguation === "later" ? candidates[candidates.length - 1]! : candidates[0]!);
  }
  // A gap: the wall time was skipped.
  if (disambiguation === "reject")
    throw new ValidationError(`${date} ${time} does not exist in ${timeZone} (daylight saving starts).`, { field: "time" });
  // Using the offset from after the change lands before the gap ("earlier"); the offset from
  // before the change lands after it, shifted forward by the gap's length ("compatible", "later").
  if (disambiguation === "earlier") return new Date(wallAsUtc - after * 60_000);
  return new Date(wallAsUtc - before * 60_000);
}

/** The first instant of a local day. */
export function startOfLocalDay(date: CalendarDate, timeZone: string): Date {
  return zonedTimeToInstant(date, "00:00", timeZone, "compatible");
}

/**
 * Parses a zone-less vendor timestamp "YYYY-MM-DD HH:mm:ss" (AlphaESS `uploadTime`) as wall time in
 * `timeZone`. Returns null for anything else, so the caller can decide how strict to be.
 */
export function parseLocalTimestamp(value: string, timeZone: string, disambiguation: Disambiguation = "compatible"): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)$/.exec(value.trim());
  if (!match) return null;
  try {
    return zonedTimeToInstant(match[1]!, match[2]!, timeZone, disambiguation);
  } catch {
    return null;
  }
}
