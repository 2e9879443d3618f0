import { NEM_OFFSET_MINUTES } from "../../core/time/index.js";
import { gaussianFromHash, hash01ab, hash32, subSeed, valueNoise1D } from "../random.js";

/** A region of the Australian National Electricity Market. */
export type NemRegion = "NSW1" | "QLD1" | "VIC1" | "SA1" | "TAS1";

/** Options of `new NemPriceModel(...)`. */
export interface NemPriceModelOptions {
  seed: number;
  /** Default "NSW1". */
  region?: NemRegion;
}

interface RegionProfile {
  /** Typical overnight level, c/kWh incl. GST. */
  base: number;
  /** Depth of the midday solar trough, in multiples of `base`, on a clear spring day. */
  solarDepth: number;
  /** Height of the evening peak, in multiples of `base`. */
  evening: number;
  /** Chance that a day has an evening price spike (before seasonal weighting). */
  spikeChance: number;
  /** Renewable share overnight with average wind, %. */
  renewablesBase: number;
  /** Extra renewable share at a clear solar noon, %. */
  renewablesSolar: number;
  /** Swing of renewable share with the wind, ± %. */
  renewablesWind: number;
}

const REGIONS: Record<NemRegion, RegionProfile> = {
  NSW1: { base: 11, solarDepth: 1.15, evening: 1.3, spikeChance: 0.04, renewablesBase: 22, renewablesSolar: 40, renewablesWind: 10 },
  QLD1: { base: 10, solarDepth: 1.35, evening: 1.4, spikeChance: 0.05, renewablesBase: 18, renewablesSolar: 45, renewablesWind: 6 },
  VIC1: { base: 10, solarDepth: 1.15, evening: 1.1, spikeChance: 0.03, renewablesBase: 30, renewablesSolar: 30, renewablesWind: 20 },
  SA1: { base: 12, solarDepth: 1.5, evening: 1.5, spikeChance: 0.07, renewablesBase: 55, renewablesSolar: 35, renewablesWind: 35 },
  TAS1: { base: 9, solarDepth: 0.5, evening: 0.6, spikeChance: 0.01, renewablesBase: 85, renewablesSolar: 8, renewablesWind: 12 },
};

const FIVE_MIN = 300_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NEM_OFFSET_MS = NEM_OFFSET_MINUTES * 60_000;
/** Day number (since 1970-01-01) of the June solstice 2024: the southern midwinter reference. */
const MIDWINTER_DAY = 19_895;
const YEAR_DAYS = 365.2422;
/** The market floor (−$1000/MWh) incl. GST. */
const MARKET_FLOOR_CENTS = -110;

function bell(h: number, mean: number, sd: number): number {
  const z = (h - mean) / sd;
  return Math.exp(-0.5 * z * z);
}

function toMs(value: Date | number, name: string): number {
  const ms = typeof value === "number" ? value : value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a Date or epoch milliseconds, got ${String(value)}.`);
  return ms;
}

function checkDuration(durationMin: number): 5 | 30 {
  if (durationMin !== 5 && durationMin !== 30) throw new RangeError(`durationMin must be 5 or 30, got ${String(durationMin)}.`);
  return durationMin;
}

/** Ends (as 5-minute indices) of the 5-minute intervals making up the interval ending at `intervalEnd`. */
function fiveMinuteEnds(intervalEnd: Date | number, durationMin: number): number[] {
  const ms = toMs(intervalEnd, "intervalEnd");
  const step = checkDuration(durationMin) * 60_000;
  // An instant that is not on a boundary names the interval it falls in.
  const end = Math.ceil(ms / step) * step;
  const last = end / FIVE_MIN;
  const count = durationMin / 5;
  const out: number[] = [];
  for (let k = count - 1; k >= 0; k--) out.push(last - k);
  return out;
}

/**
 * Wholesale (spot) prices, forecasts and renewable share for one NEM region, as stateless
 * functions of (seed, time): any interval can be asked about in any order and always gives the
 * same answer.
 *
 * Daily shape in NEM time (UTC+10, no daylight saving): moderate overnight, a morning ramp to a
 * peak near 07:45 (weaker at weekends), a midday solar trough that goes negative on sunny days
 * (deepest in spring), an evening peak 17:00-20:00 (higher in winter and summer) and, on a few
 * days, an evening spike of tens to hundreds of c/kWh lasting 10-60 minutes. Sunshine is a smooth
 * day-to-day noise; the demand level drifts over days; each 5-minute price has its own noise.
 * Prices are c/kWh including GST; a 30-minute price is the mean of its six 5-minute prices.
 */
export class NemPriceModel {
  /** The region modelled. */
  readonly region: NemRegion;
  /** The seed given. */
  readonly seed: number;
  private readonly profile: RegionProfile;
  private readonly sunSeed: number;
  private readonly levelSeed: number;
  private readonly noiseSeed: number;
  private readonly driftSeed: number;
  private readonly spikeSeed: number;
  private readonly windSeed: number;
  private readonly errorSeed: number;

  constructor(options: NemPriceModelOptions) {
    if (typeof options.seed !== "number" || !Number.isFinite(options.seed))
      throw new RangeError(`seed must be a number, got ${String(options.seed)}.`);
    const region = options.region ?? "NSW1";
    if (!(region in REGIONS))
      throw new RangeError(`region must be one of ${Object.keys(REGIONS).join(", ")}, got ${JSON.stringify(region)}.`);
    this.region = region;
    this.seed = options.seed;
    this.profile = REGIONS[region];
    const seed = options.seed;
    this.sunSeed = subSeed(seed, `nem.${region}.sun`);
    this.levelSeed = subSeed(seed, `nem.${region}.level`);
    this.noiseSeed = subSeed(seed, `nem.${region}.noise`);
    this.driftSeed = subSeed(seed, `nem.${region}.drift`);
    this.spikeSeed = subSeed(seed, `nem.${region}.spike`);
    this.windSeed = subSeed(seed, `nem.${region}.wind`);
    this.errorSeed = subSeed(seed, `nem.${region}.error`);
  }

  /** Spot price of the interval ending at `intervalEnd`, c/kWh incl. GST. */
  spotCents(intervalEnd: Date | number, durationMin: 5 | 30): number {
    const ends = fiveMinuteEnds(intervalEnd, durationMin);
    let sum = 0;
    for (const i of ends) sum += this.price5(i);
    return sum / ends.length;
  }

  /**
   * The forecast of `spotCents(intervalEnd, durationMin)` published at `issuedAt`. It differs from
   * the later actual by an error that grows with the horizon (intervalEnd − issuedAt) up to about
   * a day, drifts smoothly between successive forecasts, and shrinks to nothing as `issuedAt`
   * reaches the interval end: at or after the end it equals the actual. Spikes are under-forecast
   * far ahead and emerge as they approach.
   */
  forecastCents(intervalEnd: Date | number, durationMin: 5 | 30, issuedAt: Date | number): number {
    const ends = fiveMinuteEnds(intervalEnd, durationMin);
    const issued = toMs(issuedAt, "issuedAt");
    let sum = 0;
    for (const i of ends) sum += this.forecast5(i, issued);
    return sum / ends.length;
  }

  /**
   * A range around `forecastCents` (min <= forecast <= max), wider for longer horizons, in the
   * volatile evening hours and upward on days when a spike is possible. A single point once the
   * interval has ended.
   */
  forecastRange(intervalEnd: Date | number, durationMin: 5 | 30, issuedAt: Date | number): { min: number; max: number } {
    const ends = fiveMinuteEnds(intervalEnd, durationMin);
    const issued = toMs(issuedAt, "issuedAt");
    let min = 0;
    let max = 0;
    for (const i of ends) {
      const f = this.forecast5(i, issued);
      const [below, above] = this.rangeWidths5(i, issued, f);
      min += f - below;
      max += f + above;
    }
    return { min: min / ends.length, max: max / ends.length };
  }

  /** Share of generation from renewables, 0..100 %: highest near solar noon, swinging with the wind. */
  renewablesPct(intervalEnd: Date | number, durationMin: 5 | 30): number {
    const ends = fiveMinuteEnds(intervalEnd, durationMin);
    let sum = 0;
    for (const i of ends) sum += this.renewables5(i);
    return sum / ends.length;
  }

  /** Whether the interval is (or, for 30 minutes, contains) part of an evening price spike. */
  isSpike(intervalEnd: Date | number, durationMin: 5 | 30): boolean {
    return fiveMinuteEnds(intervalEnd, durationMin).some((i) => this.spikeCents5(i) > 0);
  }

  /** NEM-time facts of the 5-minute interval ending at index i (evaluated at its midpoint). */
  private when(i: number): { day: number; hour: number; weekend: boolean; winterness: number; springness: number } {
    const nemMs = i * FIVE_MIN - FIVE_MIN / 2 + NEM_OFFSET_MS;
    const day = Math.floor(nemMs / DAY);
    const hour = (nemMs - day * DAY) / HOUR;
    const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
    const phase = (2 * Math.PI * (day - MIDWINTER_DAY)) / YEAR_DAYS;
    // Spring (mid-October) is 116 days after midwinter.
    const springPhase = (2 * Math.PI * (day - MIDWINTER_DAY - 116)) / YEAR_DAYS;
    return { day, hour, weekend: weekday >= 6, winterness: Math.cos(phase), springness: Math.cos(springPhase) };
  }

  /** How sunny the region is on `day`, 0.2 .. 1 (smooth over a few days). */
  private sunshine(day: number): number {
    const n = valueNoise1D(this.sunSeed, day / 2.5);
    return n >= 0.5 ? 1 : n <= 0.15 ? 0.2 : 0.2 + (0.8 * (n - 0.15)) / 0.35;
  }

  /** Solar output relative to a clear spring noon, at the interval ending at index i. */
  private solar(i: number): number {
    const w = this.when(i);
    const strength = this.sunshine(w.day) * (0.8 + 0.2 * w.springness) * (1 - 0.3 * w.winterness);
    const halfWidth = 2.3 - 0.3 * w.winterness;
    return strength * bell(w.hour, 12.5, halfWidth);
  }

  /** The spike part of the price at index i (0 outside a spike). */
  private spikeCents5(i: number): number {
    const w = this.when(i);
    if (w.hour < 16.9 || w.hour > 21) return 0;
    const seasonal = 1 + 0.8 * Math.abs(w.winterness);
    if (hash01ab(this.spikeSeed, w.day, 0) >= this.profile.spikeChance * seasonal) return 0;
    const startHour = 17 + Math.floor(hash01ab(this.spikeSeed, w.day, 1) * 30) / 12;
    const durationHours = (2 + Math.floor(hash01ab(this.spikeSeed, w.day, 2) * 11)) / 12;
    if (w.hour < startHour || w.hour >= startHour + durationHours) return 0;
    const peak = 30 * Math.pow(15, hash01ab(this.spikeSeed, w.day, 3));
    return peak * (0.7 + 0.3 * hash01ab(this.spikeSeed, i, 4));
  }

  /** The 5-minute price of the interval ending at index i. */
  private price5(i: number): number {
    const p = this.profile;
    const w = this.when(i);
    const level = (0.85 + 0.3 * valueNoise1D(this.levelSeed, w.day / 3)) * (w.weekend ? 0.88 : 1);
    const h = w.hour;
    const shape =
      0.85 +
      0.45 * bell(h, 7.75, 1.1) * (w.weekend ? 0.6 : 1) +
      p.evening * bell(h, 18.5, 1.3) * (1 + 0.35 * Math.abs(w.winterness)) +
      0.3 * Math.max(0, -w.winterness) * bell(h, 16, 2) +
      0.25 * Math.max(0, w.winterness);
    const trough = p.base * p.solarDepth * this.solar(i) * (w.weekend ? 1.15 : 1);
    const noise = 0.6 * gaussianFromHash(this.noiseSeed, i) + 3 * (valueNoise1D(this.driftSeed, i / 6) - 0.5);
    const price = p.base * level * shape - trough + noise;
    const spike = this.spikeCents5(i);
    return Math.max(MARKET_FLOOR_CENTS, spike > 0 && spike > price ? spike : price);
  }

  /** Relative forecast uncertainty at a horizon: 0 at the interval end, 1 from a day ahead. */
  private static uncertainty(horizonMs: number): number {
    return horizonMs <= 0 ? 0 : Math.min(1, Math.sqrt(horizonMs / DAY));
  }

  private forecast5(i: number, issuedAt: number): number {
    const actual = this.price5(i);
    const u = NemPriceModel.uncertainty(i * FIVE_MIN - issuedAt);
    if (u === 0) return actual;
    const spike = this.spikeCents5(i);
    // Far ahead the spike is mostly missed; it emerges as the interval approaches.
    const base = spike > 0 ? actual - spike * 0.85 * u : actual;
    // One smooth error path per interval, indexed by issue time: successive forecasts drift, not jump.
    const drift = 2 * valueNoise1D(hash32(this.errorSeed, i), issuedAt / (30 * 60_000)) - 1;
    return base + u * (0.2 * Math.abs(base) + 2.5) * drift;
  }

  private rangeWidths5(i: number, issuedAt: number, forecast: number): [number, number] {
    const u = NemPriceModel.uncertainty(i * FIVE_MIN - issuedAt);
    if (u === 0) return [0, 0];
    const w = this.when(i);
    const volatility = 1 + 1.5 * bell(w.hour, 18.5, 1.5);
    const width = u * (0.25 * Math.abs(forecast) + 3) * volatility;
    const spikeRisk =
      this.spikeCents5(i) > 0 || (w.hour >= 16.9 && w.hour <= 21 && hash01ab(this.spikeSeed, w.day, 0) < 3 * this.profile.spikeChance)
        ? 1
        : 0;
    return [0.6 * width, width + spikeRisk * u * 60];
  }

  private renewables5(i: number): number {
    const p = this.profile;
    const wind = 2 * valueNoise1D(this.windSeed, (i * FIVE_MIN) / (6 * HOUR)) - 1;
    const pct = p.renewablesBase + p.renewablesSolar * this.solar(i) + p.renewablesWind * wind;
    return Math.min(100, Math.max(0, pct));
  }
}
