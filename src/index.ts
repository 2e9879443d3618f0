/**
 * openpower: every vendor client and façade, the errors, the unified model (types, capability
 * guards, a few helpers) and the handful of tools a caller needs to configure a client (a shared
 * rate-limit budget, a logger) or to work with the model's units and dates. Nothing else: the
 * transport, validation, redaction and time internals are not part of the API. Vendor-specific
 * APIs (wire types, adapters, protocol helpers) are on their own entries: `openpower/alphaess`,
 * `openpower/amber`, `openpower/goodwe`, `openpower/powertrack`, and the simulators on
 * `openpower/sim`. The list is pinned by src/public-api.test.ts; docs/core.md says why each is here.
 */

// Vendor clients and façades.
export { AlphaESS, AlphaEssSystem, AlphaEssClockSkewError, type AlphaESSOptions } from "./alphaess/index.js";
export { Amber, AmberPriceSource, type AmberOptions, type PricesAheadOptions } from "./amber/index.js";
export {
  GoodWeInverter,
  GoodWeSystem,
  SemsClient,
  SemsStation,
  discover as discoverGoodWe,
  type GoodWeInverterOptions,
  type GoodWeSystemOptions,
  type SemsClientOptions,
  type SemsStationOptions,
} from "./goodwe/index.js";
export {
  PowerTrackClient,
  PowerTrackSite,
  AuthManager as PowerTrackAuthManager,
  SiteList,
  type PowerTrackClientOptions,
} from "./powertrack/index.js";

// Errors.
export {
  OpenPowerError,
  ApiError,
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ResponseFormatError,
  TimeoutError,
  ValidationError,
  isOpenPowerError,
  type ErrorDetails,
} from "./core/errors/index.js";

// The unified model: types, capability guards and helpers.
export * from "./model/index.js";

// Configuring a client: the common options, a budget shared by several clients, a logger, a clock.
export type { ClientOptions, ClientOverrides } from "./core/client-options.js";
export type { Clock } from "./core/clock.js";
export type { RetryPolicy } from "./core/http/retry-policy.js";
export type { FetchFn } from "./core/http/types.js";
export { RateLimiter, type RateLimiterOptions, type RateLimitState } from "./core/rate-limit/limiter.js";
export { createStderrLogger, type Logger, type LogLevel } from "./core/logger.js";
export { VERSION } from "./core/version.js";

// The model's units and calendar dates.
export {
  percentToFraction,
  fractionToPercent,
  wattsToKilowatts,
  kilowattsToWatts,
  type Watts,
  type KilowattHours,
  type Fraction,
  type CentsPerKwh,
} from "./core/units.js";
export { addDays, daysBetween, eachDay, type CalendarDate } from "./core/time/calendar-date.js";
export { localDate, zonedTimeToInstant, isValidTimeZone, type Disambiguation } from "./core/time/zoned.js";
export { nemDate, nemDayStart } from "./core/time/nem.js";
