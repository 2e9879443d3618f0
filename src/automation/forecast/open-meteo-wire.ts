import { z } from "../../core/validation.js";

/**
 * The parts of Open-Meteo's `/v1/forecast` answer this project uses. Unknown members pass
 * (`looseObject`); the members read are strict. A value may be null where the model has no data.
 */
const series = z.array(z.number().nullable());

export const openMeteoSeriesSchema = z.looseObject({
  time: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "expected local time YYYY-MM-DDTHH:MM")),
  shortwave_radiation: series.optional(),
  global_tilted_irradiance: series.optional(),
  temperature_2m: series.optional(),
  cloud_cover: series.optional(),
});

export const openMeteoForecastSchema = z.looseObject({
  latitude: z.number(),
  longitude: z.number(),
  utc_offset_seconds: z.number().int(),
  timezone: z.string(),
  hourly_units: z.record(z.string(), z.string()).optional(),
  hourly: openMeteoSeriesSchema.optional(),
  minutely_15_units: z.record(z.string(), z.string()).optional(),
  minutely_15: openMeteoSeriesSchema.optional(),
});

/** Open-Meteo's error body (HTTP 400). */
export const openMeteoErrorSchema = z.looseObject({ error: z.literal(true), reason: z.string() });

export type OpenMeteoForecastWire = z.output<typeof openMeteoForecastSchema>;
export type OpenMeteoSeriesWire = z.output<typeof openMeteoSeriesSchema>;
