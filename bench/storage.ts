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
 * Then one year of 5-minute samples of one system (105 120 rows) read back as the history endpoint's JSON
 * (`samplesJson`, built by each database) from each backend: milliseconds, best of 3.
 * Then concurrent single-row writers, like a fleet worker's polls (each poll writes its sample and then its run
 * record; 1, 16 and 256 polls in flight): each backend without group commit, then with it (`withGroupCommit`, 500 rows)
 * at a 0 ms delay (the default) and at 5 ms, same run, same rows.
 * Run: npm run bench -- storage     (STORAGE_BENCH_ROWS=n changes the batch-500 row count, default 100 000;
 *      STORAGE_BENCH_CONCURRENT_ONLY=1 runs only the concurrent-writers part)
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { withGroupCommit } from "../src/service/storage/group-commit.js";
import { PgStorage } from "../src/service/storage/postgres/storage.js";
import { SqliteStorage } from "../src/service/storage/sqlite.js";
import type { SampleRow, Storage } from "../src/service/storage/types.js";
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

/** Group commit's settings compared: none (each call its own statement), then these delays. */
const GROUPINGS = [undefined, 0, 5] as const;

/**
 * Polls per second of `writers` concurrent pollers, each poll `insertSamples([row])` then `recordRun`, on a fresh
 * storage per grouping. Checks every row arrived and every caller was told its row was new.
 */
async function pollWriters(
  open: () => Promise<{ storage: Storage; done(): Promise<void> }>,
  data: SampleRow[],
  writers: number,
): Promise<number[]> {
  const result: number[] = [];
  for (const delay of GROUPINGS) {
    const { storage: backend, done } = await open();
    try {
      await backend.insertSamples(data.slice(0, SYSTEMS).map((r) => ({ ...r, t: r.t - 86_400_000 }))); // systems and month exist
      const storage = delay === undefined ? backend : withGroupCommit(backend, { maxDelayMs: delay, maxRows: 500 });
      let told = 0;
      result.push(
        await rate(batches(data, 1), writers, async ([row]) => {
          const added = await storage.insertSamples([row!]); // not `told += await`: that reads told before the await
          told += added;
          await storage.recordRun({
            source: row!.system,
            kind: "poll",
            startedAt: row!.t,
            finishedAt: row!.t,
            ok: true,
            items: 1,
            errorClass: null,
            error: null,
          });
        }),
      );
      if (told !== data.length) throw new Error(`${delay ?? "ungrouped"}: ${told} callers told "new" of ${data.length}`);
      const stored = (
        await Promise.all(data.slice(0, SYSTEMS).map((r) => backend.samples(r.system, data[0]!.t, data.at(-1)!.t + 1)))
      ).reduce((a, c) => a + c.t.length, 0);
      if (stored !== data.length) throw new Error(`${delay ?? "ungrouped"}: ${stored} rows stored of ${data.length}`);
    } finally {
      await done();
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

async function yearJson(storage: Storage): Promise<{ ms: number; bytes: number }> {
  const t0 = Date.UTC(2025, 0, 1);
  const n = 105_120;
  const year: SampleRow[] = Array.from({ length: n }, (_, i) => ({
    system: "alphaess:AL0000000000001",
    t: t0 + i * 300_000,
    pvW: (i * 37) % 5000,
    loadW: 300 + (i % 700),
    gridW: ((i * 7) % 4000) - 2000,
    batteryW: null,
    soc: (i % 100) / 100,
    evW: null,
  }));
  for (const part of batches(year, 5000)) await storage.insertSamples(part);
  let best = { ms: Infinity, bytes: 0 };
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    const { count, json } = await storage.samplesJson(year[0]!.system, t0, t0 + 366 * 86_400_000);
    const ms = performance.now() - t;
    if (count !== n) throw new Error(`year: ${count} rows of ${n}`);
    if (ms < best.ms) best = { ms, bytes: json.length };
  }
  return best;
}

type Rates = { storage: number; raw: number };

/** Batches of 1 and 500 rows through each backend against its bare driver. */
async function ingest(
  line: (backend: string, batch: number, inFlight: number, n: number, r: Rates) => void,
  best: (f: () => Promise<Rates>) => Promise<Rates>,
  dir: string,
  url: string,
  small: SampleRow[],
  big: SampleRow[],
  smallN: number,
  bigN: number,
): Promise<void> {
  console.log("rows/s, best of 2 rounds; storage = Storage.insertSamples, bare = the driver alone, same rows, same table\n");
  console.log("backend      batch  in flight      rows   storage      bare  storage/bare");
  line("SQLite", 1, 1, smallN, await best(() => sqliteRates(dir, small, 1)));
  line("SQLite", 500, 1, bigN, await best(() => sqliteRates(dir, big, 500)));
  line("PostgreSQL", 1, 1, smallN, await best(() => pgRates(url, small, 1, 1)));
  line("PostgreSQL", 1, 8, smallN, await best(() => pgRates(url, small, 1, 8)));
  line("PostgreSQL", 500, 1, bigN, await best(() => pgRates(url, big, 500, 1)));
  line("PostgreSQL", 500, 4, bigN, await best(() => pgRates(url, big, 500, 4)));
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
    const concurrentOnly = process.env.STORAGE_BENCH_CONCURRENT_ONLY === "1";
    if (!concurrentOnly) await ingest(line, best, dir, server.url, small, big, smallN, bigN);
    console.log(`\nconcurrent single-row writers (a fleet worker's polls: insertSamples of one row, then recordRun), ${smallN} polls`);
    console.log(
      "polls/s (= sample rows/s), best of 2; ungrouped = each call its own statement; grouped = withGroupCommit(delay, 500 rows)\n",
    );
    console.log("backend      writers  ungrouped  grouped 0 ms  grouped 5 ms   0 ms/ungrouped  5 ms/ungrouped");
    const writersLine = (backend: string, writers: number, r: number[]) =>
      console.log(
        `${backend.padEnd(11)} ${String(writers).padStart(8)} ${fmt(r[0]!)}     ${fmt(r[1]!)}     ${fmt(r[2]!)} ${(r[1]! / r[0]!).toFixed(2).padStart(16)} ${(r[2]! / r[0]!).toFixed(2).padStart(15)}`,
      );
    const bestOf2 = async (f: () => Promise<number[]>) => {
      const a = await f();
      const b = await f();
      return a.map((x, i) => Math.max(x, b[i]!));
    };
    const sqlite = async () => {
      const storage = new SqliteStorage(join(dir, `w-${randomBytes(3).toString("hex")}.db`));
      return { storage, done: () => storage.close() };
    };
    const postgres = async () => {
      const db = await createDatabase(server.url);
      const storage = await PgStorage.open({ url: db.url }); // the default pool of 10, as a worker has
      return { storage, done: () => storage.close().then(() => db.drop()) };
    };
    for (const writers of [1, 16, 256]) writersLine("SQLite", writers, await bestOf2(() => pollWriters(sqlite, small, writers)));
    for (const writers of [1, 16, 256]) writersLine("PostgreSQL", writers, await bestOf2(() => pollWriters(postgres, small, writers)));
    if (concurrentOnly) return;

    console.log("\none year of 5-minute samples (105 120 rows) as the history JSON, best of 3");
    const lite = new SqliteStorage(join(dir, "year.db"));
    const l = await yearJson(lite);
    await lite.close();
    const yearDb = await createDatabase(server.url);
    const pgs = await PgStorage.open({ url: yearDb.url });
    const p = await yearJson(pgs).finally(() => pgs.close());
    await yearDb.drop();
    console.log(`SQLite      ${l.ms.toFixed(0).padStart(5)} ms  ${l.bytes.toLocaleString("en-US")} bytes`);
    console.log(`PostgreSQL  ${p.ms.toFixed(0).padStart(5)} ms  ${p.bytes.toLocaleString("en-US")} bytes`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
