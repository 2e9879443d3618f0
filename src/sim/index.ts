/**
 * openpower/sim: faithful local simulators of every vendor, on 127.0.0.1, driven by one simulated
 * house and NEM price model, for offline use, tests and demos. See docs/simulators.md.
 */
export * from "./kernel.js";
export {
  startGoodWeSimulator,
  startSemsSimulator,
  semsToday,
  RegisterMap,
  type GoodWeSimulator,
  type GoodWeSimulatorOptions,
  type GoodWeSimRequest,
  type GoodWeFaults,
  type GoodWeProfile,
  type FirmwareOptions,
  type SemsSimulator,
  type SemsSimulatorOptions,
} from "./goodwe/index.js";
export * from "./alphaess/index.js";
export {
  startPowerTrackSimulator,
  PowerTrackSimState,
  type PowerTrackSimulator,
  type PowerTrackSimulatorOptions,
  type PowerTrackSimCredentials,
  type SimWriteRecord,
  type ExpiredResponse,
} from "./powertrack/index.js";
// The Amber simulator's server; its handler, pricing and wire helpers stay internal.
export {
  startAmberSimulator,
  DEFAULT_AMBER_SITES,
  type AmberSimulator,
  type AmberSimulatorOptions,
  type AmberSimStats,
  type AmberSimSite,
  type AmberSimChannel,
} from "./amber/index.js";
