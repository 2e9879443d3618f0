import { describe, expect, it } from "vitest";
import {
  isBatteryController,
  isEnergyMeter,
  isEvCharger,
  isExportLimiter,
  isPowerHistory,
  isPowerMeter,
  capabilityNames,
  type CapabilityName,
} from "../capabilities.js";
import type { BatterySchedule, EnergySystem, PowerFlow } from "../types.js";

/**
 * The one conformance suite every `EnergySystem` of every vendor passes, run against each vendor's
 * simulator over real sockets: the capability guards agree with behaviour, readings follow the
 * model's units and signs, and a unified battery plan round-trips (plan → apply → read back).
 */
export interface ConformanceCase {
  /** Test title, e.g. "AlphaESS (China backend)". */
  name: string;
  /** The capabilities this system must have, exactly (the guards must say the same). */
  expected: CapabilityName[];
  /** Starts the simulator and returns the system under test. */
  setup(): Promise<{ system: EnergySystem; close(): Promise<void> }>;
  /** A local date with history in the simulator ("YYYY-MM-DD"). */
  historyDate?: string;
  /** A schedule the backend can take, for the round trip (required for battery controllers). */
  roundTrip?: BatterySchedule;
  /** A schedule the backend cannot take: planning must refuse it before anything is sent. */
  refused?: { schedule: BatterySchedule; message: RegExp };
}

function expectReading(value: number | null | undefined, field: string, range?: [number, number]): void {
  if (value === null || value === undefined) return;
  expect(Number.isFinite(value), `${field} is finite`).toBe(true);
  if (range) {
    expect(value, `${field} >= ${range[0]}`).toBeGreaterThanOrEqual(range[0]);
    expect(value, `${field} <= ${range[1]}`).toBeLessThanOrEqual(range[1]);
  }
}

export function expectPowerFlow(flow: PowerFlow, system: EnergySystem): void {
  expect(flow.source).toEqual({ vendor: system.vendor, device: system.id });
  expect(flow.observedAt).toBeInstanceOf(Date);
  expect(Number.isNaN(flow.observedAt.getTime())).toBe(false);
  expectReading(flow.pvW, "pvW", [0, Infinity]);
  expectReading(flow.loadW, "loadW", [0, Infinity]);
  expectReading(flow.gridW, "gridW");
  expectReading(flow.batteryW, "batteryW");
  expectReading(flow.soc, "soc", [0, 1]);
  expectReading(flow.evW, "evW", [0, Infinity]);
}

/** Windows compared without the fields a backend fills in on read (e.g. the device's full power). */
function comparable(schedule: BatterySchedule): unknown {
  return JSON.parse(JSON.stringify(schedule));
}

export function describeConformance(c: ConformanceCase): void {
  describe(`EnergySystem conformance: ${c.name}`, () => {
    let system: EnergySystem;
    let close: () => Promise<void> = async () => {};

    it("sets up against its simulator", async () => {
      ({ system, close } = await c.setup());
      expect(typeof system.vendor).toBe("string");
      expect(system.id.length).toBeGreaterThan(0);
    });

    it("has exactly the expected capabilities, by its guards", () => {
      expect(capabilityNames(system).sort()).toEqual([...c.expected].sort());
    });

    it("reads a power flow in the model's units", async () => {
      expect(isPowerMeter(system)).toBe(true);
      expectPowerFlow(await system.getPowerFlow(), system);
    });

    it("reads energy totals when it is an EnergyMeter", async () => {
      if (!isEnergyMeter(system)) return expect(c.expected).not.toContain("energyTotals");
      const today = c.historyDate ?? new Intl.DateTimeFormat("en-CA", { timeZone: system.timeZone }).format(new Date());
      const totals = await system.getEnergyTotals(today);
      expect(totals.source).toEqual({ vendor: system.vendor, device: system.id });
      for (const key of ["pvKwh", "loadKwh", "importKwh", "exportKwh", "chargeKwh", "dischargeKwh"] as const) {
        expectReading(totals[key], key, [0, Infinity]);
      }
    });

    it("reads a day of power history, oldest first, when it is a PowerHistory", async () => {
      if (!isPowerHistory(system)) return expect(c.expected).not.toContain("powerHistory");
      expect(c.historyDate, "a history date is given for a PowerHistory").toBeDefined();
      const samples = await system.getPowerHistory(c.historyDate as string);
      expect(samples.length).toBeGreaterThan(0);
      for (let i = 1; i < samples.length; i++) {
        expect(samples[i]!.observedAt.getTime()).toBeGreaterThan(samples[i - 1]!.observedAt.getTime());
      }
      for (const sample of samples) expectPowerFlow(sample, system);
    });

    it("round-trips a unified battery plan when it is a BatteryController", async () => {
      if (!isBatteryController(system)) return expect(c.expected).not.toContain("batterySchedule");
      expect(c.roundTrip, "a round-trip schedule is given for a BatteryController").toBeDefined();
      const desired = c.roundTrip as BatterySchedule;
      const plan = await system.planBatterySchedule(desired);
      const result = await system.applyPlan(plan, { verify: true });
      expect(
        result.ok,
        JSON.stringify(result.results.map((r) => ({ sent: r.sent, taken: r.taken, error: r.error, mismatches: r.mismatches }))),
      ).toBe(true);
      for (const r of result.results) {
        expect(r.sent).toBe(true);
        expect(r.taken).toBe(true);
      }
      expect(comparable(await system.getBatterySchedule())).toEqual(comparable(desired));
      // Planning the same schedule again changes nothing.
      const again = await system.planBatterySchedule(desired);
      expect(again.writes.flatMap((w) => w.changes)).toEqual([]);
    });

    it("refuses a plan its backend cannot do, before sending anything", async () => {
      if (!isBatteryController(system) || !c.refused) return;
      await expect(system.planBatterySchedule(c.refused.schedule)).rejects.toThrow(c.refused.message);
    });

    it("states EV and export-limit capabilities only with their limits", () => {
      if (isEvCharger(system)) expect(system.evCharger.maxCurrentA).toBeGreaterThanOrEqual(system.evCharger.minCurrentA);
      if (isExportLimiter(system)) expect(system.exportLimit.maxW).toBeGreaterThanOrEqual(system.exportLimit.minW);
    });

    it("closes", async () => {
      await close();
    });
  });
}
