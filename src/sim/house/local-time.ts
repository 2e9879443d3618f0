import { offsetMinutes } from "../../core/time/index.js";

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
const CACHE_LIMIT = 100_000;

/** Local wall-clock facts of an instant, filled in place to keep per-step work allocation-free. */
export interface LocalInstant {
  /** Days since 1970-01-01 of the local calendar date. */
  localDay: number;
  /** Minutes since local midnight (may be fractional). */
  minuteOfDay: number;
  /** ISO weekday, 1 = Monday .. 7 = Sunday. */
  weekday: number;
  /** Local day of year, 1..366. */
  dayOfYear: number;
}

/**
 * Fast local time for one zone. `Intl` is far too slow to call every simulation step, so the
 * UTC offset is cached per UTC day, and per UTC hour on a day when it changes; an hour in which
 * it changes (a DST transition, possibly on a half hour) is resolved exactly for each instant.
 */
export class LocalTimeCache {
  private readonly days = new Map<number, number>();
  private readonly hours = new Map<number, number>();
  private lastHour = Number.NaN;
  private lastOffset = 0;
  private lastDay = Number.NaN;
  private lastDayOfYear = 0;

  constructor(readonly timeZone: string) {}

  /** UTC offset in ms at instant `ms`. */
  offsetMs(ms: number): number {
    const hour = Math.floor(ms / MS_PER_HOUR);
    if (hour !== this.lastHour) {
      this.lastHour = hour;
      this.lastOffset = this.hourOffset(hour);
    }
    return Number.isNaN(this.lastOffset) ? offsetMinutes(ms, this.timeZone) * 60_000 : this.lastOffset;
  }

  /** The offset over a whole UTC hour, or NaN when it changes within the hour. */
  private hourOffset(hour: number): number {
    // Most UTC days have one offset throughout: check the day first (2 Intl calls instead of 48).
    const day = Math.floor(hour / 24);
    let dayOffset = this.days.get(day);
    if (dayOffset === undefined) {
      dayOffset = this.uniformOffset(day * MS_PER_DAY, MS_PER_DAY);
      if (this.days.size >= CACHE_LIMIT) this.days.clear();
      this.days.set(day, dayOffset);
    }
    if (!Number.isNaN(dayOffset)) return dayOffset;
    let offset = this.hours.get(hour);
    if (offset === undefined) {
      offset = this.uniformOffset(hour * MS_PER_HOUR, MS_PER_HOUR);
      if (this.hours.size >= CACHE_LIMIT) this.hours.clear();
      this.hours.set(hour, offset);
    }
    return offset;
  }

  // Zones change offset at most once in a day, so equal offsets at both ends mean no change.
  private uniformOffset(start: number, length: number): number {
    const a = offsetMinutes(start, this.timeZone);
    const b = offsetMinutes(start + length - 1000, this.timeZone);
    return a === b ? a * 60_000 : Number.NaN;
  }

  /** Fills `out` with the local facts of `ms` and returns it. */
  describe(ms: number, out: LocalInstant): LocalInstant {
    const local = ms + this.offsetMs(ms);
    const day = Math.floor(local / MS_PER_DAY);
    out.localDay = day;
    out.minuteOfDay = (local - day * MS_PER_DAY) / 60_000;
    // 1970-01-01 was a Thursday (ISO 4).
    out.weekday = ((((day + 3) % 7) + 7) % 7) + 1;
    if (day !== this.lastDay) {
      const year = new Date(day * MS_PER_DAY).getUTCFullYear();
      this.lastDayOfYear = day - Date.UTC(year, 0, 1) / MS_PER_DAY + 1;
      this.lastDay = day;
    }
    out.dayOfYear = this.lastDayOfYear;
    return out;
  }
}

/** Day number since 1970-01-01 of a calendar date (year, month 1..12, day). */
export function dayNumberOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}
