/**
 * Service benchmarks (`npm run bench -- service`).
 *
 * 1. Ingest: the same power-flow rows into SQLite through `SqliteStorage.insertSamples` and through
 *    bare better-sqlite3 prepared inserts into the same table, in the same run. Two batch sizes: one
 *    row a transaction (what one poll writes) and 1 000 a transaction (a backfilled day of a fleet).
 *    Target: storage rate / raw rate >= 0.8.
 * 2. One year of 5-minute samples of one system (105 120 rows): GET /api/v1/systems/{id}/history over a
 *    real socket (to the last byte of the body) against the bare SQL query of the same rows. Target <= 1.5.
 * 3. Memory: the collector on a manual clock over 30 simulated days, (a) one home polled every 10 s,
 *    (b) 1 000 PowerTrack sites every 15 minutes; fake in-process systems (no sockets) so that only the
 *    service's own memory is measured. Heap after a full GC at day 1, 10, 20 and 30: flat, not growing.
 *
 * Run: npm run bench -- service      (SERVICE_BENCH_DAYS=n shortens part 3)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { VendorSession } from "../src/cli/vendors/types.js";
import { systemClock } from "../src/core/clock.js";
import type { EnergySystem, PowerFlow } from "../src/model/types.js";
import { Collector } from "../src/service/collector/collector.js";
import { startService } from "../src/service/service.js";
import { SqliteStorage } from "../src/service/storage/sqlite.js";
import type { SampleRow } from "../src/service/storage/types.js";
import { VirtualClock } from "../src/sim/kernel.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const DAY = 86_400_000;
const FIVE_MIN = 300_000;

function rows(n: number, systems: number, t0: number): SampleRow[] {
  return Array.from({ length: n }, (_, i) => ({
    system: `powertrack:S${30000 + (i % systems)}`,
    t: t0 + Math.floor(i / systems) * 10_000,
    pvW: (i * 37) % 5000,
    loadW: (i * 11) % 3000,
    gridW: ((i * 7) % 4000) - 2000,
    batteryW: ((i * 5) % 3000) - 1500,
    soc: (i % 100) / 100,
    evW: null,
  }));
}

async function ingest(dir: string, batch: number, n: number): Promise<{ storage: number; raw: number }> {
  const data = rows(n, 10, Date.UTC(2026, 0, 1));
  const best = { storage: 0, raw: 0 };
  // Three alternating rounds, best of each, so that neither side gets the warmer cache or the quieter moment.
  for (let round = 0; round < 3; round++) {
    const storage = new SqliteStorage(join(dir, `ingest-${batch}-${round}.db`));
    for (const r of data.slice(0, 10)) storage.sidOf(r.system);
    let t = performance.now();
    for (let i = 0; i < data.length; i += batch) await storage.insertSamples(data.slice(i, i + batch));
    best.storage = Math.max(best.storage, n / ((performance.now() - t) / 1000));
    await storage.close();

    const rawStore = new SqliteStorage(join(dir, `raw-${batch}-${round}.db`)); // same schema, same pragmas
    const sids = new Map(data.slice(0, 10).map((r) => [r.system, rawStore.sidOf(r.system)]));
    const insert = rawStore.db.prepare("INSERT OR IGNORE INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const many = rawStore.db.transaction((chunk: SampleRow[]) => {
      for (const r of chunk) insert.run(sids.get(r.system), r.t, r.pvW, r.loadW, r.gridW, r.batteryW, r.soc, r.evW);
    });
    t = performance.now();
    for (let i = 0; i < data.length; i += batch) many(data.slice(i, i + batch));
    best.raw = Math.max(best.raw, n / ((performance.now() - t) / 1000));
    await rawStore.close();
  }
  return best;
}

async function yearQuery(dir: string): Promise<void> {
  const file = join(dir, "year.db");
  const storage = new SqliteStorage(file);
  const id = "alphaess:AL0000000000001";
  const t0 = Date.UTC(2025, 0, 1);
  const n = (365 * DAY) / FIVE_MIN;
  const year: SampleRow[] = Array.from({ length: n }, (_, i) => ({
    system: id,
    t: t0 + i * FIVE_MIN,
    pvW: i % 5000,
    loadW: 800.5,
    gridW: -200,
    batteryW: 100,
    soc: 0.55,
    evW: null,
  }));
  await storage.insertSamples(year);
  await storage.upsertSystems([
    {
      id,
      vendor: "alphaess",
      device: "AL0000000000001",
      name: null,
      timeZone: "Australia/Sydney",
      capabilities: [],
      cadenceMs: 10_000,
      lastSeen: null,
    },
  ]);
  const service = await startService({ storage, sessions: [], clock: systemClock, port: 0, processMetrics: false, retentionDays: 3650 });
  const sid = storage.sidOf(id);
  const bare = storage.db
    .prepare("SELECT t, pv_w, load_w, grid_w, battery_w, soc, ev_w FROM samples WHERE sid = ? AND t >= ? AND t < ? ORDER BY t")
    .raw();
  const url = `${service.url}/api/v1/systems/${id}/history?from=${t0}&to=${t0 + 365 * DAY}`;
  const times = { sql: [] as number[], api: [] as number[] };
  let bytes = 0;
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    const got = bare.all(sid, t0, t0 + 365 * DAY) as unknown[];
    times.sql.push(performance.now() - t);
    if (got.length !== n) throw new Error(`bare SQL returned ${got.length} rows`);
    t = performance.now();
    const body = await (await fetch(url)).text();
    times.api.push(performance.now() - t);
    bytes = body.length;
  }
  await service.stop();
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
  const sql = median(times.sql);
  const api = median(times.api);
  console.log(
    `one year of 5-minute samples (${n} rows, ${(bytes / 1e6).toFixed(1)} MB JSON): bare SQL ${sql.toFixed(1)} ms, API ${api.toFixed(1)} ms (median of 7), ratio ${(api / sql).toFixed(2)} (target <= 1.5)`,
  );
}

function fakeSession(vendor: "alphaess" | "powertrack", count: number, clock: VirtualClock): VendorSession {
  const systems: EnergySystem[] = Array.from({ length: count }, (_, i) => ({
    vendor,
    id: `${vendor === "powertrack" ? "S" : "AL"}${100000 + i}`,
    timeZone: "Australia/Sydney",
    async getPowerFlow(): Promise<PowerFlow> {
      const t = clock.now();
      return {
        pvW: (t / 1000) % 5000,
        loadW: 700,
        gridW: -100,
        batteryW: 50,
        soc: 0.5,
        observedAt: new Date(t),
        source: { vendor, device: this.id },
      };
    },
    getEnergyTotals: () => Promise.reject(new Error("not used")),
  }));
  return { vendor, client: null, systems: async () => systems, refreshIntervalMs: () => 0, now: () => clock.now(), async close() {} };
}

async function memory(dir: string, label: string, vendor: "alphaess" | "powertrack", count: number, days: number): Promise<void> {
  const clock = new VirtualClock({ mode: "manual", start: Date.UTC(2026, 0, 1) });
  const storage = new SqliteStorage(join(dir, `memory-${vendor}.db`));
  const collector = new Collector({ storage, clock, sessions: [fakeSession(vendor, count, clock)], retentionDays: 7 });
  let polls = 0;
  collector.on("poll", () => polls++);
  await collector.start();
  const heap: string[] = [];
  const started = performance.now();
  for (let day = 1; day <= days; day++) {
    for (let m = 0; m < 24 * 4; m++) await clock.advance(15 * 60_000);
    if (day === 1 || day % 10 === 0 || day === days) {
      gc();
      heap.push(`day ${day}: ${(process.memoryUsage().heapUsed / 1e6).toFixed(1)} MB`);
    }
  }
  await collector.stop();
  await storage.close();
  console.log(
    `${label}: ${polls} polls in ${((performance.now() - started) / 1000).toFixed(1)} s; heap after GC ${heap.join(", ")}; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
  );
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "openpower-bench-service-"));
  try {
    for (const [batch, n] of (process.env.SERVICE_BENCH_ONLY
      ? []
      : [
          [1, 50_000],
          [1000, 500_000],
        ]) as [number, number][]) {
      const r = await ingest(dir, batch, n);
      console.log(
        `ingest, ${batch} row(s) a transaction, ${n} rows: storage ${Math.round(r.storage)} rows/s, raw better-sqlite3 ${Math.round(r.raw)} rows/s, ratio ${(r.storage / r.raw).toFixed(2)} (target >= 0.8)`,
      );
    }
    if (!process.env.SERVICE_BENCH_ONLY) await yearQuery(dir);
    const days = Number(process.env.SERVICE_BENCH_DAYS ?? 30);
    const only = process.env.SERVICE_BENCH_ONLY; // "home" or "fleet"
    if (only !== "fleet") await memory(dir, `one home (2 systems, 10 s), ${days} days`, "alphaess", 2, days);
    if (only !== "home") await memory(dir, `1 000 PowerTrack sites (15 min), ${days} days`, "powertrack", 1000, days);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
