import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "../../../test/support/postgres.js";
import { describeStorage, sample, T0 } from "../test-support/storage-suite.js";
import { withGroupCommit } from "./group-commit.js";
import { groupCommitFromEnv, openStorage } from "./open.js";
import { PgStorage } from "./postgres/storage.js";
import { SqliteStorage } from "./sqlite.js";
import type { RunRow, SampleRow, Storage } from "./types.js";

const dirs: string[] = [];
const databases: Array<{ drop(): Promise<void> }> = [];
afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "openpower-group-commit-"));
  dirs.push(dir);
  return join(dir, "openpower.db");
}
async function pgUrl(): Promise<string> {
  const db = await createTestDatabase("groupcommit");
  databases.push(db);
  return db.url;
}

/** A backend, and how to open it again (on the same data where it has a file or a server) and count its sample statements. */
interface Backend {
  name: string;
  open(): Promise<{ storage: Storage; reopen: (() => Promise<Storage>) | undefined; sampleStatements(): number }>;
}

const backends: Backend[] = [
  {
    name: "SQLite in memory",
    async open() {
      const storage = new SqliteStorage(":memory:");
      // One transaction per insertSampleBatches call (better-sqlite3 is synchronous: a call is a transaction).
      const spy = vi.spyOn(storage, "insertSampleBatches");
      return { storage, reopen: undefined, sampleStatements: () => spy.mock.calls.length };
    },
  },
  {
    name: "SQLite file",
    async open() {
      const file = tempFile();
      const storage = new SqliteStorage(file);
      const spy = vi.spyOn(storage, "insertSampleBatches");
      return { storage, reopen: async () => new SqliteStorage(file), sampleStatements: () => spy.mock.calls.length };
    },
  },
  {
    name: "PostgreSQL",
    async open() {
      const url = await pgUrl();
      const storage = await PgStorage.open({ url, poolSize: 4 });
      // Every statement of the storage goes through pool.query (partitions use pool.connect, and none is needed here).
      const spy = vi.spyOn(storage.pool, "query");
      const sampleStatements = () =>
        spy.mock.calls.filter(([q]) => /INSERT INTO samples/.test(typeof q === "string" ? q : (q as { text: string }).text)).length;
      return { storage, reopen: () => PgStorage.open({ url }), sampleStatements };
    },
  },
];

// The whole storage contract holds through the wrapper.
describeStorage("SQLite in memory, group commit", async () => withGroupCommit(new SqliteStorage(":memory:"), { maxDelayMs: 1 }));
describeStorage("PostgreSQL, group commit", async () => withGroupCommit(await PgStorage.open({ url: await pgUrl() }), { maxDelayMs: 1 }));

const at = (system: string, t: number, pvW = 1000): SampleRow => ({ ...sample(t, pvW), system });
const MARCH = Date.UTC(2026, 2, 3);

describe.each(backends)("group commit on $name", (backend) => {
  const opened: Storage[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  const open = async () => {
    const b = await backend.open();
    opened.push(b.storage);
    return b;
  };

  it("turns 16 concurrent insertSamples calls into one statement, each caller told about its own row", async () => {
    const { storage, sampleStatements } = await open();
    await storage.insertSamples([at("alphaess:A", T0), at("goodwe:G", MARCH)]); // systems exist; one stored row
    const before = sampleStatements();
    const grouped = withGroupCommit(storage, { maxDelayMs: 60_000, maxRows: 16 });
    // 16 single rows: two systems, two months, a copy of a stored row and copies among the callers.
    const calls = Array.from({ length: 16 }, (_, i) => [at(i % 2 ? "alphaess:A" : "goodwe:G", (i % 4 < 2 ? T0 : MARCH) + (i % 6) * 1000)]);
    const counts = await Promise.all(calls.map((rows) => grouped.insertSamples(rows)));
    expect(sampleStatements() - before).toBe(1);
    // What a serial run gives: a row is new the first time its (system, t) is written.
    const seen = new Set([`alphaess:A ${T0}`, `goodwe:G ${MARCH}`]);
    const serial = calls.map(([r]) => (seen.has(`${r!.system} ${r!.t}`) ? 0 : (seen.add(`${r!.system} ${r!.t}`), 1)));
    expect(counts).toEqual(serial);
    expect(serial).toContain(0);
    expect(
      (await storage.samples("alphaess:A", T0, MARCH + 86_400_000)).t.length +
        (await storage.samples("goodwe:G", T0, MARCH + 86_400_000)).t.length,
    ).toBe(seen.size);
  });

  it("rejects every caller of a failed write with its error, stores none of that write, and the next write works", async () => {
    const { storage } = await open();
    const grouped = withGroupCommit(storage, { maxDelayMs: 60_000, maxRows: 3 });
    const bad = { ...at("alphaess:A", T0 + 2000), pvW: {} as unknown as number };
    const results = await Promise.allSettled([
      grouped.insertSamples([at("alphaess:A", T0)]),
      grouped.insertSamples([bad]),
      grouped.insertSamples([at("alphaess:A", T0 + 1000)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    const reasons = results.map((r) => (r as PromiseRejectedResult).reason as Error);
    expect(reasons[0]).toBeInstanceOf(Error);
    expect(reasons[1]).toBe(reasons[0]);
    expect(reasons[2]).toBe(reasons[0]);
    expect((await storage.samples("alphaess:A", T0, T0 + 60_000)).t).toEqual([]);
    const next = await Promise.all([
      grouped.insertSamples([at("alphaess:A", T0)]),
      grouped.insertSamples([at("alphaess:A", T0 + 1000)]),
      grouped.insertSamples([at("alphaess:A", T0)]),
    ]);
    expect(next).toEqual([1, 1, 0]);
  });

  it("rejects the callers of a write to a closed backend, typed as the backend's error", async () => {
    const { storage } = await open();
    const grouped = withGroupCommit(storage, { maxDelayMs: 0 });
    await storage.close();
    const results = await Promise.allSettled([
      grouped.insertSamples([at("alphaess:A", T0)]),
      grouped.insertSamples([at("alphaess:A", T0 + 1)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason).toBe((results[1] as PromiseRejectedResult).reason);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
  });

  it("sends at maxRows without waiting for the delay; close sends what is queued, then closes", async () => {
    const { storage, reopen, sampleStatements } = await open();
    await storage.insertSamples([at("alphaess:A", T0 - 1000)]);
    const grouped = withGroupCommit(storage, { maxDelayMs: 60_000, maxRows: 4 });
    const before = sampleStatements();
    // The delay is a minute: these resolve only because four rows fill a write.
    expect(await Promise.all([0, 1, 2, 3].map((i) => grouped.insertSamples([at("alphaess:A", T0 + i * 1000)])))).toEqual([1, 1, 1, 1]);
    expect(sampleStatements() - before).toBe(1);
    const run: RunRow = {
      source: "alphaess:A",
      kind: "poll",
      startedAt: 1,
      finishedAt: 2,
      ok: true,
      items: 1,
      errorClass: null,
      error: null,
    };
    const queued = [
      grouped.insertSamples([at("alphaess:A", T0 + 9000)]),
      grouped.insertSamples([at("alphaess:A", T0)]),
      grouped.recordRun(run),
    ];
    let settled = false;
    void Promise.all(queued).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false); // waiting for company
    opened.splice(opened.indexOf(storage), 1);
    await grouped.close();
    expect(await Promise.all(queued)).toEqual([1, 0, undefined]);
    if (reopen) {
      const again = await reopen();
      opened.push(again);
      expect((await again.samples("alphaess:A", T0 - 1000, T0 + 60_000)).t).toHaveLength(6);
      expect((await again.runSummary()).map((r) => r.last)).toEqual([run]);
    }
  });

  it("upserts concurrent energy reads as one write, each caller told about its own row", async () => {
    const { storage } = await open();
    const grouped = withGroupCommit(storage, { maxDelayMs: 0 });
    const spy = vi.spyOn(storage, "upsertEnergyBatches");
    const e = { date: "2026-01-01", pvKwh: 1, loadKwh: 2, importKwh: 0, exportKwh: 0, chargeKwh: 0, dischargeKwh: null };
    const counts = await Promise.all([
      grouped.upsertEnergy([{ ...e, system: "alphaess:A", readAt: 2 }]),
      grouped.upsertEnergy([{ ...e, system: "goodwe:G", readAt: 2 }]),
      grouped.upsertEnergy([{ ...e, system: "alphaess:A", pvKwh: 9, readAt: 1 }]), // older than the first: not written
      grouped.upsertEnergy([{ ...e, system: "goodwe:G", pvKwh: 3, readAt: 3 }]),
    ]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(counts).toEqual([1, 1, 0, 1]);
    expect((await storage.energy("goodwe:G", "2026-01-01", "2026-01-01"))[0]?.pvKwh).toBe(3);
    expect((await storage.energy("alphaess:A", "2026-01-01", "2026-01-01"))[0]?.pvKwh).toBe(1);
  });

  it("records concurrent runs as one write, in the order they were called", async () => {
    const { storage } = await open();
    const grouped = withGroupCommit(storage, { maxDelayMs: 0 });
    const spy = vi.spyOn(storage, "recordRuns");
    const run = (i: number): RunRow => ({
      source: "s",
      kind: "poll",
      startedAt: i,
      finishedAt: i,
      ok: i % 2 === 0,
      items: i,
      errorClass: null,
      error: null,
    });
    await Promise.all([0, 1, 2, 3, 4].map((i) => grouped.recordRun(run(i))));
    expect(spy).toHaveBeenCalledTimes(1);
    const [summary] = await storage.runSummary();
    expect(summary?.last).toEqual(run(4));
    expect(summary?.lastOk).toEqual(run(4));
    expect(summary?.errors).toBe(2);
  });
});

/**
 * Any interleaving of concurrent callers (each writing a few rows, some calls later than others, grouped into writes
 * however the timing falls) stores exactly the union of their rows, the first-written value of each, and tells each
 * caller what a serial run in call order tells it.
 */
async function interleavings(open: () => Promise<Storage>, runs: number): Promise<void> {
  let round = 0;
  const keyRow = fc.record({
    system: fc.constantFrom("a", "b"),
    slot: fc.integer({ min: 0, max: 5 }),
    pvW: fc.integer({ min: 0, max: 9 }),
  });
  const call = fc.record({ rows: fc.array(keyRow, { minLength: 0, maxLength: 4 }), wait: fc.integer({ min: 0, max: 3 }) });
  await fc.assert(
    fc.asyncProperty(
      fc.array(call, { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 1, max: 6 }),
      async (calls, delay, maxRows) => {
        const prefix = `r${round++}`;
        const storage = await open();
        const grouped = withGroupCommit(storage, { maxDelayMs: delay, maxRows });
        try {
          const rowOf = (r: { system: string; slot: number; pvW: number }): SampleRow =>
            at(`${prefix}:${r.system}`, (r.slot % 2 ? MARCH : T0) + r.slot * 1000, r.pvW);
          const order: number[] = [];
          const counts = await Promise.all(
            calls.map(async (c, i) => {
              for (let w = 0; w < c.wait; w++) await new Promise((r) => setImmediate(r));
              order.push(i);
              return grouped.insertSamples(c.rows.map(rowOf));
            }),
          );
          // The serial run, in the order the calls were made.
          const stored = new Map<string, SampleRow>();
          const expected: number[] = new Array<number>(calls.length).fill(0);
          for (const i of order)
            for (const row of calls[i]!.rows.map(rowOf)) {
              const key = `${row.system} ${row.t}`;
              if (stored.has(key)) continue;
              stored.set(key, row);
              expected[i]!++;
            }
          expect(counts).toEqual(expected);
          for (const system of ["a", "b"]) {
            const got = await storage.samples(`${prefix}:${system}`, T0, MARCH + 86_400_000);
            const want = [...stored.values()].filter((r) => r.system === `${prefix}:${system}`).sort((x, y) => x.t - y.t);
            expect(got.t).toEqual(want.map((r) => r.t));
            expect(got.pvW).toEqual(want.map((r) => r.pvW));
          }
        } finally {
          await grouped.flush();
        }
      },
    ),
    { numRuns: runs },
  );
}

describe("group commit: any interleaving", () => {
  it("on SQLite stores the union of the rows and tells each caller its serial count", async () => {
    const storage = new SqliteStorage(":memory:");
    try {
      await interleavings(async () => storage, 150);
    } finally {
      await storage.close();
    }
  });

  it("on PostgreSQL stores the union of the rows and tells each caller its serial count", async () => {
    const storage = await PgStorage.open({ url: await pgUrl(), poolSize: 4 });
    try {
      await interleavings(async () => storage, 30);
    } finally {
      await storage.close();
    }
  });
});

describe("group commit on PostgreSQL: partitions", () => {
  it("a batch mixing months whose partition another process dropped is retried once and counted per caller", async () => {
    const storage = await PgStorage.open({ url: await pgUrl(), poolSize: 4 });
    try {
      const may = Date.UTC(2026, 4, 10);
      await storage.insertSamples([at("alphaess:A", may), at("goodwe:G", T0)]); // this process now knows May's partition
      // Another process (an operator, a tool) drops May: the next insert into it fails with 23514 (no partition for the row).
      await storage.pool.query("DROP TABLE samples_p202605");
      const spy = vi.spyOn(storage.pool, "query");
      const grouped = withGroupCommit(storage, { maxDelayMs: 60_000, maxRows: 3 });
      const counts = await Promise.all([
        grouped.insertSamples([at("alphaess:A", may + 1000)]),
        grouped.insertSamples([at("goodwe:G", T0), at("goodwe:G", MARCH)]),
      ]);
      const inserts = spy.mock.calls.filter(([q]) => /INSERT INTO samples/.test(typeof q === "string" ? q : (q as { text: string }).text));
      expect(inserts).toHaveLength(2); // the batch, and its one retry once May exists again
      expect(counts).toEqual([1, 1]);
      expect((await storage.samples("alphaess:A", may, may + 60_000)).t).toEqual([may + 1000]);
      expect((await storage.samples("goodwe:G", T0, MARCH + 1)).t).toEqual([T0, MARCH]);
    } finally {
      await storage.close();
    }
  });
});

describe("where group commit is on", () => {
  it("openStorage groups PostgreSQL writes by default, SQLite writes when asked, and neither when turned off", async () => {
    const url = await pgUrl();
    const pgDefault = await openStorage({ url });
    const pgOff = await openStorage({ url, groupCommit: false });
    const lite = await openStorage({ file: ":memory:" });
    const liteOn = await openStorage({ file: ":memory:", groupCommit: { maxDelayMs: 1 } });
    try {
      expect("flush" in pgDefault && typeof pgDefault.flush).toBe("function");
      expect(pgDefault).toBeInstanceOf(PgStorage); // the wrapper keeps the backend's identity and fields
      expect(typeof (pgOff as Partial<{ flush: unknown }>).flush).toBe("undefined");
      expect(typeof (lite as Partial<{ flush: unknown }>).flush).toBe("undefined");
      expect(typeof (liteOn as Partial<{ flush: unknown }>).flush).toBe("function");
      expect(await Promise.all([liteOn.insertSamples([sample(T0)]), liteOn.insertSamples([sample(T0)])])).toEqual([1, 0]);
    } finally {
      for (const s of [pgDefault, pgOff, lite, liteOn]) await s.close();
    }
  });

  it("reads OPENPOWER_STORAGE_GROUP_COMMIT", () => {
    expect(groupCommitFromEnv(undefined)).toBeUndefined();
    expect(groupCommitFromEnv("")).toBeUndefined();
    expect(groupCommitFromEnv("off")).toBe(false);
    expect(groupCommitFromEnv("0")).toEqual({ maxDelayMs: 0 });
    expect(groupCommitFromEnv("on")).toEqual({});
    expect(groupCommitFromEnv("2")).toEqual({ maxDelayMs: 2 });
    expect(() => groupCommitFromEnv("soon")).toThrow(/OPENPOWER_STORAGE_GROUP_COMMIT/);
  });
});
