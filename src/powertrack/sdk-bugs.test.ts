/**
 * One regression test per Python powertrack-sdk defect listed in specs/powertrack.md §7 (and the
 * ones noted along the way), showing that openpower does not have it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError, AuthenticationError, ValidationError } from "../core/errors/index.js";
import type { PowerTrackSimulator } from "../sim/powertrack/index.js";
import { AuthManager, DEFAULT_AE_V } from "./auth/auth-manager.js";
import type { PowerTrackClient } from "./client.js";
import { mergeByKey } from "./merge.js";
import { toHardwareDiagnostics } from "./models/hardware.js";
import { toPortfolioMetrics } from "./models/portfolio.js";
import { toSiteConfig, toSiteDetailedInfo } from "./models/site.js";
import { parseEditsCsv } from "./portfolio/csv.js";
import { SiteList } from "./portfolio/site-list.js";
import { parseSiteKey } from "./keys.js";
import { clientFor, simAndClient } from "./test-support/sim-client.js";
import { nodeFetchSnippet } from "./test-support/snippets.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "powertrack");
const load = (name: string) => JSON.parse(readFileSync(join(fixtures, name), "utf8")) as Record<string, unknown>;

let sim: PowerTrackSimulator;
let client: PowerTrackClient;
beforeAll(async () => {
  ({ sim, client } = await simAndClient({ sites: 5, seed: 3 }));
});
afterAll(async () => {
  client.close();
  await sim.close();
});
beforeEach(() => sim.http.clearRequests());
const requests = () => sim.http.requests.map((r) => `${r.method} ${r.path}`);
const hardwareOf = (code: number, site = sim.sites[1]!) => sim.state.portfolio.site(site)!.hardware.find((h) => h.functionCode === code)!;

describe("SDK bug 1: credentials", () => {
  it("environment variables are not overridden by a fetch snippet; BASE_URL is honoured; ae_v defaults to c75711", () => {
    const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
    mkdirSync(join(repo, "tmp"), { recursive: true });
    const dir = mkdtempSync(join(repo, "tmp", "powertrack-sdk-bug1-"));
    try {
      // The SDK let a mostRecentFetch.js beat COOKIE/AE_S; here the snippet only fills what the environment lacks.
      const snippet = join(dir, "mostRecentFetch.js");
      writeFileSync(
        snippet,
        nodeFetchSnippet({ cookie: "AESession=snippet-cookie", aeS: "*snippet-aes", url: "https://snippet.example/api/view/site/S1" }),
      );
      const env = { COOKIE: "AESession=env-cookie", AE_S: "*env-aes", BASE_URL: "https://env.example", POWERTRACK_FETCH_FILE: snippet };
      const a = new AuthManager({ env, cookieFile: false, envFile: false, cwd: dir });
      expect(a.headers()).toMatchObject({ cookie: "AESession=env-cookie", ae_s: "*env-aes", ae_v: "c75711" });
      expect(a.baseUrl).toBe("https://env.example");
      expect(a.sources()).toMatchObject({ cookie: { kind: "env" }, aeS: { kind: "env" }, baseUrl: { kind: "env" } });
      // A snippet lying around is never looked for unless named.
      expect(() => new AuthManager({ env: {}, cookieFile: false, envFile: false, cwd: dir })).toThrow(AuthenticationError);
      expect(DEFAULT_AE_V).not.toBe("086665");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("SDK bug 2: get_site_config read members that do not exist", () => {
  it("reads the nested location, tz and capacityAc/capacityDc with their units", () => {
    const c = toSiteConfig(load("edit_site_site_id.json"));
    expect([c.timeZone, c.latitude, c.longitude, c.city, c.postalCode, c.capacityDcKw]).toEqual([
      "US/Eastern",
      42.137941,
      -72.5508695,
      "Springfield",
      "01101",
      2623,
    ]);
    // The SDK's own member names (which it left empty) are filled too.
    expect([c.timezone, c.zipCode, c.acCapacityKw, c.dcCapacityKw]).toEqual(["US/Eastern", "01101", c.capacityAcKw, 2623]);
  });
});

describe("SDK bug 3: get_hardware_details read `name`", () => {
  it("names the device from `description`", async () => {
    const gw = hardwareOf(10);
    expect((await client.getHardwareDetails(gw.key)).summary.name).toBe(sim.state.hardwareConfig(gw.key).description);
  });
});

describe("SDK bug 4: update_hardware_config overwrote hardwareId with the H key", () => {
  it("keeps the legacy hardwareId in the PUT body and on the server", async () => {
    const inv = hardwareOf(1);
    const id = sim.state.hardwareConfig(inv.key).hardwareId;
    await client.updateHardwareConfig(inv.key, { description: "Renamed" });
    const put = sim.http.requests.find((r) => r.method === "PUT")!;
    expect(JSON.parse(put.body).hardwareId).toBe(id);
    expect(sim.state.hardwareConfig(inv.key).hardwareId).toBe(id);
  });
});

describe("SDK bug 5: deep_merge_dicts merged id-less items into the first element", () => {
  it("merges id-less items by position", () => {
    const merged = mergeByKey({ list: [{ a: 1 }, { a: 2 }, { a: 3 }] }, { list: [{ a: 10 }, { a: 20 }] });
    expect(merged.list).toEqual([{ a: 10 }, { a: 20 }, { a: 3 }]);
  });
});

describe("SDK bug 6: wrong paths and methods", () => {
  it("alert triggers: POST /api/alerttrigger and DELETE /api/alerttrigger/{H}/{T} (the SDK's paths are refused)", async () => {
    const ws = hardwareOf(5);
    const added = await client.addAlertTrigger(ws.key, { alertTypeKey: "AI250", name: "Extra comm check" });
    await client.deleteAlertTrigger(ws.key, added.createdKey!);
    expect(requests().filter((r) => !r.startsWith("GET"))).toEqual([
      "POST /api/alerttrigger",
      `DELETE /api/alerttrigger/${ws.key}/${added.createdKey}`,
    ]);
    await expect(client.postJson(`/api/alerttrigger/${ws.key}`, {})).rejects.toMatchObject({ status: 405 });
    await expect(client.deleteJson(`/api/alerttrigger/${ws.key}`)).rejects.toMatchObject({ status: 405 });
  });

  it("modeling: PUT /api/edit/modeling without an id (the SDK's /api/edit/modeling/{S} is refused)", async () => {
    await client.updateModelingData(sim.sites[1]!, { pvConfig: { degrade: 0.6 } });
    expect(requests()).toContain("PUT /api/edit/modeling");
    await expect(
      client.putJson(`/api/edit/modeling/${sim.sites[1]}`, {}, { referer: client.referer(sim.sites[1]!, "administration/modeling") }),
    ).rejects.toMatchObject({ status: 405 });
  });

  it("audit log and report configs are POSTs; reports start at /api/task/start", async () => {
    await client.getAuditLog(sim.sites[1]!);
    await client.getReportConfigs(sim.sites[1]!);
    await client.startReport("F211147");
    expect(requests()).toEqual(["POST /api/auditlog", "POST /api/view/reportconfigs", "POST /api/task/start"]);
  });

  it("never calls the undocumented bulkhardware, hardware/driver|inverter|bifacial, report/* or pan/upload paths", async () => {
    const inv = hardwareOf(1);
    // Every SDK method that used one of those paths, on its documented replacement.
    await client.updateInverterModel(inv.key, { tilt: 12 });
    await client.updateBifacialSettings(inv.key, { bifacialRatio: 0.05 });
    await client.bulkUpdateHardware(sim.sites[1]!, [{ hardwareKey: inv.key, description: "Bulk renamed" }]);
    await client.updateHardwareDriver(inv.key, { settings: [{ name: "dev:baud", value: 19200 }] });
    const module = {
      manufacturer: "Acme",
      model: "AC-400",
      cellType: 0,
      cellsSeries: 72,
      cellsParallel: 1,
      cellArea: 244,
      isc: 10.2,
      voc: 49.5,
      impp: 9.7,
      vmpp: 41.3,
      muIsc: 0.05,
      rShunt: 500,
      rSeries: 0.3,
      rShuntGinc: 2000,
      rShuntExp: 5.5,
      muPMax: -0.36,
    };
    expect((await client.uploadPanData(module, { verifyKey: inv.key })).status).toBe("applied");
    const template = await client.getReportConfigTemplate(sim.customers[0]!, 0);
    expect((await client.createReportConfig({ ...template, reportTitle: "SDK bug 6", parentKey: "D1" })).status).toBe("applied");
    await client.startReport("F211147");
    expect(requests().filter((r) => !r.startsWith("GET") && !/^POST \/api\/(view\/reportconfigs|node)$/.test(r))).toEqual([
      "PUT /api/edit/modeling",
      "PUT /api/edit/modeling",
      "PUT /api/edit/sitehardware",
      "PUT /api/edit/hardware",
      "POST /api/edit/pvsystmodule",
      "POST /api/reportconfig",
      "POST /api/task/start",
    ]);
    // Each of them with a Referer on the web app, as the browser sends.
    const writes = sim.http.requests.filter((r) => r.method !== "GET" && !/^\/api\/(view\/reportconfigs|node)$/.test(r.path));
    expect(writes.filter((r) => !String(r.headers.referer ?? "").startsWith(`${sim.url}/powertrack/`)).map((r) => r.path)).toEqual([]);
    const remove = [
      sim.http.faults.add({ path: `/api/view/sitehardwareproduction/${sim.sites[1]}`, kinds: ["http500"] }),
      sim.http.faults.add({ path: "/api/node", kinds: ["http500"] }),
    ];
    await expect(client.getHardwareList(sim.sites[1]!)).rejects.toBeInstanceOf(ApiError);
    remove.forEach((r) => r());
    expect(requests().filter((r) => /bulkhardware|hardware\/(driver|inverter|bifacial)|\/api\/report\/|pan\/upload/.test(r))).toEqual([]);
    expect(requests()).toContain("PUT /api/edit/modeling");
  });
});

describe("SDK bug 7: wrong response members and a mis-cased key", () => {
  it("site links come from `list`, shares from `rows`, audit entries from `auditLogs`, report configs from `list`", async () => {
    expect((await client.getSiteLinks(sim.sites[1]!)).length).toBeGreaterThan(0);
    expect((await client.getAuditLog(sim.sites[1]!)).length).toBeGreaterThan(0);
    expect((await client.getReportConfigs(sim.sites[1]!)).list.length).toBe(1);
    const shares = await Promise.all(sim.sites.map((s) => client.getSiteShares(s)));
    expect(shares.some((rows) => rows.length > 0)).toBe(true);
  });

  it("reads preferredWSForEstimatedInsolation with its real casing", () => {
    const body = { ...load("view_site_site_id.json"), preferredWSForEstimatedInsolation: 3 };
    expect(toSiteDetailedInfo(body, "2026-01-01").preferredWSForEstimatedInsolation).toBe(3);
  });
});

describe("SDK bug 8: **data construction dropped rows on a new server field", () => {
  it("keeps portfolio rows and diagnostics with unknown members", () => {
    const portfolio = load("view_portfolio_customer_id.json") as { sites: Array<Record<string, unknown>> };
    portfolio.sites.forEach((s) => (s.newField2027 = 1));
    expect(toPortfolioMetrics("C8458", portfolio).sites).toHaveLength(2);
    const status = { ...load("view_hardwarestatus_hardware_id.json"), anotherNewField: true };
    expect(toHardwareDiagnostics(status, new Date()).registers).toHaveLength(4);
  });
});

describe("SDK bug 9: error mapping and retries", () => {
  it("a 5xx after retries keeps its status", async () => {
    const remove = sim.http.faults.add({ path: "/api/reporting", kinds: ["http500"] });
    try {
      await expect(client.getReportingCapabilities()).rejects.toMatchObject({ name: "ApiError", status: 500 });
    } finally {
      remove();
    }
  });

  it("419 is an authentication error", async () => {
    sim.state.expireSession();
    try {
      await expect(client.getReportingCapabilities()).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      sim.state.refreshSession();
    }
  });

  it("PUT and POST are not retried", async () => {
    const remove = sim.http.faults.add({ method: "PUT", kinds: ["http503"] });
    const removePost = sim.http.faults.add({ method: "POST", path: "/api/task/start", kinds: ["http503"] });
    try {
      const result = await client.updateSiteConfig(sim.sites[2]!, { name: "x" });
      // Sent, answered 503, and the read-back shows it did not take: notTaken, with the error.
      expect(result).toMatchObject({ status: "notTaken", sent: true, taken: false, errorCode: "ApiError" });
      await expect(client.startReport("F1")).rejects.toMatchObject({ status: 503 });
      expect(requests().filter((r) => r.startsWith("PUT") || r === "POST /api/task/start")).toEqual([
        "PUT /api/edit/site",
        "POST /api/task/start",
      ]);
    } finally {
      remove();
      removePost();
    }
  });

  it("a JSON null answer to a DELETE is success", async () => {
    const ws = hardwareOf(5);
    const key = String(sim.state.triggers(ws.key)[0]!.key);
    expect(await client.deleteAlertTrigger(ws.key, key)).toMatchObject({ success: true, detail: { response: null }, taken: true });
  });
});

describe("SDK bug 10: chart Referer, site overview id, 6-digit sites", () => {
  it("the chart Referer is on the configured base URL", async () => {
    await client.getChartData(255, sim.sites[1]!);
    expect(sim.http.requests.at(-1)!.headers.referer).toBe(`${sim.url}/powertrack/${sim.sites[1]}/overview/dashboard`);
  });

  it("get_site_overview normalises the id; 6-digit site keys are fine", async () => {
    const six = sim.sites.find((s) => s.length === 7)!;
    expect(parseSiteKey(six.slice(1))).toBe(six);
    expect((await client.getSiteOverview(six.slice(1))).key).toBe(six);
  });
});

describe("SDK bug 11: validation, CSV, writes in the mock, performance status", () => {
  it("bad input raises ValidationError (the SDK never used it)", async () => {
    await expect(client.getSiteConfig("X")).rejects.toBeInstanceOf(ValidationError);
  });

  it("CSV bulk edits exist", () => {
    expect(parseEditsCsv("key,description\nH1,x\n").edits).toHaveLength(1);
  });

  it("the simulator accepts writes (the SDK's mock had none)", async () => {
    const result = await clientFor(sim).updateSiteConfig(sim.sites[3]!, { name: "written to the simulator" });
    expect(result.status).toBe("applied");
  });

  it("energyRatio is a percent: 64.5 is poor, not excellent", () => {
    const p = toPortfolioMetrics("C8458", load("view_portfolio_customer_id.json"));
    expect(p.sites.map((s) => s.performanceStatus)).toEqual(["poor", "good"]);
  });

  it("SiteList round-trips without nesting metadata", () => {
    const doc = { metadata: {}, sites: [{ key: "S1", name: "a", metadata: {} }] };
    expect(SiteList.fromJSON(doc).toJSON().sites).toEqual(doc.sites);
  });
});

describe("SDK bug 12: AlertTrigger left parentKey and the per-trigger fields empty", () => {
  it("fills parentKey and every trigger member", async () => {
    const ws = hardwareOf(5, sim.sites[4]!);
    const t = await client.getAlertTriggers(ws.key);
    expect(t.parentKey).toBe(ws.key);
    expect(t.triggers[0]).toMatchObject({
      isActive: true,
      checkSun: expect.any(Boolean),
      delayHoursTrigger: expect.any(Number),
      alertTypeKey: "AI250",
    });
  });
});

describe("smaller SDK defects", () => {
  it("hid is filled from the primary hardware source (it was always None)", async () => {
    const list = await client.getHardwareList(sim.sites[1]!);
    expect(list.every((h) => Number.isInteger(h.hid) && h.hid! > 0)).toBe(true);
  });

  it("chart x values are epoch milliseconds (the SDK mock used seconds)", async () => {
    const chart = await client.getChartData(1, sim.sites[1]!, { startDate: "2026-03-01", endDate: "2026-03-02" });
    expect(chart.series[0]!.dataXy[0]!.x).toBeGreaterThan(1e12);
  });

  it("diagnostics online status uses lastSuccess (lastCommunication is 0 in real data)", () => {
    const body = load("view_hardwarestatus_hardware_id.json");
    expect(body.lastCommunication).toBe(0);
    expect(toHardwareDiagnostics(body, new Date("2025-12-19T20:20:00Z")).isOnline).toBe(true);
  });
});
