/** A past sample: the model's PowerFlow fields the forecast needs. */
export interface HistorySample {
  observedAt: Date;
  loadW: number | null;
  pvW: number | null;
}

export interface ProfileOptions {
  /** Days of history to use (default 7). */
  days?: number;
  /** Weight of each older day relative to the next newer one (default 0.7: recent days count most). */
  decay?: number;
  /** Minutes east of UTC of the house's wall clock (same time of day = same wall-clock minute). */
  utcOffsetMinutes: number;
}

export interface LoadPvForecast {
  start: Date;
  minutes: number;
  loadW: number;
  pvW: number;
}

const DAY_MS = 86_400_000;

/**
 * Load and PV for the intervals ahead, learned from history: each interval's value is the weighted
 * mean of the same wall-clock interval over the last `days` days (newer days weigh more). PV is
 * then scaled by recent yield: the last 24 hours' PV against the same hours of the profile, so a
 * cloudy spell lowers tomorrow's forecast. Pure; samples in any order, nulls skipped.
 */
export function forecastLoadPv(
  samples: readonly HistorySample[],
  from: Date,
  count: number,
  minutes: number,
  options: ProfileOptions,
): LoadPvForecast[] {
  const days = options.days ?? 7;
  const decay = options.decay ?? 0.7;
  const stepMs = minutes * 60_000;
  const slotsPerDay = Math.round(DAY_MS / stepMs);
  const offsetMs = options.utcOffsetMinutes * 60_000;
  const slotOf = (ms: number) => Math.floor(((((ms + offsetMs) % DAY_MS) + DAY_MS) % DAY_MS) / stepMs);
  // Sums per (day back, slot of day).
  const load = new Float64Array(days * slotsPerDay);
  const pv = new Float64Array(days * slotsPerDay);
  const n = new Float64Array(days * slotsPerDay);
  const pvN = new Float64Array(days * slotsPerDay);
  const now = from.getTime();
  for (const s of samples) {
    const ms = s.observedAt.getTime();
    if (ms >= now) continue;
    const back = Math.floor((now - ms - 1) / DAY_MS);
    if (back >= days) continue;
    const k = back * slotsPerDay + slotOf(ms);
    if (s.loadW !== null) {
      load[k]! += s.loadW;
      n[k]! += 1;
    }
    if (s.pvW !== null) {
      pv[k]! += s.pvW;
      pvN[k]! += 1;
    }
  }
  const profile = (slot: number, sums: Float64Array, counts: Float64Array): number | null => {
    let total = 0;
    let weight = 0;
    for (let d = 0; d < days; d++) {
      const k = d * slotsPerDay + slot;
      if (counts[k]! === 0) continue;
      const w = decay ** d;
      total += (w * sums[k]!) / counts[k]!;
      weight += w;
    }
    return weight > 0 ? total / weight : null;
  };
  // Recent yield: yesterday's PV (day 0 back) against the profile over the same slots.
  let recent = 0;
  let typical = 0;
  for (let slot = 0; slot < slotsPerDay; slot++) {
    const k = slot;
    if (pvN[k]! === 0) continue;
    recent += pv[k]! / pvN[k]!;
    typical += profile(slot, pv, pvN) ?? 0;
  }
  const yieldScale = typical > 0 ? Math.min(1.5, Math.max(0.3, recent / typical)) : 1;
  return Array.from({ length: count }, (_, i) => {
    const start = now + i * stepMs;
    const slot = slotOf(start);
    return {
      start: new Date(start),
      minutes,
      loadW: profile(slot, load, n) ?? 0,
      pvW: (profile(slot, pv, pvN) ?? 0) * yieldScale,
    };
  });
}
