import type { FieldChange, PowerFlow, PriceInterval } from "./types.js";

/**
 * For a feed-in interval, what the customer earns per kWh exported (positive = paid).
 * For other channels, the negative of what they pay (positive = paid to consume).
 */
export function earningsPerKwhCents(interval: Pick<PriceInterval, "perKwhCents">): number {
  return interval.perKwhCents === 0 ? 0 : -interval.perKwhCents;
}

/**
 * What does not add up in a power flow: sources (pv + grid + battery) minus sinks (load + ev), in W.
 * Zero for a consistent reading; null when a term is missing.
 */
export function powerBalanceW(flow: Pick<PowerFlow, "pvW" | "gridW" | "batteryW" | "loadW" | "evW">): number | null {
  const { pvW, gridW, batteryW, loadW } = flow;
  if (pvW === null || gridW === null || batteryW === null || loadW === null) return null;
  return pvW + gridW + batteryW - loadW - (flow.evW ?? 0);
}

/** Field-by-field differences between two flat-or-nested objects, with dotted paths. */
export function diffFields(before: unknown, after: unknown, prefix = ""): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => diffFields(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => diffFields(item, after[i], `${prefix}[${i}]`));
  }
  return sameValue(before, after) ? [] : [{ field: prefix || "(value)", before, after }];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return Object.is(a, b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
