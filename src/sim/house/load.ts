import { hash01ab, subSeed, valueNoise1D } from "../random.js";

/**
 * Household consumption.
 *
 * load = base + scale · shape(time of day, weekday/weekend, season) · slow noise + appliance spikes.
 * The shape has a morning peak (07:00 on weekdays, 08:30 at weekends), a midday lull on weekdays
 * (people at work) that is fuller at weekends, a broad evening peak around 18:45, heating bumps in
 * winter mornings and evenings and a cooling bump on summer afternoons. Spikes are kettle/oven-like
 * loads of 1.5-2.4 kW lasting 3-8 minutes, more likely when people are active. `scale` is solved
 * at construction so that the long-run average is `dailyKwh`.
 */

/** Appliance spikes are drawn per 10-minute slot. */
const SPIKE_SLOT_MIN = 10;
const SPIKE_CHANCE_PER_ACTIVITY = 0.12;
const SPIKE_MEAN_DURATION_MIN = 5.5;
/**
 * Spike height in shape units (±25 %). Spikes scale with the house like the rest of the variable
 * load: about 2.2 kW for a 16 kWh/day household.
 */
const SPIKE_MEAN_UNITS = 3.5;

function bell(h: number, mean: number, sd: number): number {
  const z = (h - mean) / sd;
  return Math.exp(-0.5 * z * z);
}

/** The local-time facts the load shape needs. */
export interface LoadTime {
  /** Minutes since local midnight, 0..1439 (fractions allowed). */
  minuteOfDay: number;
  /** Saturday or Sunday. */
  weekend: boolean;
  /** +1 at midwinter, −1 at midsummer (for the house's hemisphere). */
  winterness: number;
}

/** Winterness of a day: cos of the phase from midwinter (mid-July south, mid-January north). */
export function winternessOf(dayOfYear: number, latitude: number): number {
  const midwinter = latitude < 0 ? 196 : 15;
  return Math.cos((2 * Math.PI * (dayOfYear - midwinter)) / 365.25);
}

/** Household load model; values depend only on (seed, instant, local time). */
export class LoadModel {
  /** Always-on power in W. */
  readonly baseW: number;
  /** Multiplier of the shape solved so the mean is `dailyKwh`; 0 when `baseW` alone exceeds it. */
  readonly scale: number;
  private readonly noiseSeed: number;
  private readonly spikeSeed: number;

  constructor(
    seed: number,
    readonly dailyKwh: number,
    baseW: number | undefined,
  ) {
    const averageW = (dailyKwh * 1000) / 24;
    this.baseW = baseW ?? 0.3 * averageW;
    this.noiseSeed = subSeed(seed, "load.noise");
    this.spikeSeed = subSeed(seed, "load.spike");
    // The noise multiplier averages 1 and spikes average chance × duration share × power, so the
    // expected variable load is the mean of shape + expected spikes over a representative year.
    let sum = 0;
    let n = 0;
    for (let day = 0; day < 364; day++) {
      const weekend = day % 7 >= 5;
      const winterness = Math.cos((2 * Math.PI * day) / 364);
      for (let minute = 7.5; minute < 1440; minute += 15) {
        const t: LoadTime = { minuteOfDay: minute, weekend, winterness };
        sum += this.shape(t) + this.spikeChance(t) * (SPIKE_MEAN_DURATION_MIN / SPIKE_SLOT_MIN) * SPIKE_MEAN_UNITS;
        n++;
      }
    }
    this.scale = Math.max(0, (averageW - this.baseW) / (sum / n));
  }

  /** Dimensionless daily shape (about 0..2.5). */
  shape(t: LoadTime): number {
    const h = t.minuteOfDay / 60;
    const morning = t.weekend ? 0.8 * bell(h, 8.5, 1.3) : 0.9 * bell(h, 7, 0.9);
    const day = t.weekend ? 0.5 * bell(h, 13, 3) : 0.18 * bell(h, 13, 3);
    const evening = 1.5 * bell(h, 18.75, 1.6);
    const lateNight = 0.12;
    const heat = t.winterness > 0 ? t.winterness * 0.7 * (bell(h, 7.5, 1.5) + bell(h, 19.5, 2.5)) : 0;
    const cool = t.winterness < 0 ? -t.winterness * 0.8 * bell(h, 16, 2.5) : 0;
    return morning + day + evening + lateNight + heat + cool;
  }

  /** Probability that a 10-minute slot holds an appliance spike. */
  private spikeChance(t: LoadTime): number {
    const h = t.minuteOfDay / 60;
    const activity = t.weekend ? bell(h, 8.5, 1.5) + bell(h, 18.5, 1.5) + 0.3 * bell(h, 13, 2.5) : bell(h, 7, 1) + bell(h, 18.5, 1.5);
    return SPIKE_CHANCE_PER_ACTIVITY * Math.min(1, activity);
  }

  /** Household load in W at instant `ms` whose local time is `t`. */
  powerW(ms: number, t: LoadTime): number {
    const noise = 0.7 + 0.6 * valueNoise1D(this.noiseSeed, ms / 5_400_000);
    let w = this.baseW + this.scale * this.shape(t) * noise;
    // Spikes are keyed by absolute 10-minute slot, so they do not depend on the step size.
    const slot = Math.floor(ms / (SPIKE_SLOT_MIN * 60_000));
    if (hash01ab(this.spikeSeed, slot, 0) < this.spikeChance(t)) {
      const duration = 3 + 5 * hash01ab(this.spikeSeed, slot, 1);
      const intoSlot = (ms - slot * SPIKE_SLOT_MIN * 60_000) / 60_000;
      if (intoSlot < duration) w += this.scale * SPIKE_MEAN_UNITS * (0.75 + 0.5 * hash01ab(this.spikeSeed, slot, 2));
    }
    return w;
  }
}
