import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support/postgres.js";
import { connectFleetSessions } from "../../cli/commands/serve-worker.js";
import type { VendorSession } from "../../cli/vendors/types.js";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../../sim/alphaess/index.js";
import { VirtualClock } from "../../sim/kernel.js";
import { openStorage } from "../storage/open.js";
import type { Storage } from "../storage/types.js";
import { startFleetWorker, type RunningWorker } from "./worker.js";

const SPEED = 30;
/** Discovery lists the AppID again every simulated minute (2 s real). */
const DISCOVER_EVERY = 60_000;
const LEASE_TTL_MS = 1_000;
const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let probe: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase("retire");
  probe = new pg.Pool({ connectionString: db.url, max: 1 });
});
afterAll(async () => {
  await probe?.end();
  await db?.drop();
});

async function until(what: string, probe: () => Promise<boolean>, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !(await probe()); await realWait(100)) if (Date.now() > end) throw new Error(`timed out: ${what}`);
}

describe("fleet discovery retires a system and brings it back", () => {
  it("registry and storage agree, nobody polls it while retired, its history stays, and it is polled again once listed", async () => {
    const clock = new VirtualClock({ mode: "accelerated", speed: SPEED, start: Date.now() });
    const serials = ["AL4000000000", "AL4000000001", "AL4000000002", "AL4000000003"];
    const leaver = serials[1]!;
    const id = `alphaess:${leaver}`;
    let sim: AlphaEssSimulator | undefined;
    const workers: { worker: RunningWorker; pool: pg.Pool; storage: Storage; sessions: VendorSession[] }[] = [];
    const begins: { worker: string; source: string; at: number }[] = [];
    try {
      sim = await startAlphaEssSimulator({
        clock,
        seed: 21,
        limits: "none",
        signatureWindowS: 10 * 365 * 86_400,
        systems: serials.map((serialNumber) => ({ serialNumber })),
      });
      const section = { appId: sim.credentials.appId, appSecret: sim.credentials.appSecret, baseUrl: sim.url, minIntervalMs: 200 };
      for (const workerId of ["w1", "w2"]) {
        const pool = new pg.Pool({ connectionString: db.url, max: 4 });
        const { sessions, accounts, failures } = await connectFleetSessions(
          { alphaess: section },
          { pool, holder: workerId, cwd: process.cwd(), clock },
        );
        expect(failures).toEqual([]);
        const storage = await openStorage({ url: db.url, poolSize: 2 });
        const worker = await startFleetWorker({
          pool,
          workerId,
          storage,
          sessions,
          accounts,
          clock,
          port: 0,
          processMetrics: false,
          leaseTtlMs: LEASE_TTL_MS,
          discoverEveryMs: DISCOVER_EVERY,
          cadenceMs: { alphaess: 20_000 },
          initialBackfillMs: 0,
          onHold: (source, phase) => phase === "begin" && begins.push({ worker: workerId, source, at: Date.now() }),
        });
        workers.push({ worker, pool, storage, sessions });
      }
      const storage = workers[0]!.storage;
      const registryRetired = async () =>
        (await probe.query<{ retired: boolean }>("SELECT retired_at IS NOT NULL AS retired FROM fleet_leases WHERE source = $1", [id]))
          .rows[0]?.retired;
      const storedRetiredAt = async () => (await storage.listSystems()).find((s) => s.id === id)?.retiredAt;
      const samples = async () => (await storage.samples(id, 0, Number.MAX_SAFE_INTEGER)).t.length;
      await until("a reading of the leaver", async () => (await samples()) > 0);
      expect(await registryRetired()).toBe(false);
      expect(await storedRetiredAt()).toBeNull();

      // It leaves the AppID: discovery retires it in the registry and in storage.
      sim.state(leaver).boundTo.delete(sim.credentials.appId);
      await until("the leaver retired in the registry", async () => (await registryRetired()) === true);
      const retiredReal = Date.now();
      await until("the leaver retired in storage", async () => typeof (await storedRetiredAt()) === "number");
      expect(await storedRetiredAt()).toBeLessThanOrEqual(clock.now());
      const kept = await samples();
      // Three discovery rounds later: still retired on both sides, polled by nobody, its history kept.
      await realWait((3 * DISCOVER_EVERY) / SPEED);
      expect(await registryRetired()).toBe(true);
      expect(typeof (await storedRetiredAt())).toBe("number");
      // A poll already begun may end; none begins after the holder's next heartbeat (a quarter of the lease) and a margin.
      expect(begins.filter((b) => b.source === id && b.at > retiredReal + LEASE_TTL_MS)).toEqual([]);
      expect(await samples()).toBeGreaterThanOrEqual(kept);
      const others = begins.filter((b) => b.source !== id && b.source.startsWith("alphaess:") && b.at > retiredReal + LEASE_TTL_MS);
      expect(others.length, "the other systems are still polled").toBeGreaterThan(0);

      // Bound again: back in service on both sides, and polled again.
      sim.state(leaver).boundTo.add(sim.credentials.appId);
      await until("the leaver back in the registry", async () => (await registryRetired()) === false);
      await until("the leaver back in storage", async () => (await storedRetiredAt()) === null);
      const backReal = Date.now();
      await until("the leaver polled again", async () => begins.some((b) => b.source === id && b.at > backReal));
      await until("a new reading of the leaver", async () => (await samples()) > kept);
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
