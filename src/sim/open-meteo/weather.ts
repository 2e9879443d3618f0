import { sunPosition, type SunPosition } from "../house/pv.js";
import { subSeed, valueNoise1D } from "../random.js";

const DEG = Math.PI / 180;
const HOUR_MS = 3_600_000;

/** Irradiance and weather for one interval, as Open-Meteo's variables name them. */
export interface SimWeather {
  shortwave_radiation: number;
  direct_radiation: number;
  diffuse_radiation: number;
  direct_normal_irradiance: number;
  global_tilted_irradiance: number;
  temperature_2m: number;
  cloud_cover: number;
  is_day: number;
}

export interface SimPlane {
  tiltDeg: number;
  /** Open-Meteo's convention: 0 = south, -90 = east, 90 = west, ±180 = north. */
  azimuthDeg: number;
}

/** Unit normal (east, north, up) of a plane given in Open-Meteo's azimuth convention. */
export function planeNormal(plane: SimPlane): { east: number; north: number; up: number } {
  const compass = (180 + plane.azimuthDeg) * DEG;
  const t = plane.tiltDeg * DEG;
  return { east: Math.sin(t) * Math.sin(compass), north: Math.sin(t) * Math.cos(compass), up: Math.cos(t) };
}

/**
 * A plausible sky: clear-sky beam from an air-mass model, attenuated by a cloud cover that drifts
 * smoothly over hours (seeded value noise, so the same seed and instant give the same weather).
 * Cloud attenuation follows the Kasten–Czeplak form; cloudier skies turn beam into diffuse.
 */
export class SimSky {
  private readonly cloudSeed: number;
  private readonly tempSeed: number;

  constructor(
    seed: number,
    readonly latitude: number,
    readonly longitude: number,
  ) {
    this.cloudSeed = subSeed(seed, "open-meteo:cloud");
    this.tempSeed = subSeed(seed, "open-meteo:temperature");
  }

  /** Cloud cover 0..100 % at an instant: slow weather systems plus faster patches. */
  cloudCover(ms: number): number {
    const hours = ms / HOUR_MS;
    const slow = valueNoise1D(this.cloudSeed, hours / 30);
    const fast = valueNoise1D(this.cloudSeed ^ 0x5bd1, hours / 4);
    const cover = Math.min(1, Math.max(0, 1.6 * (0.65 * slow + 0.35 * fast) - 0.45));
    return Math.round(cover * 100);
  }

  /**
   * The mean over the interval that ends at `endMs` (Open-Meteo's radiation values are means over
   * the preceding interval), sampled at its midpoint.
   */
  interval(endMs: number, stepMs: number, plane: SimPlane | null): SimWeather {
    const mid = endMs - stepMs / 2;
    const sun = sunPosition(mid, this.latitude, this.longitude);
    const cover = this.cloudCover(endMs);
    const temperature = this.temperature(endMs, sun);
    if (sun.up <= 0) {
      return {
        shortwave_radiation: 0,
        direct_radiation: 0,
        diffuse_radiation: 0,
        direct_normal_irradiance: 0,
        global_tilted_irradiance: 0,
        temperature_2m: temperature,
        cloud_cover: cover,
        is_day: sunPosition(endMs, this.latitude, this.longitude).up > 0 ? 1 : 0,
      };
    }
    const zenith = Math.acos(Math.min(1, sun.up));
    const cosZ = Math.max(0.01, Math.cos(zenith));
    const eccentricity = 1 + 0.033 * Math.cos((2 * Math.PI * sun.dayOfYear) / 365);
    const airMass = 1 / (cosZ + 0.50572 * Math.pow(Math.max(0.1, 96.07995 - zenith / DEG), -1.6364));
    const clearDni = 1361 * eccentricity * Math.pow(0.7, Math.pow(airMass, 0.678));
    const clearDiffuse = 0.1 * clearDni * sun.up;
    const clearGhi = clearDni * sun.up + clearDiffuse;
    const c = cover / 100;
    const ghi = clearGhi * (1 - 0.75 * Math.pow(c, 3.4));
    const diffuseFraction = Math.min(1, clearDiffuse / clearGhi + 0.85 * Math.pow(c, 1.5));
    const diffuse = ghi * diffuseFraction;
    const direct = ghi - diffuse;
    const dni = direct / sun.up;
    return {
      shortwave_radiation: round1(ghi),
      direct_radiation: round1(direct),
      diffuse_radiation: round1(diffuse),
      direct_normal_irradiance: round1(dni),
      global_tilted_irradiance: plane ? round1(tilted(sun, plane, dni, diffuse, ghi)) : 0,
      temperature_2m: temperature,
      cloud_cover: cover,
      is_day: 1,
    };
  }

  private temperature(ms: number, sun: SunPosition): number {
    const base = 18 - Math.abs(this.latitude) / 4 + 8 * (valueNoise1D(this.tempSeed, ms / (HOUR_MS * 72)) - 0.5);
    return round1(base + 6 * Math.max(0, sun.up));
  }
}

/** Isotropic-sky transposition: beam on the plane, sky diffuse by view factor, ground reflection (albedo 0.2). */
function tilted(sun: SunPosition, plane: SimPlane, dni: number, diffuse: number, ghi: number): number {
  const n = planeNormal(plane);
  const cosIncidence = sun.east * n.east + sun.north * n.north + sun.up * n.up;
  const beam = cosIncidence > 0 ? dni * cosIncidence : 0;
  return beam + (diffuse * (1 + n.up)) / 2 + (0.2 * ghi * (1 - n.up)) / 2;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
