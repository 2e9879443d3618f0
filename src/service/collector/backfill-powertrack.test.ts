import { afterEach, describe, expect, it } from "vitest";
import { startDemoSources, type DemoSources } from "../../cli/commands/serve-demo.js";
import { addDays } from "../../core/time/calendar-date.js";
import { localDate, startOfLocalDay } from "../../core/time/zoned.js";
import { isPowerHistory } from "../../model/capabilities.js";
import type { PowerTrackSite } from "../../powertrack/system.js";
import { SqliteStorage } from "../storage/sqlite.js";
import { backfillSystem } from "./backfill.js";
import { Collector } from "./collector.js";

const QUARTER = 15 * 60_000;
const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

let demo: DemoSources | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

async function until(what: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > end) throw new Error("timed out");
    await realWait(100);
  }
}

describe("PowerTrack chart backfill", () => {
  it("fills a gap (process down) from the 15-minute chart, each bin once, and a second pass adds nothing", async () => {
    demo = await startDemoSources({ speed: 1440, seed: 3, vendors: ["powertrack"] });
    const storage = new SqliteStorage(":memory:");
    const clock = demo.clock;
    const run = () => new Collector({ storage, clock, sessions: demo!.sessions, initialBackfillMs: 0 });
    let collector = run();
    await collector.start();
    const systems = [...collector.systems.keys()];
    expect(systems.length).toBeGreaterThan(0);
    await until(async () => (await Promise.all(systems.map((k) => storage.latestSample(k)))).every((r) => r !== undefined));
    await collector.stop();
    const before = new Map(await Promise.all(systems.map(async (k) => [k, (await storage.latestSample(k))!.t] as const)));
    // The process is down for about three simulated hours.
    const downUntil = clock.now() + 3 * 3_600_000;
    await until(() => clock.now() > downUntil);
    collector = run();
    const backfilled = new Set<string>();
    collector.on("poll", (p) => p.kind === "backfill" && p.ok && backfilled.add(p.source));
    await collector.start();
    await until(async () =>
      (await Promise.all(systems.map(async (k) => backfilled.has(k) && (await storage.latestSample(k))!.t > downUntil))).every(Boolean),
    );
    await collector.stop();

    for (const key of systems) {
      const from = before.get(key)!;
      const after = (await storage.samples(key, downUntil, Infinity)).t[0]!;
      const gap = await storage.samples(key, from + 1, after);
      // Every 15-minute bin strictly inside the gap holds exactly one sample, from the chart.
      const bins = gap.t.map((t) => Math.floor(t / QUARTER));
      expect(new Set(bins).size, key).toBe(bins.length);
      const first = Math.ceil((from + 1) / QUARTER);
      const last = Math.floor((after - 1) / QUARTER);
      expect(bins.length, key).toBeGreaterThanOrEqual(last - first);
      expect(
        gap.t.every((t) => t % QUARTER === 0),
        key,
      ).toBe(true);
      // The same range again: the storage already holds every row.
      const system = collector.systems.get(key)!;
      expect(isPowerHistory(system)).toBe(true);
      const again = await backfillSystem(
        storage,
        key,
        system,
        { from, to: after },
        { signal: new AbortController().signal, now: clock.now() },
      );
      expect(again).toEqual({ added: 0, gap: false });
    }
    await storage.close();
  }, 120_000);

  it("counts the days of a gap in the site's zone, not the machine's (a gap across the site's midnight)", async () => {
    demo = await startDemoSources({ speed: 60, seed: 4, vendors: ["powertrack"] });
    const storage = new SqliteStorage(":memory:");
    const [site] = (await demo.sessions[0]!.systems()) as PowerTrackSite[];
    // A fresh site has not read its zone yet: the backfill must ask for it, not assume this machine's.
    expect(site!.timeZone).toBeUndefined();
    const zone = await site!.client.getSiteConfig(site!.id).then((c) => c.timeZone!);
    const midnight = startOfLocalDay(addDays(localDate(demo.clock.now(), zone), -1), zone).getTime();
    const from = midnight - 2 * 3_600_000;
    const to = midnight + 2 * 3_600_000;
    const key = `powertrack:${site!.id}`;
    const result = await backfillSystem(storage, key, site!, { from, to }, { signal: new AbortController().signal, now: demo.clock.now() });
    const t = (await storage.samples(key, from, to)).t;
    // Both sides of the site's midnight: 2 h before and 2 h after, one sample per 15-minute bin.
    expect(t.filter((x) => x < midnight).length).toBe(8 - 1);
    expect(t.filter((x) => x >= midnight).length).toBe(8);
    expect(result.added).toBe(t.length);
    await storage.close();
  }, 60_000);
});
