import type { Clock } from "../../core/clock.js";
import type { SimRequest, SimResponse } from "../http/types.js";
import { SimSky, type SimPlane, type SimWeather } from "./weather.js";

/** Variables this simulator serves, with the units Open-Meteo reports for them. */
export const OPEN_METEO_SIM_UNITS: Readonly<Record<keyof SimWeather, string>> = {
  shortwave_radiation: "W/m²",
  direct_radiation: "W/m²",
  diffuse_radiation: "W/m²",
  direct_normal_irradiance: "W/m²",
  global_tilted_irradiance: "W/m²",
  temperature_2m: "°C",
  cloud_cover: "%",
  is_day: "",
};

const DAY_MS = 86_400_000;

/** Open-Meteo's error body: HTTP 400 with `{ error: true, reason }`. */
function refuse(reason: string): SimResponse {
  return { status: 400, body: { error: true, reason } };
}

class Refusal extends Error {}

function numberParam(query: URLSearchParams, key: string, min: number, max: number, fallback?: number): number {
  const raw = query.get(key);
  if (raw === null || raw === "") {
    if (fallback !== undefined) return fallback;
    throw new Refusal(`Parameter '${key}' is required.`);
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Refusal(`Value '${raw}' for key '${key}' is not a number.`);
  if (value < min || value > max) throw new Refusal(`${key} must be in range of ${min} to ${max}, got ${raw}.`);
  return value;
}

/** The UTC offset (seconds) of a zone at an instant, and the name echoed back. */
function resolveZone(name: string, longitude: number, atMs: number): { timezone: string; abbreviation: string; offsetS: number } {
  if (name === "" || name === "GMT" || name === "UTC") return { timezone: "GMT", abbreviation: "GMT", offsetS: 0 };
  if (name === "auto") {
    // No zone database here: the nearest whole-hour solar zone stands in for the location's zone.
    const hours = Math.round(longitude / 15);
    const label = hours === 0 ? "GMT" : `GMT${hours > 0 ? "+" : ""}${hours}`;
    return {
      timezone: hours === 0 ? "GMT" : `Etc/GMT${hours > 0 ? "-" : "+"}${Math.abs(hours)}`,
      abbreviation: label,
      offsetS: hours * 3600,
    };
  }
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "longOffset" }).formatToParts(new Date(atMs));
  } catch {
    throw new Refusal(`Invalid timezone '${name}'.`);
  }
  const label = parts.find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(label);
  const offsetS = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  return { timezone: name, abbreviation: label, offsetS };
}

/** `YYYY-MM-DDTHH:MM` of a wall-clock instant (ms already shifted by the offset). */
function wallTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/** Open-Meteo's `/v1/forecast` over a simulated sky. */
export class OpenMeteoApi {
  requests = 0;

  constructor(
    private readonly seed: number,
    private readonly clock: Clock,
  ) {}

  readonly handle = (req: SimRequest): SimResponse => {
    this.requests++;
    if (req.method !== "GET") return { status: 405, body: { error: true, reason: "Method not allowed." } };
    if (req.path !== "/v1/forecast") return { status: 404, body: { error: true, reason: "Not Found" } };
    try {
      return this.forecast(req.query);
    } catch (error) {
      if (error instanceof Refusal) return refuse(error.message);
      throw error;
    }
  };

  private forecast(query: URLSearchParams): SimResponse {
    const latitude = numberParam(query, "latitude", -90, 90);
    const longitude = numberParam(query, "longitude", -180, 180);
    const forecastDays = numberParam(query, "forecast_days", 0, 16, 7);
    const pastDays = numberParam(query, "past_days", 0, 92, 0);
    const tilt = numberParam(query, "tilt", 0, 90, 0);
    const azimuth = numberParam(query, "azimuth", -180, 180, 0);
    if (!Number.isInteger(forecastDays) || !Number.isInteger(pastDays))
      throw new Refusal("forecast_days and past_days must be whole numbers.");
    const now = this.clock.now();
    const zone = resolveZone(query.get("timezone") ?? "GMT", longitude, now);
    const sky = new SimSky(this.seed, latitude, longitude);
    const plane: SimPlane = { tiltDeg: tilt, azimuthDeg: azimuth };
    // The series starts at local midnight of today minus past_days; times are local wall clock.
    const localToday = Math.floor((now + zone.offsetS * 1000) / DAY_MS) * DAY_MS;
    const firstWall = localToday - pastDays * DAY_MS;
    const spanMs = (pastDays + forecastDays) * DAY_MS;
    const body: Record<string, unknown> = {
      latitude: Math.round(latitude * 1000) / 1000,
      longitude: Math.round(longitude * 1000) / 1000,
      generationtime_ms: 0.2,
      utc_offset_seconds: zone.offsetS,
      timezone: zone.timezone,
      timezone_abbreviation: zone.abbreviation,
      elevation: 40,
    };
    for (const [key, stepMs] of [
      ["hourly", 3_600_000],
      ["minutely_15", 900_000],
    ] as const) {
      const raw = query.get(key);
      if (raw === null || raw === "") continue;
      const names = raw.split(",");
      for (const name of names) {
        if (!(name in OPEN_METEO_SIM_UNITS))
          throw new Refusal(`Cannot initialize ForecastVariable from invalid String value ${name} for key ${key}`);
      }
      const times: string[] = [];
      const columns: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, [] as number[]]));
      for (let wall = firstWall; wall < firstWall + spanMs; wall += stepMs) {
        times.push(wallTime(wall));
        const weather = sky.interval(wall - zone.offsetS * 1000, stepMs, plane);
        for (const name of names) columns[name]!.push(weather[name as keyof SimWeather]);
      }
      body[`${key}_units`] = { time: "iso8601", ...Object.fromEntries(names.map((n) => [n, OPEN_METEO_SIM_UNITS[n as keyof SimWeather]])) };
      body[key] = { time: times, ...columns };
    }
    return { body };
  }
}
