// openpower/alphaess: the AlphaESS Open API client, the unified system façade, their errors and types.
// Nothing internal: parsers, wire schemas, signing and validators stay inside (public-api.test.ts lists
// every runtime export, so a change to this surface is a deliberate diff).
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
export { AlphaEssSystem, type AlphaEssSystemOptions } from "./system.js";
export type { AlphaEssBackend } from "./schedule.js";
export { AlphaEssClockSkewError } from "./errors.js";
export type { AlphaEssEndpoint, AlphaEssWriteEndpoint, AlphaEssCooldownEndpoint } from "./endpoints.js";
export type { AlphaEssEnvelope, ReturnCodeInfo } from "./envelope.js";
export type * from "./models.js";
export type { UpdateChargeConfigBody, UpdateDischargeConfigBody, SetTimeChargeBody, TimeChargeBodyItem } from "./wire.js";
