import { nemPriceFeed } from "../automation/test-support/price-feed.js";
import { afterEach, describe, expect, it } from "vitest";
import { alphaEssTestbed, type AlphaEssTestbed } from "../alphaess/test-support/testbed.js";
import type { AutomationController, AutomationDecision } from "../automation/controller.js";
import { silentLogger } from "../core/logger.js";
import type { PowerFlow } from "../model/types.js";
import { VirtualClock } from "../sim/kernel.js";
import { controllerFor } from "./automation.js";
import { SqliteStorage } from "./storage/sqlite.js";
import type { AuditRow } from "./storage/types.js";

const SN = "AL70110230306xx";
const KEY = `alphaess:${SN}`;
const START = Date.parse("2026-08-03T14:00:00Z"); // 00:00 in Sydney, Tuesday 4 August 2026
const H = 3_600_000;
const DAY = 24 * H;
const COOL_DOWN_MS = 2 * H;
const BUDGET = 3;

let bed: AlphaEssTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const window = (fromH: number, toH: number) => (ms: number) => ms >= START + fromH * H && ms < START + toH * H;

describe("the service's automation loop, a simulated week in control mode against the AlphaESS simulator", () => {
  it("every write read back and audited, none inside the cool-down, the daily budget kept across a restart, no action on stale data", async () => {
    bed = await alphaEssTestbed({
      sim: { historyDays: 0, systems: [{ serialNumber: SN }] },
      client: { writeCooldownMs: COOL_DOWN_MS },
      clock: new VirtualClock({ mode: "manual", start: START }),
    });
    const { clock, sim } = bed;
    const storage = new SqliteStorage(":memory:");
    const priceOutage = window(2 * 24, 3 * 24); // day 3: Amber answers nothing
    const offline = window(4 * 24 + 6, 4 * 24 + 9); // day 5, 06:00–09:00: the system is offline (6042)
    const staleSoc = window(4 * 24 + 12, 4 * 24 + 15); // day 5, 12:00–15:00: the cloud serves its last upload
    const system = bed.api.system(SN);
    // A cloud that keeps serving its last upload: the reading's own time stays where it was.
    let lastGood: PowerFlow | undefined;
    const device = Object.create(system) as typeof system;
    device.getPowerFlow = async (o) => {
      if (staleSoc(clock.now()) && lastGood) return lastGood;
      return (lastGood = await system.getPowerFlow(o));
    };
    const prices = nemPriceFeed(() => clock.now(), priceOutage, 5);
    const options = { storage, clock, mode: "control" as const, reserveSoc: 0.2, dailyWriteBudget: BUDGET };
    const start = (): AutomationController => controllerFor(KEY, device, prices, 13.3, options, silentLogger);
    let controller = start();
    const decisions: AutomationDecision[] = [];
    // The owner's app lowers the discharge stop to 10 % (below the 20 % reserve) now and then: the schedule must be put
    // back, which wants writes: twice within the cool-down on day 1, four times on day 2 (around the restart) for a budget of 3.
    const appOverrides = new Set([8, 9, 24 + 2, 24 + 5, 24 + 8, 24 + 14]);
    for (let hour = 0; hour < 7 * 24; hour++) {
      sim.setOnline(SN, !offline(clock.now()));
      if (appOverrides.has(hour)) sim.state(SN).discharge.batUseCap = 10;
      // Day 2, 13:00: the service restarts; the new controller only knows what the store kept.
      if (hour === 24 + 13) controller = start();
      decisions.push(await controller.cycle());
      await clock.advance(H);
    }

    const writes = decisions.filter((d) => d.action === "write");
    expect(writes.length).toBeGreaterThan(BUDGET);
    // Every write sent, taken and read back, and in the audit with its explanation.
    for (const w of writes) {
      expect(w.result?.ok).toBe(true);
      for (const r of w.result!.results) {
        expect(r.sent).toBe(true);
        expect(r.taken).toBe(true);
        expect(r.readBack).toBeDefined();
      }
    }
    const audit: AuditRow[] = (await storage.audit(KEY, 1000)).reverse();
    expect(audit.map((a) => a.at)).toEqual(writes.map((w) => w.at.getTime()));
    for (const a of audit) {
      expect(a.action).toBe("apply");
      expect(a.ok).toBe(true);
      expect((a.request as { explanation: string[] }).explanation.length).toBeGreaterThan(0);
    }
    // No write inside the vendor's cool-down, none over the daily budget, across the restart too.
    for (let i = 1; i < audit.length; i++) expect(audit[i]!.at - audit[i - 1]!.at).toBeGreaterThanOrEqual(COOL_DOWN_MS);
    const perDay = new Map<number, number>();
    for (const a of audit) perDay.set(Math.floor((a.at - START) / DAY), (perDay.get(Math.floor((a.at - START) / DAY)) ?? 0) + 1);
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(BUDGET);
    // Both limits were reached (the test could fail): writes were wanted and refused for them.
    expect(decisions.some((d) => d.action === "skip" && /write cool-down/.test(d.reason))).toBe(true);
    expect(decisions.some((d) => d.action === "skip" && /daily write budget \(3\) used up/.test(d.reason))).toBe(true);
    // No action on stale data, each with its reason.
    const during = (w: (ms: number) => boolean) => decisions.filter((d) => w(d.at.getTime()));
    expect(during(priceOutage)).toHaveLength(24);
    for (const d of during(priceOutage)) expect([d.action, d.reason]).toEqual(["skip", expect.stringMatching(/prices are stale/)]);
    expect(during(offline)).toHaveLength(3);
    for (const d of during(offline)) expect([d.action, d.reason]).toEqual(["skip", expect.stringMatching(/SOC could not be read/)]);
    const stale = during(staleSoc);
    expect(stale).toHaveLength(3);
    // At the first cycle of the window the reading kept is already an hour old.
    for (const d of stale) expect([d.action, d.reason]).toEqual(["skip", expect.stringMatching(/the SOC reading is \d+ min old/)]);
    // Every decision is stored; the latest is served.
    expect((await storage.latestDecisions(KEY))[0]?.at).toBe(decisions.at(-1)!.at.getTime());
    // The forecasts planned with are stored with their issue time.
    expect((await storage.forecasts({ from: START, to: START + 8 * DAY, system: KEY, source: "history" })).length).toBeGreaterThan(0);
    await storage.close();
  }, 120_000);
});
