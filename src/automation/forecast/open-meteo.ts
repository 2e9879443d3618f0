import { mergeClientOptions, type ClientOptions, type ClientOverrides } from "../../core/client-options.js";
import { systemClock } from "../../core/clock.js";
import { ApiError, ResponseFormatError, ValidationError } from "../../core/errors/index.js";
import { HttpTransport } from "../../core/http/transport.js";
import type { TransportResponse } from "../../core/http/types.js";
import { RateLimiter } from "../../core/rate-limit/limiter.js";
import { excerpt, parseWith } from "../../core/validation.js";
import { openMeteoErrorSchema, openMeteoForecastSchema, type OpenMeteoSeriesWire } from "./open-meteo-wire.js";

export const OPEN_METEO_BASE_URL = "https://api.open-meteo.com/v1";
const VENDOR = "open-meteo";
/** Open-Meteo's free, keyless tier allows 600 calls a minute (and fewer per hour and day). */
const DEFAULT_BUDGET = { limit: 600, windowMs: 60_000 };

export interface OpenMeteoOptions extends ClientOptions {
  /** Default `https://api.open-meteo.com/v1`; a simulator's `url` in tests. */
  baseUrl?: string;
}

export type OpenMeteoResolution = "hourly" | "minutely_15";

export interface IrradianceRequest {
  /** WGS84 degrees, -90..90. */
  latitude: number;
  /** WGS84 degrees, -180..180. */
  longitude: number;
  /** Panel tilt, 0 (flat) .. 90 (vertical). Default 0. */
  tiltDeg?: number;
  /** Panel azimuth in Open-Meteo's convention: 0 south, -90 east, 90 west, ±180 north. Default 0. */
  azimuthDeg?: number;
  /** Default "hourly". */
  resolution?: OpenMeteoResolution;
  /** Days ahead, 1..16. Default 2. */
  forecastDays?: number;
  /** Days back, 0..92. Default 0. */
  pastDays?: number;
  /** The zone the answer's times are written in. Default "GMT" (no daylight-saving ambiguity). */
  timezone?: string;
}

/** One interval of the forecast: Open-Meteo's radiation values are means over the preceding interval. */
export interface IrradianceInterval {
  start: Date;
  end: Date;
  minutes: number;
  /** Global horizontal irradiance, W/m². */
  ghiWm2: number | null;
  /** Global irradiance on the requested plane, W/m². */
  gtiWm2: number | null;
  temperatureC: number | null;
  cloudCoverPct: number | null;
}

export interface IrradianceForecast {
  latitude: number;
  longitude: number;
  timezone: string;
  utcOffsetSeconds: number;
  resolution: OpenMeteoResolution;
  intervals: IrradianceInterval[];
  /** When the answer arrived (the client's clock): the forecast's issue time. */
  issuedAt: Date;
}

function checkRange(value: number | undefined, field: string, min: number, max: number, integer = false): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new ValidationError(
      `${field} must be ${integer ? "a whole number" : "a finite number"} in ${min}..${max}, got ${String(value)}. Nothing was sent.`,
      { vendor: VENDOR, field },
    );
  }
}

/** Refuses a request Open-Meteo would refuse (or that makes no sense), before anything is sent. */
export function validateIrradianceRequest(request: IrradianceRequest): void {
  if (request.latitude === undefined)
    throw new ValidationError("latitude is required. Nothing was sent.", { vendor: VENDOR, field: "latitude" });
  if (request.longitude === undefined)
    throw new ValidationError("longitude is required. Nothing was sent.", { vendor: VENDOR, field: "longitude" });
  checkRange(request.latitude, "latitude", -90, 90);
  checkRange(request.longitude, "longitude", -180, 180);
  checkRange(request.tiltDeg, "tiltDeg", 0, 90);
  checkRange(request.azimuthDeg, "azimuthDeg", -180, 180);
  checkRange(request.forecastDays, "forecastDays", 1, 16, true);
  checkRange(request.pastDays, "pastDays", 0, 92, true);
  if (request.resolution !== undefined && request.resolution !== "hourly" && request.resolution !== "minutely_15") {
    throw new ValidationError(
      `resolution must be "hourly" or "minutely_15", got ${JSON.stringify(request.resolution)}. Nothing was sent.`,
      {
        vendor: VENDOR,
        field: "resolution",
      },
    );
  }
  if (request.timezone !== undefined && !/^[A-Za-z0-9_+\-/]{1,64}$/.test(request.timezone)) {
    throw new ValidationError(
      `timezone must be an IANA name, "GMT" or "auto", got ${JSON.stringify(request.timezone)}. Nothing was sent.`,
      {
        vendor: VENDOR,
        field: "timezone",
      },
    );
  }
}

/** The instant of a local wall-clock time `YYYY-MM-DDTHH:MM` written with a fixed UTC offset. */
export function instantOfLocalTime(local: string, utcOffsetSeconds: number): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) throw new ResponseFormatError(`Unexpected time ${JSON.stringify(local)} from open-meteo.`, { vendor: VENDOR, path: "time" });
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return new Date(wall - utcOffsetSeconds * 1000);
}

/** An Open-Meteo error body as a typed error; the reason is the vendor's words, kept verbatim. */
function openMeteoError(response: TransportResponse, operation: string | undefined): ApiError | undefined {
  const parsed = openMeteoErrorSchema.safeParse(response.data);
  if (!parsed.success) return undefined;
  const reason = parsed.data.reason.slice(0, 300);
  return new ApiError(`open-meteo refused the request (HTTP ${response.status}): "${reason}". Check the parameters.`, {
    vendor: VENDOR,
    operation,
    status: response.status,
    code: "bad_request",
    vendorMessage: reason,
    retryable: false,
  });
}

/**
 * A keyless client of Open-Meteo's forecast API, for the irradiance a PV forecast needs. Goes
 * through the shared `HttpTransport` (timeouts, retries of reads, a budget, typed errors).
 */
export class OpenMeteo {
  private readonly transport: HttpTransport;

  constructor(
    readonly options: OpenMeteoOptions = {},
    transport?: HttpTransport,
  ) {
    const clock = options.clock ?? systemClock;
    this.transport =
      transport ??
      new HttpTransport({
        vendor: VENDOR,
        baseUrl: options.baseUrl ?? OPEN_METEO_BASE_URL,
        fetch: options.fetch,
        clock,
        logger: options.logger,
        userAgent: options.userAgent,
        timeoutMs: options.timeoutMs,
        maxResponseBytes: options.maxResponseBytes,
        retry: options.retry === false ? { limit: 0 } : options.retry,
        limiter:
          options.rateLimit === null
            ? null
            : (options.rateLimit ?? new RateLimiter({ name: VENDOR, vendor: VENDOR, ...DEFAULT_BUDGET, onLimit: "wait", clock })),
        mapHttpError: (response, request) => openMeteoError(response, request.operation),
        onResponse: (response, request) => {
          // An error body is an error whatever the status says.
          if (response.ok) {
            const error = openMeteoError(response, request.operation);
            if (error) throw error;
          }
        },
      });
  }

  /** A client with changed timeouts, retries, logger or limits, sharing this one's transport budget. */
  withOptions(overrides: ClientOverrides): OpenMeteo {
    const merged = mergeClientOptions(this.options, overrides);
    return new OpenMeteo({ ...merged, rateLimit: this.transport.limiter, clock: this.transport.clock });
  }

  /** Irradiance (horizontal and on the plane), temperature and cloud cover for the days asked. */
  async getIrradiance(request: IrradianceRequest): Promise<IrradianceForecast> {
    validateIrradianceRequest(request);
    const resolution = request.resolution ?? "hourly";
    const operation = "getIrradiance";
    const response = await this.transport.request({
      path: "forecast",
      operation,
      query: {
        latitude: request.latitude,
        longitude: request.longitude,
        [resolution]: "shortwave_radiation,global_tilted_irradiance,temperature_2m,cloud_cover",
        tilt: request.tiltDeg ?? 0,
        azimuth: request.azimuthDeg ?? 0,
        timezone: request.timezone ?? "GMT",
        forecast_days: request.forecastDays ?? 2,
        past_days: request.pastDays ?? 0,
      },
    });
    const wire = parseWith(openMeteoForecastSchema, response.data, { vendor: VENDOR, operation });
    const series = wire[resolution];
    if (!series) {
      throw new ResponseFormatError(`Unexpected response from ${operation}: ${resolution} is missing.`, {
        vendor: VENDOR,
        operation,
        path: resolution,
        excerpt: excerpt(response.data),
      });
    }
    const minutes = resolution === "hourly" ? 60 : 15;
    return {
      latitude: wire.latitude,
      longitude: wire.longitude,
      timezone: wire.timezone,
      utcOffsetSeconds: wire.utc_offset_seconds,
      resolution,
      intervals: toIntervals(series, resolution, minutes, wire.utc_offset_seconds, operation),
      issuedAt: new Date(response.receivedAt),
    };
  }
}

function toIntervals(
  series: OpenMeteoSeriesWire,
  resolution: string,
  minutes: number,
  offsetS: number,
  operation: string,
): IrradianceInterval[] {
  const n = series.time.length;
  const columns = ["shortwave_radiation", "global_tilted_irradiance", "temperature_2m", "cloud_cover"] as const;
  for (const name of columns) {
    const column = series[name];
    if (column === undefined || column.length !== n) {
      throw new ResponseFormatError(
        `Unexpected response from ${operation}: ${resolution}.${name} has ${column === undefined ? "no values" : `${column.length} values`} for ${n} times.`,
        { vendor: VENDOR, operation, path: `${resolution}.${name}` },
      );
    }
  }
  const stepMs = minutes * 60_000;
  const out: IrradianceInterval[] = [];
  for (let i = 0; i < n; i++) {
    const end = instantOfLocalTime(series.time[i]!, offsetS);
    if (i > 0 && end.getTime() - out[i - 1]!.end.getTime() !== stepMs) {
      throw new ResponseFormatError(
        `Unexpected response from ${operation}: ${resolution}.time[${i}] is not ${minutes} minutes after the one before.`,
        {
          vendor: VENDOR,
          operation,
          path: `${resolution}.time[${i}]`,
        },
      );
    }
    out.push({
      start: new Date(end.getTime() - stepMs),
      end,
      minutes,
      ghiWm2: series.shortwave_radiation![i] ?? null,
      gtiWm2: series.global_tilted_irradiance![i] ?? null,
      temperatureC: series.temperature_2m![i] ?? null,
      cloudCoverPct: series.cloud_cover![i] ?? null,
    });
  }
  return out;
}
