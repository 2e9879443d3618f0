// The Amber Electric API simulator (openpower/sim): an Amber server on 127.0.0.1 driven by the NEM price model.
export { startAmberSimulator, amberSimulatorToken, type AmberSimulator, type AmberSimulatorOptions } from "./simulator.js";
export { AmberApi, AMBER_STATE_REGIONS, type AmberSimStats } from "./handler.js";
export { AmberPricing, type AmberPricingOptions } from "./pricing.js";
export { DEFAULT_AMBER_SITES, amberWireSite, type AmberSimSite, type AmberSimChannel } from "./sites.js";
