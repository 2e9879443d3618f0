/** GoodWe simulators: a local inverter (UDP 8899 / TCP 502 / AA55 / discovery) and the SEMS cloud. */
export {
  startGoodWeSimulator,
  type GoodWeSimulator,
  type GoodWeSimulatorOptions,
  type GoodWeSimRequest,
  type GoodWeFaults,
  type GoodWeProfile,
  type FirmwareOptions,
} from "./inverter-simulator.js";
export { startSemsSimulator, semsToday, type SemsSimulator, type SemsSimulatorOptions } from "./sems-simulator.js";
export { RegisterMap } from "./register-map.js";
