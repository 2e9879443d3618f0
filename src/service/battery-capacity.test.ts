import { afterEach, describe, expect, it } from "vitest";
import { alphaEssTestbed, type AlphaEssTestbed } from "../alphaess/test-support/testbed.js";
import type { EnergySystem } from "../model/types.js";
import { batteryCapacity } from "./battery-capacity.js";

let bed: AlphaEssTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe("the battery capacity the automation plans with", () => {
  it("AlphaESS: installed cobat × usable share from getEssList, whatever is configured", async () => {
    bed = await alphaEssTestbed({ sim: { systems: [{ serialNumber: "AL1", model: "SMILE5-INV" }] } });
    const info = (await bed.api.listSystems())[0]!;
    const found = await batteryCapacity(bed.api.system("AL1"), bed.api, 99);
    expect(found).toEqual({
      kWh: Math.round(info.batteryCapacityKwh! * (info.usableCapacity ?? 1) * 100) / 100,
      source: `AlphaESS getEssList: cobat ${info.batteryCapacityKwh} kWh × usCapacity ${Math.round((info.usableCapacity ?? 1) * 100)} %`,
    });
  });

  it("a device that reports none: the configured number, else undefined (never an assumed size)", async () => {
    const goodwe = { vendor: "goodwe", id: "9010KETU00000000" } as unknown as EnergySystem;
    expect(await batteryCapacity(goodwe, {}, 9.6)).toEqual({ kWh: 9.6, source: "config" });
    expect(await batteryCapacity(goodwe, {}, undefined)).toBeUndefined();
    expect(await batteryCapacity(goodwe, {}, 0)).toBeUndefined();
    // An AlphaESS system the account does not list: the same fallback.
    bed = await alphaEssTestbed({ sim: { systems: [{ serialNumber: "AL1" }] } });
    expect(await batteryCapacity({ vendor: "alphaess", id: "AL9" } as unknown as EnergySystem, bed.api, undefined)).toBeUndefined();
  });
});
