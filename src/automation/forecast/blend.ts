import type { HistorySample, LoadPvForecast } from "./history.js";
import type { PvForecastInterval } from "./open-meteo-pv.js";

/** How much the weather forecast counts against the history profile where it has a value. */
export const OPEN_METEO_WEIGHT = 0.7;

/**
 * The mean of a PV forecast (any resolution) over [start, start + minutes): overlap-weighted, so
 * hourly Open-Meteo values fill 30-minute slots; null when nothing with a value overlaps.
 */
export function pvOver(forecast: readonly PvForecastInterval[], start: number, minutes: number): number | null {
  const end = start + minutes * 60_000;
  let sum = 0;
  let covered = 0;
  for (const f of forecast) {
    if (f.pvW === null) continue;
    const a = Math.max(start, f.start.getTime());
    const b = Math.min(end, f.start.getTime() + f.minutes * 60_000);
    if (b <= a) continue;
    sum += f.pvW * (b - a);
    covered += b - a;
  }
  return covered >= (end - start) / 2 ? sum / covered : null;
}

/**
 * Recent yield against the weather forecast: the PV the house really made over the last 24 h
 * against what the forecast said for those hours (`pastDays` of the same answer), clamped to
 * 0.5..1.5. It absorbs a wrong kWp, shading, soiling and the performance ratio. 1 when there is
 * too little to tell (under 12 h of samples, or under 1 kWh forecast).
 */
export function openMeteoScale(samples: readonly HistorySample[], forecast: readonly PvForecastInterval[], now: number): number {
  const from = now - 86_400_000;
  let actual = 0;
  let predicted = 0;
  const seenHours = new Set<number>();
  for (const s of samples) {
    const t = s.observedAt.getTime();
    if (t < from || t >= now || s.pvW === null) continue;
    const p = pvOver(forecast, t, 1);
    if (p === null) continue;
    actual += s.pvW;
    predicted += p;
    seenHours.add(Math.floor(t / 3_600_000));
  }
  // Means of matched samples: the sample spacing cancels out; 1 kWh over 24 h is about 42 W on average.
  const n = samples.filter((s) => s.observedAt.getTime() >= from && s.observedAt.getTime() < now && s.pvW !== null).length || 1;
  if (seenHours.size < 12 || (predicted / n) * 24 < 1000) return 1;
  return Math.min(1.5, Math.max(0.5, actual / predicted));
}

export interface BlendedForecast {
  /** What the plan uses. */
  blend: LoadPvForecast[];
  /** The Open-Meteo PV per interval after scaling (null where it had none). */
  openMeteoPvW: (number | null)[];
}

/**
 * Load from the history profile; PV as `weight` × Open-Meteo (scaled by recent yield) +
 * (1 − weight) × the history profile (itself scaled by recent yield), where Open-Meteo has a value,
 * else the history profile alone. The weather forecast knows tomorrow's clouds, the profile knows
 * this roof (shade, orientation, clipping): the blend keeps both.
 */
export function blendPv(
  history: readonly LoadPvForecast[],
  openMeteo: readonly PvForecastInterval[],
  scale: number,
  weight = OPEN_METEO_WEIGHT,
): BlendedForecast {
  const openMeteoPvW = history.map((h) => {
    const p = pvOver(openMeteo, h.start.getTime(), h.minutes);
    return p === null ? null : p * scale;
  });
  return {
    blend: history.map((h, i) => {
      const m = openMeteoPvW[i];
      return m === null || m === undefined ? { ...h } : { ...h, pvW: weight * m + (1 - weight) * h.pvW };
    }),
    openMeteoPvW,
  };
}
