import { afterEach, describe, expect, it } from "vitest";
import { ConnectionError, ValidationError } from "../core/errors/index.js";
import type { BatterySchedule } from "../model/types.js";
import { startAlphaEssSimulator } from "../sim/alphaess/index.js";
import { VirtualClock } from "../sim/kernel.js";
import { AlphaESS } from "./client.js";
import { alphaEssTestbed, NOON_SYDNEY, type AlphaEssTestbed } from "./test-support/testbed.js";

/** Issue 12, items 16, 26 and 29. */

const SN = "AL70110230306xx";
let bed: AlphaEssTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const desired: BatterySchedule = {
  charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }] },
  discharge: { timeControl: true, stopLevel: 0.2, windows: [{ start: "17:00", end: "21:00" }] },
};

describe("item 26: a write whose answer was lost is read back when verify is on", () => {
  it("applyPlan reports sent: null and taken from the read-back, and goes on when it was taken", async () => {
    bed = await alphaEssTestbed();
    const system = bed.api.system(SN);
    const plan = await system.planBatterySchedule(desired);
    bed.sim.http.faults.add({ method: "POST", path: "/api/updateChargeConfigInfo", kinds: ["lostResponse"], times: 1 });
    const result = await system.applyPlan(plan);
    expect(result.results[0]).toMatchObject({ sent: null, taken: true, mismatches: [], errorCode: "ConnectionError" });
    expect(result.results[0]!.readBack).toMatchObject({ stopLevel: 0.9, useGrid: true });
    expect(result.results[0]!.error).toMatch(/unknown whether it reached the system.*read back/i);
    expect(result.results[1]).toMatchObject({ sent: true, taken: true });
    expect(result.ok).toBe(false); // sent is not known to be true
    expect(bed.sim.state(SN).charge).toMatchObject({ gridCharge: 1, batHighCap: 90 });
  });

  it("a lost answer to a write that did not take reads back as taken: false, and stops the plan", async () => {
    bed = await alphaEssTestbed({ client: { timeoutMs: 300 } });
    const system = bed.api.system(SN);
    const plan = await system.planBatterySchedule(desired);
    // A timeout: the request may or may not have reached the server; here it did not take.
    bed.sim.http.faults.add({ method: "POST", path: "/api/updateChargeConfigInfo", kinds: ["timeout"], times: 1 });
    const result = await system.applyPlan(plan);
    expect(result.results[0]).toMatchObject({ sent: null, taken: false });
    expect(result.results[1]).toMatchObject({ sent: false, taken: null });
  });

  it("the client's setters return the read-back with verify, and throw without it", async () => {
    bed = await alphaEssTestbed();
    const full = {
      stopLevel: 0.3,
      enableTimeControl: true,
      firstPeriod: { start: "17:00", end: "21:00" },
      secondPeriod: { start: "00:00", end: "00:00" },
    };
    bed.sim.http.faults.add({ method: "POST", path: "/api/updateDisChargeConfigInfo", kinds: ["lostResponse"], times: 1 });
    const verified = await bed.api.setDischargingSettings(full, { serialNumber: SN, verify: true });
    expect(verified).toMatchObject({ sent: null, taken: true, errorCode: "ConnectionError" });
    bed.sim.http.faults.add({ method: "POST", path: "/api/updateDisChargeConfigInfo", kinds: ["lostResponse"], times: 1 });
    await expect(bed.api.setDischargingSettings({ ...full, stopLevel: 0.25 }, { serialNumber: SN })).rejects.toBeInstanceOf(
      ConnectionError,
    );
  });
});

describe("item 29: overlapping periods are refused before any request", () => {
  it("a partial charge or discharge update whose two periods overlap sends nothing, not even the read", async () => {
    bed = await alphaEssTestbed();
    const overlapping = { firstPeriod: { start: "01:00", end: "05:00" }, secondPeriod: { start: "04:00", end: "06:00" } };
    await expect(bed.api.setChargingSettings(overlapping, SN)).rejects.toBeInstanceOf(ValidationError);
    await expect(bed.api.setDischargingSettings({ stopLevel: 0.2, ...overlapping }, { serialNumber: SN, dryRun: true })).rejects.toThrow(
      /overlap/,
    );
    expect(bed.requests()).toHaveLength(0);
  });

  it("a unified plan with overlapping windows on one side is refused before reading", async () => {
    bed = await alphaEssTestbed();
    const bad = {
      ...desired,
      discharge: {
        ...desired.discharge,
        windows: [
          { start: "17:00", end: "21:00" },
          { start: "20:00", end: "22:00" },
        ],
      },
    };
    await expect(bed.api.system(SN).planBatterySchedule(bad)).rejects.toThrow(/overlap/);
    expect(bed.requests()).toHaveLength(0);
  });
});

describe("item 16: the simulator's defaults are as strict as live", () => {
  it("answers 6053 to a second call to one endpoint within 10 s, and to a second setting write within the cool-down", async () => {
    const clock = new VirtualClock({ mode: "manual", start: NOON_SYDNEY });
    const sim = await startAlphaEssSimulator({ clock });
    try {
      const api = new AlphaESS({
        ...sim.credentials,
        baseUrl: sim.url,
        clock,
        timeZone: "Australia/Sydney",
        pacing: { minIntervalMs: 0 },
        writeCooldownMs: 0,
        retry: false,
      });
      await api.getRealtimePowerUsage(SN);
      await expect(api.getRealtimePowerUsage(SN)).rejects.toMatchObject({ code: 6053 });
      await clock.advance(10_000);
      await expect(api.getRealtimePowerUsage(SN)).resolves.toMatchObject({ serialNumber: SN });
      const settings = {
        stopLevel: 0.9,
        useGrid: true,
        firstPeriod: { start: "01:00", end: "05:00" },
        secondPeriod: { start: "00:00", end: "00:00" },
      };
      await api.setChargingSettings(settings, SN);
      await clock.advance(11_000);
      await expect(api.setChargingSettings({ ...settings, stopLevel: 0.8 }, SN)).rejects.toMatchObject({ code: 6053 });
      expect(sim.state(SN).charge.batHighCap).toBe(90);
    } finally {
      await sim.close();
    }
  });

  it('opts out explicitly with limits: "none"', async () => {
    const clock = new VirtualClock({ mode: "manual", start: NOON_SYDNEY });
    const sim = await startAlphaEssSimulator({ clock, limits: "none" });
    try {
      const api = new AlphaESS({
        ...sim.credentials,
        baseUrl: sim.url,
        clock,
        pacing: { minIntervalMs: 0 },
        writeCooldownMs: 0,
        retry: false,
      });
      for (let i = 0; i < 3; i++) await api.getRealtimePowerUsage(SN);
    } finally {
      await sim.close();
    }
  });
});
