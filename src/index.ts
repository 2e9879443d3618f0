/**
 * openpower: the unified model, the core errors and utilities, and every vendor client.
 * Vendor-specific APIs (wire types, adapters, protocol helpers) are on their own entry points:
 * `openpower/alphaess`, `openpower/amber`, `openpower/goodwe`, `openpower/powertrack`, and the
 * simulators on `openpower/sim`.
 */
export * from "./core/index.js";
export * from "./model/index.js";
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
export { AlphaESS, AlphaEssSystem, AlphaEssClockSkewError, type AlphaESSOptions } from "./alphaess/index.js";
export {
  PowerTrackClient,
  PowerTrackSite,
  AuthManager as PowerTrackAuthManager,
  SiteList,
  type PowerTrackClientOptions,
} from "./powertrack/index.js";
export { Amber, AmberPriceSource, type AmberOptions, type PricesAheadOptions } from "./amber/index.js";
