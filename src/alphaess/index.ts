// openpower/alphaess: the AlphaESS Open API client, its typed results and errors, and the
// adapters to the unified model.
export {
  AlphaESS,
  type AlphaESSOptions,
  type AlphaEssPacing,
  type CallOptions,
  type SerialOrOptions,
  type WriteCallOptions,
  type ChargingSettingsInput,
  type DischargingSettingsInput,
} from "./client.js";
export { AlphaEssSystem } from "./system.js";
export { AlphaEssClockSkewError } from "./errors.js";
export { toPowerFlow, toPowerHistory, toEnergyTotals, toBatterySchedule, fromBatterySchedule } from "./adapter.js";
export {
  parseSystemList,
  parseRealtimePower,
  parseSystemSummary,
  parsePowerHistory,
  parseDailyEnergy,
  parseChargingSettings,
  parseDischargingSettings,
  parseWeeklySchedule,
  parseEvChargers,
  parseEvChargerCurrents,
  parseEvChargerStatus,
  evChargerState,
} from "./parse.js";
export { RETURN_CODES, parseEnvelope, envelopeError, type ReturnCodeInfo, type AlphaEssEnvelope } from "./envelope.js";
export { alphaEssSign, alphaEssAuthHeaders, alphaEssTimestamp, SIGNATURE_WINDOW_S } from "./signature.js";
export {
  ENDPOINTS,
  ENDPOINT_NAMES,
  SETTING_WRITES,
  DEFAULT_BASE_URL,
  type AlphaEssEndpoint,
  type AlphaEssWriteEndpoint,
  type AlphaEssCooldownEndpoint,
} from "./endpoints.js";
export { validateWeeklySchedule, MAX_PERIODS_PER_DAY, MAX_PERIODS_PER_WEEK } from "./validate.js";
export type * from "./models.js";
export type { UpdateChargeConfigBody, UpdateDischargeConfigBody, SetTimeChargeBody, TimeChargeBodyItem } from "./wire.js";
