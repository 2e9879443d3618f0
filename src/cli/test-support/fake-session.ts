import type { BatteryControlLimits, BatteryController, EnergyMeter } from "../../model/capabilities.js";
import type { BatterySchedule, EnergySystem, PowerFlow, PriceInterval, Vendor } from "../../model/types.js";
import type { VendorSession } from "../vendors/types.js";

/**
 * Hand-made sessions and systems for the behaviour of the commands themselves (what they do when
 * a vendor fails, throws, or changes its answer), where a simulator cannot be made to misbehave
 * in exactly that way. Everything on the wire is tested against the simulators.
 */

export const SCHEDULE: BatterySchedule = {
  charge: { fromGrid: false, stopLevel: 1, windows: [] },
  discharge: { timeControl: false, stopLevel: 0.1, windows: [] },
};

export function flowOf(vendor: Vendor, device: string, at: number): PowerFlow {
  return { pvW: 1000, loadW: 600, gridW: -400, batteryW: 0, soc: 0.5, observedAt: new Date(at), source: { vendor, device } };
}

/** The battery-control limits of a fake battery controller (add as `batteryControl` to make one). */
export const BATTERY_LIMITS: BatteryControlLimits = {
  maxChargeWindows: 2,
  maxDischargeWindows: 2,
  gridMinutes: 15,
  minWriteIntervalS: 0,
  windowPower: false,
  weekdays: false,
  backend: "fake",
};

/** What a fake may add to a system: any capability's members. */
export type FakeMembers = Partial<EnergySystem & BatteryController & EnergyMeter>;

/** A system with a power flow; override or add what a test needs. */
export function fakeSystem(vendor: Vendor, id: string, over: FakeMembers = {}): EnergySystem {
  return {
    vendor,
    id,
    getPowerFlow: async () => flowOf(vendor, id, Date.now()),
    ...over,
  };
}

export function fakeSession(vendor: Vendor, systems: () => Promise<EnergySystem[]>, over: Partial<VendorSession> = {}): VendorSession {
  return {
    vendor,
    client: null,
    systems,
    refreshIntervalMs: () => 0,
    now: () => Date.now(),
    async close() {},
    ...over,
  };
}

export function priceInterval(channel: "general" | "feedIn", perKwhCents: number, start = Date.now()): PriceInterval {
  return {
    start: new Date(start),
    end: new Date(start + 30 * 60_000),
    durationMin: 30,
    channel,
    kind: "current",
    estimate: true,
    perKwhCents,
    spotPerKwhCents: 8,
    renewablesPct: 40,
    descriptor: "neutral",
    spike: "none",
  };
}
