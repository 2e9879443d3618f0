import { describe, expect, it } from "vitest";
import * as entry from "./index.js";

/**
 * Every runtime name `openpower/automation` exports, sorted. Adding or removing one is a deliberate
 * change to the public surface: update this list (and docs/automation.md) in the same commit. Types
 * are not listed (they have no runtime name).
 */
const RUNTIME_EXPORTS = [
  "AutomationController",
  "OPEN_METEO_BASE_URL",
  "OpenMeteo",
  "backtestSvg",
  "compileSchedule",
  "costPlan",
  "forecastLoadPv",
  "forecastPvFromOpenMeteo",
  "instantOfLocalTime",
  "optimizeBattery",
  "optimizeInputSchema",
  "parseOptimizeInput",
  "pricesFromAmber",
  "pvForecastFromIrradiance",
  "pvPowerFromIrradiance",
  "runBacktest",
  "simulateSchedule",
  "validateIrradianceRequest",
  "validatePvArray",
];

describe("openpower/automation public surface", () => {
  it("exports exactly the pinned runtime names", () => {
    expect(Object.keys(entry).sort()).toEqual(RUNTIME_EXPORTS);
  });

  it("exports a function or class under each name, and the input schema as a parser", () => {
    for (const name of RUNTIME_EXPORTS.filter((n) => n !== "optimizeInputSchema" && n !== "OPEN_METEO_BASE_URL")) {
      expect(typeof (entry as Record<string, unknown>)[name], name).toBe("function");
    }
    expect(typeof entry.optimizeInputSchema.safeParse).toBe("function");
  });
});
