import { describe, expect, it } from "vitest";
import * as powertrack from "./index.js";

// Every runtime name of openpower/powertrack. A change here is a change to the public surface:
// make it on purpose (and say so in the changelog), never as a side effect.
const PUBLIC_RUNTIME_NAMES = [
  "APIError",
  "ApiError",
  "AuthManager",
  "AuthenticationError",
  "ConfigurationError",
  "ConnectionError",
  "DirectoryBackupStore",
  "MemoryBackupStore",
  "NotFoundError",
  "OpenPowerError",
  "PowerTrackClient",
  "PowerTrackSite",
  "ResponseFormatError",
  "SiteList",
  "TimeoutError",
  "ValidationError",
  "applyBulkPlan",
  "bulkEdit",
  "bulkRead",
  "editStatus",
  "formatApplyReport",
  "formatPlan",
  "parseEditsCsv",
  "performanceStatus",
  "planBulkEdits",
  "planRestoreFromBackups",
  "readAlertTriggers",
  "readHardwareDiagnostics",
  "readHardwareLists",
  "readSiteConfigs",
  "readSiteData",
  "restoreFromBackups",
  "severityLevel",
  "valuesOf",
];

describe("openpower/powertrack public surface", () => {
  it("exports exactly the listed runtime names", () => {
    expect(Object.keys(powertrack).sort()).toEqual(PUBLIC_RUNTIME_NAMES);
  });

  it("exports no zod and no internal helper", () => {
    for (const internal of ["z", "parseSiteKey", "parsePath", "mergeByKey", "coerceText", "summarizeError", "numberOrNull", "mapLimit"]) {
      expect(Object.keys(powertrack)).not.toContain(internal);
    }
  });

  it("the list is sorted, so a diff shows one line per name", () => {
    expect([...PUBLIC_RUNTIME_NAMES].sort()).toEqual(PUBLIC_RUNTIME_NAMES);
  });
});
