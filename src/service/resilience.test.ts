import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startSimulators } from "../cli/commands/sim.js";
import { loadPlugins } from "../cli/vendors/registry.js";
import type { AlphaEssSimulator } from "../sim/alphaess/index.js";
import { startDemoSources } from "../cli/commands/serve-demo.js";
import { startService } from "./service.js";
import { SqliteStorage } from "./storage/sqlite.js";

const FIVE_MIN = 300_000;
const dirs: string[] = [];
const tempDb = () => {
  const d = mkdtempSync(join(tmpdir(), "openpower-service-"));
  dirs.push(d);
  return join(d, "openpower.db");
};
afterAll(() => {
  if (!process.env.KEEP_SERVICE_DB) for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The 5-minute buckets of [from, to) that hold no sample of `system`. */
function missingBuckets(db: Database.Database, system: string, from: number, to: number): number[] {
  const have = new Set(
    db
      .prepare("SELECT DISTINCT t - t % 300000 AS b FROM samples JOIN systems USING (sid) WHERE id = ? AND t >= ? AND t < ?")
      .pluck()
      .all(system, from, to) as number[],
  );
  const missing: number[] = [];
  for (let b = Math.ceil(from / FIVE_MIN) * FIVE_MIN; b + FIVE_MIN <= to; b += FIVE_MIN) if (!have.has(b)) missing.push(b);
  return missing;
}
/** The 5-minute slots of [from, to) that no stored general-channel interval covers (history may come as 30-minute intervals). */
function missingPriceIntervals(db: Database.Database, from: number, to: number): number[] {
  const covered = db.prepare("SELECT 1 FROM prices WHERE channel = 'general' AND start <= ? AND end > ? LIMIT 1").pluck();
  const missing: number[] = [];
  for (let b = Math.ceil(from / FIVE_MIN) * FIVE_MIN; b + FIVE_MIN <= to; b += FIVE_MIN) if (!covered.get(b, b)) missing.push(b);
  return missing;
}

describe("the service over a simulated day", () => {
  it("collects a full day on the accelerated clock with no missing interval", async () => {
    const demo = await startDemoSources({ speed: 1440, seed: 5, vendors: ["alphaess", "amber"] });
    const file = tempDb();
    const service = await startService({
      storage: new SqliteStorage(file),
      sessions: demo.sessions,
      clock: demo.clock,
      port: 0,
      processMetrics: false,
      cadenceMs: { alphaess: 120_000 },
    });
    const start = demo.clock.now();
    try {
      // An hour past the day, so that a gap late in it (a stall of this loaded machine) is backfilled too.
      while (demo.clock.now() < start + 25 * 3_600_000) await realWait(500);
    } finally {
      await service.stop();
      await demo.close();
    }
    const db = new Database(file, { readonly: true });
    const systems = db.prepare("SELECT id FROM systems WHERE vendor = 'alphaess'").pluck().all() as string[];
    expect(systems.length).toBeGreaterThan(0);
    for (const id of systems) expect(missingBuckets(db, id, start, start + 24 * 3_600_000), id).toEqual([]);
    expect(missingPriceIntervals(db, start, start + 24 * 3_600_000)).toEqual([]);
    // Every forecast vintage is kept: an interval late in the day was forecast more than once.
    expect(
      db.prepare("SELECT max(n) FROM (SELECT count(*) AS n FROM prices GROUP BY source, channel, start)").pluck().get(),
    ).toBeGreaterThan(1);
    db.close();
  }, 240_000);

  it("backfills a vendor outage and a kill -9 with nothing lost and nothing duplicated", async () => {
    const speed = 600;
    const plugins = await loadPlugins();
    const sims = await startSimulators(plugins, { speed, seed: 9, vendors: ["alphaess", "amber"] });
    const v0 = sims.clock.now();
    const r0 = Date.now();
    const sections = Object.fromEntries(sims.handles.map((h) => [h.vendor, h.section]));
    const alpha = sims.handles.find((h) => h.vendor === "alphaess")!.handle as AlphaEssSimulator;
    const file = tempDb();
    const child = join(fileURLToPath(new URL(".", import.meta.url)), "test-support", "child.ts");
    const spawnService = async (): Promise<ChildProcess> => {
      const p = spawn(process.execPath, ["--import", "tsx", child], {
        env: {
          ...process.env,
          CHILD_V0: String(v0),
          CHILD_R0: String(r0),
          CHILD_SPEED: String(speed),
          CHILD_SECTIONS: JSON.stringify(sections),
          CHILD_DB: file,
        },
        stdio: ["ignore", "pipe", "inherit"],
      });
      await new Promise<void>((resolve, reject) => {
        p.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && resolve());
        p.once("exit", (code) => reject(new Error(`service exited early (${code})`)));
      });
      return p;
    };
    const serials = alpha.systems;
    try {
      let p = await spawnService();
      await realWait(3_000);
      // A vendor outage: the live endpoint answers 6042 for a while (history stays in the cloud).
      for (const sn of serials) alpha.setOnline(sn, false);
      await realWait(3_000);
      for (const sn of serials) alpha.setOnline(sn, true);
      await realWait(2_000);
      p.kill("SIGKILL");
      await new Promise((r) => p.once("exit", r));
      const killedAt = sims.clock.now();
      await realWait(3_000);
      p = await spawnService();
      await realWait(6_000);
      const end = sims.clock.now();
      p.kill("SIGTERM");
      const code = await new Promise((r) => p.once("exit", r));
      expect(code).toBe(0);
      expect(end - killedAt).toBeGreaterThan(40 * 60_000);
      const db = new Database(file, { readonly: true });
      const ids = db.prepare("SELECT id FROM systems WHERE vendor = 'alphaess'").pluck().all() as string[];
      expect(ids.length).toBeGreaterThan(0);
      // From the first live reading to 10 minutes before the end (the history's last 5 minutes may not be published yet).
      for (const id of ids) {
        const first = db
          .prepare("SELECT min(t) FROM samples JOIN systems USING (sid) WHERE id = ? AND t >= ?")
          .pluck()
          .get(id, v0) as number;
        expect(missingBuckets(db, id, first, end - 10 * 60_000), id).toEqual([]);
      }
      const dupes = db.prepare("SELECT count(*) FROM (SELECT sid, t FROM samples GROUP BY sid, t HAVING count(*) > 1)").pluck().get();
      expect(dupes).toBe(0);
      expect(missingPriceIntervals(db, v0 + FIVE_MIN, end - FIVE_MIN)).toEqual([]);
      const failed = db.prepare("SELECT count(*) FROM runs WHERE source LIKE 'alphaess:%' AND ok = 0").pluck().get() as number;
      expect(failed).toBeGreaterThan(0);
      db.close();
    } finally {
      await sims.close();
    }
  }, 90_000);
});
