import { afterEach, describe, expect, it } from "vitest";
import { startDemoSources, type DemoSources } from "../../cli/commands/serve-demo.js";
import type { AmberSimulator } from "../../sim/amber/index.js";
import { SqliteStorage } from "../storage/sqlite.js";
import { Collector } from "./collector.js";

const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FIVE_MIN = 300_000;

let demo: DemoSources | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

describe("Amber price backfill", () => {
  it("reads the history of a 5-minute site at 5 minutes (resolution asked for, as its current interval shows)", async () => {
    demo = await startDemoSources({ speed: 60, seed: 11, vendors: ["amber"] });
    const sim = demo.handles.find((h) => h.vendor === "amber")!.handle as AmberSimulator;
    const storage = new SqliteStorage(":memory:");
    const clock = demo.clock;
    const collector = new Collector({ storage, clock, sessions: demo.sessions, initialBackfillMs: 6 * 3_600_000 });
    const backfills: boolean[] = [];
    collector.on("poll", (p) => p.kind === "backfill" && !p.source.endsWith("/usage") && backfills.push(p.ok));
    const start = clock.now();
    await collector.start();
    const deadline = Date.now() + 60_000;
    while (backfills.length === 0) {
      if (Date.now() > deadline) throw new Error("no price backfill");
      await realWait(100);
    }
    await collector.stop();
    expect(backfills).toEqual([true]);
    const history = sim.http.requests.filter((r) => /\/prices$/.test(r.path));
    expect(history.length).toBeGreaterThan(0);
    expect(history.map((r) => r.query.get("resolution"))).toEqual(history.map(() => "5"));
    // The six hours before the start, each 5-minute interval stored as one 5-minute actual.
    const general = (
      await storage.prices({ from: start - 6 * 3_600_000, to: start - FIVE_MIN, channel: "general", vintages: "latest" })
    ).filter((p) => p.kind === "actual" && p.end <= start - FIVE_MIN);
    expect(general.length).toBeGreaterThanOrEqual(6 * 12 - 2);
    expect(general.every((p) => p.end - p.start === FIVE_MIN)).toBe(true);
    await storage.close();
  }, 90_000);
});
