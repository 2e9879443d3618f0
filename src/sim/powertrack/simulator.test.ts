import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../kernel.js";
import { startPowerTrackSimulator, type PowerTrackSimulator } from "./index.js";

let sim: PowerTrackSimulator;
beforeAll(async () => {
  sim = await startPowerTrackSimulator({ sites: 30, seed: 42, clock: new VirtualClock({ mode: "manual", start: Date.UTC(2026, 6, 15, 19) }) });
});
afterAll(() => sim.close());

const auth = () => ({ cookie: sim.credentials.cookie, ae_s: sim.credentials.aeS, ae_v: sim.credentials.aeV });
async function call(path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  const res = await fetch(`${sim.url}${path}`, {
    method: init.method ?? "GET",
    headers: { ...auth(), ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown>, type: res.headers.get("content-type") ?? "" };
}

describe("PowerTrack simulator: auth", () => {
  it("answers 401 when cookie, ae_s or ae_v is missing or wrong", async () => {
    for (const drop of ["cookie", "ae_s", "ae_v"]) {
      const headers = auth() as Record<string, string>;
      delete headers[drop];
      const res = await fetch(`${sim.url}/api/reporting`, { headers });
      expect(res.status, drop).toBe(401);
    }
    expect((await call("/api/reporting", { headers: { ae_s: "*wrong" } })).status).toBe(401);
    expect((await call("/api/reporting", { headers: { cookie: "AESession=ZZZ" } })).status).toBe(401);
    expect((await call("/api/reporting")).status).toBe(200);
  });

  it("answers 419 once the session lifetime has passed (or the login page / 401 as configured)", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.UTC(2026, 0, 1) });
    for (const expiredResponse of ["419", "html", "401"] as const) {
      const s = await startPowerTrackSimulator({ sites: 1, clock, sessionLifetimeMs: 60_000, expiredResponse });
      try {
        const headers = { cookie: s.credentials.cookie, ae_s: s.credentials.aeS, ae_v: "c75711" };
        expect((await fetch(`${s.url}/api/reporting`, { headers })).status).toBe(200);
        await clock.advance(61_000);
        const res = await fetch(`${s.url}/api/reporting`, { headers });
        if (expiredResponse === "html") {
          expect(res.status).toBe(200);
          expect(res.headers.get("content-type")).toMatch(/text\/html/);
          expect(await res.text()).toMatch(/<form/);
        } else expect(res.status).toBe(Number(expiredResponse));
        const fresh = s.state.renewSession();
        expect((await fetch(`${s.url}/api/reporting`, { headers: { cookie: fresh.cookie, ae_s: fresh.aeS, ae_v: "c75711" } })).status).toBe(200);
      } finally {
        await s.close();
      }
    }
  });
});

describe("PowerTrack simulator: routes and writes", () => {
  it("404 for unknown paths and objects, 405 for a wrong method, 400 for a bad body", async () => {
    expect((await call("/api/nothing/here")).status).toBe(404);
    expect((await call("/api/edit/site/S1")).status).toBe(404);
    expect((await call("/api/auditlog")).status).toBe(405);
    expect((await call("/api/view/chart", { method: "POST", body: "{not json" })).status).toBe(400);
  });

  it("requires a Referer on PUTs (configurable)", async () => {
    const site = sim.sites[0]!;
    const body = (await call(`/api/edit/site/${site}`)).json();
    expect((await call("/api/edit/site", { method: "PUT", body })).status).toBe(400);
    const ok = await call("/api/edit/site", { method: "PUT", body: { ...body, name: "Via raw PUT" }, headers: { referer: `${sim.url}/powertrack/${site}/administration/config` } });
    expect(ok.status).toBe(200);
    expect(ok.json().name).toBe("Via raw PUT");
    expect(ok.json().ts).toBe("2026-07-15T19:00:00Z");
    const open = await startPowerTrackSimulator({ sites: 1, requireReferer: false });
    try {
      const h = { cookie: open.credentials.cookie, ae_s: open.credentials.aeS, ae_v: "c75711", "content-type": "application/json" };
      const b = await (await fetch(`${open.url}/api/edit/site/${open.sites[0]}`, { headers: h })).json();
      expect((await fetch(`${open.url}/api/edit/site`, { method: "PUT", headers: h, body: JSON.stringify(b) })).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it("POST creates a trigger with a new key and id; DELETE answers JSON null; the audit log records writes", async () => {
    const ws = sim.state.portfolio.site(sim.sites[2]!)!.hardware.find((h) => h.functionCode === 5)!;
    const template = ((await call(`/api/alerttrigger/${ws.key}`)).json().defaultTriggers as Array<Record<string, unknown>>)[0]!;
    const created = await call("/api/alerttrigger", { method: "POST", body: { ...template, name: "New" } });
    expect(created.json()).toMatchObject({ name: "New", parentKey: ws.key });
    expect(created.json().key).toMatch(/^x[0-9a-f]{8}$/);
    expect(created.json().id).toBeGreaterThan(0);
    expect((await call("/api/alerttrigger", { method: "POST", body: { ...template, key: "AS1" } })).status).toBe(400);
    const del = await call(`/api/alerttrigger/${ws.key}/${created.json().key}`, { method: "DELETE" });
    expect([del.status, del.text]).toEqual([200, "null"]);
    expect((await call(`/api/alerttrigger/${ws.key}/${created.json().key}`, { method: "DELETE" })).status).toBe(404);
    const log = (await call("/api/auditlog", { method: "POST", body: { ancestorKey: ws.key, isRecursive: false } })).json().auditLogs as Array<{ text: string }>;
    expect(log.map((e) => e.text)).toEqual(expect.arrayContaining(["POST /api/alerttrigger", `DELETE /api/alerttrigger/${ws.key}/${created.json().key}`]));
  });

  it("state changes made in tests show in the API", async () => {
    const h = sim.state.portfolio.site(sim.sites[3]!)!.hardware[2]!;
    sim.state.setHardwareConfig(h.key, { ...sim.state.hardwareConfig(h.key), description: "Set by a test" });
    expect((await call(`/api/edit/hardware/${h.key}`)).json().description).toBe("Set by a test");
    const production = (await call(`/api/view/sitehardwareproduction/${sim.sites[3]}`)).json().hardware as Array<{ key: string; name: string }>;
    expect(production.find((r) => r.key === h.key)!.name).toBe("Set by a test");
  });
});

describe("PowerTrack simulator: data", () => {
  it("sends NaN strings and the real server's mixed date formats", async () => {
    const portfolio = await call(`/api/view/portfolio/${sim.customers[0]}?lastChanged=1900-01-01T00:00:00.000Z&mergeHash=`);
    expect(portfolio.text).toContain('"revenueLoss":"NaN"');
    expect(portfolio.text).toMatch(/"expirationDate":"\d{4}-\d{2}-\d{2}T00:00:00"/);
    expect(portfolio.text).toMatch(/"estimatedCommissioningDate":"\d{4}-\d{2}-\d{2}T00:00:00Z"/);
    expect(portfolio.text).toMatch(/"solarNoon":"[^"]+\.\d{7}Z"/);
    const hw = sim.state.portfolio.site(sim.sites[0]!)!.hardware[0]!;
    const config = await call(`/api/edit/hardware/${hw.key}`);
    expect(config.text).toContain('"validatedDateTime":"0001-01-01T00:00:00"');
    expect(config.text).toMatch(/"installDate":"\d{4}-\d{2}-\d{2}"/);
    const production = await call(`/api/view/sitehardwareproduction/${sim.sites[0]}`);
    expect(production.text).toContain('"unitsScale":"NaN"');
    expect((await call("/api/userpreferences")).text).toContain("9999-12-31T23:59:59.9999999");
  });

  it("is deterministic per seed, and the first site has hardware of every function code", async () => {
    const again = await startPowerTrackSimulator({ sites: 30, seed: 42 });
    const other = await startPowerTrackSimulator({ sites: 30, seed: 43 });
    try {
      expect(again.state.portfolio.site(5)!.name).toBe(sim.state.portfolio.site(5)!.name);
      expect(again.credentials).toEqual(sim.credentials);
      expect(other.credentials.aeS).not.toBe(sim.credentials.aeS);
      expect([...new Set(sim.state.portfolio.site(0)!.hardware.map((h) => h.functionCode))].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 9, 10, 11, 14, 20, 21, 24, 25, 28, 31, 34, 37]);
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });

  it("chart bins add up to the named energy result, and no bin lies in the future", async () => {
    const chart = (await call("/api/view/chart", { method: "POST", body: { chartType: 1, context: "site", source: [sim.sites[4]], binSize: null, sectionCode: -1, query: null, start: "2026-07-10", end: "2026-07-20" } })).json();
    const points = (chart.series as Array<{ dataXy: Array<{ x: number; y: number }> }>)[0]!.dataXy;
    expect(points.length).toBeGreaterThanOrEqual(5);
    expect(points.length).toBeLessThanOrEqual(6);
    expect(points.every((p) => p.x <= sim.clock.now())).toBe(true);
    const sum = points.reduce((a, p) => a + p.y, 0);
    expect(sum).toBeCloseTo((chart.namedResults as { energy: number }).energy, 0);
    expect(sum).toBeGreaterThan(0);
  });

  it("starts at once with 5 000 sites and serves the last one", async () => {
    const big = await startPowerTrackSimulator({ sites: 5000, seed: 9 });
    try {
      const last = big.sites.at(-1)!;
      const headers = { cookie: big.credentials.cookie, ae_s: big.credentials.aeS, ae_v: "c75711" };
      const res = await fetch(`${big.url}/api/view/sitehardwareproduction/${last}`, { headers });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { key: string }).key).toBe(last);
      const sub = await fetch(`${big.url}/api/view/portfolio/${big.customers[3]}`, { headers });
      expect(((await sub.json()) as { sites: unknown[] }).sites).toHaveLength(25);
      expect(big.sites).toHaveLength(5000);
      expect(new Set(big.sites).size).toBe(5000);
    } finally {
      await big.close();
    }
  });
});
