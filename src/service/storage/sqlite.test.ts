import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { migrate, SqliteStorage } from "./sqlite.js";
import { describeStorage, sample, T0 } from "../test-support/storage-suite.js";

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "openpower-storage-"));
  dirs.push(dir);
  return join(dir, "openpower.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describeStorage("SQLite in memory", async () => new SqliteStorage(":memory:"));
describeStorage("SQLite file", async () => new SqliteStorage(tempFile()));

describe("SqliteStorage only", () => {
  it("opens one WAL file and migrates to the latest version", async () => {
    const s = new SqliteStorage(tempFile());
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.db.pragma("journal_mode", { simple: true })).toBe("wal");
    await s.close();
  });

  it.each(Array.from({ length: SCHEMA_VERSION }, (_, v) => v))("migrates from version %i keeping its data", async (from) => {
    const file = tempFile();
    const old = new Database(file);
    migrate(old, from);
    expect(old.pragma("user_version", { simple: true })).toBe(from);
    if (from >= 1) {
      old.prepare("INSERT INTO systems (id, vendor, device) VALUES ('alphaess:AL1', 'alphaess', 'AL1')").run();
      old.prepare("INSERT INTO samples (sid, t, pv_w) VALUES (1, ?, 123)").run(T0);
    }
    old.close();
    const s = new SqliteStorage(file);
    expect(s.schemaVersion).toBe(MIGRATIONS.length);
    if (from >= 1) expect((await s.latestSample("alphaess:AL1"))?.pvW).toBe(123);
    await s.insertSamples([sample(T0 + 60_000)]);
    // A system from before version 6 is in service, and can be retired.
    expect((await s.listSystems()).map((x) => [x.id, x.retiredAt])).toEqual([["alphaess:AL1", null]]);
    expect(await s.retireSystems(["alphaess:AL1"], T0)).toBe(1);
    await s.recordGap({ system: "alphaess:AL1", from: T0, to: T0 + 1, reason: "test" });
    await s.recordDecision({ at: T0, system: "alphaess:AL1", mode: "advise", action: "hold", reason: "first", detail: {} });
    await s.recordDecision({ at: T0 + 1, system: "alphaess:AL1", mode: "advise", action: "advise", reason: "second", detail: { x: 1 } });
    expect((await s.latestDecisions()).map((d) => [d.reason, d.detail])).toEqual([["second", { x: 1 }]]);
    expect((await s.samples("alphaess:AL1", T0, T0 + 3_600_000)).t.length).toBe(from >= 1 ? 2 : 1);
    await s.close();
  });

  it("refuses a database newer than itself", async () => {
    const file = tempFile();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SqliteStorage(file)).toThrow(/newer than this openpower/);
  });
});
