import { afterEach, describe, expect, it } from "vitest";
import { startDemoSources, type DemoSources } from "../../cli/commands/serve-demo.js";
import { SqliteStorage } from "../storage/sqlite.js";
import { Collector } from "./collector.js";
import type { Ownership } from "./ownership.js";

const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

let demo: DemoSources | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

describe("a collector taking sources over from another worker", () => {
  it("polls a source first when it is due after the previous owner's last stored reading, not as soon as the floor allows", async () => {
    demo = await startDemoSources({ speed: 60, seed: 3, vendors: ["alphaess"] });
    const { clock } = demo;
    const storage = new SqliteStorage(":memory:");
    const systems = (await demo.sessions[0]!.systems()).map((s) => `${s.vendor}:${s.id}`);
    const t0 = clock.now();
    // The previous owner polled every system a minute ago.
    await storage.upsertSystems(
      systems.map((id) => ({
        id,
        vendor: "alphaess",
        device: id.slice(9),
        name: null,
        timeZone: null,
        capabilities: [],
        cadenceMs: 300_000,
        lastSeen: null,
      })),
    );
    await storage.insertSamples(
      systems.map((system) => ({ system, t: t0 - 60_000, pvW: 1, loadW: 1, gridW: 0, batteryW: 0, soc: 0.5, evW: null })),
    );
    // This worker claimed every source at t0 (a lease that some owner polled): fresh until a poll really runs.
    const leases = new Map<string, { polled: boolean }>();
    const ownership: Ownership = {
      begin(source) {
        const lease = leases.get(source) ?? { polled: false };
        leases.set(source, lease);
        const fresh = !lease.polled;
        lease.polled = true;
        return { fresh, takenOverAt: t0, end: () => undefined, decline: () => void (lease.polled = false) };
      },
    };
    const collector = new Collector({
      storage,
      clock,
      sessions: demo.sessions,
      ownership,
      initialBackfillMs: 0,
      cadenceMs: { alphaess: 300_000 },
      ownershipRecheckMs: 10_000,
    });
    const firstPoll = new Map<string, number>();
    collector.on("poll", (p) => p.kind === "poll" && !firstPoll.has(p.source) && firstPoll.set(p.source, collector.now()));
    await collector.start();
    try {
      const end = Date.now() + 30_000;
      while (firstPoll.size < systems.length && Date.now() < end) await realWait(50);
      expect(firstPoll.size).toBe(systems.length);
      // Due at t0 + 240 s; the floor alone (10 s + 10% from the claim) would have polled them at t0 + 11 s.
      for (const [source, at] of firstPoll) expect(at - t0, source).toBeGreaterThanOrEqual(240_000);
    } finally {
      await collector.stop();
      await storage.close();
    }
  }, 60_000);
});
