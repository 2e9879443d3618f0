import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../sim/kernel.js";
import { alphaEssTestbed, type AlphaEssTestbed } from "./test-support/testbed.js";

const SN = "AL70110230306xx";
const SN_CONTROL = "AL70110230302xx";
const battery = {
  capacityKwh: 13.34,
  maxChargeW: 5000,
  maxDischargeW: 5000,
  roundTripEfficiency: 0.9,
  minSoc: 0.05,
  maxSoc: 1,
  initialSoc: 0.2,
};

let bed: AlphaEssTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe("AlphaESS scenario on the accelerated clock", () => {
  it("grid charging 01:00-05:00 to 90 % raises the state of charge in real-time and day-series reads", async () => {
    // 00:30 in Sydney on 4 August 2026; a simulated minute passes every real second.
    const clock = new VirtualClock({ mode: "accelerated", speed: 60, start: Date.parse("2026-08-03T14:30:00Z") });
    bed = await alphaEssTestbed({
      clock,
      sim: {
        historyDays: 0,
        systems: [
          { serialNumber: SN, house: { battery } },
          { serialNumber: SN_CONTROL, house: { battery } },
        ],
      },
    });
    const device = bed.api.forDevice(SN);
    const control = bed.api.forDevice(SN_CONTROL);

    const before = await device.getRealtimePowerUsage();
    expect(before.soc!).toBeLessThanOrEqual(0.2);
    const controlBefore = await control.getRealtimePowerUsage();
    const write = await device.setChargingSettings(
      { stopLevel: 0.9, useGrid: true, firstPeriod: { start: "01:00", end: "05:00" }, secondPeriod: { start: "00:00", end: "00:00" } },
      { verify: true },
    );
    expect(write.taken).toBe(true);

    // Jump to 04:45 local time, near the end of the window.
    await clock.advance(4.25 * 3_600_000);
    const after = await device.getRealtimePowerUsage();
    expect(after.soc!).toBeGreaterThan(0.89);
    expect(after.soc!).toBeLessThanOrEqual(0.905);
    // Without the setting, the night's load drains the other battery instead.
    const untouched = await control.getRealtimePowerUsage();
    expect(untouched.soc!).toBeLessThan(controlBefore.soc!);

    const { samples } = await device.getHistoricalPowerUsage("2026-08-04");
    const at = (hhmm: string) => samples.find((s) => s.uploadTime.slice(11, 16) >= hhmm)!;
    expect(at("00:35").soc!).toBeLessThanOrEqual(0.2);
    expect(at("02:00").soc!).toBeGreaterThan(at("01:10").soc!);
    expect(at("03:00").soc!).toBeGreaterThan(at("02:00").soc!);
    expect(at("04:30").soc!).toBeGreaterThan(0.89);
    // Charging came from the grid: import well above the house load while the window was open.
    const charging = samples.filter((s) => s.uploadTime.slice(11, 16) >= "01:05" && s.uploadTime.slice(11, 16) < "02:30");
    expect(charging.length).toBeGreaterThan(10);
    for (const s of charging) expect(s.importW!).toBeGreaterThan(s.loadW! + 3000);
    // And the energy counters agree.
    const energy = await device.getHistoricalEnergyUsage("2026-08-04");
    expect(energy.gridChargeKwh!).toBeGreaterThan(8);
  });
});
