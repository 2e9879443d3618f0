/**
 * Storage ingest, SQLite against PostgreSQL (`npm run bench -- storage`).
 *
 * The same power-flow rows (10 systems, 10 s apart) through `Storage.insertSamples` of each backend, one call per
 * batch of 1 row (what one poll writes) and of 500 rows (a fleet worker's flush, a backfilled day), and for
 * PostgreSQL also batches of 1 with 8 calls in flight (several collectors sharing one pool). The same-run baseline
 * of each backend is its bare driver writing the same rows into the same table: better-sqlite3 prepared inserts in
 * one transaction per batch; pg with one prepared INSERT a row (batch 1) or one multi-row INSERT (batch 500).
 *
 * PostgreSQL: OPENPOWER_BENCH_PG_URL (or OPENPOWER_TEST_PG_URL) names a server whose user may create databases;
 * otherwise an embedded PostgreSQL 18 is started for the run (fsync off, like the tests: compare rates, not disks).
 * Run: npm run bench -- storage     (STORAGE_BENCH_ROWS=n changes the batch-500 row count, default 100 000)
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { PgStorage } from "../src/service/storage/postgres/storage.js";
import { SqliteStorage } from "../src/service/storage/sqlite.js";
import type { SampleRow } from "../src/service/storage/types.js";
import { startTestPostgres } from "../test/support/postgres-server.js";

const SYSTEMS = 10;

function rows(n: number): SampleRow[] {
  const t0 = Date.UTC(2026, 0, 1);
  return Array.from({ length: n }, (_, i) => ({
    system: `powertrack:S${30000 + (i % SYSTEMS)}`,
    t: t0 + Math.floor(i / SYSTEMS) * 10_000,
    pvW: (i * 37) % 5000,
    loadW: (i * 11) % 3000,
    gridW: ((i * 7) % 4000) - 2000,
    batteryW: ((i * 5) % 3000) - 1500,
    soc: (i % 100) / 100,
    evW: null,
  }));
}

function batches<T>(data: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.slice(i, i + size));
  return out;
}

/** Rows per second writing `parts`, `inFlight` calls at a time. */
async function rate(parts: SampleRow[][], inFlight: number, write: (part: SampleRow[]) => Promise<unknown>): Promise<number> {
  const n = parts.reduce((a, p) => a + p.length, 0);
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < parts.length) await write(parts[next++]!);
    }),
  );
  return n / ((performance.now() - t) / 1000);
}

async function sqliteRates(dir: string, data: SampleRow[], batch: number): Promise<{ storage: number; raw: number }> {
  const parts = batches(data, batch);
  const storage = new SqliteStorage(join(dir, `s-${batch}-${randomBytes(3).toString("hex")}.db`));
  await storage.insertSamples(parts[0]!.slice(0, 1)); // system rows exist before timing, as in a running service
  const s = await rate(parts, 1, (p) => storage.insertSamples(p));
  await storage.close();
  const bare = new SqliteStorage(join(dir, `r-${batch}-${randomBytes(3).toString("hex")}.db`)); // same schema and pragmas
  const sids = new Map(data.slice(0, SYSTEMS).map((r) => [r.system, bare.sidOf(r.system)]));
  const insert = bare.db.prepare("INSERT OR IGNORE INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  const many = bare.db.transaction((chunk: SampleRow[]) => {
    for (const r of chunk) insert.run(sids.get(r.system), r.t, r.pvW, r.loadW, r.gridW, r.batteryW, r.soc, r.evW);
  });
  const r = await rate(parts, 1, async (p) => many(p));
  await bare.close();
  return { storage: s, raw: r };
}

async function pgRates(admin: string, data: SampleRow[], batch: number, inFlight: number): Promise<{ storage: number; raw: number }> {
  const parts = batches(data, batch);
  const result = { storage: 0, raw: 0 };
  for (const side of ["storage", "raw"] as const) {
    const { url, drop } = await createDatabase(admin);
    const storage = await PgStorage.open({ url, poolSize: Math.max(inFlight, 2) });
    try {
      await storage.insertSamples(data.slice(0, SYSTEMS)); // system rows and the month's partition exist before timing
      await storage.pool.query("DELETE FROM samples");
      if (side === "storage") result.storage = await rate(parts, inFlight, (p) => storage.insertSamples(p));
      else {
        const sids = await storage.sidsOf(data.slice(0, SYSTEMS).map((r) => r.system));
        const values = (p: SampleRow[]) => p.flatMap((r) => [sids.get(r.system), r.t, r.pvW, r.loadW, r.gridW, r.batteryW, r.soc, r.evW]);
        const placeholders = (k: number) =>
          Array.from({ length: k }, (_, i) => `(${Array.from({ length: 8 }, (_, j) => `$${i * 8 + j + 1}`).join(", ")})`).join(", ");
        result.raw = await rate(parts, inFlight, (p) =>
          storage.pool.query({
            name: `bench_raw_${p.length}`,
            text: `INSERT INTO samples VALUES ${placeholders(p.length)} ON CONFLICT DO NOTHING`,
            values: values(p),
          }),
        );
      }
      const { rows: count } = await storage.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM samples");
      if (count[0]!.n !== data.length) throw new Error(`${side}: ${count[0]!.n} rows stored of ${data.length}`);
    } finally {
      await storage.close();
      await drop();
    }
  }
  return result;
}

async function createDatabase(admin: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bench_${randomBytes(5).toString("hex")}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(9);

export async function run(): Promise<void> {
  const bigN = Number(process.env.STORAGE_BENCH_ROWS ?? 100_000);
  const smallN = Math.min(5_000, bigN);
  const dir = mkdtempSync(join(tmpdir(), "openpower-bench-storage-"));
  const benchUrl = process.env.OPENPOWER_BENCH_PG_URL;
  const server = benchUrl ? { url: benchUrl, source: "OPENPOWER_BENCH_PG_URL", stop: async () => {} } : await startTestPostgres();
  try {
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    const version = (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    await c.end();
    console.log(`PostgreSQL ${version} (${server.source}); SQLite via better-sqlite3 (WAL, synchronous NORMAL) in ${tmpdir()}`);
    console.log("rows/s, best of 2 rounds; storage = Storage.insertSamples, bare = the driver alone, same rows, same table\n");
    console.log("backend      batch  in flight      rows   storage      bare  storage/bare");
    const line = (backend: string, batch: number, inFlight: number, n: number, r: { storage: number; raw: number }) =>
      console.log(
        `${backend.padEnd(11)} ${String(batch).padStart(6)} ${String(inFlight).padStart(10)} ${String(n).padStart(9)} ${fmt(r.storage)} ${fmt(r.raw)} ${(r.storage / r.raw).toFixed(2).padStart(13)}`,
      );
    const best = async (f: () => Promise<{ storage: number; raw: number }>) => {
      const a = await f();
      const b = await f();
      return { storage: Math.max(a.storage, b.storage), raw: Math.max(a.raw, b.raw) };
    };
    const small = rows(smallN);
    const big = rows(bigN);
    line("SQLite", 1, 1, smallN, await best(() => sqliteRates(dir, small, 1)));
    line("SQLite", 500, 1, bigN, await best(() => sqliteRates(dir, big, 500)));
    line("PostgreSQL", 1, 1, smallN, await best(() => pgRates(server.url, small, 1, 1)));
    line("PostgreSQL", 1, 8, smallN, await best(() => pgRates(server.url, small, 1, 8)));
    line("PostgreSQL", 500, 1, bigN, await best(() => pgRates(server.url, big, 500, 1)));
    line("PostgreSQL", 500, 4, bigN, await best(() => pgRates(server.url, big, 500, 4)));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
