import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support/postgres.js";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../../sim/alphaess/index.js";
import { startAmberSimulator, type AmberSimulator } from "../../sim/amber/index.js";
import { VirtualClock } from "../../sim/kernel.js";
import { spawnFleetWorker } from "./test-support/spawn-worker.js";

const SPEED = 30;
const FIVE_MIN = 300_000;
/** AlphaESS polls every 4 simulated minutes (8 s real); leases live 2 s real. */
const CADENCE = 240_000;
const LEASE_TTL_MS = 2_000;
const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
const dir = mkdtempSync(join(tmpdir(), "openpower-fleet-"));
beforeAll(async () => {
  db = await createTestDatabase("fleet");
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

interface Poll {
  worker: string;
  begin: number;
  end: number;
}

/** Each source's polls from the workers' log; a poll a killed worker never ended lasts until it was killed. */
function pollsBySource(file: string, killed: Map<string, number>): Map<string, Poll[]> {
  const open = new Map<string, number[]>();
  const out = new Map<string, Poll[]>();
  for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
    const [worker, source, phase, at] = line.split(" ") as [string, string, "begin" | "end", string];
    const key = `${worker} ${source}`;
    if (phase === "begin") open.set(key, [...(open.get(key) ?? []), Number(at)]);
    else {
      const begin = open.get(key)!.shift()!;
      out.set(source, [...(out.get(source) ?? []), { worker, begin, end: Number(at) }]);
    }
  }
  for (const [key, begins] of open) {
    const [worker, source] = key.split(" ") as [string, string];
    for (const begin of begins) out.set(source, [...(out.get(source) ?? []), { worker, begin, end: killed.get(worker) ?? Infinity }]);
  }
  return out;
}

/** Pairs of polls of one source by two workers that overlap in time. */
function overlaps(polls: Poll[]): [Poll, Poll][] {
  const sorted = [...polls].sort((a, b) => a.begin - b.begin);
  const found: [Poll, Poll][] = [];
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length && sorted[j]!.begin < sorted[i]!.end; j++)
      if (sorted[j]!.worker !== sorted[i]!.worker) found.push([sorted[i]!, sorted[j]!]);
  return found;
}

async function missingBuckets(system: string, from: number, to: number): Promise<number[]> {
  const rows = await pool.query<{ b: string }>(
    "SELECT DISTINCT t - t % 300000 AS b FROM samples JOIN systems USING (sid) WHERE id = $1 AND t >= $2 AND t < $3",
    [system, from, to],
  );
  const have = new Set(rows.rows.map((r) => Number(r.b)));
  const missing: number[] = [];
  for (let b = Math.ceil(from / FIVE_MIN) * FIVE_MIN; b + FIVE_MIN <= to; b += FIVE_MIN) if (!have.has(b)) missing.push(b);
  return missing;
}

/** The most requests of `times` within any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("fleet workers over one PostgreSQL", () => {
  it("split the fleet, hand a killed worker's systems over, lose and double nothing, keep the vendors' budgets, follow discovery", async () => {
    const clock = new VirtualClock({ mode: "accelerated", speed: SPEED, start: Date.now() });
    const serials = Array.from({ length: 9 }, (_, i) => `AL20000000${String(i).padStart(2, "0")}`);
    const [joiner, leaver] = [serials[8]!, serials[7]!];
    let alpha: AlphaEssSimulator | undefined;
    let amber: AmberSimulator | undefined;
    const children = new Map<string, ChildProcess>();
    try {
      alpha = await startAlphaEssSimulator({
        clock,
        seed: 16,
        // The live pacing (10 s per AppID and endpoint, else 6053); the joiner is not bound to the AppID yet.
        limits: "live",
        signatureWindowS: 10 * 365 * 86_400,
        systems: serials.map((serialNumber) => ({ serialNumber, ...(serialNumber === joiner ? { boundTo: [] } : {}) })),
        // Polls take a while (150 ms real), so that a worker can be killed in the middle of one.
        faults: [{ path: "/api/getLastPowerData", latencyMs: 150 }],
      });
      amber = await startAmberSimulator({ clock, seed: 16 });
      const appId = alpha.credentials.appId;
      const sections = {
        alphaess: { appId, appSecret: alpha.credentials.appSecret, baseUrl: alpha.url, timeZone: "Australia/Sydney" },
        amber: { token: amber.token, baseUrl: amber.url, site: amber.activeSiteId },
      };
      // Samples in the same PostgreSQL (PgStorage), beside the fleet's tables.
      const file = db.url;
      const log = join(dir, "polls.log");
      writeFileSync(log, "");
      const v0 = clock.now();
      const r0 = Date.now();
      const spawnWorker = async (id: string): Promise<void> => {
        const env = {
          FLEET_PG_URL: db.url,
          FLEET_STORAGE: file,
          FLEET_POLL_LOG: log,
          FLEET_LEASE_TTL_MS: String(LEASE_TTL_MS),
          // A wide margin (16 s between two requests of the AppID): at 30x, 100 ms of a loaded machine's scheduling is 3 s.
          FLEET_MARGIN: "0.6",
          FLEET_CADENCE: JSON.stringify({ alphaess: CADENCE }),
          FLEET_DISCOVER_EVERY_MS: String(FIVE_MIN),
        };
        children.set(id, await spawnFleetWorker({ id, v0, r0, speed: SPEED, sections, env }));
      };
      await Promise.all(["w1", "w2", "w3", "w4"].map(spawnWorker));
      await realWait(12_000);

      // Balance: every worker polls some of the AlphaESS systems, none more than its share.
      const owners = await pool.query<{ owner: string; n: string }>(
        "SELECT owner, count(*) AS n FROM fleet_leases WHERE retired_at IS NULL AND owner IS NOT NULL AND vendor <> 'fleet' GROUP BY owner",
      );
      expect(owners.rows.map((r) => r.owner).sort()).toEqual(["w1", "w2", "w3", "w4"]);
      const sources = Number(
        (await pool.query("SELECT count(*) AS n FROM fleet_leases WHERE retired_at IS NULL AND vendor <> 'fleet'")).rows[0].n,
      );
      for (const r of owners.rows) expect(Number(r.n)).toBeLessThanOrEqual(Math.ceil(sources / 4));

      // Discovery: one system joins the AppID, another (once it has readings) leaves it.
      const stored = async (sn: string) =>
        Number(
          (await pool.query("SELECT count(*) AS n FROM samples JOIN systems USING (sid) WHERE id = $1", [`alphaess:${sn}`])).rows[0].n,
        );
      for (const until = Date.now() + 30_000; (await stored(leaver)) === 0 && Date.now() < until;) await realWait(200);
      alpha.state(joiner).boundTo.add(appId);
      alpha.state(leaver).boundTo.delete(appId);

      // Kill a worker with SIGKILL while one of its AlphaESS polls is in flight.
      const victim = (
        await pool.query<{ owner: string }>("SELECT owner FROM fleet_leases WHERE vendor = 'alphaess' AND owner IS NOT NULL LIMIT 1")
      ).rows[0]!.owner;
      const inFlight = () => {
        const open = new Map<string, number>();
        for (const line of readFileSync(log, "utf8").split("\n")) {
          const [worker, source, phase] = line.split(" ");
          if (worker !== victim || !source?.startsWith("alphaess:")) continue;
          open.set(source, (open.get(source) ?? 0) + (phase === "begin" ? 1 : -1));
        }
        return [...open.values()].some((n) => n > 0);
      };
      const deadline = Date.now() + 20_000;
      while (!inFlight() && Date.now() < deadline) await realWait(5);
      expect(inFlight(), "the victim was caught in the middle of a poll").toBe(true);
      children.get(victim)!.kill("SIGKILL");
      const killedAt = Date.now();
      await new Promise((r) => children.get(victim)!.once("exit", r));
      children.delete(victim);
      // Its systems are someone else's within one poll interval (8 s real).
      let takenOverMs = Infinity;
      while (Date.now() - killedAt < 20_000) {
        const left = await pool.query("SELECT count(*) AS n FROM fleet_leases WHERE owner = $1 AND retired_at IS NULL", [victim]);
        if (Number(left.rows[0].n) === 0) {
          takenOverMs = Date.now() - killedAt;
          break;
        }
        await realWait(50);
      }
      expect(takenOverMs).toBeLessThan(CADENCE / SPEED);
      console.warn(`fleet test: leases of the killed worker taken over in ${takenOverMs} ms (real; poll interval ${CADENCE / SPEED} ms)`);
      // A worker comes back (a new process): it takes its share again, never a source another worker holds.
      await spawnWorker("w5");
      await realWait(30_000);
      const end = clock.now();
      await Promise.all(
        [...children.values()].map(async (p) => {
          p.kill("SIGTERM");
          expect(await new Promise((r) => p.once("exit", r))).toBe(0);
        }),
      );
      children.clear();

      // No source was ever polled by two workers at once.
      const polls = pollsBySource(log, new Map([[victim, killedAt]]));
      for (const [source, list] of polls) expect(overlaps(list), source).toEqual([]);
      expect([...polls.keys()].filter((s) => s.startsWith("alphaess:")).length).toBeGreaterThanOrEqual(8);
      // The victim's systems were polled by others after it died.
      expect([...polls.values()].flat().filter((p) => p.begin > killedAt && p.worker !== victim).length).toBeGreaterThan(0);

      // No reading lost, none doubled: every 5-minute bucket has a sample, from the first to 10 minutes before the end.
      for (const sn of serials.filter((s) => s !== joiner && s !== leaver)) {
        const id = `alphaess:${sn}`;
        const first = Number((await pool.query("SELECT min(t) AS t FROM samples JOIN systems USING (sid) WHERE id = $1", [id])).rows[0].t);
        expect(first, id).toBeGreaterThan(0);
        expect(await missingBuckets(id, first, end - 10 * 60_000), id).toEqual([]);
      }
      const dupes = await pool.query("SELECT count(*) AS n FROM (SELECT sid, t FROM samples GROUP BY sid, t HAVING count(*) > 1) d");
      expect(Number(dupes.rows[0].n)).toBe(0);

      // Discovery: the joiner is polled, the leaver retired with its history kept.
      const registry = await pool.query<{ source: string; retired: boolean }>(
        "SELECT source, retired_at IS NOT NULL AS retired FROM fleet_leases WHERE source = ANY($1)",
        [[`alphaess:${joiner}`, `alphaess:${leaver}`]],
      );
      expect(Object.fromEntries(registry.rows.map((r) => [r.source, r.retired]))).toEqual({
        [`alphaess:${joiner}`]: false,
        [`alphaess:${leaver}`]: true,
      });
      expect(await stored(joiner)).toBeGreaterThan(0);
      expect(await stored(leaver)).toBeGreaterThan(0);
      // The storage's systems say the same (the API and dashboard read them).
      const systems = await pool.query<{ id: string; retired: boolean }>(
        "SELECT id, retired_at IS NOT NULL AS retired FROM systems WHERE id = ANY($1)",
        [[`alphaess:${joiner}`, `alphaess:${leaver}`]],
      );
      expect(Object.fromEntries(systems.rows.map((r) => [r.id, r.retired]))).toEqual({
        [`alphaess:${joiner}`]: false,
        [`alphaess:${leaver}`]: true,
      });

      // Budgets, fleet-wide: no two requests of the AppID to one endpoint closer than AlphaESS's 10 s (its 6053), and
      // Amber's token within 50 requests in any 5 minutes (its 429).
      const byEndpoint = new Map<string, number[]>();
      for (const r of alpha.http.requests) byEndpoint.set(r.path, [...(byEndpoint.get(r.path) ?? []), r.at]);
      expect(byEndpoint.get("/api/getLastPowerData")?.length ?? 0).toBeGreaterThan(20);
      for (const [path, times] of byEndpoint) {
        const gaps = times
          .sort((a, b) => a - b)
          .slice(1)
          .map((t, i) => t - times[i]!);
        console.warn(`fleet test: ${path}: ${times.length} requests, closest two ${Math.min(...gaps)} ms apart (simulated)`);
        expect(Math.min(...gaps), path).toBeGreaterThanOrEqual(10_000);
      }
      const amberTimes = amber.http.requests.map((r) => r.at);
      expect(amberTimes.length).toBeGreaterThan(0);
      expect(busiestWindow(amberTimes, FIVE_MIN)).toBeLessThanOrEqual(50);
    } finally {
      for (const p of children.values()) p.kill("SIGKILL");
      await alpha?.close();
      await amber?.close();
    }
  }, 180_000);
});
