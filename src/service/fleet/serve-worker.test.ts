import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support/postgres.js";
import { runCli, spawnCli, tempHome } from "../../cli/test-support/run-cli.js";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../../sim/alphaess/index.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let sim: AlphaEssSimulator;
beforeAll(async () => {
  db = await createTestDatabase("worker");
  // The CLI signs with the wall clock: the simulator runs in real time, with the live 10 s pacing per AppID.
  sim = await startAlphaEssSimulator({ seed: 3 });
});
afterAll(async () => {
  await sim?.close();
  await db?.drop();
});

describe("openpower serve --worker", () => {
  it("refuses to start without a PostgreSQL storage.url", async () => {
    const home = tempHome();
    try {
      const r = await runCli(["serve", "--worker", "--port", "0"], { env: home.env });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/--worker needs storage\.url = postgres:\/\//);
    } finally {
      home.cleanup();
    }
  });

  it("two workers share the AppID's systems through PostgreSQL and both answer the API from it", async () => {
    const home = tempHome();
    const env = {
      ...home.env,
      OPENPOWER_STORAGE_URL: db.url,
      OPENPOWER_ALPHAESS_APP_ID: sim.credentials.appId,
      OPENPOWER_ALPHAESS_APP_SECRET: sim.credentials.appSecret,
      OPENPOWER_ALPHAESS_BASE_URL: sim.url,
    };
    const workers = [0, 1].map(() => spawnCli(["serve", "--worker", "--port", "0"], { env, cwd: home.dir }));
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const urls = await Promise.all(
        workers.map(async (w) => {
          await w.waitForOutput(/openpower service on/);
          return /openpower service on (\S+)\/api/.exec(w.stdout())![1]!;
        }),
      );
      // Each worker holds one of the two systems (the share is 2 / 2 workers, with the two singleton leases 4 / 2).
      let owners: string[] = [];
      for (const end = Date.now() + 20_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
        const rows = await pool.query<{ owner: string }>("SELECT owner FROM fleet_leases WHERE vendor = 'alphaess' AND owner IS NOT NULL");
        owners = rows.rows.map((r) => r.owner);
        if (owners.length === 2 && new Set(owners).size === 2) break;
      }
      expect(new Set(owners).size).toBe(2);
      for (const url of urls) {
        const res = await fetch(`${url}/api/v1/systems`);
        expect(res.status).toBe(200);
        const ids = ((await res.json()) as { systems: { id: string }[] }).systems.map((s) => s.id);
        expect(ids.filter((id) => id.startsWith("alphaess:")).sort()).toEqual(sim.systems.map((sn) => `alphaess:${sn}`).sort());
      }
      // The budget key in the database is a hash: neither credential is stored.
      const keys = (await pool.query<{ key: string }>("SELECT key FROM fleet_budgets")).rows.map((r) => r.key).join(" ");
      expect(keys).toMatch(/^alphaess:[0-9a-f]{24}/);
      expect(keys).not.toContain(sim.credentials.appId);
      for (const w of workers) w.child.kill("SIGTERM");
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
      // Stopped workers give their leases back.
      const held = await pool.query("SELECT count(*)::int AS n FROM fleet_leases WHERE owner IS NOT NULL");
      expect(held.rows[0].n).toBe(0);
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
      await pool.end();
      home.cleanup();
    }
  }, 90_000);
});
