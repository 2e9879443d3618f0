import { ValidationError } from "../errors/index.js";
import { pad2 } from "./calendar-date.js";

/**
 * Times of day ("HH:mm") and the 15-minute schedule grid used by battery charge/discharge windows.
 * A window {start, end} with start === end is "disabled"; end < start wraps past midnight.
 */
export interface TimeWindow {
  /** "HH:mm", inclusive. */
  start: string;
  /** "HH:mm", exclusive. */
  end: string;
}

export const GRID_MINUTES = 15;
const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes since midnight of a strict, zero-padded "HH:mm" (00:00..23:59). */
export function parseTimeOfDay(value: unknown, field = "time"): number {
  const match = typeof value === "string" ? HHMM_RE.exec(value) : null;
  if (!match) {
    throw new ValidationError(`${field} must be a zero-padded 24-hour time "HH:mm" (00:00 to 23:59), got ${JSON.stringify(value)}.`, {
      field,
    });
  }
  return Number(match[1]) * 60 + Number(match[2]);
}

export function formatTimeOfDay(minutes: number): string {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
}

export function isOnGrid(value: string, gridMinutes = GRID_MINUTES): boolean {
  try {
    return parseTimeOfDay(value) % gridMinutes === 0;
  } catch {
    return false;
  }
}

/** Checks a time is on the grid (00:00..23:45 for 15 minutes) and returns its minutes since midnight. */
export function assertOnGrid(value: unknown, field: string, gridMinutes = GRID_MINUTES): number {
  const minutes = parseTimeOfDay(value, field);
  if (minutes % gridMinutes !== 0) {
    const down = formatTimeOfDay(snapToGrid(minutes, "floor", gridMinutes));
    const up = formatTimeOfDay(snapToGrid(minutes, "ceil", gridMinutes));
    const use = down === up ? down : `${down} or ${up}`;
    throw new ValidationError(`${field} ${JSON.stringify(value)} is not on the ${gridMinutes}-minute grid: use ${use}.`, { field });
  }
  return minutes;
}

/** Checks both ends of a window are on the grid. Returns the window unchanged. */
export function assertWindow(window: unknown, field: string, gridMinutes = GRID_MINUTES): TimeWindow {
  if (typeof window !== "object" || window === null) {
    throw new ValidationError(`${field} must be { start: "HH:mm", end: "HH:mm" }, got ${JSON.stringify(window)}.`, { field });
  }
  const { start, end } = window as Partial<TimeWindow>;
  assertOnGrid(start, `${field}.start`, gridMinutes);
  assertOnGrid(end, `${field}.end`, gridMinutes);
  return { start: start as string, end: end as string };
}

/** Rounds minutes to the grid; "ceil" past 23:45 stays at 23:45 (24:00 is not a valid vendor time). */
export function snapToGrid(minutes: number, mode: "floor" | "ceil" | "nearest", gridMinutes = GRID_MINUTES): number {
  const f = mode === "floor" ? Math.floor : mode === "ceil" ? Math.ceil : Math.round;
  return Math.min(f(minutes / gridMinutes) * gridMinutes, 1440 - gridMinutes);
}

export function isDisabledWindow(window: TimeWindow): boolean {
  return window.start === window.end;
}

export function windowDurationMinutes(window: TimeWindow): number {
  const s = parseTimeOfDay(window.start);
  const e = parseTimeOfDay(window.end);
  return (e - s + 1440) % 1440;
}

/** Whether minute-of-day `minute` falls in the window (start inclusive, end exclusive, wrapping). */
export function windowContains(window: TimeWindow, minute: number): boolean {
  const s = parseTimeOfDay(window.start);
  const e = parseTimeOfDay(window.end);
  if (s === e) return false;
  return s < e ? minute >= s && minute < e : minute >= s || minute < e;
}

/** Whether two enabled windows share any minute. */
export function windowsOverlap(a: TimeWindow, b: TimeWindow): boolean {
  if (isDisabledWindow(a) || isDisabledWindow(b)) return false;
  const bs = parseTimeOfDay(b.start);
  return windowContains(a, bs) || windowContains(b, parseTimeOfDay(a.start));
}

export const DISABLED_WINDOW: TimeWindow = Object.freeze({ start: "00:00", end: "00:00" });
