import { describe, expect, it } from "vitest";
import * as amber from "./amber/index.js";
import * as root from "./index.js";
import * as sim from "./sim/index.js";

// The runtime exports of each entry point, pinned: adding or removing a public name is a
// deliberate change to this file (issue 11). Types are checked by tsc, not here. The root entry
// carries the clients, errors, model and the few documented helpers (docs/core.md), and no zod.
// The alphaess, goodwe and powertrack entries are pinned in their own folders.
const names = (entry: object) => Object.keys(entry).sort();

describe("public API", () => {
  it("openpower (src/index.ts)", () => {
    expect(names(root)).toEqual(ROOT);
    expect(names(root)).not.toContain("z");
  });

  it("openpower/amber (src/amber/index.ts)", () => {
    expect(names(amber)).toEqual(AMBER);
  });

  it("openpower/sim (src/sim/index.ts)", () => {
    expect(names(sim)).toEqual(SIM);
  });
});

const ROOT = [
  "AlphaESS",
  "AlphaEssClockSkewError",
  "AlphaEssSystem",
  "Amber",
  "AmberPriceSource",
  "ApiError",
  "AuthenticationError",
  "ConfigurationError",
  "ConnectionError",
  "GoodWeInverter",
  "GoodWeSystem",
  "NotFoundError",
  "OpenPowerError",
  "PermissionError",
  "PowerTrackAuthManager",
  "PowerTrackClient",
  "PowerTrackSite",
  "RateLimitError",
  "RateLimiter",
  "ResponseFormatError",
  "SemsClient",
  "SemsStation",
  "SiteList",
  "TimeoutError",
  "VERSION",
  "ValidationError",
  "WEEKDAYS",
  "addDays",
  "applyOk",
  "capabilityNames",
  "createStderrLogger",
  "daysBetween",
  "diffFields",
  "discoverGoodWe",
  "eachDay",
  "earningsPerKwhCents",
  "fractionToPercent",
  "isBatteryController",
  "isEnergyMeter",
  "isEvCharger",
  "isExportLimiter",
  "isOpenPowerError",
  "isPowerHistory",
  "isPowerMeter",
  "isPriceSource",
  "isValidTimeZone",
  "kilowattsToWatts",
  "localDate",
  "nemDate",
  "nemDayStart",
  "percentToFraction",
  "powerBalanceW",
  "wattsToKilowatts",
  "writeStatus",
  "zonedTimeToInstant",
];

const AMBER = [
  "AMBER_BASE_URL",
  "AMBER_RATE_LIMIT",
  "Amber",
  "AmberPriceSource",
  "MAX_DAYS_PER_REQUEST",
  "MAX_HOURS_AHEAD",
  "MAX_INTERVALS_PER_REQUEST",
  "MAX_RANGE_DAYS",
  "Ratelimits",
  "STATES",
  "State",
  "activeSites",
  "groupByChannel",
  "groupByChannelIdentifier",
  "intervalAt",
  "isEstimate",
  "isState",
  "kindOf",
  "mergeIntervals",
  "mergeUsage",
  "normaliseSiteId",
  "parseIntervals",
  "parseRenewables",
  "parseSites",
  "parseUsage",
  "splitDateRange",
  "toNemDate",
  "toPriceInterval",
  "toPriceIntervals",
];

const SIM = [
  "DEFAULT_AMBER_SITES",
  "DEFAULT_FAULT_KINDS",
  "EvCharger",
  "FAULT_KINDS",
  "HouseModel",
  "MODEL_PRESETS",
  "NemPriceModel",
  "PowerTrackSimState",
  "PvModel",
  "RegisterMap",
  "SIM_MESSAGES",
  "SimBodyError",
  "VirtualClock",
  "clearSkyPlaneIrradiance",
  "createRng",
  "gaussianFromHash",
  "hash01",
  "hash01a",
  "hash01ab",
  "hash32",
  "semsToday",
  "startAlphaEssSimulator",
  "startAmberSimulator",
  "startGoodWeSimulator",
  "startHttpSimulator",
  "startPowerTrackSimulator",
  "startSemsSimulator",
  "subSeed",
  "sunPosition",
  "utcDayOfYear",
  "valueNoise1D",
];
