import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseWith } from "../core/validation.js";
import { toAlertSummaryResponse, toAlertTrigger, toAlertTriggers } from "./models/alerts.js";
import { toChartData } from "./models/chart.js";
import {
  hardwareFromNode,
  toDriverSettings,
  toHardware,
  toHardwareDetails,
  toHardwareDiagnostics,
  toNodes,
  toRegisterOffsets,
} from "./models/hardware.js";
import { toAuditLog, toReportConfigs, toReportingCapabilities, toUserPreferences } from "./models/misc.js";
import { toModelingData } from "./models/modeling.js";
import { toPortfolioMetrics } from "./models/portfolio.js";
import { toSiteConfig, toSiteDetailedInfo, toSiteLinks, toSiteShares } from "./models/site.js";
import { parseJsonString, parseTimestamp } from "./values.js";
import { lookupList } from "./wire/common.js";
import { siteHardwareProductionBody } from "./wire/hardware.js";
import { siteHardwareBody } from "./wire/site.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "powertrack");
const load = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), "utf8"));

/** Every fixture file, and the check that reads it. A new fixture without a check fails the first test. */
const checks: Record<string, () => void> = {
  "view_portfolio_customer_id.json": () => {
    const p = toPortfolioMetrics("C8458", load("view_portfolio_customer_id.json"));
    expect(p.invalidRows).toEqual([]);
    expect(p.sites.map((s) => s.key)).toEqual(["S34924", "S34930"]);
    const [a, b] = p.sites as [(typeof p.sites)[0], (typeof p.sites)[0]];
    // energyRatio is a percent: 64.5 % is poor, 88.5 % good (the SDK called both "excellent").
    expect(a.energyRatio).toBeCloseTo(64.5377, 3);
    expect(a.performanceStatus).toBe("poor");
    expect(b.performanceStatus).toBe("good");
    expect(a.expirationDate).toBe("2030-08-30");
    expect(a.estimatedCommissioningDate).toBe("2015-09-11");
    expect(a.lastDataUtc?.toISOString()).toBe("2025-12-19T19:47:32.000Z");
    expect(a.customColumnData).toHaveLength(6);
    expect(b.customColumnData[2]).toBe("4P.Clean Capital");
    expect(a.todayAnd7DayAverageKw?.plotActual).toHaveLength(96);
    expect(p.totalCapacityAc).toBe(1760 + 168);
    expect(p.totalEnergyToday).toBeCloseTo(504 + 127.75);
    expect(p.averageAvailability).toBeCloseTo((100 + 62.82050704956055) / 2);
    expect(p.sitesWithAlerts.map((s) => s.key)).toEqual(["S34930"]);
    expect(p.onlineSites).toHaveLength(2);
  },
  "view_site_site_id.json": () => {
    const s = toSiteDetailedInfo(load("view_site_site_id.json"), "2027-04-01");
    expect(s.parentKey).toBe("C16300");
    expect(s.fullAddress).toBe("2100 Roosevelt Ave., Springfield, MA 01101, United States");
    expect(s.capacityDcKw).toBeCloseTo(2623);
    expect(s.capacityAcKw).toBe(0);
    expect(s.monitoringContract.endDate).toBe("2027-06-30");
    expect(s.monitoringContract.daysRemaining).toBe(90);
    expect(s.monitoringContract.expiringSoon).toBe(true);
    // The SDK's names for the same helpers.
    expect([s.contractDaysRemaining, s.isContractExpiringSoon]).toEqual([90, true]);
    const later = toSiteDetailedInfo(load("view_site_site_id.json"), "2027-03-31");
    expect([later.contractDaysRemaining, later.isContractExpiringSoon]).toEqual([91, false]);
    expect(s.cellModemContract.status).toBe(0);
    expect(s.estimatedCommissioningDate).toBe("2017-02-03");
    expect(s.actualCommissioningDate).toBeNull();
    expect(s.estimatedLosses.soiling).toBe(0);
  },
  "edit_site_site_id.json": () => {
    const c = toSiteConfig(load("edit_site_site_id.json"));
    expect(c).toMatchObject({
      siteId: "S38292",
      timeZone: "US/Eastern",
      latitude: 42.137941,
      longitude: -72.5508695,
      elevation: 70,
      city: "Springfield",
      state: "MA",
      postalCode: "01101",
    });
    expect(c.installDate).toBe("2016-07-25");
    expect(c.capacityDcKw).toBeCloseTo(2623);
    expect(c.monthlyOutput.jul).toBe(386314);
    expect(c.ts).toBe("2025-12-12T17:53:01Z");
  },
  "edit_hardware_hardware_id.json": () => {
    const h = toHardwareDetails(load("edit_hardware_hardware_id.json"));
    expect(h.summary.name).toBe("Data Logger #1");
    expect(h.summary.hid).toBe(70611);
    expect(h.summary.typeName).toBe("Gateway");
    expect(h.hardwareId).toBe("C10373_S38292_GW0");
    expect(h.legacyId).toMatchObject({ customerId: 10373, siteId: 38292, functionId: "GW0" });
    expect(h.outOfServiceUntil?.toISOString()).toBe("2025-12-19T20:14:03.831Z");
    expect(parseTimestamp((h.details as { validatedDateTime: string }).validatedDateTime)).toBeNull();
    // The SDK's other Hardware members, from the configuration ("" is no value).
    expect(h.summary).toMatchObject({
      gatewayId: "0090E855C584",
      driverName: "Moxa Gateway",
      deviceAddress: "0",
      port: 0,
      unitId: 0,
      baud: null,
      mfrModel: null,
      shortName: null,
      enableBool: true,
    });
  },
  "put_edit_hardware.request.json": () => {
    const h = toHardwareDetails(load("put_edit_hardware.request.json"));
    expect(h.summary).toMatchObject({
      name: "Inv C10 - (62.5 kW) SMA Core 1 STP",
      functionCode: 1,
      typeName: "Inverter",
      capacityKw: 62.5,
    });
    expect(h.settings.map((s) => s.name)).toEqual(["dev:baud", "dev:portMode", "dev:RegOffset"]);
  },
  "put_edit_hardware.response.json": () => {
    const h = toHardwareDetails(load("put_edit_hardware.response.json"));
    expect(h.hardwareId).toBe("C44418_S70513_PV9");
    expect(h.ts).toBe("2025-12-01T19:50:37Z");
  },
  "view_sitehardwareproduction_site_id.json": () => {
    const body = parseWith(siteHardwareProductionBody, load("view_sitehardwareproduction_site_id.json"));
    const rows = (body.hardware ?? []).map((r) => toHardware(r, "US/Eastern"));
    expect(rows.map((r) => r.functionCode)).toEqual([11, 10, 2, 2]);
    expect(rows[0]!.capacityKw).toBeNull();
    expect(rows[0]!.dataRegisters.find((r) => r.name === "IP")?.value).toBeNull();
    const meter = rows[2]!;
    expect(meter.dataRegisters.find((r) => r.name === "KW")).toMatchObject({ value: 56.87224578857422, unit: 10, unitName: "kW" });
    expect(rows[3]!.dataRegisters.find((r) => r.name === "KW")?.value).toBeNull();
    expect(meter.lastSuccess?.toISOString()).toBe("2025-12-19T19:58:42.000Z");
    expect(meter.hid).toBe(70614);
    // The production view carries none of the SDK's connection members; the SDK's spellings are read when a row has them.
    expect(meter).toMatchObject({ port: null, unitId: null, gatewayId: null, enableBool: meter.enabled });
    expect(toHardware({ ...(body.hardware![2] as object), unitID: 7, gatewayID: "GW-1", enableBool: false })).toMatchObject({
      unitId: 7,
      gatewayId: "GW-1",
      enableBool: false,
    });
  },
  "view_hardwarestatus_hardware_id.json": () => {
    const d = toHardwareDiagnostics(load("view_hardwarestatus_hardware_id.json"), new Date("2025-12-19T20:30:00Z"));
    expect(d.registers).toHaveLength(4);
    expect(d.registers[1]).toMatchObject({
      name: "Module temp",
      value: "42.686",
      numericValue: 42.686,
      units: "°F",
      standardDataName: "Temp_Module",
    });
    expect(d.registers[3]!.numericValue).toBeNull();
    expect(d.isOnline).toBe(true);
    expect(toHardwareDiagnostics(load("view_hardwarestatus_hardware_id.json"), new Date("2025-12-20T20:30:00Z")).isOnline).toBe(false);
  },
  "alerttrigger_hardware_id.json": () => {
    const t = toAlertTriggers("H70617", load("alerttrigger_hardware_id.json"));
    expect(t.parentKey).toBe("H70617");
    expect(t.assetCode).toBe(5);
    expect(t.triggers.map((x) => x.key)).toEqual(["AS138373", "AS138374"]);
    expect(t.activeTriggers).toHaveLength(2);
    expect(t.triggers[0]).toMatchObject({ alertTypeKey: "AI250", isActive: true, delayHoursTrigger: 0.25, checkSun: false });
    expect(t.defaultTriggers.every((d) => d.key === "" && d.id === 0)).toBe(true);
  },
  "post_alerttrigger.request.json": () => {
    const t = toAlertTrigger(load("post_alerttrigger.request.json"));
    expect(t).toMatchObject({ key: "", id: 0, alertTypeKey: "AI362", parentKey: "H347559", checkSun: true, sunMinElevation: 10 });
    expect(t.parameters).toHaveLength(3);
  },
  "put_alerttrigger.request.json": () => {
    expect(toAlertTrigger(load("put_alerttrigger.request.json"))).toMatchObject({ key: "x2d1aee87", id: 1764999, hasImpact: true });
  },
  "delete_alerttrigger.json": () => {
    const f = load("delete_alerttrigger.json") as { request: { method: string; path: string }; response: unknown };
    expect(f.response).toBeNull();
    expect(f.request.path).toMatch(/^\/api\/alerttrigger\/H\d+\/[A-Za-z0-9]+$/);
  },
  "view_activealerts_activesummary.json": () => {
    const f = load("view_activealerts_activesummary.json") as { empty: unknown; populated: unknown };
    const empty = toAlertSummaryResponse(f.empty);
    expect(empty).toMatchObject({ totalAlerts: 0, total: 0, hardwareWithAlerts: [], criticalHardware: [] });
    const full = toAlertSummaryResponse(f.populated);
    expect(full.totalAlerts).toBe(4);
    expect(full.criticalHardware.sort()).toEqual(["H333005", "H71465"]);
    expect(full.hardwareSummaries.H333005!.severityLevel).toBe("emergency");
    expect(full.hardwareSummaries.H116630!.severityLevel).toBe("medium");
    expect(full.bySeverity).toEqual({ critical: 1, medium: 1, emergency: 1 });
  },
  "edit_modeling_site_id.json": () => {
    const m = toModelingData(load("edit_modeling_site_id.json"));
    expect(m).toMatchObject({ siteId: "S68624", hardwareKey: null, dcRating: 12350.34000000004, totalCapacityKw: 0 });
    expect(m.inverters[0]).toMatchObject({ azimuth: 180, derate: 0.9 });
    expect(m.selectedHardware).toHaveLength(3);
  },
  "put_edit_modeling.request.json": () => {
    const m = toModelingData(load("put_edit_modeling.request.json"));
    expect(m).toMatchObject({ siteId: null, hardwareKey: "H425923", totalCapacityKw: 125 });
    expect(m.inverters[0]!.bifacialRatio).toBe(0.0843);
  },
  "edit_sitehardware_site_id.json": () => {
    const s = parseWith(siteHardwareBody, load("edit_sitehardware_site_id.json"));
    expect(s.hardware.map((h) => h.hardwareKey)).toEqual(["H504058", "H504059", "H504184"]);
  },
  "put_edit_sitehardware.request.json": () => {
    const s = parseWith(siteHardwareBody, load("put_edit_sitehardware.request.json"));
    expect(s.key).toBe("S68143");
    expect(s.hardware).toHaveLength(2);
  },
  "post_view_chart.request.json": () => {
    expect(Object.keys(load("post_view_chart.request.json") as object).sort()).toEqual([
      "binSize",
      "chartType",
      "context",
      "end",
      "query",
      "sectionCode",
      "source",
      "start",
    ]);
  },
  "post_view_chart.response.json": () => {
    const c = toChartData(load("post_view_chart.response.json"), {
      chartType: 1,
      siteId: "S38292",
      startDate: "2025-12-01",
      endDate: "2025-12-19",
      timeZone: "US/Eastern",
    });
    expect(c.series).toHaveLength(2);
    expect(c.series[0]).toMatchObject({ key: "Energy_NetEnergyPM", units: 11, unitName: "kWh", yMax: null, yMin: null, dataPoints: 19 });
    expect(c.series[0]!.dataXy[0]).toMatchObject({ x: 1764565200000, y: 5322 });
    // Daily bins start at local midnight (US/Eastern) in epoch milliseconds.
    expect(c.series[0]!.dataXy[0]!.at.toISOString()).toBe("2025-12-01T05:00:00.000Z");
    expect(c.series[1]!.yMin).toBe(0);
    expect(c.energyProduction).toBe(25188);
    expect(c.performanceRatio).toBeCloseTo(25188 / 78600.5349);
    expect(c.losses.snow).toBeCloseTo(31639.584);
    expect(c.hardwareKeys).toContain("BAD");
    expect(c.summaryTable).toEqual([["Average", "42.289224999999995"]]);
    expect(c.lastDataDatetime?.toISOString()).toBe("2025-12-19T05:00:00.000Z");
  },
  "view_registeroffsets_hardware_id.json": () => {
    expect(toRegisterOffsets(load("view_registeroffsets_hardware_id.json")).registerOffsets.map((o) => o.registerAddress)).toEqual([
      22, 9999,
    ]);
  },
  "view_driversettings_hardware_id.json": () => {
    const d = toDriverSettings(load("view_driversettings_hardware_id.json"));
    expect(d.driverSettings).toHaveLength(15);
    expect(d.driverSettings[1]).toEqual({ name: "dev:ScaleKW", type: 0, value: "0.1" });
  },
  "view_pvsystmodules_hardware_id.json": () => {
    const list = parseWith(lookupList, (load("view_pvsystmodules_hardware_id.json") as { response: unknown }).response);
    expect(list[0]).toEqual({ name: "(Custom PVsyst Configuration)", value: 0 });
    expect(list).toHaveLength(10);
  },
  "reporting.json": () => {
    expect(toReportingCapabilities(load("reporting.json"))).toMatchObject({
      hasReportingAccess: false,
      canAddAutoReport: false,
      views: [],
    });
  },
  "userpreferences.json": () => {
    const p = toUserPreferences(load("userpreferences.json"));
    const value = p.value as { app: { showPanel: boolean }; renewalCenterData: { data: string } };
    expect(value.app.showPanel).toBe(true);
    const renewals = parseJsonString(value.renewalCenterData.data) as Array<{
      siteKey: string;
      timeline: { check: string; close: string };
    }>;
    expect(renewals[0]!.siteKey).toBe("S35181");
    expect(parseTimestamp(renewals[0]!.timeline.check)).toBeNull();
    expect(parseTimestamp(renewals[0]!.timeline.close)?.toISOString()).toBe("2026-07-15T00:00:00.000Z");
  },
  "post_auditlog.response.json": () => {
    const log = toAuditLog(load("post_auditlog.response.json"));
    expect(log).toHaveLength(4);
    expect(log[1]).toMatchObject({ key: "AE104403108", changeType: "Created", text: "Password created", parentKey: "H504058" });
    expect(log[0]!.date?.toISOString()).toBe("2024-05-22T20:58:03.000Z");
  },
  "post_view_reportconfigs.response.json": () => {
    expect(toReportConfigs(load("post_view_reportconfigs.response.json"))).toMatchObject({
      isMore: false,
      list: [],
      request: { key: "H504184", filter: "" },
    });
  },
  "post_node.json": () => {
    const nodes = toNodes((load("post_node.json") as { response: unknown }).response);
    expect(nodes.map((n) => n.kind)).toEqual(["customer", "customer", "site", "hardware"]);
    const hw = hardwareFromNode(nodes[3]!);
    expect(hw).toMatchObject({ key: "H70617", functionCode: 5, typeName: "Weather Station", hid: 70617, source: "node" });
    expect(nodes[3]!.path).toContain("S38292");
  },
  "post_task_start.json": () => {
    expect((load("post_task_start.json") as { response: unknown }).response).toEqual({});
  },
  "view_sitelinks_site_id.json": () => {
    const links = toSiteLinks(load("view_sitelinks_site_id.json"));
    expect(links.map((l) => l.kind)).toEqual(["dashboard", "dashboard", "external", "external"]);
  },
  "view_siteshares_site_id.json": () => {
    expect(toSiteShares(load("view_siteshares_site_id.json"))[0]).toMatchObject({
      siteKey: "S68624",
      sharedToCustomerKey: "C11056",
      canEdit: true,
      canControl: false,
    });
  },
};

describe("PowerTrack fixtures", () => {
  it("every fixture file has a check, and every check a file", () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort();
    expect(files).toEqual(Object.keys(checks).sort());
    expect(readdirSync(dir)).toContain("INDEX.md");
  });

  for (const [file, check] of Object.entries(checks)) it(`parses ${file}`, check);

  it("keeps a portfolio row with a new server field and reports (not drops) a broken one", () => {
    const body = load("view_portfolio_customer_id.json") as { sites: Array<Record<string, unknown>> };
    body.sites[0]!.brandNewServerField = { nested: true };
    body.sites.push({ name: "no key here" });
    body.sites.push({ ...body.sites[1]!, key: "S99", availability: "NaN", revenueLoss: "NaN" });
    const p = toPortfolioMetrics("C8458", body);
    expect(p.sites.map((s) => s.key)).toEqual(["S34924", "S34930", "S99"]);
    expect(p.sites[2]!.availability).toBeNull();
    expect(p.invalidRows).toHaveLength(1);
    expect(p.invalidRows[0]).toMatchObject({ index: 2, key: null });
    expect(p.invalidRows[0]!.reason).toMatch(/key/);
  });
});

describe("units and zones in the models", () => {
  it("portfolio stateOfCharge is a fraction 0..1; lastUpload without a zone is the row's local time", () => {
    const body = load("view_portfolio_customer_id.json") as { sites: Array<Record<string, unknown>> };
    body.sites[0]!.stateOfCharge = 56;
    body.sites[0]!.lastUpload = "2025-12-19T14:53:51";
    body.sites[0]!.lastDataUTC = "2025-12-19T19:47:32";
    const [a, b] = toPortfolioMetrics("C8458", body).sites;
    expect(a!.stateOfCharge).toBe(0.56);
    expect(b!.stateOfCharge).toBeNull();
    expect(a!.timeZone).toBe("US/Eastern");
    expect(a!.lastUpload?.toISOString()).toBe("2025-12-19T19:53:51.000Z");
    // The member's name says UTC.
    expect(a!.lastDataUtc?.toISOString()).toBe("2025-12-19T19:47:32.000Z");
  });

  it("chart losses not reported are null, not 0", () => {
    const body = load("post_view_chart.response.json") as { namedResults: Record<string, unknown> };
    delete body.namedResults.soiling;
    body.namedResults.clipping = 0;
    const c = toChartData(body, { chartType: 1, siteId: "S38292", startDate: "2025-12-01", endDate: "2025-12-19" });
    expect(c.losses.soiling).toBeNull();
    expect(c.losses.clipping).toBe(0);
  });

  it("diagnostics read zone-less times in the device's timeZone", () => {
    const body = load("view_hardwarestatus_hardware_id.json") as Record<string, unknown>;
    body.lastSuccess = "2025-12-19T15:18:19";
    body.lastAttempt = "2025-12-19T15:18:49";
    const d = toHardwareDiagnostics(body, new Date("2025-12-19T20:30:00Z"));
    expect(d.timeZone).toBe("US/Eastern");
    expect(d.lastSuccess?.toISOString()).toBe("2025-12-19T20:18:19.000Z");
    expect(d.lastAttempt?.toISOString()).toBe("2025-12-19T20:18:49.000Z");
    expect(d.isOnline).toBe(true);
  });

  it("hid is null for a key that is not a hardware key; details say they come from edit/hardware", () => {
    expect(hardwareFromNode({ key: "X17", kind: "hardware", subKind: 1, name: "odd", parentKey: null, path: [] }).hid).toBeNull();
    expect(toHardwareDetails(load("edit_hardware_hardware_id.json")).summary.source).toBe("edithardware");
  });
});
