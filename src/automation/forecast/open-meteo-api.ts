// The Open-Meteo PV forecast as `openpower/automation` exports it: the client and the adapter.
export {
  OpenMeteo,
  OPEN_METEO_BASE_URL,
  instantOfLocalTime,
  validateIrradianceRequest,
  type OpenMeteoOptions,
  type OpenMeteoResolution,
  type IrradianceRequest,
  type IrradianceInterval,
  type IrradianceForecast,
} from "./open-meteo.js";
export {
  forecastPvFromOpenMeteo,
  pvForecastFromIrradiance,
  pvPowerFromIrradiance,
  validatePvArray,
  type PvArrayConfig,
  type PvForecast,
  type PvForecastInterval,
} from "./open-meteo-pv.js";
