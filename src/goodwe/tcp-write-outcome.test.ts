import { flat } from "./test-support/writes.js";
import { afterEach, describe, expect, it } from "vitest";
import { writeStatus } from "../model/helpers.js";
import type { BatterySchedule } from "../model/types.js";
import { startGoodWeSimulator, type GoodWeSimulator } from "../sim/goodwe/inverter-simulator.js";
import { GoodWeInverter } from "./inverter.js";
import { GoodWeSystem } from "./system.js";

/**
 * Issue 12, item 25: a Modbus/TCP write whose connection breaks is in doubt, as a UDP write whose
 * reply is lost: reported `sent: null` unless reading back settles it, and read back even without
 * `verify`.
 */
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function setup(): Promise<{ s: GoodWeSimulator; inverter: GoodWeInverter }> {
  const s = await startGoodWeSimulator({ live: false });
  open.push(s);
  const inverter = await GoodWeInverter.connect({
    host: s.host,
    port: s.tcpPort!,
    transport: "tcp",
    timeoutMs: 300,
    retry: { limit: 1 },
    timeZone: "Australia/Sydney",
  });
  open.unshift(inverter);
  return { s, inverter };
}

describe("Modbus/TCP writes whose connection breaks", () => {
  it("a write that took before the connection broke is read back and confirmed", async () => {
    const { s, inverter } = await setup();
    s.setFaults({ closeAfterProcessing: 1 });
    const result = await inverter.writeRegisters(47510, [4000], { verify: false });
    expect(flat(result)[0]).toMatchObject({ sent: true, taken: true, readBack: 4000 });
    expect(s.requests.filter((r) => r.kind === "read" && r.register === 47510)).toHaveLength(1);
  });

  it("a write that never reached the inverter is sent: null, read back, not taken", async () => {
    const { s, inverter } = await setup();
    s.setFaults({ closeBeforeProcessing: 1 });
    const result = await inverter.writeRegisters(47510, [4000]);
    expect(flat(result)[0]).toMatchObject({ sent: null, taken: false, readBack: 10000 });
    // The model's write vocabulary: registers in the typed detail, the mismatch in raw values.
    expect(result).toMatchObject({ vendor: "goodwe", device: "9010KETU00000000", dryRun: false, ok: false });
    expect(result.results[0]).toMatchObject({
      detail: { register: 47510, values: [4000], inDoubt: true },
      mismatches: [{ field: "register 47510", before: 4000, after: 10000 }],
    });
    expect(writeStatus(result.results[0]!)).not.toBe("ok");
    expect(result.ok).toBe(false);
  });

  it("GoodWeSystem.applyPlan says sent: null where the outcome stays unknown", async () => {
    const { s, inverter } = await setup();
    const system = new GoodWeSystem(inverter);
    const schedule: BatterySchedule = {
      charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }] },
      discharge: { timeControl: false, stopLevel: 0.2, windows: [] },
    };
    const plan = await system.planBatterySchedule(schedule);
    s.setFaults({ closeBeforeProcessing: 1 });
    const result = await system.applyPlan(plan);
    expect(result.results[0]).toMatchObject({ sent: null, taken: false });
    expect(result.results.slice(1).every((r) => r.sent === false)).toBe(true);
    expect(result.ok).toBe(false);
  });
});
