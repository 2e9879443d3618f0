import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, ConfigurationError, ValidationError } from "../core/errors/index.js";
import { startPowerTrackSimulator, type PowerTrackSimulator } from "../sim/powertrack/index.js";
import type { PowerTrackClient } from "./client.js";
import { clientFor, simAndClient } from "./test-support/sim-client.js";

let sim: PowerTrackSimulator;
let client: PowerTrackClient;
beforeAll(async () => {
  ({ sim, client } = await simAndClient({ sites: 4, seed: 7 }));
});
afterAll(async () => {
  client.close();
  await sim.close();
});

const first = () => sim.sites[0]!;
const lastRequest = () => sim.http.requests.at(-1)!;

describe("lifecycle", () => {
  it("close() aborts in-flight requests and refuses new ones; await using closes", async () => {
    const c = clientFor(sim);
    const remove = sim.http.faults.add({ path: "/api/reporting", latencyMs: 300 });
    try {
      const pending = c.getReportingCapabilities();
      await new Promise((r) => setTimeout(r, 30));
      c.close();
      await expect(pending).rejects.toBeInstanceOf(ConfigurationError);
      await expect(c.getReportingCapabilities()).rejects.toThrow(/closed/);
    } finally {
      remove();
    }
    let scoped: PowerTrackClient;
    {
      await using inner = clientFor(sim);
      scoped = inner;
      await inner.getReportingCapabilities();
    }
    expect(scoped.closed).toBe(true);
  });

  it("scoped sites send through the client's transport, and stop with it", async () => {
    let calls = 0;
    const c = clientFor(sim, { fetch: (input, init) => (calls++, fetch(input, init)) });
    const site = c.site(first());
    await site.getPowerFlow();
    expect(calls).toBe(1);
    c.close();
    await expect(site.getPowerFlow()).rejects.toThrow(/closed/);
    expect(calls).toBe(1);
  });
});

describe("one bad part never takes the rest down", () => {
  it("a production row of the wrong shape is reported, the other rows kept, and no fallback to /api/node", async () => {
    const key = sim.sites[2]!;
    const original = sim.state.productionViewJson.bind(sim.state);
    sim.state.productionViewJson = (k: string) => {
      const body = JSON.parse(original(k)) as { hardware: Array<Record<string, unknown>> };
      body.hardware[1]!.serialNum = 123456;
      return JSON.stringify(body);
    };
    const warnings: Array<Record<string, unknown> | undefined> = [];
    const logger = { debug() {}, info() {}, warn: (_m: string, f?: Record<string, unknown>) => warnings.push(f), error() {} };
    const c = clientFor(sim, { logger });
    try {
      const view = await c.getSiteHardwareProduction(key);
      const rows = JSON.parse(original(key)).hardware as Array<{ key: string }>;
      expect(view.invalidRows).toEqual([{ index: 1, key: rows[1]!.key, reason: expect.stringMatching(/serialNum/) }]);
      expect(view.hardware.map((h) => h.key)).toEqual(rows.filter((_, i) => i !== 1).map((r) => r.key));
      sim.http.clearRequests();
      const list = await c.getHardwareList(key);
      expect(list).toHaveLength(rows.length - 1);
      expect(sim.http.requests.map((r) => r.path)).toEqual([`/api/view/sitehardwareproduction/${key}`]);
      expect(warnings).toEqual([expect.objectContaining({ site: key, hardware: rows[1]!.key })]);
      const data = await c.getSiteData(key, { includeAlerts: false, includeModeling: false });
      expect(data.errors).toEqual([
        { part: "hardwareRow", key: rows[1]!.key, error: expect.objectContaining({ name: "ResponseFormatError" }) },
      ]);
      expect(data.hardwareCount).toBe(rows.length - 1);
    } finally {
      sim.state.productionViewJson = original;
      c.close();
    }
  });

  it("getSiteData stops its other requests at the first authentication failure", async () => {
    const key = first();
    const devices = sim.state.portfolio.site(key)!.hardware.length;
    const triggers = sim.state.triggers.bind(sim.state);
    let expired = false;
    sim.state.triggers = (k: string) => {
      if (!expired) {
        expired = true;
        sim.state.expireSession();
      }
      return triggers(k);
    };
    try {
      sim.http.clearRequests();
      await expect(client.getSiteData(key, { includeHardware: false, includeModeling: false, concurrency: 2 })).rejects.toBeInstanceOf(
        AuthenticationError,
      );
      const triggerReads = sim.http.requests.filter((r) => r.path.startsWith("/api/alerttrigger/"));
      expect(devices).toBeGreaterThan(10);
      // The one that expired the session, the one that failed, and at most one already in flight.
      expect(triggerReads.length).toBeLessThanOrEqual(3);
    } finally {
      sim.state.triggers = triggers;
      sim.state.refreshSession();
    }
  });
});

describe("charts in the site's own days", () => {
  it("defaults to the last 7 days of the site's local calendar, reading its zone once", async () => {
    const { VirtualClock } = await import("../sim/kernel.js");
    // 02:00 UTC: already June 1st in UTC, still May 31st on every US site.
    const clock = new VirtualClock({ mode: "manual", start: Date.UTC(2026, 5, 1, 2) });
    const s = await startPowerTrackSimulator({ sites: 2, clock });
    const c = clientFor(s);
    try {
      const key = s.sites[0]!;
      expect(s.state.siteConfig(key).tz).toMatch(/^US\//);
      const chart = await c.getChartData(255, key);
      expect([chart.startDate, chart.endDate]).toEqual(["2026-05-24", "2026-05-31"]);
      const sent = JSON.parse(s.http.requests.find((r) => r.path === "/api/view/chart")!.body) as { start: string; end: string };
      expect([sent.start, sent.end]).toEqual(["2026-05-24", "2026-05-31"]);
      await c.getChartData(1, key, { endDate: new Date(Date.UTC(2026, 5, 1, 2)) });
      expect(s.http.requests.filter((r) => r.path === `/api/edit/site/${key}`)).toHaveLength(1);
      // Given dates need no zone: no read at all.
      s.http.clearRequests();
      await c.getChartData(1, s.sites[1]!, { startDate: "2026-05-01", endDate: "2026-05-02" });
      expect(s.http.requests.map((r) => r.path)).toEqual(["/api/view/chart"]);
      await expect(c.getChartData(1, key, { timeZone: "Mars/Olympus" })).rejects.toBeInstanceOf(ValidationError);
    } finally {
      c.close();
      await s.close();
    }
  });
});

describe("getNodes", () => {
  it("POSTs /api/node and returns the tree with function codes on hardware", async () => {
    const nodes = await client.getNodes(first(), { kinds: ["hardware"] });
    expect(lastRequest()).toMatchObject({ method: "POST", path: "/api/node" });
    expect(JSON.parse(lastRequest().body)).toEqual({
      key: first(),
      context: "query",
      kinds: ["hardware"],
      subKinds: [],
      nodes: [],
      filter: "",
      filterBy: "Name",
    });
    const hardware = nodes.filter((n) => n.kind === "hardware");
    expect(hardware.map((n) => n.key).sort()).toEqual(
      sim.state.portfolio
        .site(first())!
        .hardware.map((h) => h.key)
        .sort(),
    );
    expect(hardware.every((n) => typeof n.subKind === "number" && n.path.includes(first()))).toBe(true);
  });
});
