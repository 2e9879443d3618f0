/** Horizon buckets of the accuracy table: how long before the interval the forecast was issued. */
export const HORIZON_BUCKETS = [
  { label: "0–1 h", upToMs: 3_600_000 },
  { label: "1–6 h", upToMs: 6 * 3_600_000 },
  { label: "6–24 h", upToMs: 24 * 3_600_000 },
  { label: "24–48 h", upToMs: 48 * 3_600_000 },
] as const;

/** One forecast value next to what happened. */
export interface ForecastPair {
  /** "loadW", "pvW", "price general", "price feedIn". */
  quantity: string;
  /** "history", "open-meteo", "blend", "amber". */
  source: string;
  /** Interval start minus issue time, ms (an interval already under way counts as 0). */
  horizonMs: number;
  forecast: number;
  actual: number;
}

export interface AccuracyRow {
  quantity: string;
  source: string;
  horizon: string;
  /** Forecast intervals compared. */
  n: number;
  /** Mean absolute error, in the quantity's unit (W, c/kWh). */
  mae: number;
  /** Mean of forecast − actual: positive = the forecast was too high. */
  bias: number;
  /** Mean of what happened, for scale. */
  meanActual: number;
}

/** MAE and bias per quantity, source and horizon bucket; pairs beyond the last bucket are left out. Pure. */
export function accuracyTable(pairs: readonly ForecastPair[]): AccuracyRow[] {
  const groups = new Map<
    string,
    { quantity: string; source: string; bucket: number; n: number; abs: number; err: number; actual: number }
  >();
  for (const p of pairs) {
    if (!Number.isFinite(p.forecast) || !Number.isFinite(p.actual)) continue;
    const h = Math.max(0, p.horizonMs);
    const bucket = HORIZON_BUCKETS.findIndex((b) => h < b.upToMs);
    if (bucket < 0) continue;
    const key = `${p.quantity}\u0000${p.source}\u0000${bucket}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { quantity: p.quantity, source: p.source, bucket, n: 0, abs: 0, err: 0, actual: 0 }));
    g.n++;
    g.abs += Math.abs(p.forecast - p.actual);
    g.err += p.forecast - p.actual;
    g.actual += p.actual;
  }
  return [...groups.values()]
    .sort((a, b) => a.quantity.localeCompare(b.quantity) || a.source.localeCompare(b.source) || a.bucket - b.bucket)
    .map((g) => ({
      quantity: g.quantity,
      source: g.source,
      horizon: HORIZON_BUCKETS[g.bucket]!.label,
      n: g.n,
      mae: g.abs / g.n,
      bias: g.err / g.n,
      meanActual: g.actual / g.n,
    }));
}
