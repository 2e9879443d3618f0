import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../kernel.js";
import { startPowerTrackSimulator, type PowerTrackSimulator } from "./index.js";

let sim: PowerTrackSimulator;
beforeAll(async () => {
  sim = await startPowerTrackSimulator({
    sites: 30,
    seed: 42,
    clock: new VirtualClock({ mode: "manual", start: Date.UTC(2026, 6, 15, 19) }),
  });
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

  it("issue 12 #17: refuses an ae_v (client version) never observed live, such as the SDK's default 086665", async () => {
    expect((await call("/api/reporting", { headers: { ae_v: "086665" } })).status).toBe(401);
    expect((await call("/api/reporting", { headers: { ae_v: "0000" } })).status).toBe(401);
    // The two versions seen in captures are both served.
    expect((await call("/api/reporting", { headers: { ae_v: "9bacbb" } })).status).toBe(200);
    expect((await call("/api/reporting", { headers: { ae_v: "c75711" } })).status).toBe(200);
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
        expect((await fetch(`${s.url}/api/reporting`, { headers: { cookie: fresh.cookie, ae_s: fresh.aeS, ae_v: "c75711" } })).status).toBe(
          200,
        );
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
    const ok = await call("/api/edit/site", {
      method: "PUT",
      body: { ...body, name: "Via raw PUT" },
      headers: { referer: `${sim.url}/powertrack/${site}/administration/config` },
    });
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
    const log = (await call("/api/auditlog", { method: "POST", body: { ancestorKey: ws.key, isRecursive: false } })).json()
      .auditLogs as Array<{ text: string }>;
    expect(log.map((e) => e.text)).toEqual(
      expect.arrayContaining(["POST /api/alerttrigger", `DELETE /api/alerttrigger/${ws.key}/${created.json().key}`]),
    );
  });

  it("state changes made in tests show in the API", async () => {
    const h = sim.state.portfolio.site(sim.sites[3]!)!.hardware[2]!;
    sim.state.setHardwareConfig(h.key, { ...sim.state.hardwareConfig(h.key), description: "Set by a test" });
    expect((await call(`/api/edit/hardware/${h.key}`)).json().description).toBe("Set by a test");
    const production = (await call(`/api/view/sitehardwareproduction/${sim.sites[3]}`)).json().hardware as Array<{
      key: string;
      name: string;
    }>;
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
      expect([...new Set(sim.state.portfolio.site(0)!.hardware.map((h) => h.functionCode))].sort((a, b) => a - b)).toEqual([
        1, 2, 3, 4, 5, 6, 9, 10, 11, 14, 20, 21, 24, 25, 28, 31, 34, 37,
      ]);
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });

  it("chart bins add up to the named energy result, and no bin lies in the future", async () => {
    const chart = (
      await call("/api/view/chart", {
        method: "POST",
        body: {
          chartType: 1,
          context: "site",
          source: [sim.sites[4]],
          binSize: null,
          sectionCode: -1,
          query: null,
          start: "2026-07-10",
          end: "2026-07-20",
        },
      })
    ).json();
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

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "fixtures", "powertrack");
const fixture = (name: string) => JSON.parse(readFileSync(join(fixtures, name), "utf8")) as Record<string, unknown>;

/** Members of the real sample the simulator lacks, or sends as another JSON type (null, and "NaN" for a number, are what the server also sends). */
function shapeDifferences(real: unknown, simulated: unknown, path = "$"): string[] {
  const type = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  const [a, b] = [type(real), type(simulated)];
  if (a === "null" || b === "null") return [];
  if (a !== b) return a === "number" && simulated === "NaN" ? [] : [`${path}: ${a} in the sample, ${b} from the simulator`];
  if (a === "array") {
    const [r, s] = [real as unknown[], simulated as unknown[]];
    return r.length > 0 && s.length > 0 ? shapeDifferences(r[0], s[0], `${path}[0]`) : [];
  }
  if (a !== "object") return [];
  const [r, s] = [real as Record<string, unknown>, simulated as Record<string, unknown>];
  return Object.keys(r).flatMap((k) =>
    k in s ? shapeDifferences(r[k], s[k], `${path}.${k}`) : [`${path}.${k}: missing from the simulator`],
  );
}

describe("PowerTrack simulator: faithful to the real samples", () => {
  it("answers every sampled endpoint with every member of the sample, of the same JSON type", async () => {
    const site = sim.state.portfolio.site(sim.sites[0]!)!;
    const device = (code: number) => site.hardware.find((h) => h.functionCode === code)!.key;
    const chart = {
      chartType: 255,
      context: "site",
      source: [site.key],
      binSize: null,
      sectionCode: -1,
      query: null,
      start: "2026-07-10",
      end: "2026-07-12",
    };
    const cases: Array<[string, string, unknown?]> = [
      ["view_portfolio_customer_id.json", `/api/view/portfolio/${sim.customers[0]}`],
      ["view_site_site_id.json", `/api/view/site/${site.key}`],
      ["edit_site_site_id.json", `/api/edit/site/${site.key}`],
      ["edit_hardware_hardware_id.json", `/api/edit/hardware/${device(10)}`],
      ["put_edit_hardware.response.json", `/api/edit/hardware/${device(1)}`],
      ["edit_modeling_site_id.json", `/api/edit/modeling/${site.key}`],
      ["put_edit_modeling.request.json", `/api/edit/modeling/${device(1)}`],
      ["edit_sitehardware_site_id.json", `/api/edit/sitehardware/${site.key}`],
      ["view_sitehardwareproduction_site_id.json", `/api/view/sitehardwareproduction/${site.key}`],
      ["view_hardwarestatus_hardware_id.json", `/api/view/hardwarestatus/${device(1)}`],
      ["alerttrigger_hardware_id.json", `/api/alerttrigger/${device(1)}`],
      ["view_registeroffsets_hardware_id.json", `/api/view/registeroffsets/${device(1)}`],
      ["view_driversettings_hardware_id.json", `/api/view/driversettings/${device(1)}`],
      ["reporting.json", "/api/reporting"],
      ["userpreferences.json", "/api/userpreferences"],
      ["view_sitelinks_site_id.json", `/api/view/sitelinks/${site.key}`],
      ["view_siteshares_site_id.json", `/api/view/siteshares/${site.key}`],
      ["post_view_chart.response.json", "/api/view/chart", chart],
      ["post_auditlog.response.json", "/api/auditlog", { ancestorKey: site.key, isRecursive: true }],
      ["post_view_reportconfigs.response.json", "/api/view/reportconfigs", { key: site.key, filter: "" }],
    ];
    const differences: string[] = [];
    for (const [file, path, body] of cases) {
      const res = await call(path, body === undefined ? {} : { method: "POST", body });
      expect(res.status, path).toBe(200);
      differences.push(...shapeDifferences(fixture(file), res.json()).map((d) => `${file} ${d}`));
    }
    const node = fixture("post_node.json") as { request: Record<string, unknown>; response: unknown };
    differences.push(
      ...shapeDifferences(
        node.response,
        (await call("/api/node", { method: "POST", body: { ...node.request, key: device(1) } })).json(),
      ).map((d) => `post_node.json ${d}`),
    );
    const modules = fixture("view_pvsystmodules_hardware_id.json") as { response: unknown };
    differences.push(
      ...shapeDifferences(modules.response, JSON.parse((await call(`/api/view/pvsystmodules/${device(1)}`)).text)).map(
        (d) => `pvsystmodules ${d}`,
      ),
    );
    const summary = (fixture("view_activealerts_activesummary.json") as { populated: { hardwareSummary: Record<string, unknown> } })
      .populated;
    const got = (await call(`/api/view/activealerts/activesummary/${sim.customers[0]}`)).json() as {
      hardwareSummary: Record<string, unknown>;
    };
    expect(Object.keys(got)).toEqual(expect.arrayContaining(Object.keys(summary)));
    differences.push(
      ...shapeDifferences(Object.values(summary.hardwareSummary)[0], Object.values(got.hardwareSummary)[0]).map(
        (d) => `activesummary ${d}`,
      ),
    );
    expect(differences).toEqual([]);
  });

  it("an offline site's devices last read when its portfolio row last had data", async () => {
    const offline = sim.sites.map((k) => sim.state.portfolio.site(k)!).find((s) => s.status !== 8);
    expect(offline).toBeDefined();
    const rows = (await call(`/api/view/portfolio/${sim.customers[0]}`)).json().sites as Array<{ key: string; lastDataUTC: string }>;
    const lastData = Date.parse(rows.find((r) => r.key === offline!.key)!.lastDataUTC);
    const production = (await call(`/api/view/sitehardwareproduction/${offline!.key}`)).json().hardware as Array<{
      key: string;
      lastSuccess: string;
    }>;
    expect(production.map((h) => Date.parse(h.lastSuccess))).toEqual(production.map(() => lastData));
    const status = (await call(`/api/view/hardwarestatus/${production[0]!.key}`)).json();
    expect(Date.parse(String(status.lastSuccess))).toBe(lastData);
  });
});

describe("PowerTrack simulator: PUTs are bound to the object's members, as live binds them (issue 12 #17)", () => {
  it("drops a member the object does not have instead of storing the body exactly as sent", async () => {
    const key = sim.sites[3]!;
    const referer = `${sim.url}/powertrack/${key}/administration/config`;
    const current = (await call(`/api/edit/site/${key}`)).json();
    const put = await call("/api/edit/site", {
      method: "PUT",
      headers: { referer },
      body: { ...current, name: "Bound", acCapacityKw: 250 },
    });
    expect(put.status).toBe(200);
    expect(put.json()).not.toHaveProperty("acCapacityKw");
    const after = (await call(`/api/edit/site/${key}`)).json();
    expect(after.name).toBe("Bound");
    expect(after).not.toHaveProperty("acCapacityKw");
  });
});
