import { afterEach, describe, expect, it } from "vitest";
import { startDemoSources, type DemoSources } from "../../cli/commands/serve-demo.js";
import { SqliteStorage } from "../storage/sqlite.js";
import { Collector } from "./collector.js";
import { systemKey } from "./convert.js";

const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

let demo: DemoSources | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

async function until(what: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > end) throw new Error("timed out");
    await realWait(50);
  }
}

describe("a single process re-listing its systems", () => {
  it("retires in storage a system its vendor no longer lists (history kept, not polled) and brings it back when listed again", async () => {
    demo = await startDemoSources({ speed: 60, seed: 5, vendors: ["alphaess"] });
    const storage = new SqliteStorage(":memory:");
    const hidden = new Set<string>();
    const collector = new Collector({
      storage,
      clock: demo.clock,
      sessions: demo.sessions,
      initialBackfillMs: 0,
      // What the vendor lists now: the real list less the systems the test took off it.
      listSystems: async (session) => (await session.systems()).filter((s) => !hidden.has(systemKey(s))),
      relistEveryMs: 60_000,
    });
    const polls: { source: string; at: number }[] = [];
    collector.on("poll", (p) => p.kind === "poll" && polls.push({ source: p.source, at: collector.now() }));
    await collector.start();
    try {
      const id = [...collector.systems.keys()].find((k) => k.startsWith("alphaess:"))!;
      expect(id).toBeDefined();
      const row = async () => (await storage.listSystems()).find((s) => s.id === id)!;
      await until(async () => (await storage.latestSample(id)) !== undefined);
      expect((await row()).retiredAt).toBeNull();

      hidden.add(id);
      await until(async () => (await row()).retiredAt !== null);
      const retiredAt = (await row()).retiredAt!;
      expect(retiredAt).toBeLessThanOrEqual(collector.now());
      expect(collector.systems.has(id)).toBe(false);
      // Two more re-lists: still retired (the first instant kept), never polled meanwhile, its history still there.
      const quiet = collector.now();
      await until(() => collector.now() > quiet + 150_000);
      expect((await row()).retiredAt).toBe(retiredAt);
      expect(polls.filter((p) => p.source === id && p.at > retiredAt + 10_000)).toEqual([]);
      expect((await storage.samples(id, 0, Infinity)).t.length).toBeGreaterThan(0);

      hidden.delete(id);
      await until(async () => (await row()).retiredAt === null);
      const back = collector.now();
      await until(() => polls.some((p) => p.source === id && p.at >= back));
      expect(collector.systems.has(id)).toBe(true);
    } finally {
      await collector.stop();
      await storage.close();
    }
  }, 60_000);
});
