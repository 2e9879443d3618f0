import { describe, expect, it } from "vitest";
import * as entry from "./index.js";

/**
 * Every runtime name `openpower/alphaess` exports, sorted. Adding or removing one is a deliberate
 * change to the public surface: update this list in the same commit. Types are not listed (they have
 * no runtime name); the Python-seed method names live on the client and are tested in client.test.ts.
 */
const RUNTIME_EXPORTS = ["AlphaESS", "AlphaEssClockSkewError", "AlphaEssSystem"];

describe("openpower/alphaess public surface", () => {
  it("exports the client, the façade and the errors, nothing internal", () => {
    expect(Object.keys(entry).sort()).toEqual(RUNTIME_EXPORTS);
  });

  it("keeps the Python seed's method names on the client (camelCase)", () => {
    const methods = Object.getOwnPropertyNames(entry.AlphaESS.prototype);
    for (const name of [
      "forDevice",
      "listSystems",
      "getVerificationCode",
      "bindSystem",
      "unbindSystem",
      "getRealtimePowerUsage",
      "getRealtimeEnergyUsage",
      "getSystemSummary",
      "getHistoricalPowerUsage",
      "getHistoricalEnergyUsage",
      "getChargingSettings",
      "setChargingSettings",
      "getDischargingSettings",
      "setDischargingSettings",
      "getEvChargerList",
      "getEvChargerSettings",
      "getEvChargerCurrentDrawSettings",
      "setEvChargerCurrentDrawSettings",
      "getEvChargerStatus",
      "controlEvCharger",
    ]) {
      expect(methods, name).toContain(name);
    }
  });
});
