import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  ConfigurationError,
  NotFoundError,
  OpenPowerError,
  ResponseFormatError,
  TimeoutError,
  ValidationError,
} from "../core/errors/index.js";
import { startHttpSimulator } from "../sim/kernel.js";
import { startPowerTrackSimulator, type PowerTrackSimulator } from "../sim/powertrack/index.js";
import { PowerTrackClient } from "./client.js";
import { clientFor, simAndClient } from "./test-support/sim-client.js";

let sim: PowerTrackSimulator;
let client: PowerTrackClient;
beforeAll(async () => {
  ({ sim, client } = await simAndClient({ sites: 12, seed: 7 }));
});
afterAll(async () => {
  client.close();
  await sim.close();
});

const first = () => sim.sites[0]!;
const lastRequest = () => sim.http.requests.at(-1)!;

describe("reads against the simulator", () => {
  it("getPortfolioOverview: every site, totals in kW/kWh, percent energy ratio", async () => {
    const p = await client.getPortfolioOverview(sim.customers[0]!);
    expect(p.totalSites).toBe(12);
    expect(p.invalidRows).toEqual([]);
    expect(p.totalCapacityAc).toBeGreaterThan(0);
    expect(p.sites.every((s) => s.energyRatio === null || s.energyRatio > 1 || s.energyRatio === 0)).toBe(true);
    expect(p.sites.some((s) => s.revenueLoss === null)).toBe(true);
    expect(p.onlineSites.length + p.sites.filter((s) => !s.isOnline).length).toBe(12);
    expect(lastRequest().query.get("lastChanged")).toBe("1900-01-01T00:00:00.000Z");
    expect(lastRequest().query.get("mergeHash")).toBe("");
  });

  it("sends the credentials on every request", async () => {
    await client.getReportingCapabilities();
    const r = lastRequest();
    expect(r.headers.cookie).toBe(sim.credentials.cookie);
    expect(r.headers.ae_s).toBe(sim.credentials.aeS);
    expect(r.headers.ae_v).toBe("c75711");
  });

  it("getSiteDetailedInfo and getSiteOverview (6-digit site keys, bare digits accepted)", async () => {
    const six = sim.sites.find((k) => k.length === 7)!;
    const info = await client.getSiteDetailedInfo(six.slice(1));
    expect(info.key).toBe(six);
    expect(info.parentKey).toMatch(/^C\d+$/);
    expect(info.monitoringContract.endDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const overview = await client.getSiteOverview(six.slice(1));
    expect(overview.key).toBe(six);
    expect(overview.name).toBe(info.name);
  });

  it("getSiteConfig maps the nested location, tz and capacity units", async () => {
    const c = await client.getSiteConfig(first());
    expect(c.siteId).toBe(first());
    expect(c.timeZone).toMatch(/^US\//);
    expect(c.latitude).toBeGreaterThan(20);
    expect(c.capacityDcKw).toBeGreaterThan(c.capacityAcKw!);
    expect(lastRequest().headers.referer).toBe(`${sim.url}/powertrack/${first()}/administration/config`);
  });

  it("getSiteHardware, getHardwareList and getSiteHardwareProduction agree", async () => {
    const list = await client.getHardwareList(first());
    const production = await client.getSiteHardwareProduction(first());
    const editable = (await client.getSiteHardware(first())) as { hardware: Array<{ hardwareKey: string }> };
    expect(list.map((h) => h.key)).toEqual(production.hardware.map((h) => h.key));
    expect(editable.hardware.map((h) => h.hardwareKey)).toEqual(list.map((h) => h.key));
    expect(list.every((h) => h.hid === Number(h.key.slice(1)))).toBe(true);
    // The first simulated site carries hardware of every function code.
    expect(new Set(list.map((h) => h.functionCode))).toEqual(new Set([1, 2, 3, 4, 5, 6, 9, 10, 11, 14, 20, 21, 24, 25, 28, 31, 34, 37]));
    expect(list.find((h) => h.functionCode === 11)!.dataRegisters.find((r) => r.name === "IP")!.value).toBeNull();
  });

  it("getHardwareList falls back to /api/node when the production view fails", async () => {
    const remove = sim.http.faults.add({ path: `/api/view/sitehardwareproduction/${first()}`, kinds: ["http500"], times: 3 });
    try {
      const list = await client.getHardwareList(first());
      expect(list.length).toBeGreaterThan(10);
      expect(list.every((h) => h.source === "node" && h.functionCode !== null)).toBe(true);
      expect(lastRequest().path).toBe("/api/node");
      expect(JSON.parse(lastRequest().body)).toMatchObject({
        key: first(),
        context: "query",
        kinds: ["customer", "site", "hardware"],
        filterBy: "Name",
      });
    } finally {
      remove();
    }
  });

  it("getHardwareDetails, getHardwareDiagnostics, getDriverSettings, getRegisterOffsets", async () => {
    const [inverter] = (await client.getHardwareList(first())).filter((h) => h.functionCode === 1);
    const details = await client.getHardwareDetails(inverter!.key);
    expect(details.summary.name).toBe(inverter!.name);
    expect(details.legacyId?.functionId).toBe(details.details.functionId);
    const diag = await client.getHardwareDiagnostics(inverter!.key);
    expect(diag.parentKey).toBe(first());
    expect(diag.registers.map((r) => r.name)).toContain("KW");
    expect((await client.getDriverSettings(inverter!.key)).driverSettings.length).toBeGreaterThan(3);
    expect((await client.getRegisterOffsets(inverter!.key)).registerOffsets.length).toBe(2);
    expect((await client.getDriverSettingsList(3)).length).toBeGreaterThan(0);
    expect((await client.getDriverList(1))[1]).toMatchObject({ isGolden: true });
  });

  it("getAlertTriggers and getAlertSummary (customer, site, hardware)", async () => {
    const list = await client.getHardwareList(first());
    const ws = list.find((h) => h.functionCode === 5)!;
    const triggers = await client.getAlertTriggers(ws.key);
    expect(triggers.parentKey).toBe(ws.key);
    expect(triggers.triggers.map((t) => t.alertTypeKey)).toEqual(["AI250", "AI499"]);
    expect(triggers.triggers[0]!.key).toMatch(/^AS\d+$/);
    expect(triggers.triggers[1]!.key).toMatch(/^x[0-9a-f]+$/);
    expect(lastRequest().headers.referer).toBe(`${sim.url}/powertrack/${ws.key}/administration/alertsettings`);
    const all = await client.getAlertSummary({ customerId: sim.customers[0]! });
    expect(all.totalAlerts).toBe(all.total);
    const siteKeys = Object.keys(all.hardwareSummaries);
    const someSite = sim.sites.find((s) => siteKeys.some((h) => sim.state.portfolio.hardware(h)?.site.key === s))!;
    const site = await client.getAlertSummary({ siteId: someSite });
    expect(Object.keys(site.hardwareSummaries).length).toBeGreaterThan(0);
    const h = Object.keys(site.hardwareSummaries)[0]!;
    expect(Object.keys((await client.getAlertSummary({ hardwareId: h })).hardwareSummaries)).toEqual([h]);
  });

  it("getModelingData for a site and for one inverter", async () => {
    const site = await client.getModelingData(first());
    expect(site.siteId).toBe(first());
    expect(site.totalCapacityKw).toBeGreaterThan(0);
    const inverter = site.selectedHardware[0]!.key;
    const per = await client.getModelingData(inverter);
    expect(per.hardwareKey).toBe(inverter);
    expect(per.inverters).toHaveLength(1);
  });

  it("lookups: PV curves, PVsyst modules, chart definitions", async () => {
    expect((await client.getPvModelCurves())[0]).toEqual({ name: "Select Inverter Efficiency Curve", value: 0 });
    expect((await client.getPvModelCurves("incidenceanglemodels"))[0]!.value).toBe(0);
    expect((await client.getPvsystModules({ siteId: first() }))[0]!.name).toBe("(Custom PVsyst Configuration)");
    expect((await client.getChartDefinitions()).length).toBe(3);
  });

  it("getChartData: the documented request body, daily bins at local midnight in epoch ms", async () => {
    const config = await client.getSiteConfig(first());
    const chart = await client.getChartData(1, first(), {
      startDate: "2026-01-05",
      endDate: "2026-01-07T00:00:00Z",
      timeZone: config.timeZone!,
    });
    const body = JSON.parse(lastRequest().body) as Record<string, unknown>;
    expect(body).toEqual({
      chartType: 1,
      context: "site",
      source: [first()],
      binSize: null,
      sectionCode: -1,
      query: null,
      start: "2026-01-05",
      end: "2026-01-07",
    });
    expect(lastRequest().headers.referer).toBe(`${sim.url}/powertrack/${first()}/overview/dashboard`);
    const energy = chart.series.find((s) => s.key === "Energy_NetEnergyPM")!;
    expect(energy.unitName).toBe("kWh");
    expect(energy.yMax).toBeNull();
    if (energy.dataXy.length > 0) {
      expect(energy.dataXy[0]!.x % 1000).toBe(0);
      expect(
        new Intl.DateTimeFormat("en-US", { timeZone: config.timeZone!, hour: "2-digit", hourCycle: "h23" }).format(energy.dataXy[0]!.at),
      ).toBe("00");
    }
    expect(chart.startDate).toBe("2026-01-05");
  });

  it("reporting, preferences, audit log (POST), report configs (POST), site links and shares", async () => {
    expect((await client.getReportingCapabilities()).hasReportingAccess).toBe(false);
    const prefs = await client.getUserPreferences();
    expect((prefs.value as { app: unknown }).app).toBeDefined();
    const log = await client.getAuditLog(first());
    expect(lastRequest().method).toBe("POST");
    expect(JSON.parse(lastRequest().body)).toEqual({ ancestorKey: first(), isRecursive: false });
    expect(log.every((e) => e.parentKey === first())).toBe(true);
    const configs = await client.getReportConfigs(first());
    expect(lastRequest().method).toBe("POST");
    expect(configs.request).toEqual({ key: first(), filter: "" });
    expect(configs.list).toHaveLength(1);
    expect((await client.getSiteLinks(first())).map((l) => l.kind)).toEqual(["dashboard", "external"]);
    expect(Array.isArray(await client.getSiteShares(first()))).toBe(true);
  });

  it("getSites builds a SiteList from a customer, or reads one from a file", async () => {
    const list = await client.getSites({ customerId: sim.customers[0]! });
    expect(list.keys()).toEqual([...sim.sites]);
    expect(list.metadata.customer_id).toBe(sim.customers[0]);
    const { mkdirSync, mkdtempSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    mkdirSync("tmp", { recursive: true });
    const dir = mkdtempSync(join("tmp", "powertrack-sites-"));
    try {
      list.writeJsonFile(join(dir, "SiteList.json"));
      expect((await client.getSites({ file: join(dir, "SiteList.json") })).toJSON()).toEqual(list.toJSON());
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        await expect(client.getSites()).rejects.toBeInstanceOf(ConfigurationError);
      } finally {
        process.chdir(cwd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("getSiteData: config, every device's details and triggers, modeling", async () => {
    const data = await client.getSiteData(first(), { concurrency: 4 });
    expect(data.errors).toEqual([]);
    expect(data.hardware).toHaveLength(data.hardwareCount);
    expect(data.alerts).toHaveLength(data.hardwareCount);
    expect(data.activeAlertsCount).toBe(data.alerts.reduce((a, t) => a + t.activeTriggers.length, 0));
    expect(data.modeling?.siteId).toBe(first());
  });

  it("getSiteData reports a failing part and returns the rest", async () => {
    const list = await client.getHardwareList(first());
    const broken = list[3]!.key;
    const remove = sim.http.faults.add({ path: `/api/alerttrigger/${broken}`, kinds: ["http500"], times: 10 });
    try {
      const data = await client.getSiteData(first(), { includeHardware: false, includeModeling: false });
      expect(data.errors).toEqual([{ part: "alerts", key: broken, error: expect.objectContaining({ name: "ApiError", status: 500 }) }]);
      expect(data.alerts).toHaveLength(list.length - 1);
    } finally {
      remove();
    }
  });
});

describe("bad input is refused before anything is sent", () => {
  it.each([
    ["site key", (c: PowerTrackClient) => c.getSiteConfig("H123")],
    ["hardware key", (c: PowerTrackClient) => c.getHardwareDetails("S1")],
    ["customer key", (c: PowerTrackClient) => c.getPortfolioOverview("nope")],
    ["chart type", (c: PowerTrackClient) => c.getChartData(-1, "S1")],
    ["chart range", (c: PowerTrackClient) => c.getChartData(255, "S1", { startDate: "2025-02-02", endDate: "2025-02-01" })],
    ["chart date", (c: PowerTrackClient) => c.getChartData(255, "S1", { startDate: "02/01/2025" })],
    ["bin size", (c: PowerTrackClient) => c.getChartData(255, "S1", { binSize: 0 })],
    ["alert summary scope", (c: PowerTrackClient) => c.getAlertSummary({})],
    ["alert summary scopes", (c: PowerTrackClient) => c.getAlertSummary({ siteId: "S1", customerId: "C1" })],
    ["curve type", (c: PowerTrackClient) => c.getPvModelCurves("x" as "efficiencycurvemodels")],
    ["pvsyst scope", (c: PowerTrackClient) => c.getPvsystModules({})],
    ["list id", (c: PowerTrackClient) => c.getDriverSettingsList("1/../../x")],
    ["node key", (c: PowerTrackClient) => c.getAuditLog("X1")],
    ["report source", (c: PowerTrackClient) => c.startReport("../task")],
  ])("%s", async (_name, call) => {
    sim.http.clearRequests();
    await expect(call(client)).rejects.toBeInstanceOf(ValidationError);
    expect(sim.http.requests).toEqual([]);
  });
});

describe("session and server errors", () => {
  it("419 after the session lifetime: session expired, copy a fresh fetch; not retried", async () => {
    const { VirtualClock } = await import("../sim/kernel.js");
    const clock = new VirtualClock({ mode: "manual", start: Date.UTC(2026, 5, 1, 18) });
    const s = await startPowerTrackSimulator({ sites: 2, clock, sessionLifetimeMs: 20 * 60_000 });
    const c = clientFor(s);
    try {
      await c.getSiteConfig(s.sites[0]!);
      await clock.advance(21 * 60_000);
      s.http.clearRequests();
      const error = await c.getSiteConfig(s.sites[0]!).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).status).toBe(419);
      expect((error as Error).message).toMatch(/session expired.*copy a fresh fetch from the browser/);
      expect(s.http.requests).toHaveLength(1);
      // A fresh login works again.
      const fresh = clientFor(s);
      s.state.renewSession();
      await expect(clientFor(s).getSiteConfig(s.sites[0]!)).resolves.toBeDefined();
      await expect(fresh.getSiteConfig(s.sites[0]!)).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      await s.close();
    }
  });

  it("401 for wrong or missing credentials", async () => {
    const c = new PowerTrackClient({
      auth: { cookie: "AESession=WRONGWRONG", aeS: "*wrong-aes", baseUrl: sim.url, env: {}, cookieFile: false, envFile: false },
    });
    const error = await c.getReportingCapabilities().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as Error).message).toMatch(/copy a fresh fetch/);
    expect((error as Error).message).not.toContain("WRONGWRONG");
  });

  it("the HTML login page (200) is an expired session, not a parse error", async () => {
    const s = await startPowerTrackSimulator({ sites: 1, expiredResponse: "html" });
    try {
      s.state.expireSession();
      const error = await clientFor(s)
        .getSiteConfig(s.sites[0]!)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).code).toBe("login_page");
      expect(s.http.requests).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it("a GET is retried on 5xx, and a persistent 5xx keeps its status (the SDK lost it)", async () => {
    sim.http.clearRequests();
    const remove = sim.http.faults.add({ path: "/api/reporting", kinds: ["http503"], times: 1 });
    await expect(client.getReportingCapabilities()).resolves.toBeDefined();
    expect(sim.http.requests).toHaveLength(2);
    remove();
    const removeAll = sim.http.faults.add({ path: "/api/reporting", kinds: ["http502"] });
    try {
      sim.http.clearRequests();
      const error = await client.getReportingCapabilities().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(502);
      expect(sim.http.requests).toHaveLength(3);
    } finally {
      removeAll();
    }
  });

  it("read-only POSTs (chart) are retried like GETs", async () => {
    sim.http.clearRequests();
    const remove = sim.http.faults.add({ path: "/api/view/chart", kinds: ["http500"], times: 1 });
    try {
      await client.getChartData(255, first());
      expect(sim.http.requests.filter((r) => r.path === "/api/view/chart")).toHaveLength(2);
    } finally {
      remove();
    }
  });

  it("malformed and truncated bodies are retried, then reported as typed, retryable errors", async () => {
    for (const kind of ["malformed", "truncate"] as const) {
      const once = sim.http.faults.add({ path: "/api/userpreferences", kinds: [kind], times: 1 });
      await expect(client.getUserPreferences()).resolves.toBeDefined();
      once();
      const always = sim.http.faults.add({ path: "/api/userpreferences", kinds: [kind] });
      try {
        const error = await client.getUserPreferences().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OpenPowerError);
        expect((error as OpenPowerError).retryable).toBe(true);
        if (kind === "malformed") expect(error).toBeInstanceOf(ResponseFormatError);
      } finally {
        always();
      }
    }
  });

  it("a server that does not answer is a TimeoutError", async () => {
    const c = clientFor(sim, { timeoutMs: 150, retry: { limit: 0 } });
    const remove = sim.http.faults.add({ path: "/api/reporting", kinds: ["timeout"] });
    try {
      await expect(c.getReportingCapabilities()).rejects.toBeInstanceOf(TimeoutError);
    } finally {
      remove();
    }
  });

  it("unknown objects are NotFoundError; a wrong method is an ApiError with 405", async () => {
    await expect(client.getSiteConfig("S99999999")).rejects.toBeInstanceOf(NotFoundError);
    const error = await client.getJson("/api/auditlog").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(405);
  });

  it("empty and null 200 bodies are handled explicitly", async () => {
    const bare = await startHttpSimulator((req) => (req.path.endsWith("empty") ? { status: 200 } : { status: 200, body: null }));
    try {
      const c = new PowerTrackClient({
        auth: { cookie: "AESession=any-session", aeS: "*any-aes-value", baseUrl: bare.url, env: {}, cookieFile: false, envFile: false },
        retry: { limit: 0 },
      });
      await expect(c.getJson("/api/x/empty")).resolves.toBeNull();
      await expect(c.deleteJson("/api/x/null")).resolves.toBeNull();
      await expect(c.getUserPreferences()).rejects.toThrow(/empty body/);
    } finally {
      await bare.close();
    }
  });
});
