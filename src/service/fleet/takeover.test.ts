import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support/postgres.js";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../../sim/alphaess/index.js";
import { VirtualClock } from "../../sim/kernel.js";
import { spawnFleetWorker } from "./test-support/spawn-worker.js";

const SPEED = 5;
/** AlphaESS's floor: one call per system every 10 s (6053 when faster). */
const FLOOR = 10_000;
/** Each worker polls every 15 simulated s (3 s real): close to the floor, so a careless take-over comes within it. */
const CADENCE = 15_000;
/** 1 s real (5 simulated s): a killed worker's leases expire soon, its last poll possibly only seconds before. */
const LEASE_TTL_MS = 1_000;
const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
const dir = mkdtempSync(join(tmpdir(), "openpower-takeover-"));
beforeAll(async () => {
  db = await createTestDatabase("takeover");
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a fleet hand-over and AlphaESS's 10 s per system", () => {
  // A developer account with a fast AppID (no 10 s per AppID) still meets the live limit per system: the first poll of
  // the new owner must not come within 10 s of the previous owner's last one (rebalance when workers join, kill -9).
  it("the new owner's first poll of a system comes at least the floor after the previous owner's last", async () => {
    const clock = new VirtualClock({ mode: "accelerated", speed: SPEED, start: Date.now() });
    const serials = Array.from({ length: 8 }, (_, i) => `AL30000000${String(i).padStart(2, "0")}`);
    let alpha: AlphaEssSimulator | undefined;
    const children = new Map<string, ChildProcess>();
    try {
      alpha = await startAlphaEssSimulator({
        clock,
        seed: 17,
        limits: "live",
        minIntervalMs: 0,
        systemIntervalMs: FLOOR,
        signatureWindowS: 10 * 365 * 86_400,
        systems: serials.map((serialNumber) => ({ serialNumber })),
        // Polls take a while (100 ms real), so that a worker can be killed in the middle of one.
        faults: [{ path: "/api/getLastPowerData", latencyMs: 100 }],
      });
      const log = join(dir, "polls.log");
      writeFileSync(log, "");
      const sections = {
        alphaess: {
          appId: alpha.credentials.appId,
          appSecret: alpha.credentials.appSecret,
          baseUrl: alpha.url,
          timeZone: "Australia/Sydney",
          minIntervalMs: 200,
        },
      };
      const [v0, r0] = [clock.now(), Date.now()];
      const spawnWorker = async (id: string): Promise<void> => {
        const env = {
          FLEET_PG_URL: db.url,
          FLEET_STORAGE: db.url,
          FLEET_LEASE_TTL_MS: String(LEASE_TTL_MS),
          FLEET_CADENCE: JSON.stringify({ alphaess: CADENCE }),
          // The loop looks for sources taken over every simulated second: without the wait it would poll them at once.
          FLEET_RECHECK_MS: "1000",
          FLEET_POLL_LOG: log,
        };
        children.set(id, await spawnFleetWorker({ id, v0, r0, speed: SPEED, sections, env }));
      };
      const owners = async () =>
        (
          await pool.query<{ owner: string }>("SELECT DISTINCT owner FROM fleet_leases WHERE vendor = 'alphaess' AND owner IS NOT NULL")
        ).rows
          .map((r) => r.owner)
          .sort();

      await spawnWorker("w1");
      await realWait(5_000);
      // Rebalance: w1 gives idle systems back to w2 (their last poll by w1 may have ended a moment before).
      await spawnWorker("w2");
      await realWait(5_000);
      expect(await owners()).toEqual(["w1", "w2"]);
      // kill -9 in the middle of a poll: w1's leases expire (5 simulated s at most after its last renewal) and w2 takes them.
      const inFlight = () => {
        const open = new Map<string, number>();
        for (const line of readFileSync(log, "utf8").split("\n")) {
          const [worker, source, phase] = line.split(" ");
          if (worker === "w1" && source?.startsWith("alphaess:")) open.set(source, (open.get(source) ?? 0) + (phase === "begin" ? 1 : -1));
        }
        return [...open.values()].some((n) => n > 0);
      };
      for (const until = Date.now() + 10_000; !inFlight() && Date.now() < until;) await realWait(5);
      expect(inFlight(), "w1 was caught in the middle of a poll").toBe(true);
      children.get("w1")!.kill("SIGKILL");
      await new Promise((r) => children.get("w1")!.once("exit", r));
      children.delete("w1");
      await realWait(5_000);
      expect(await owners()).toEqual(["w2"]);
      // A worker comes back (a new process): another rebalance.
      await spawnWorker("w3");
      await realWait(6_000);
      expect(await owners()).toEqual(["w2", "w3"]);
      await Promise.all(
        [...children.values()].map(async (p) => {
          p.kill("SIGTERM");
          expect(await new Promise((r) => p.once("exit", r))).toBe(0);
        }),
      );
      children.clear();

      // The simulator's log: every request naming a system, on the simulated clock. Two for one system and endpoint
      // closer than 10 s is a 6053 (the second is refused).
      const bySystem = new Map<string, number[]>();
      for (const r of alpha.http.requests) {
        const sn = r.query.get("sysSn");
        if (sn) bySystem.set(`${r.path} ${sn}`, [...(bySystem.get(`${r.path} ${sn}`) ?? []), r.at]);
      }
      const live = [...bySystem].filter(([key]) => key.startsWith("/api/getLastPowerData"));
      expect(live.length).toBe(serials.length);
      let closest = Infinity;
      for (const [key, times] of bySystem) {
        const sorted = [...times].sort((a, b) => a - b);
        for (let i = 1; i < sorted.length; i++) {
          closest = Math.min(closest, sorted[i]! - sorted[i - 1]!);
          expect(
            sorted[i]! - sorted[i - 1]!,
            `${key}: two requests ${sorted[i]! - sorted[i - 1]!} simulated ms apart`,
          ).toBeGreaterThanOrEqual(FLOOR);
        }
      }
      console.warn(`take-over test: closest two requests for one system ${closest} simulated ms apart (floor ${FLOOR})`);
      const refused = await pool.query(
        "SELECT count(*)::int AS n FROM runs WHERE source LIKE 'alphaess:%' AND error_class = 'RateLimitError'",
      );
      expect(refused.rows[0].n).toBe(0);
      // Every system was polled after the last hand-over (the wait delays the first poll, it never skips the system).
      const polledLate = await pool.query<{ n: number }>(
        "SELECT count(DISTINCT source)::int AS n FROM runs WHERE source LIKE 'alphaess:%' AND kind = 'poll' AND ok AND started_at > $1",
        [clock.now() - 4_000 * SPEED],
      );
      expect(polledLate.rows[0]!.n).toBe(serials.length);
    } finally {
      for (const p of children.values()) p.kill("SIGKILL");
      await alpha?.close();
    }
  }, 90_000);
});
