import { addDays, pad2, parseCalendarDate, type CalendarDate } from "./calendar-date.js";

/**
 * NEM time: the Australian National Electricity Market runs on a fixed UTC+10 clock with no
 * daylight saving. Amber's `nemTime`, `date` and its date query parameters all use it.
 */
export const NEM_OFFSET_MINUTES = 600;
const NEM_OFFSET_MS = NEM_OFFSET_MINUTES * 60_000;

/** The NEM calendar date containing an instant. */
export function nemDate(instant: Date | number): CalendarDate {
  const d = new Date((typeof instant === "number" ? instant : instant.getTime()) + NEM_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/**
 * The NEM trading day an interval belongs to, given its END instant: an interval ending at 00:00
 * belongs to the previous day (Amber's `date` for the 23:30-24:00 interval).
 */
export function nemDateOfIntervalEnd(end: Date | number): CalendarDate {
  return nemDate((typeof end === "number" ? end : end.getTime()) - 1000);
}

/** First instant (00:00 NEM) of a NEM date. */
export function nemDayStart(date: CalendarDate): Date {
  const { year, month, day } = parseCalendarDate(date);
  return new Date(Date.UTC(year, month - 1, day) - NEM_OFFSET_MS);
}

/** End (24:00 NEM, exclusive) of a NEM date. */
export function nemDayEnd(date: CalendarDate): Date {
  return nemDayStart(addDays(date, 1));
}

/** "YYYY-MM-DDTHH:mm:ss+10:00", the form of Amber's `nemTime`. */
export function formatNemTime(instant: Date | number): string {
  const d = new Date((typeof instant === "number" ? instant : instant.getTime()) + NEM_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}+10:00`;
}

/** Minutes since 00:00 NEM of an instant. */
export function nemMinuteOfDay(instant: Date | number): number {
  const ms = (typeof instant === "number" ? instant : instant.getTime()) + NEM_OFFSET_MS;
  return Math.floor((((ms % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
}

/** The end of the `durationMin`-minute NEM interval containing `instant` (boundaries align to NEM midnight). */
export function nemIntervalEnd(instant: Date | number, durationMin: number): Date {
  const ms = typeof instant === "number" ? instant : instant.getTime();
  const step = durationMin * 60_000;
  // UTC+10 is a whole number of hours, so aligning in UTC aligns in NEM time too.
  return new Date(Math.floor(ms / step) * step + step);
}
