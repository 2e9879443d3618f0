import { hash01ab, subSeed, valueNoise1D } from "../random.js";

/**
 * Solar geometry and PV output.
 *
 * Geometry: NOAA's low-precision formulas (Spencer's declination and equation of time, good to a
 * fraction of a degree), giving the sun's direction as a unit vector (east, north, up).
 * Clear sky: beam normal irradiance by Meinel's air-mass formula, DNI = 1361·E0·0.7^(AM^0.678),
 * with Kasten-Young air mass, plus an isotropic diffuse part of 10 % of DNI·sin(elevation).
 * Weather: a smooth day-to-day "weather" noise (correlation of a few days) gives clear, broken
 * and overcast days; a faster noise (~45 min) makes broken days flicker. Night is exactly 0.
 */

const DEG = Math.PI / 180;
const MS_PER_DAY = 86_400_000;
/** Fraction of plane-of-array irradiance that reaches the AC side (temperature, wiring, inverter). */
const SYSTEM_DERATE = 0.86;

/** The sun's position at an instant, as a unit vector and its elevation. */
export interface SunPosition {
  /** East component of the unit vector towards the sun. */
  east: number;
  north: number;
  /** sin(elevation); <= 0 at night. */
  up: number;
  /** Day of year 1..366 (UTC), for the Earth-Sun distance. */
  dayOfYear: number;
}

/** Day of year (1-based) of an instant, in UTC. */
export function utcDayOfYear(ms: number): number {
  const d = new Date(ms);
  return Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / MS_PER_DAY) + 1;
}

/** The sun's direction seen from (latitude, longitude) at instant `ms`. */
export function sunPosition(ms: number, latitudeDeg: number, longitudeDeg: number, dayOfYear = utcDayOfYear(ms)): SunPosition {
  const minutesUtc = (((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / 60_000;
  const gamma = ((2 * Math.PI) / 365) * (dayOfYear - 1 + (minutesUtc / 60 - 12) / 24);
  const c1 = Math.cos(gamma);
  const s1 = Math.sin(gamma);
  const c2 = Math.cos(2 * gamma);
  const s2 = Math.sin(2 * gamma);
  const eqTimeMin = 229.18 * (0.000075 + 0.001868 * c1 - 0.032077 * s1 - 0.014615 * c2 - 0.040849 * s2);
  const decl =
    0.006918 -
    0.399912 * c1 +
    0.070257 * s1 -
    0.006758 * c2 +
    0.000907 * s2 -
    0.002697 * Math.cos(3 * gamma) +
    0.00148 * Math.sin(3 * gamma);
  const trueSolarMin = minutesUtc + eqTimeMin + 4 * longitudeDeg;
  const hourAngle = (trueSolarMin / 4 - 180) * DEG;
  const lat = latitudeDeg * DEG;
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  const sinDec = Math.sin(decl);
  const cosDec = Math.cos(decl);
  const cosHa = Math.cos(hourAngle);
  return {
    east: -cosDec * Math.sin(hourAngle),
    north: cosLat * sinDec - sinLat * cosDec * cosHa,
    up: sinLat * sinDec + cosLat * cosDec * cosHa,
    dayOfYear,
  };
}

/**
 * Clear-sky irradiance on a tilted plane in W/m² (0 at night).
 * `normal` is the plane's unit normal (east, north, up).
 */
export function clearSkyPlaneIrradiance(sun: SunPosition, normal: { east: number; north: number; up: number }): number {
  const s = sun.up;
  if (s <= 0) return 0;
  const elevationDeg = Math.asin(Math.min(1, s)) / DEG;
  const zenithDeg = 90 - elevationDeg;
  const airMass = 1 / (Math.cos(zenithDeg * DEG) + 0.50572 * Math.pow(96.07995 - zenithDeg, -1.6364));
  const eccentricity = 1 + 0.033 * Math.cos((2 * Math.PI * sun.dayOfYear) / 365);
  const dni = 1361 * eccentricity * Math.pow(0.7, Math.pow(airMass, 0.678));
  const cosIncidence = sun.east * normal.east + sun.north * normal.north + sun.up * normal.up;
  const beam = cosIncidence > 0 ? dni * cosIncidence : 0;
  const diffuse = 0.1 * dni * s * ((1 + normal.up) / 2);
  return beam + diffuse;
}

/** PV array parameters after defaults. */
export interface PvArray {
  capacityW: number;
  strings: number;
  tiltDeg: number;
  azimuthDeg: number;
}

/**
 * PV output of one array at one location. Every value depends only on (seed, instant), so the
 * model can be queried in any order. `HouseModel` builds one from its config; a facade that needs
 * the same weather (an irradiance sensor, say) can build its own with the same seed and array.
 */
export class PvModel {
  /** Unit normal of the panels (east, north, up). */
  readonly normal: { east: number; north: number; up: number };
  /** Each string's share of the output (sums to 1). */
  readonly stringShares: number[];
  private readonly weatherSeed: number;
  private readonly flickerSeed: number;

  constructor(
    seed: number,
    readonly latitude: number,
    readonly longitude: number,
    readonly array: PvArray,
  ) {
    const tilt = array.tiltDeg * DEG;
    const az = array.azimuthDeg * DEG;
    this.normal = { east: Math.sin(tilt) * Math.sin(az), north: Math.sin(tilt) * Math.cos(az), up: Math.cos(tilt) };
    this.weatherSeed = subSeed(seed, "pv.weather");
    this.flickerSeed = subSeed(seed, "pv.flicker");
    // Strings are never perfectly matched (shading, soiling, panel count): a few percent apart.
    const stringSeed = subSeed(seed, "pv.strings");
    const raw = Array.from({ length: array.strings }, (_, i) => 0.94 + 0.12 * hash01ab(stringSeed, i, 0));
    const total = raw.reduce((a, b) => a + b, 0);
    this.stringShares = raw.map((w) => w / total);
  }

  /**
   * How clear the sky is for the whole day containing `ms`, 0.2 (overcast) .. 1 (clear).
   * Smooth over a few days, like weather systems: about half the days clear, one in ten overcast.
   */
  dayClearness(ms: number): number {
    const n = valueNoise1D(this.weatherSeed, ms / (2.5 * MS_PER_DAY));
    if (n >= 0.45) return 1;
    if (n <= 0.15) return 0.2;
    return 0.2 + (0.8 * (n - 0.15)) / 0.3;
  }

  /** Fraction of clear-sky irradiance that gets through at `ms` (0.08 .. 1). */
  cloudFactor(ms: number): number {
    const clear = this.dayClearness(ms);
    const flicker = valueNoise1D(this.flickerSeed, ms / 2_700_000) * 2 - 1;
    // Broken days vary most; clear days keep a little haze.
    const k = clear - (1 - clear) * 0.7 * flicker - 0.03 * (flicker + 1) * clear;
    return Math.min(1, Math.max(0.08, k));
  }

  /** Plane-of-array irradiance in W/m² at instant `ms`, clouds included (0 at night). */
  irradianceWm2(ms: number): number {
    const sun = sunPosition(ms, this.latitude, this.longitude);
    if (sun.up <= 0) return 0;
    return clearSkyPlaneIrradiance(sun, this.normal) * this.cloudFactor(ms);
  }

  /** AC output in W at instant `ms` before any curtailment (0 at night, at most `capacityW`). */
  powerW(ms: number): number {
    const poa = this.irradianceWm2(ms);
    return poa === 0 ? 0 : Math.min(this.array.capacityW, (this.array.capacityW * poa * SYSTEM_DERATE) / 1000);
  }
}
