// The AlphaESS Open API simulator (openpower/sim).
export {
  startAlphaEssSimulator,
  type AlphaEssSimulator,
  type AlphaEssSimulatorOptions,
  type AlphaEssSimSystemOptions,
  type AlphaEssSimSystemState,
  type AlphaEssSimApp,
  type OutboxEntry,
  type InjectedError,
} from "./simulator.js";
export { MODEL_PRESETS, type AlphaEssModelPreset } from "./presets.js";
export { SIM_MESSAGES } from "./envelopes.js";
