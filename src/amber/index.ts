/**
 * openpower/amber: the Amber Electric public API client (prices, usage, sites, renewables), its
 * typed intervals, date-range chunking, rate-limit view, and the adapter to the unified model.
 */
export {
  Amber,
  activeSites,
  normaliseSiteId,
  AMBER_BASE_URL,
  AMBER_RATE_LIMIT,
  MAX_INTERVALS_PER_REQUEST,
  type AmberOptions,
  type CurrentPricesOptions,
  type PricesOptions,
  type UsageOptions,
  type RenewablesOptions,
  type DateRangeOptions,
  type SiteScoped,
  type RequestControl,
  type Resolution,
} from "./client.js";
export { AmberPriceSource, MAX_HOURS_AHEAD, type PricesAheadOptions } from "./price-source.js";
export { toPriceIntervals, toPriceInterval, type ToPriceIntervalsOptions } from "./adapter.js";
export {
  parseIntervals,
  parseUsage,
  parseRenewables,
  parseSites,
  groupByChannel,
  groupByChannelIdentifier,
  intervalAt,
  kindOf,
  isEstimate,
  type AmberInterval,
  type ActualInterval,
  type CurrentInterval,
  type ForecastInterval,
  type AmberIntervalFields,
  type IntervalType,
  type IntervalDuration,
  type UsageRecord,
  type Renewable,
  type Site,
  type ChannelType,
  type SpikeStatus,
  type PriceDescriptor,
  type RenewableDescriptor,
  type TariffInformation,
  type AdvancedPrice,
  type PriceRange,
} from "./intervals.js";
export {
  splitDateRange,
  toNemDate,
  mergeIntervals,
  mergeUsage,
  MAX_DAYS_PER_REQUEST,
  MAX_RANGE_DAYS,
  type DateChunk,
  type Chunk,
  type ChunkProgress,
  type DateInput,
} from "./chunking.js";
export { Ratelimits } from "./ratelimits.js";
export { State, STATES, isState } from "./regions.js";
export type { components as AmberWire, paths as AmberPaths, operations as AmberOperations } from "./wire/openapi.js";
