// The simulator kernel: the virtual clock, seeded noise, the house and NEM price models and the
// HTTP harness that every vendor simulator builds on.
export { VirtualClock, type VirtualClockMode, type VirtualClockOptions } from "./clock/virtual-clock.js";
export { createRng, gaussianFromHash, hash01, hash01a, hash01ab, hash32, subSeed, valueNoise1D } from "./random.js";

export type {
  BatteryControl,
  ChargeWindow,
  DischargeWindow,
  EnergyCounters,
  HouseConfig,
  HouseModelOptions,
  HouseSnapshot,
} from "./house/types.js";
export { HouseModel } from "./house/house-model.js";
export { EvCharger, type EvChargerSpec, type EvChargerState, type EvChargerStatus } from "./house/ev-charger.js";
export { PvModel, clearSkyPlaneIrradiance, sunPosition, utcDayOfYear, type PvArray, type SunPosition } from "./house/pv.js";

export { NemPriceModel, type NemPriceModelOptions, type NemRegion } from "./price/nem-price-model.js";

export { startHttpSimulator } from "./http/http-simulator.js";
export { DEFAULT_FAULT_KINDS, FAULT_KINDS } from "./http/faults.js";
export { SimBodyError } from "./http/sim-body-error.js";
export type {
  FaultControls,
  FaultKind,
  FaultRule,
  HttpSimulator,
  HttpSimulatorOptions,
  RecordedRequest,
  SimHandler,
  SimRequest,
  SimResponse,
} from "./http/types.js";
