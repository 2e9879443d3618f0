import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support/postgres.js";
import { VirtualClock } from "../../sim/kernel.js";
import { LeaseManager } from "./leases.js";
import { FleetRegistry } from "./registry.js";
import { ensureFleetSchema } from "./schema.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const pools: pg.Pool[] = [];
beforeAll(async () => {
  db = await createTestDatabase("leases");
  for (let i = 0; i < 2; i++) pools.push(new pg.Pool({ connectionString: db.url, max: 2 }));
  await ensureFleetSchema(pools[0]!);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db?.drop();
});

describe("leases and take-overs", () => {
  it("tells the new owner when a source was taken over from an owner that polled it, and a declined hold stays fresh", async () => {
    const clock = new VirtualClock({ mode: "manual", start: 1_000_000 });
    const sources = ["alphaess:A", "alphaess:B", "alphaess:C", "alphaess:D"];
    await new FleetRegistry(pools[0]!).add(
      "acct",
      sources.map((source) => ({ source, vendor: "alphaess" })),
    );
    // Long leases: only the explicit ticks below move them.
    const w1 = new LeaseManager({ pool: pools[0]!, workerId: "w1", ttlMs: 60_000, clock });
    const w2 = new LeaseManager({ pool: pools[1]!, workerId: "w2", ttlMs: 60_000, clock });
    let moved: string[] = [];
    try {
      await w1.tick();
      expect(w1.sources().sort()).toEqual(sources);
      // Never polled by anyone: no wait.
      const first = w1.begin("alphaess:A")!;
      expect([first.fresh, first.takenOverAt]).toEqual([true, null]);
      first.end();
      expect(w1.begin("alphaess:A")!.fresh).toBe(false);
      // w1 polls B and C, and A stays in flight (never given back); D is never polled.
      const inFlight = w1.begin("alphaess:A")!;
      for (const source of ["alphaess:B", "alphaess:C"]) w1.begin(source)!.end();

      // w2 joins: w1 gives back two idle ones. Those w1 polled come with the claim's time (the wait), D without.
      await w2.tick();
      await w1.tick();
      inFlight.end();
      await clock.advance(5_000);
      await w2.tick();
      moved = w2.sources().sort();
      expect(moved).toHaveLength(2);
      expect(moved).not.toContain("alphaess:A");
      for (const source of moved) {
        const hold = w2.begin(source)!;
        expect(hold.fresh).toBe(true);
        expect(hold.takenOverAt, source).toBe(source === "alphaess:D" ? null : 1_005_000);
        // Declined (too early): the next hold is still the take-over's first.
        hold.decline!();
        const again = w2.begin(source)!;
        expect([again.fresh, again.takenOverAt]).toEqual([true, hold.takenOverAt]);
        again.end();
        expect(w2.begin(source)!.fresh).toBe(false);
      }
      const polled = await pools[0]!.query<{ source: string }>("SELECT source FROM fleet_leases WHERE polled ORDER BY source");
      expect(polled.rows.map((r) => r.source)).toEqual(moved.filter((m) => m !== "alphaess:D"));
    } finally {
      await w2.stop();
      await w1.stop();
    }
    // Stopping gives every lease back, marking those polled under it.
    const rows = await pools[0]!.query<{ source: string; owner: string | null; polled: boolean }>(
      "SELECT source, owner, polled FROM fleet_leases ORDER BY source",
    );
    expect(rows.rows.every((r) => r.owner === null)).toBe(true);
    expect(rows.rows.filter((r) => r.polled).map((r) => r.source)).toEqual([
      "alphaess:A",
      "alphaess:B",
      "alphaess:C",
      ...(moved.includes("alphaess:D") ? ["alphaess:D"] : []),
    ]);
  });
});
