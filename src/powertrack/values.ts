import { zonedTimeToInstant, type WallTime } from "../core/time/zoned.js";

/**
 * PowerTrack value quirks, in one place:
 *
 * - Floats may arrive as the JSON **string** `"NaN"` (`revenueLoss`, `yMax`, `unitsScale`,
 *   data-register `value`s); we turn it into `null`, never `NaN` or 0.
 * - Timestamps come in mixed formats: `…Z`, `…+02:00`, zone-less `2030-08-30T00:00:00`, date-only
 *   `2017-02-03`, 7-digit fractions `…44.2211496Z`, and the .NET sentinels `0001-01-01T00:00:00`
 *   (no value) and `9999-12-31T23:59:59.9999999` (no end). Rules:
 *   - with a zone designator (`Z`, `±hh:mm`): that exact instant;
 *   - zone-less date-times and date-only values: wall time in the site's zone when the caller
 *     knows it (the bodies that carry them also carry a `timeZone`/`tz`), else UTC; a member whose
 *     name says UTC (`lastDataUTC`) is read as UTC;
 *   - sentinels (year 0001 or 9999) → `null`; anything unparseable → `null`.
 * - Calendar dates (install, commissioning, contract dates) are sent both as `2027-06-30` and as
 *   `2027-06-30T00:00:00Z` for the same field on different endpoints: the `Z` is not meaningful,
 *   so `parseCalendarDay` takes the date part as written.
 * - Some strings hold JSON (`key`, `userpreferences.value`): `parseJsonString`.
 */

/** A number, or null for `"NaN"`, null, missing, non-finite or non-numeric values. Numeric strings are read. */
export function numberOrNull(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") {
    const text = value.trim();
    if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Wall-clock fields as written (`WallTime`), with the fraction and zone the text carries. */
export interface ParsedTimestamp extends WallTime {
  millisecond: number;
  /** Minutes east of UTC, or null when the text carries no zone. */
  offsetMinutes: number | null;
  dateOnly: boolean;
}

/** Splits a PowerTrack timestamp into fields; null when it does not look like one. */
export function splitTimestamp(value: string): ParsedTimestamp | null {
  const match = TIMESTAMP_RE.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  const fields = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
    second: Number(s ?? 0),
    // .NET writes up to 7 fractional digits; milliseconds keep the first three (truncated).
    millisecond: frac ? Number(frac.slice(0, 3).padEnd(3, "0")) : 0,
    offsetMinutes: null as number | null,
    dateOnly: h === undefined,
  };
  if (
    fields.month < 1 ||
    fields.month > 12 ||
    fields.day < 1 ||
    fields.day > 31 ||
    fields.hour > 23 ||
    fields.minute > 59 ||
    fields.second > 59
  )
    return null;
  const probe = new Date(Date.UTC(fields.year, fields.month - 1, fields.day));
  if (probe.getUTCDate() !== fields.day) return null;
  if (zone) {
    if (zone.toUpperCase() === "Z") fields.offsetMinutes = 0;
    else {
      const sign = zone.startsWith("-") ? -1 : 1;
      const digits = zone.slice(1).replace(":", "");
      fields.offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    }
  }
  return fields;
}

/** True for the .NET `DateTime.MinValue` / `MaxValue` sentinels (year 1 or 9999). */
export function isSentinelDate(fields: Pick<ParsedTimestamp, "year">): boolean {
  return fields.year <= 1 || fields.year >= 9999;
}

/**
 * A PowerTrack timestamp as an instant, or null (missing, empty, sentinel, unparseable).
 * Zone-less and date-only values are read as wall time in `timeZone` (default UTC).
 */
export function parseTimestamp(value: unknown, timeZone = "UTC"): Date | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const f = splitTimestamp(value);
  if (!f || isSentinelDate(f)) return null;
  if (f.offsetMinutes !== null) {
    return new Date(Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.millisecond) - f.offsetMinutes * 60_000);
  }
  if (timeZone === "UTC") return new Date(Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.millisecond));
  try {
    const date = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
    const instant = zonedTimeToInstant(date, `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`, timeZone);
    return new Date(instant.getTime() + f.millisecond);
  } catch {
    return null;
  }
}

/**
 * The calendar day a date-like value names, "YYYY-MM-DD", as written (no zone conversion), or
 * null (missing, empty, sentinel, unparseable). For install, commissioning and contract dates.
 */
export function parseCalendarDay(value: unknown): string | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const f = splitTimestamp(value);
  if (!f || isSentinelDate(f)) return null;
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
}

/** Parses a JSON document held in a string (`userpreferences.value`, echoed `key`s); null when it is not JSON. */
export function parseJsonString(value: unknown): unknown {
  if (typeof value !== "string" || value.trim() === "") return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}
