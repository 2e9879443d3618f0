import { accuracyTable, type AccuracyRow, type ForecastPair } from "../automation/forecast/accuracy.js";
import type { ForecastRow, PriceRow, Storage } from "./storage/types.js";

export interface AccuracyReport {
  from: number;
  to: number;
  rows: AccuracyRow[];
}

/**
 * How good the stored forecasts were over [from, to): each stored load and PV forecast interval
 * that has ended against the mean of the samples measured in it, and each stored Amber price
 * vintage issued before its interval against the interval's actual price. Intervals nothing was
 * measured in (or with no actual price yet) are left out.
 */
export async function forecastAccuracy(storage: Storage, query: { from: number; to: number; system?: string }): Promise<AccuracyReport> {
  const pairs: ForecastPair[] = [];
  const forecasts = await storage.forecasts({ from: query.from, to: query.to, system: query.system });
  const bySystem = new Map<string, ForecastRow[]>();
  for (const f of forecasts) {
    if (f.start + f.minutes * 60_000 > query.to) continue;
    const list = bySystem.get(f.system) ?? [];
    list.push(f);
    bySystem.set(f.system, list);
  }
  for (const [system, rows] of bySystem) {
    // Sample means per interval length (the automation plans on 30 minutes; buckets are aligned to it).
    const means = new Map<number, Map<number, { loadW: number | null; pvW: number | null }>>();
    for (const minutes of new Set(rows.map((r) => r.minutes))) {
      const cols = await storage.samples(system, query.from, query.to, minutes * 60_000);
      means.set(minutes, new Map(cols.t.map((t, i) => [t, { loadW: cols.loadW[i] ?? null, pvW: cols.pvW[i] ?? null }])));
    }
    for (const r of rows) {
      const measured = means.get(r.minutes)?.get(r.start);
      const actual = r.quantity === "loadW" ? measured?.loadW : r.quantity === "pvW" ? measured?.pvW : undefined;
      if (actual === null || actual === undefined || r.value === null) continue;
      pairs.push({ quantity: r.quantity, source: r.source, horizonMs: r.start - r.issuedAt, forecast: r.value, actual });
    }
  }
  // Prices are the site's, whichever battery system is asked about; `--system amber:<site>` picks one site.
  const source = query.system?.startsWith("amber:") ? query.system : undefined;
  pairs.push(...pricePairs(await storage.prices({ from: query.from, to: query.to, source, vintages: "all" })));
  return { from: query.from, to: query.to, rows: accuracyTable(pairs) };
}

/** Every forecast vintage issued before its interval started, against the interval's actual price. */
function pricePairs(rows: readonly PriceRow[]): ForecastPair[] {
  const intervals = new Map<string, PriceRow[]>();
  for (const r of rows) {
    const key = `${r.source}\u0000${r.channel}\u0000${r.start}`;
    const list = intervals.get(key) ?? [];
    list.push(r);
    intervals.set(key, list);
  }
  const pairs: ForecastPair[] = [];
  for (const list of intervals.values()) {
    const actual = list.filter((r) => r.kind === "actual").sort((a, b) => b.issuedAt - a.issuedAt)[0];
    if (!actual) continue;
    for (const r of list)
      if (r.kind === "forecast" && r.issuedAt < r.start)
        pairs.push({
          quantity: `price ${r.channel}`,
          source: "amber",
          horizonMs: r.start - r.issuedAt,
          forecast: r.perKwhCents,
          actual: actual.perKwhCents,
        });
  }
  return pairs;
}
