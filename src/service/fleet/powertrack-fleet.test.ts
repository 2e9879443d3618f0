import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support/postgres.js";
import { connectFleetSessions } from "../../cli/commands/serve-worker.js";
import type { VendorSession } from "../../cli/vendors/types.js";
import { VirtualClock } from "../../sim/kernel.js";
import { startPowerTrackSimulator, type PowerTrackSimulator } from "../../sim/powertrack/index.js";
import { openStorage } from "../storage/open.js";
import type { Storage } from "../storage/types.js";
import { startFleetWorker, type RunningWorker } from "./worker.js";

const SPEED = 60;
/** PowerTrack's floor: 15 simulated minutes, 15 s real. */
const CADENCE = 900_000;
const SITES = 200;
const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let probe: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase("ptfleet");
  probe = new pg.Pool({ connectionString: db.url, max: 1 });
});
afterAll(async () => {
  await probe?.end();
  await db?.drop();
});

describe("a PowerTrack portfolio on several fleet workers", () => {
  // The bench's stall (docs/fleet.md): each worker's loop walked the account's sites once per cadence and skipped the ones
  // another worker held at that moment. Leases move while workers join (the first one holds everything, then gives back),
  // so most sites were skipped by everyone and waited a whole cadence (at 1,000 sites: 2,000 s) before anyone looked again.
  it("polls every site within a fraction of the cadence while leases move between 4 workers joining one by one", async () => {
    const clock = new VirtualClock({ mode: "accelerated", speed: SPEED, start: Date.now() });
    let sim: PowerTrackSimulator | undefined;
    const workers: { worker: RunningWorker; pool: pg.Pool; storage: Storage; sessions: VendorSession[] }[] = [];
    try {
      sim = await startPowerTrackSimulator({ clock, seed: 11, sites: SITES, sessionLifetimeMs: null });
      const section = {
        cookie: sim.credentials.cookie,
        aeS: sim.credentials.aeS,
        aeV: sim.credentials.aeV,
        baseUrl: sim.url,
        sites: [...sim.sites],
      };
      for (const id of ["w1", "w2", "w3", "w4"]) {
        // One pool, one client and one fleet limiter (4 PowerTrack slots in fleet_slots) per worker, as separate processes have.
        const pool = new pg.Pool({ connectionString: db.url, max: 4 });
        const { sessions, accounts, failures } = await connectFleetSessions(
          { powertrack: section },
          { pool, holder: id, cwd: process.cwd(), clock },
        );
        expect(failures).toEqual([]);
        const storage = await openStorage({ url: db.url, poolSize: 2 });
        const worker = await startFleetWorker({
          pool,
          workerId: id,
          storage,
          sessions,
          accounts,
          clock,
          port: 0,
          processMetrics: false,
          leaseTtlMs: 2_000,
          cadenceMs: { powertrack: CADENCE },
          initialBackfillMs: 0,
          energyEveryMs: 24 * 3_600_000,
          // As the bench: the login's 4 slots shared by 4 workers, one request of each in flight.
          concurrency: { powertrack: 1 },
        });
        workers.push({ worker, pool, storage, sessions });
        // The next one joins once this one has started its first pass (and taken more than its share).
        await realWait(300);
      }
      const joined = clock.now();
      const polled = async () =>
        Number(
          (await probe.query("SELECT count(DISTINCT source) AS n FROM runs WHERE kind = 'poll' AND ok AND source LIKE 'powertrack:%'"))
            .rows[0].n,
        );
      // A third of the cadence after the last worker joined: every site polled (before the fix: about a third of them).
      while (clock.now() < joined + CADENCE / 3 && (await polled()) < SITES) await realWait(200);
      const n = await polled();
      expect(n, `${n} of ${SITES} sites polled within ${CADENCE / 3 / 1000} simulated s of the last worker joining`).toBe(SITES);
      // Shared out: every worker polled some.
      const byWorker = await probe.query<{ owner: string; n: string }>(
        "SELECT owner, count(*) AS n FROM fleet_leases WHERE vendor = 'powertrack' AND owner IS NOT NULL GROUP BY owner",
      );
      expect(byWorker.rows.map((r) => r.owner).sort()).toEqual(["w1", "w2", "w3", "w4"]);
    } finally {
      for (const w of workers.reverse()) {
        await w.worker.stop();
        await Promise.allSettled(w.sessions.map((s) => s.close()));
        await w.storage.close();
        await w.pool.end();
      }
      await sim?.close();
    }
  }, 90_000);
});
