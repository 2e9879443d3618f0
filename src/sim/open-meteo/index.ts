export { startOpenMeteoSimulator, type OpenMeteoSimulator, type OpenMeteoSimulatorOptions } from "./simulator.js";
export { OpenMeteoApi, OPEN_METEO_SIM_UNITS } from "./handler.js";
export { SimSky, planeNormal, type SimPlane, type SimWeather } from "./weather.js";
