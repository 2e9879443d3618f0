import { ValidationError } from "../../core/errors/index.js";
import type { IrradianceForecast, OpenMeteo, OpenMeteoResolution } from "./open-meteo.js";

/** A PV array at a location, as the forecast needs it. */
export interface PvArrayConfig {
  latitude: number;
  longitude: number;
  /** Peak DC power at 1000 W/m², kW. */
  kWp: number;
  /** 0 (flat) .. 90 (vertical). */
  tiltDeg: number;
  /** Open-Meteo's convention: 0 south, -90 east, 90 west, ±180 north (a north-facing Australian roof is 180). */
  azimuthDeg: number;
  /** Losses from plane irradiance to AC (inverter, wiring, soiling), 0..1. Default 0.8. */
  performanceRatio?: number;
  /** Power change per °C of cell temperature above 25 °C, e.g. -0.004. Default -0.004; 0 disables. */
  temperatureCoefficientPerC?: number;
}

export interface PvForecastInterval {
  start: Date;
  minutes: number;
  /** Mean AC power over the interval, W; null where the irradiance was missing. */
  pvW: number | null;
}

export interface PvForecast {
  issuedAt: Date;
  intervals: PvForecastInterval[];
}

function invalid(field: string, rule: string, value: unknown): never {
  throw new ValidationError(`${field} must be ${rule}, got ${String(value)}. Nothing was sent.`, { vendor: "open-meteo", field });
}

/** Refuses an array description that cannot give a meaningful forecast. */
export function validatePvArray(array: PvArrayConfig): void {
  const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  if (!finite(array.kWp) || array.kWp <= 0) invalid("kWp", "a finite number above 0", array.kWp);
  if (!finite(array.tiltDeg) || array.tiltDeg < 0 || array.tiltDeg > 90) invalid("tiltDeg", "in 0..90", array.tiltDeg);
  if (!finite(array.azimuthDeg) || array.azimuthDeg < -180 || array.azimuthDeg > 180)
    invalid("azimuthDeg", "in -180..180", array.azimuthDeg);
  const pr = array.performanceRatio;
  if (pr !== undefined && (!finite(pr) || pr <= 0 || pr > 1)) invalid("performanceRatio", "in (0, 1]", pr);
  const tc = array.temperatureCoefficientPerC;
  if (tc !== undefined && (!finite(tc) || tc > 0 || tc < -0.02)) invalid("temperatureCoefficientPerC", "in -0.02..0", tc);
}

/**
 * AC power of the array from the irradiance on its plane: kWp × G/1000 × performance ratio,
 * derated by cell temperature (air temperature plus heating by the sun), clamped to 0..kWp·1000
 * (negative irradiance, which models occasionally emit, gives 0). Null in, null out.
 */
export function pvPowerFromIrradiance(
  planeWm2: number | null,
  array: Pick<PvArrayConfig, "kWp" | "performanceRatio" | "temperatureCoefficientPerC">,
  airTemperatureC: number | null = null,
): number | null {
  if (planeWm2 === null || !Number.isFinite(planeWm2)) return null;
  if (planeWm2 <= 0) return 0;
  const peakW = array.kWp * 1000;
  let power = peakW * (planeWm2 / 1000) * (array.performanceRatio ?? 0.8);
  if (airTemperatureC !== null && Number.isFinite(airTemperatureC)) {
    // Cell temperature rises about 3 °C per 100 W/m² above the air (open-rack modules).
    const cellC = airTemperatureC + 0.03 * planeWm2;
    power *= Math.max(0, 1 + (array.temperatureCoefficientPerC ?? -0.004) * (cellC - 25));
  }
  return Math.min(peakW, Math.max(0, power));
}

/** The PV forecast of an array from an irradiance forecast fetched for the array's plane. */
export function pvForecastFromIrradiance(forecast: IrradianceForecast, array: PvArrayConfig): PvForecast {
  validatePvArray(array);
  return {
    issuedAt: forecast.issuedAt,
    intervals: forecast.intervals.map((i) => ({
      start: i.start,
      minutes: i.minutes,
      pvW: pvPowerFromIrradiance(i.gtiWm2, array, i.temperatureC),
    })),
  };
}

/** Fetches the irradiance on the array's plane from Open-Meteo and turns it into a PV forecast. */
export async function forecastPvFromOpenMeteo(
  client: OpenMeteo,
  array: PvArrayConfig,
  options: { resolution?: OpenMeteoResolution; forecastDays?: number } = {},
): Promise<PvForecast> {
  validatePvArray(array);
  const irradiance = await client.getIrradiance({
    latitude: array.latitude,
    longitude: array.longitude,
    tiltDeg: array.tiltDeg,
    azimuthDeg: array.azimuthDeg,
    resolution: options.resolution,
    forecastDays: options.forecastDays,
  });
  return pvForecastFromIrradiance(irradiance, array);
}
