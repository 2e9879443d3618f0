import { afterEach, describe, expect, it } from "vitest";
import { startDemoSources, type DemoSources } from "../../cli/commands/serve-demo.js";
import { addDays } from "../../core/time/calendar-date.js";
import { localDate, startOfLocalDay } from "../../core/time/zoned.js";
import type { AmberSimulator } from "../../sim/amber/index.js";
import { SqliteStorage } from "../storage/sqlite.js";
import { Collector } from "./collector.js";
import { NEM_ZONE, nextUsagePass, USAGE_DAYS_PER_REQUEST, USAGE_REQUESTS_PER_PASS, usagePlan, type UsageReader } from "./usage.js";

const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FIVE_MIN = 300_000;

let demo: DemoSources | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

describe("Amber usage", () => {
  it("plans one request per 7 NEM days, from the latest stored day to yesterday", async () => {
    const now = Date.parse("2026-03-20T02:00:00Z"); // 12:00 NEM on the 20th
    expect(usagePlan(now, Date.parse("2026-03-18T13:55:00Z"), 0)).toEqual([{ start: "2026-03-18", end: "2026-03-19" }]);
    const long = usagePlan(now, Date.parse("2026-02-01T00:00:00Z"), 0);
    expect(long[0]).toEqual({ start: "2026-02-01", end: "2026-02-07" });
    expect(long.at(-1)!.end).toBe("2026-03-19");
    expect(long.length).toBe(Math.ceil(47 / USAGE_DAYS_PER_REQUEST));
    expect(usagePlan(now, Date.parse("2026-03-19T14:00:00Z"), 0)).toEqual([]);
  });

  it("waits while Amber's window is low, and reads at most a few requests a pass", async () => {
    const now = Date.parse("2026-03-20T02:00:00Z");
    const reader = (remaining: number | null): UsageReader => ({
      read: () => Promise.reject(new Error("not called")),
      budget: () => ({ remaining }) as ReturnType<UsageReader["budget"]>,
    });
    const from = Date.parse("2026-01-01T00:00:00Z");
    expect(nextUsagePass(reader(10), now, from, 0)).toBe(true);
    expect(nextUsagePass(reader(10), now, Date.parse("2026-03-19T14:00:00Z"), 0)).toBe(false);
    const pass = nextUsagePass(reader(null), now, from, 0);
    expect(typeof pass === "object" && pass.pass.length).toBe(USAGE_REQUESTS_PER_PASS);
    expect(typeof pass === "object" && pass.plan.length).toBe(12); // 78 days, 7 a request
  });

  it("backfills a month-long gap from the simulator, nothing missing or doubled, within Amber's budget", async () => {
    demo = await startDemoSources({ speed: 600, seed: 7, vendors: ["amber"] });
    const sim = demo.handles.find((h) => h.vendor === "amber")!.handle as AmberSimulator;
    const storage = new SqliteStorage(":memory:");
    const clock = demo.clock;
    const site = sim.activeSiteId;
    const source = `amber:${site}`;
    const today = localDate(clock.now(), NEM_ZONE);
    const gapStart = addDays(today, -30);
    // What an earlier run stored: one interval at the start of the gap's first day.
    const t0 = startOfLocalDay(gapStart, NEM_ZONE).getTime();
    await storage.upsertUsage([
      { source, channel: "E1", channelType: "general", start: t0, end: t0 + FIVE_MIN, kwh: 0, costCents: 0, quality: "billable" },
    ]);
    const collector = new Collector({ storage, clock, sessions: demo.sessions });
    const progress: { done: number; total: number }[] = [];
    collector.on("backfill", (p) => p.system.endsWith("/usage") && progress.push({ done: p.done, total: p.total }));
    await collector.start();
    const yesterdayEnd = startOfLocalDay(today, NEM_ZONE).getTime();
    const deadline = Date.now() + 90_000;
    while (((await storage.latestUsageStart(source)) ?? 0) < yesterdayEnd - FIVE_MIN) {
      if (Date.now() > deadline) throw new Error(`usage not filled: latest ${await storage.latestUsageStart(source)}`);
      await realWait(200);
    }
    await collector.stop();

    const rows = await storage.usage({ source, from: t0, to: yesterdayEnd });
    const channels = [...new Set(rows.map((r) => r.channel))];
    expect(channels.length).toBeGreaterThan(0);
    for (const channel of channels) {
      const starts = rows.filter((r) => r.channel === channel).map((r) => r.start);
      // Every interval of the 30 days once: a 5-minute site has 288 a day.
      expect(starts.length, channel).toBe(30 * 288);
      expect(new Set(starts).size, channel).toBe(starts.length);
    }
    // A request per 7 days, 4 a pass with progress; the rest (from the latest stored day) in the next pass.
    expect(progress).toEqual([1, 2, 3, 4].map((done) => ({ done, total: 5 })));
    // Amber's budget: never more than 50 requests in any 5 minutes (simulated), counting the price loop's too.
    const times = sim.http.requests.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= FIVE_MIN) j++;
      expect(i - j + 1).toBeLessThanOrEqual(50);
    }
    const usageRequests = sim.http.requests.filter((r) => r.path.endsWith("/usage"));
    expect(usageRequests.length).toBe(5);
    expect(times.length).toBeGreaterThan(usageRequests.length);
    await storage.close();
  }, 120_000);
});
