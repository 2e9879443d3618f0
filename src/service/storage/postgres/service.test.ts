import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/postgres.js";
import { startDemoSources, type DemoSources } from "../../../cli/commands/serve-demo.js";
import { spawnCli, tempHome } from "../../../cli/test-support/run-cli.js";
import { startService, type RunningService } from "../../service.js";
import { PgStorage } from "./storage.js";

let db: { url: string; drop(): Promise<void> };
let demo: DemoSources;
let service: RunningService;
let storage: PgStorage;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  db = await createTestDatabase("service");
  demo = await startDemoSources({ speed: 60, seed: 5 });
  storage = await PgStorage.open({ url: db.url });
  service = await startService({ storage, sessions: demo.sessions, clock: demo.clock, port: 0, processMetrics: false });
}, 60_000);
afterAll(async () => {
  await service?.stop();
  await demo?.close();
  await db?.drop();
});

describe("the service on PostgreSQL", () => {
  it("collects the simulators into PostgreSQL and answers the API from it", async () => {
    const get = async (path: string) => {
      const res = await fetch(`${service.url}/api/v1${path}`);
      expect(res.status, path).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    const id = await until("an AlphaESS reading", async () => {
      const systems = (await get("/systems")).systems as { id: string }[];
      const alpha = systems.find((s) => s.id.startsWith("alphaess:"))?.id;
      return alpha && (await fetch(`${service.url}/api/v1/systems/${alpha}/flow`)).ok ? alpha : undefined;
    });
    const history = await until("two samples in the history", async () => {
      const h = await get(`/systems/${encodeURIComponent(id)}/history?from=${demo.clock.now() - 86_400_000}`);
      return (h.count as number) >= 2 ? h : undefined;
    });
    // What the API answered is what PostgreSQL holds.
    const { rows } = await storage.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM samples WHERE sid = (SELECT sid FROM systems WHERE id = $1)",
      [id],
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(history.count as number);
    expect((await get("/health")).status).toBeDefined();
    const runs = await storage.runSummary();
    expect(runs.some((r) => r.source === id && r.lastOk !== null)).toBe(true);
  });

  it("openpower serve --storage-url picks PostgreSQL and logs its URL without the password", async () => {
    const home = tempHome();
    const password = new URL(db.url).password;
    const cli = spawnCli(["serve", "--demo", "--port", "0", "--speed", "60"], {
      env: { ...home.env, OPENPOWER_STORAGE_URL: db.url },
      cwd: home.dir,
    });
    try {
      await cli.waitForOutput(/demo token/);
      const url = /openpower service on (\S+)/.exec(cli.stdout())![1]!;
      expect((await fetch(url)).status).toBe(200);
      const log = cli.stderr();
      expect(log).toMatch(/database open .*postgres:\/\/[^ ]*:\*\*\*@127\.0\.0\.1/);
      if (password) expect(log).not.toContain(password);
      cli.child.kill("SIGTERM");
      expect(await cli.exited).toBe(0);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
      home.cleanup();
    }
  }, 60_000);
});
