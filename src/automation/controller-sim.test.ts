import { nemPriceFeed } from "./test-support/price-feed.js";
import { afterEach, describe, expect, it } from "vitest";
import { alphaEssTestbed, type AlphaEssTestbed } from "../alphaess/test-support/testbed.js";
import { VirtualClock } from "../sim/kernel.js";
import { AutomationController, type AutomationDecision } from "./controller.js";

const SN = "AL70110230306xx";
const START = Date.parse("2026-08-03T14:00:00Z"); // 00:00 in Sydney, Tuesday 4 August 2026

let bed: AlphaEssTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe("AutomationController against the AlphaESS simulator", () => {
  it("a simulated week: every write read back and taken, none inside the cool-down, nothing done on stale prices", async () => {
    bed = await alphaEssTestbed({
      sim: { historyDays: 0, systems: [{ serialNumber: SN }] },
      client: { writeCooldownMs: 30_000 },
      clock: new VirtualClock({ mode: "manual", start: START }),
    });
    const { clock } = bed;
    const system = bed.api.system(SN);
    const outageDay = (ms: number) => ms >= START + 3 * 86_400_000 && ms < START + 4 * 86_400_000;
    const controller = new AutomationController({
      system,
      prices: nemPriceFeed(() => clock.now(), outageDay, 3),
      forecast: (from, count, minutes) =>
        Array.from({ length: count }, (_, i) => ({ start: new Date(from.getTime() + i * minutes * 60_000), minutes, loadW: 700, pvW: 0 })),
      kind: "alphaess",
      battery: {
        capacityKwh: 13.3,
        minSoc: 0.1,
        maxSoc: 1,
        maxChargeW: 5000,
        maxDischargeW: 5000,
        chargeEfficiency: 0.95,
        dischargeEfficiency: 0.95,
        cycleCostCentsPerKwh: 2,
      },
      grid: { maxImportW: 15000, maxExportW: 5000 },
      mode: "control",
      dailyWriteBudget: 4,
      utcOffsetMinutes: 600,
      now: () => clock.now(),
    });
    const decisions: AutomationDecision[] = [];
    for (let step = 0; step < 7 * 8; step++) {
      decisions.push(await controller.cycle());
      await clock.advance(3 * 3_600_000);
    }
    const writes = decisions.filter((d) => d.action === "write");
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) {
      expect(w.result?.ok).toBe(true);
      for (const r of w.result!.results) {
        expect(r.sent).toBe(true);
        expect(r.taken).toBe(true);
        expect(r.readBack).toBeDefined();
      }
      expect(w.explanation.length).toBeGreaterThan(0);
    }
    const times = writes.map((w) => w.at.getTime());
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(30_000);
    const perDay = new Map<string, number>();
    for (const w of writes) {
      const day = new Date(w.at.getTime() + 600 * 60_000).toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(4);
    const outage = decisions.filter((d) => outageDay(d.at.getTime()));
    expect(outage.length).toBeGreaterThan(0);
    expect(outage.every((d) => d.action === "skip" && /stale/.test(d.reason))).toBe(true);
  }, 600_000);
});
