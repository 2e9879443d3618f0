import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/postgres.js";
import { describeStorage, sample, T0 } from "../../test-support/storage-suite.js";
import { describeStorageLocation, openStorage } from "../open.js";
import { migratePg, PG_MIGRATIONS, PG_SCHEMA_VERSION } from "./migrations.js";
import { listPartitions } from "./partitions.js";
import { PgStorage } from "./storage.js";

const databases: Array<{ drop(): Promise<void> }> = [];
afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
});
async function database(): Promise<string> {
  const db = await createTestDatabase("storage");
  databases.push(db);
  return db.url;
}

describeStorage("PostgreSQL", async () => PgStorage.open({ url: await database() }));

const MONTH = (m: number, day = 1) => Date.UTC(2026, m, day);

describe("PgStorage only", () => {
  it("creates a partition for each month written, and the current and next month at startup", async () => {
    const s = await PgStorage.open({ url: await database() });
    try {
      await s.insertSamples([sample(MONTH(0, 5)), sample(MONTH(3, 1) + 3_600_000), sample(MONTH(2, 1))]);
      const names = (await listPartitions(s.pool)).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(["samples_p202601", "samples_p202603", "samples_p202604"]));
      expect(names).not.toContain("samples_p202602");
      const now = new Date();
      const current = `samples_p${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
      expect(names).toContain(current);
      // Each row sits in its month's partition.
      const { rows } = await s.pool.query<{ part: string; n: number }>(
        "SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM samples GROUP BY 1 ORDER BY 1",
      );
      expect(rows).toEqual([
        { part: "samples_p202601", n: 1 },
        { part: "samples_p202603", n: 1 },
        { part: "samples_p202604", n: 1 },
      ]);
    } finally {
      await s.close();
    }
  });

  it("drops whole months past retention by detaching their partitions, keeping their 30-minute aggregates", async () => {
    const s = await PgStorage.open({ url: await database() });
    try {
      const rows = [0, 1, 2].flatMap((m) => [sample(MONTH(m, 10), 100 * (m + 1)), sample(MONTH(m, 10) + 600_000, 100 * (m + 1) + 50)]);
      expect(await s.insertSamples(rows)).toBe(6);
      expect(await s.applyRetention(MONTH(2, 10) + 300_000)).toBe(4); // Jan and Feb whole, March's rows not yet
      const names = (await listPartitions(s.pool)).map((p) => p.name);
      expect(names).not.toContain("samples_p202601");
      expect(names).not.toContain("samples_p202602");
      expect(names).toContain("samples_p202603");
      const { rows: tables } = await s.pool.query("SELECT 1 FROM pg_class WHERE relname IN ('samples_p202601', 'samples_p202602')");
      expect(tables).toHaveLength(0); // dropped, not only detached
      const history = await s.samples("alphaess:AL1", MONTH(0), MONTH(3));
      expect(history.t).toEqual([MONTH(0, 10), MONTH(1, 10), MONTH(2, 10), MONTH(2, 10) + 600_000]);
      expect(history.pvW).toEqual([125, 225, 300, 350]);
      // A late copy of a dropped month is not stored again, and brings no partition back.
      expect(await s.insertSamples([sample(MONTH(0, 10), 999)])).toBe(0);
      expect((await listPartitions(s.pool)).map((p) => p.name)).not.toContain("samples_p202601");
    } finally {
      await s.close();
    }
  });

  it("two workers migrating one empty database at once both succeed, and it is migrated once", async () => {
    const url = await database();
    const [a, b, c] = await Promise.all([PgStorage.open({ url }), PgStorage.open({ url }), PgStorage.open({ url })]);
    try {
      expect([a!.schemaVersion, b!.schemaVersion, c!.schemaVersion]).toEqual([PG_SCHEMA_VERSION, PG_SCHEMA_VERSION, PG_SCHEMA_VERSION]);
      const { rows } = await a!.pool.query<{ value: number }>("SELECT value FROM openpower_meta WHERE key = 'schema_version'");
      expect(rows).toEqual([{ value: PG_SCHEMA_VERSION }]);
      // They share the data: one writes, the other reads it, and a sample of a new system written by both at once is one row.
      await Promise.all([a!.insertSamples([sample(T0)]), b!.insertSamples([sample(T0)]), c!.insertSamples([sample(T0)])]);
      expect((await b!.samples("alphaess:AL1", T0, T0 + 1)).t).toEqual([T0]);
      expect(await c!.listSystems()).toHaveLength(1);
    } finally {
      await Promise.all([a!.close(), b!.close(), c!.close()]);
    }
  });

  it("another worker's retention stops this one storing a sample it already folded", async () => {
    const url = await database();
    const [a, b] = await Promise.all([PgStorage.open({ url }), PgStorage.open({ url })]);
    try {
      await a.insertSamples([sample(T0), sample(T0 + 3_600_000)]);
      expect(await b.applyRetention(T0 + 1_800_000)).toBe(1);
      expect(await a.insertSamples([sample(T0 + 60_000)])).toBe(0);
      expect(await a.insertSamples([sample(T0 + 3_660_000)])).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("loses no sample written by other workers while retention folds and drops: each one is folded, kept or refused", async () => {
    const url = await database();
    const [writer1, writer2, keeper] = await Promise.all([PgStorage.open({ url }), PgStorage.open({ url }), PgStorage.open({ url })]);
    try {
      // Two writers, each its own systems, a sample a minute over January 31 and February 1 (two partitions), in
      // small batches, while the third worker folds everything before Feb 1 00:30 (dropping January whole) again and again.
      const start = MONTH(1) - 3_600_000;
      const write = async (w: PgStorage, system: string) => {
        let stored = 0;
        for (let i = 0; i < 120; i += 3)
          stored += await w.insertSamples([0, 1, 2].map((k) => ({ ...sample(start + (i + k) * 60_000, i + k), system })));
        return stored;
      };
      const retention = async () => {
        let folded = 0;
        for (let i = 0; i < 6; i++) folded += await keeper.applyRetention(MONTH(1) + 1_800_000);
        return folded;
      };
      const [a, b, c, folded] = await Promise.all([write(writer1, "x:A"), write(writer2, "x:B"), write(writer1, "x:C"), retention()]);
      const { rows } = await keeper.pool.query<{ aggregated: number; raw: number }>(
        "SELECT (SELECT coalesce(sum(n), 0)::int FROM samples_30m) AS aggregated, (SELECT count(*)::int FROM samples) AS raw",
      );
      expect(rows[0]!.aggregated).toBe(folded);
      expect(rows[0]!.aggregated + rows[0]!.raw).toBe(a + b + c);
      expect(rows[0]!.raw).toBeGreaterThan(0);
    } finally {
      await Promise.all([writer1.close(), writer2.close(), keeper.close()]);
    }
  });

  it("recreates a month's partition that was dropped behind this process's back, and stores the row", async () => {
    const s = await PgStorage.open({ url: await database() });
    try {
      expect(await s.insertSamples([sample(MONTH(4, 2))])).toBe(1);
      await s.pool.query("ALTER TABLE samples DETACH PARTITION samples_p202605");
      await s.pool.query("DROP TABLE samples_p202605");
      expect(await s.insertSamples([sample(MONTH(4, 3))])).toBe(1); // one row: the scalar statement
      await s.pool.query("ALTER TABLE samples DETACH PARTITION samples_p202605");
      await s.pool.query("DROP TABLE samples_p202605");
      expect(await s.insertSamples([sample(MONTH(4, 3)), sample(MONTH(4, 4))])).toBe(2); // a batch: the unnest statement
      expect((await s.samples("alphaess:AL1", MONTH(4), MONTH(5))).t).toEqual([MONTH(4, 3), MONTH(4, 4)]);
    } finally {
      await s.close();
    }
  });

  it.each(Array.from({ length: PG_SCHEMA_VERSION }, (_, v) => v))("migrates from version %i keeping its data", async (from) => {
    const url = await database();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect(await migratePg(client, from)).toBe(from);
      if (from >= 1) {
        await client.query("INSERT INTO systems (id, vendor, device) VALUES ('alphaess:AL1', 'alphaess', 'AL1')");
        await client.query(`CREATE TABLE samples_p202601 PARTITION OF samples FOR VALUES FROM (${MONTH(0)}) TO (${MONTH(1)})`);
        await client.query("INSERT INTO samples (sid, t, pv_w) VALUES (1, $1, 123)", [T0]);
      }
    } finally {
      await client.end();
    }
    const s = await PgStorage.open({ url });
    try {
      expect(s.schemaVersion).toBe(PG_MIGRATIONS.length);
      if (from >= 1) expect((await s.latestSample("alphaess:AL1"))?.pvW).toBe(123);
      await s.insertSamples([sample(T0 + 60_000)]);
      // A system from before version 6 is in service, and can be retired.
      expect((await s.listSystems()).map((x) => [x.id, x.retiredAt])).toEqual([["alphaess:AL1", null]]);
      expect(await s.retireSystems(["alphaess:AL1"], T0)).toBe(1);
      await s.recordDecision({ at: T0, system: "alphaess:AL1", mode: "advise", action: "hold", reason: "first", detail: {} });
      expect((await s.samples("alphaess:AL1", T0, T0 + 3_600_000)).t.length).toBe(from >= 1 ? 2 : 1);
    } finally {
      await s.close();
    }
  });

  it("refuses a database newer than itself", async () => {
    const url = await database();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("CREATE TABLE openpower_meta (key text PRIMARY KEY, value bigint NOT NULL)");
    await client.query("INSERT INTO openpower_meta VALUES ('schema_version', $1)", [PG_SCHEMA_VERSION + 1]);
    await client.end();
    await expect(PgStorage.open({ url })).rejects.toThrow(/newer than this openpower/);
  });
});

describe("openStorage", () => {
  it("picks PostgreSQL for a postgres:// or postgresql:// URL and SQLite otherwise", async () => {
    const url = await database();
    for (const u of [url, url.replace(/^postgres:/, "postgresql:")]) {
      const s = await openStorage({ url: u, file: "/nonexistent/never.db" });
      expect(s).toBeInstanceOf(PgStorage);
      await s.close();
    }
    const lite = await openStorage({ url: undefined, file: ":memory:" });
    expect(lite.constructor.name).toBe("SqliteStorage");
    await lite.close();
  });

  it("never shows the password: not in the location it logs, not in a connection error", async () => {
    const url = new URL(await database());
    url.password = "wrong-Secret-pw-1234";
    expect(describeStorageLocation({ url: url.toString() })).not.toContain("wrong-Secret-pw-1234");
    expect(describeStorageLocation({ url: url.toString() })).toContain(":***@");
    const error = await openStorage({ url: url.toString() }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    // The run's PostgreSQL checks passwords (embedded: md5/scram; OPENPOWER_TEST_PG_URL: whatever it was set up with).
    if (error) {
      expect(error.message).not.toContain("wrong-Secret-pw-1234");
      expect(error.message).toContain(":***@");
    } else {
      console.warn("[postgres.test] this PostgreSQL trusts every password on 127.0.0.1: the wrong-password error was not exercised");
    }
  });
});
