import { LoadModel, winternessOf } from "../../sim/house/load.js";
import { PvModel } from "../../sim/house/pv.js";
import { NemPriceModel } from "../../sim/price/nem-price-model.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The backtest's house: Brisbane (UTC+10 all year, like the NEM), 6.6 kW PV, 16 kWh/day. */
export const HOUSE = {
  latitude: -27.47,
  longitude: 153.03,
  utcOffsetMinutes: 600,
  pvCapacityW: 6600,
  dailyLoadKwh: 16,
} as const;

/** Minute-by-minute PV and load of the simulated house (clouds and kettle spikes included). */
export interface MinuteSeries {
  startMs: number;
  loadW: Float64Array;
  pvW: Float64Array;
}

export function houseMinutes(seed: number, startMs: number, days: number): MinuteSeries {
  const pv = new PvModel(seed, HOUSE.latitude, HOUSE.longitude, { capacityW: HOUSE.pvCapacityW, strings: 2, tiltDeg: 20, azimuthDeg: 0 });
  const load = new LoadModel(seed, HOUSE.dailyLoadKwh, undefined);
  const n = days * 1440;
  const loadW = new Float64Array(n);
  const pvW = new Float64Array(n);
  const offset = HOUSE.utcOffsetMinutes * MINUTE;
  for (let m = 0; m < n; m++) {
    const ms = startMs + m * MINUTE;
    const local = new Date(ms + offset);
    const dayOfYear =
      Math.floor(
        (Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - Date.UTC(local.getUTCFullYear(), 0, 1)) / DAY,
      ) + 1;
    const weekday = local.getUTCDay();
    loadW[m] = load.powerW(ms, {
      minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes(),
      weekend: weekday === 0 || weekday === 6,
      winterness: winternessOf(dayOfYear, HOUSE.latitude),
    });
    pvW[m] = pv.powerW(ms + 30_000);
  }
  return { startMs, loadW, pvW };
}

/** Amber-like retail prices on the NEM model: spot plus a time-of-use network charge; feed-in earns spot − 0.4 c. */
export class RetailPrices {
  private readonly nem: NemPriceModel;
  constructor(seed: number) {
    this.nem = new NemPriceModel({ seed, region: "QLD1" });
  }

  /** The actual price of the 30-minute interval starting at `startMs`. */
  actual(startMs: number): { importCents: number; exportCents: number } {
    const spot = this.nem.spotCents(startMs + 30 * MINUTE, 30);
    return { importCents: spot + network(startMs), exportCents: spot - 0.4 };
  }

  /** What was forecast for that interval at `issuedMs` (the NEM model's forecast errors: horizon-dependent drift, late spikes). */
  forecast(startMs: number, issuedMs: number): { importCents: number; exportCents: number } {
    const spot = this.nem.forecastCents(startMs + 30 * MINUTE, 30, issuedMs);
    return { importCents: spot + network(startMs), exportCents: spot - 0.4 };
  }
}

function network(startMs: number): number {
  const hour = (((startMs + HOUSE.utcOffsetMinutes * MINUTE) % DAY) / 3_600_000) | 0;
  if (hour >= 16 && hour < 21) return 17.8;
  if (hour >= 10 && hour < 15) return 3.1;
  if (hour >= 7) return 9.2;
  return 5.4;
}
