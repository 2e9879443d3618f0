/** Short, unit-carrying renderings of model values for tables. `null` (missing) shows as "–". */

export const MISSING = "–";

/** Watts: "850 W", "2.35 kW", "-1.20 kW". */
export function formatWatts(w: number | null | undefined): string {
  if (w === null || w === undefined || !Number.isFinite(w)) return MISSING;
  if (Math.abs(w) < 1000) return `${Math.round(w)} W`;
  return `${(w / 1000).toFixed(2)} kW`;
}

/** A fraction 0..1 as percent: "85 %". */
export function formatFraction(fraction: number | null | undefined, digits = 0): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return MISSING;
  return `${(fraction * 100).toFixed(digits)} %`;
}

export function formatKwh(kwh: number | null | undefined): string {
  if (kwh === null || kwh === undefined || !Number.isFinite(kwh)) return MISSING;
  return `${kwh.toFixed(2)} kWh`;
}

/** c/kWh: "23.4 c". */
export function formatCents(cents: number | null | undefined): string {
  if (cents === null || cents === undefined || !Number.isFinite(cents)) return MISSING;
  return `${cents.toFixed(1)} c`;
}

/** An age in ms: "12 s", "5 min", "3 h 10 min", "2 d". */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return MISSING;
  const sign = ms < 0 ? "in " : "";
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 90) return `${sign}${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${sign}${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${sign}${h} h ${min % 60} min`;
  return `${sign}${Math.round(h / 24)} d`;
}

/** A level like 0.9 → "90 %"; for the battery plan diff. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return MISSING;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** "HH:mm" and "YYYY-MM-DD HH:mm" in one zone: a server on UTC must not show Sydney's prices at UTC times. */
export function zonedClock(timeZone: string): { time: (d: Date) => string; dateTime: (d: Date) => string } {
  const time = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const date = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return { time: (d) => time.format(d), dateTime: (d) => `${date.format(d)} ${time.format(d)}` };
}
