// The AlsoEnergy PowerTrack web-API simulator (openpower/sim): a generated commercial PV portfolio on 127.0.0.1.
export { startPowerTrackSimulator, type PowerTrackSimulator, type PowerTrackSimulatorOptions } from "./simulator.js";
export { PowerTrackSimState, SimHttpError, type PowerTrackSimCredentials, type SimWriteRecord, type ExpiredResponse } from "./state.js";
export { SimPortfolio, SIM_DEVICE_TYPES, type SimSite, type SimHardware, type SimCity } from "./portfolio.js";
export { createPowerTrackHandler } from "./handler.js";
