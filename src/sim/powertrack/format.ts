/**
 * Timestamp formats the real server mixes, reproduced on purpose: `…Z` without fractions, `…Z`
 * with .NET's 7 fractional digits, zone-less local midnights and day ends (contract dates, chart
 * `start`/`end`), date-only values, and the sentinels. The captures show no other zone-less
 * times, so the simulator sends none.
 */
export const MIN_DATE = "0001-01-01T00:00:00";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** "2025-12-19T19:58:12Z" */
export function isoZ(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** "2025-12-19T16:54:44.2211496Z" (.NET's 7 digits). */
export function iso7(ms: number): string {
  const d = new Date(ms);
  const frac = `${pad(d.getUTCMilliseconds(), 3)}${pad(Math.floor((ms * 7919) % 10_000), 4)}`;
  return `${d.toISOString().slice(0, 19)}.${frac}Z`;
}

/** A calendar day written as if it were a UTC midnight, as `view/site` does: "2027-06-30T00:00:00Z". */
export function dayAsZ(day: string): string {
  return `${day}T00:00:00Z`;
}

/** A value and unit as the web app formats them ("56.9 \tkW"). */
export function formatted(value: number | "NaN", unit: string): string {
  if (value === "NaN") return "\u2013";
  const abs = Math.abs(value);
  const text =
    abs >= 1000
      ? Math.round(value).toLocaleString("en-US")
      : abs >= 100
        ? value.toFixed(0)
        : abs >= 10
          ? value.toFixed(1)
          : value.toFixed(2);
  return `${text} \t${unit}`;
}
