import { addDays, daysBetween } from "../../core/time/calendar-date.js";
import { startOfLocalDay } from "../../core/time/zoned.js";
import { hash01, hash32 } from "../kernel.js";
import { isoZ } from "./format.js";
import { type SimSite } from "./portfolio.js";
import {
  AUDIT_LOG_TEMPLATE,
  DRIVER_SETTINGS_TEMPLATE,
  PVSYST_MODULES,
  REGISTER_OFFSETS_TEMPLATE,
  USER_PREFERENCES_TEMPLATE,
} from "./templates.js";
import { SimViewState } from "./state-views.js";
import { SimHttpError, clone } from "./state-session.js";

export {
  SimHttpError,
  type PowerTrackSimCredentials,
  type SimWriteRecord,
  type ExpiredResponse,
  type SimStateOptions,
} from "./state-session.js";

type Obj = Record<string, unknown>;

/**
 * Everything the simulated server knows: the generated portfolio plus every change made through
 * the API (kept as whole objects, exactly as PUT), the session, and a log of accepted writes.
 * Tests may read and change it directly (`setHardwareConfig`, `expireSession`, …).
 */
export class PowerTrackSimState extends SimViewState {
  /**
   * `POST /api/view/chart` for one site: energy per bin (kWh) from the PV model, irradiance, and
   * the named results. Bins start at local midnight (daily) or on the local clock (shorter bins).
   */
  chart(request: Obj): Obj {
    const source = Array.isArray(request.source) ? (request.source as unknown[]) : [];
    const siteKey = source[0];
    if (typeof siteKey !== "string") throw new SimHttpError(400, "The chart request has no source site.");
    const site = this.site(siteKey);
    const tz = site.location.tz;
    const start = String(request.start ?? "");
    const end = String(request.end ?? "");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !/^\d{4}-\d{2}-\d{2}$/.test(end) || start > end)
      throw new SimHttpError(400, "The chart request needs start <= end as YYYY-MM-DD.");
    const days = daysBetween(start, end) + 1;
    if (days > 1000) throw new SimHttpError(400, "The chart range is longer than 1000 days.");
    const binSize = typeof request.binSize === "number" && request.binSize > 0 ? request.binSize : days > 1 ? 1440 : 15;
    const chartType = typeof request.chartType === "number" ? request.chartType : 255;
    const now = this.clock.now();
    const from = startOfLocalDay(start, tz).getTime();
    const to = Math.min(now, startOfLocalDay(addDays(end, 1), tz).getTime());
    const energy: Obj[] = [];
    const sun: Obj[] = [];
    const power: Obj[] = [];
    let total = 0;
    let clearTotal = 0;
    const binStarts: number[] = [];
    if (binSize >= 1440) for (let d = 0; d < days; d++) binStarts.push(startOfLocalDay(addDays(start, d), tz).getTime());
    else for (let t = from; t < to; t += binSize * 60_000) binStarts.push(t);
    binStarts.forEach((b, i) => {
      if (b >= to) return;
      const e = Math.min(to, binStarts[i + 1] ?? (binSize >= 1440 ? startOfLocalDay(addDays(end, 1), tz).getTime() : b + binSize * 60_000));
      const kwh = this.portfolio.energyKwh(site, b, e);
      let irr = 0;
      let n = 0;
      let clear = 0;
      for (let t = b + 450_000; t < e; t += 900_000) {
        const g = this.portfolio.irradiance(site, t);
        irr += g;
        n++;
        clear += Math.min(site.acKw, (site.dcKw * 0.86 * g) / 1000 / Math.max(0.08, site.pv.cloudFactor(t))) * 0.25;
      }
      total += kwh;
      clearTotal += clear;
      energy.push({ timeStamp: null, x: b, y: Math.round(kwh * 1000) / 1000 });
      sun.push({ timeStamp: null, x: b, y: n ? irr / n : 0 });
      if (binSize < 1440) power.push({ timeStamp: null, x: b, y: (kwh * 60) / Math.max(1, (e - b) / 60_000) });
    });
    const pm = site.hardware.find((h) => h.functionCode === 2);
    const ws = site.hardware.find((h) => h.functionCode === 5);
    const ys = energy.map((p) => p.y as number);
    const series: Obj[] = [
      {
        alertMessageMap: null,
        color: "#154672",
        customUnit: "Kilowatt hours",
        dataBinned: [],
        dataMax: ys.length ? Math.max(...ys) : 0,
        dataMin: ys.length ? Math.min(...ys) : 0,
        dataXy: energy,
        diameter: 0,
        fitExponent: 0,
        header: "Production meter net energy",
        key: "Energy_NetEnergyPM",
        lineColor: "#154672",
        lineType: 0,
        lineWidth: 2,
        name: "Production meter net energy",
        rightAxis: false,
        units: 11,
        useBinnedData: false,
        visible: true,
        xSeriesHeader: "",
        xSeriesKey: "",
        xSeriesName: "",
        xUnits: "",
        yAxisIndex: 0,
        yMax: "NaN",
        yMin: "NaN",
      },
      {
        alertMessageMap: null,
        color: "#000000",
        customUnit: "Watts/meter²",
        dataBinned: [],
        dataMax: 0,
        dataMin: 0,
        dataXy: sun,
        diameter: 0,
        fitExponent: 0,
        header: "Weather Station - POA",
        key: "ExpEnergy_Sun",
        lineColor: "#000000",
        lineType: 17,
        lineWidth: 1,
        name: "Weather Station - POA",
        rightAxis: false,
        units: 57,
        useBinnedData: false,
        visible: false,
        xSeriesHeader: "",
        xSeriesKey: "",
        xSeriesName: "",
        xUnits: "",
        yAxisIndex: 0,
        yMax: "NaN",
        yMin: 0,
      },
    ];
    if (power.length) {
      series.push({
        ...clone(series[0]!),
        customUnit: "Kilowatts",
        dataXy: power,
        header: "Production meter power",
        key: "Power_NetPowerPM",
        name: "Production meter power",
        units: 10,
      });
    }
    const expected = Math.max(total, clearTotal * 0.97);
    const downtime = site.hardware.some((h) => h.faulted) ? expected * 0.08 : 0;
    return {
      allowSmallBinSize: true,
      binSize,
      currentNowBinIndex: energy.length - 1,
      dataNotAvailable: energy.length === 0,
      durations: [
        { binSize: 1440, days: 1, id: "day" },
        { binSize: 1440, days: 7, id: "week" },
        { binSize: 1440, days: 31, id: "month" },
        { binSize: 1440, days: 365, id: "year" },
      ],
      end: `${end}T23:59:59`,
      errorString: "",
      hardwareKeys: [pm?.key ?? "BAD", ws?.key ?? "BAD", "BAD"],
      hasAlertMessages: false,
      hasOverriddenQuery: false,
      isCategoryChart: false,
      isSummaryChart: false,
      isUsingDaylightSavings: tz !== "US/Arizona",
      key: JSON.stringify({
        binSize,
        builtInParameters: null,
        chartType,
        context: "site",
        end,
        futureDays: 0,
        hardwareSet: null,
        query: null,
        sectionCode: -1,
        source: [site.key],
        start,
      }),
      lastChanged: isoZ(now),
      lastDataDatetime: isoZ(Math.max(from, to - 15 * 60_000)),
      namedResults: {
        ageAC: expected * 0.02,
        clipping: Math.max(0, expected * 0.01),
        downtime,
        energy: total,
        estEnergy: expected * 0.95,
        expEnergy: expected,
        inverter: expected * 0.015,
        inverterLimit: 0,
        snow: 0,
        soiling: expected * 0.005,
      },
      renderType: 0,
      series,
      summaryTable: [["Average", String(energy.length ? total / energy.length : 0)]],
      start: `${start}T00:00:00`,
    };
  }

  /** `POST /api/node`: the tree around a key (context "path": its ancestors; "query": what is under it). */
  nodes(request: Obj): Obj {
    const key = String(request.key ?? "");
    const context = request.context === "path" ? "path" : "query";
    const kinds = Array.isArray(request.kinds) ? (request.kinds as string[]) : ["customer", "site", "hardware"];
    const filter = typeof request.filter === "string" ? request.filter.toLowerCase() : "";
    const root = this.portfolio.rootCustomer;
    const out: Obj[] = [];
    const stamp = isoZ(this.createdAt);
    const node = (k: string, kind: string, name: string, parentKey: string, path: string[], subKind = 0, sort = 2147483647) => ({
      flags: 0,
      icon: kind === "customer" ? "Customer" : kind === "site" ? "Site" : "Device",
      isHidden: false,
      key: k,
      kind,
      lastChanged: stamp,
      name,
      parentKey,
      path,
      permissions: 27,
      sort,
      subKind,
      validationStatus: 0,
    });
    const siteNodes = (site: SimSite, withHardware: boolean) => {
      const name = String(this.storedSiteConfigs.get(site.key)?.name ?? site.name);
      const path = [root, site.customerKey];
      if (kinds.includes("site")) out.push(node(site.key, "site", name, site.customerKey, path));
      if (withHardware && kinds.includes("hardware")) {
        for (const h of site.hardware)
          out.push(node(h.key, "hardware", this.hardwareLabel(h).description, site.key, [...path, site.key], h.functionCode, h.sort));
      }
    };
    if (key.startsWith("C")) {
      if (!this.portfolio.customers.includes(key)) throw new SimHttpError(404, `Customer ${key} was not found.`);
      if (kinds.includes("customer"))
        out.push(node(key, "customer", `Customer ${key}`, key === root ? "C2" : root, key === root ? [] : [root]));
      if (context === "query") for (const i of this.portfolio.sitesOf(key).slice(0, 2000)) siteNodes(this.portfolio.site(i)!, false);
    } else if (key.startsWith("S")) {
      const site = this.site(key);
      if (kinds.includes("customer"))
        out.push(
          node(root, "customer", `Customer ${root}`, "C2", []),
          node(site.customerKey, "customer", `Customer ${site.customerKey}`, root, [root]),
        );
      siteNodes(site, context === "query");
    } else if (key.startsWith("H")) {
      const { site, hardware } = this.hardware(key);
      if (kinds.includes("customer"))
        out.push(
          node(root, "customer", `Customer ${root}`, "C2", []),
          node(site.customerKey, "customer", `Customer ${site.customerKey}`, root, [root]),
        );
      siteNodes(site, false);
      if (kinds.includes("hardware"))
        out.push(
          node(
            hardware.key,
            "hardware",
            this.hardwareLabel(hardware).description,
            site.key,
            [root, site.customerKey, site.key],
            hardware.functionCode,
            hardware.sort,
          ),
        );
    } else throw new SimHttpError(400, `Unknown node key ${JSON.stringify(key)}.`);
    const nodes = filter ? out.filter((n) => String(n.name).toLowerCase().includes(filter) || n.kind === "customer") : out;
    return { key: JSON.stringify(request), lastChanged: isoZ(this.clock.now()), node: null, nodes };
  }

  /** `POST /api/auditlog`: a few historical entries plus every write accepted for the key. */
  auditLog(request: Obj): Obj {
    const key = String(request.ancestorKey ?? "");
    if (key.startsWith("S")) this.site(key);
    else if (key.startsWith("H")) this.hardware(key);
    else if (!this.portfolio.customers.includes(key)) throw new SimHttpError(404, `${key} was not found.`);
    const history = AUDIT_LOG_TEMPLATE.map((e, i) => ({
      ...clone(e),
      key: `AE${(hash32(this.portfolio.seed, key.length, i) % 90_000_000) + 10_000_000}`,
      parentKey: key,
    }));
    const related = this.writes.filter((w) => w.key === key || w.parent === key || (w.body as Obj | null)?.parentKey === key);
    const recent = related.map((w, i) => ({
      authorKey: "U57916",
      authorName: "openpower simulator",
      changeType: w.method === "POST" ? "Created" : w.method === "DELETE" ? "Deleted" : "Changed",
      changes: [],
      changesAsString: "",
      date: isoZ(w.at),
      key: `AE${200_000_000 + i}`,
      kind: "change",
      parentKey: key,
      text: `${w.method} ${w.path}`,
    }));
    return {
      auditLogs: [...history, ...recent],
      key: JSON.stringify({ ancestorKey: key, isRecursive: request.isRecursive === true }),
      lastChanged: null,
    };
  }

  driverSettings(key: string): Obj {
    this.hardware(key);
    return { driverSettings: clone(DRIVER_SETTINGS_TEMPLATE), key, lastChanged: isoZ(this.createdAt - 86_400_000) };
  }

  registerOffsets(key: string): Obj {
    this.hardware(key);
    return { key, lastChanged: isoZ(this.createdAt - 86_400_000), registerOffsets: clone(REGISTER_OFFSETS_TEMPLATE) };
  }

  siteLinks(key: string): Obj {
    const site = this.site(key);
    const name = String(this.siteConfig(key).name);
    return {
      key,
      lastChanged: isoZ(this.createdAt),
      list: [
        { key: `F${site.number * 10 + 1}`, kind: "dashboard", name: `${name} Inverter Control` },
        {
          key: `http://www.alsoenergy.com/preview/PowerTrack/PowerDisplay.aspx?sid=${site.number}&Lang=en-US`,
          kind: "external",
          name: `${name} Kiosk`,
        },
      ],
    };
  }

  siteShares(key: string): Obj {
    const site = this.site(key);
    const rows =
      hash01(site.seed, 90) < 0.5
        ? [
            {
              canControl: false,
              canEdit: true,
              canManage: true,
              canView: true,
              direction: 2,
              ownerCustomerKey: this.portfolio.rootCustomer,
              ownerCustomerName: `Customer ${this.portfolio.rootCustomer}`,
              sharedToCustomerKey: "C11056",
              sharedToCustomerName: "O&M Partner",
              siteKey: key,
              siteName: String(this.siteConfig(key).name),
            },
          ]
        : [];
    return { key, lastChanged: isoZ(this.createdAt), rows };
  }

  userPreferences(): Obj {
    // The template keeps the real document's mixed dates (including the 9999 sentinel) inside its JSON string.
    const prefs = clone(USER_PREFERENCES_TEMPLATE);
    prefs.lastChanged = isoZ(this.createdAt);
    return prefs;
  }

  reportConfigs(request: Obj): Obj {
    const key = String(request.key ?? "");
    const list: Obj[] =
      key.startsWith("S") && this.portfolio.hasSite(key)
        ? [{ key: `RC${Number(key.slice(1)) % 10000}`, name: "Monthly production", kind: "report", isEnabled: true }]
        : [];
    // Created configurations are listed under their folder and under each of their sources.
    for (const config of this.storedReportConfigs) {
      const sources = (config.sourceItems as Array<{ key: string }>).map((i) => i.key);
      if (config.parentKey === key || sources.includes(key))
        list.push({ key: config.key, name: config.reportTitle, kind: "report", isEnabled: true });
    }
    return { isMore: false, key: JSON.stringify({ key, filter: request.filter ?? "" }), lastChanged: "1900-01-01T00:00:00Z", list };
  }
  /** The PVsyst module library as `GET /api/view/pvsystmodules/{S|H}` lists it: built-in, then uploaded. */
  pvsystModules(): Array<{ name: string; value: number }> {
    return [...PVSYST_MODULES, ...this.uploadedModules];
  }

  /**
   * `POST /api/edit/pvsystmodule`: adds a module (key "") and answers `{}`. Required members as in
   * the documented request; a duplicate name is added again, as nothing says the server refuses it.
   */
  postPvsystModule(body: unknown): Obj {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new SimHttpError(400, "The module body must be a JSON object.");
    const m = body as Obj;
    if (m.key !== "") throw new SimHttpError(400, 'Only new modules (key "") can be posted.');
    if (typeof m.manufacturer !== "string" || typeof m.model !== "string" || !m.manufacturer || !m.model)
      throw new SimHttpError(400, "manufacturer and model are required.");
    for (const name of ["isc", "voc", "impp", "vmpp", "cellsSeries", "cellsParallel"]) {
      if (typeof m[name] !== "number") throw new SimHttpError(400, `${name} must be a number.`);
    }
    const value = Math.max(0, ...PVSYST_MODULES.map((x) => x.value), ...this.uploadedModules.map((x) => x.value)) + 1;
    this.uploadedModules.push({ name: `${m.manufacturer}, ${m.model}`, value });
    this.record("POST", "/api/edit/pvsystmodule", String(value), m);
    return {};
  }

  /** `POST /api/reportconfig`: creates a configuration (key "") and answers `{}`. */
  postReportConfig(body: unknown): Obj {
    if (!body || typeof body !== "object" || Array.isArray(body))
      throw new SimHttpError(400, "The report config body must be a JSON object.");
    const c = body as Obj;
    if (c.key !== "") throw new SimHttpError(400, 'Only new report configurations (key "") can be posted.');
    if (
      typeof c.reportTitle !== "string" ||
      !c.reportTitle ||
      typeof c.parentKey !== "string" ||
      !Array.isArray(c.sourceItems) ||
      c.sourceItems.length === 0
    ) {
      throw new SimHttpError(400, "reportTitle, parentKey and sourceItems are required.");
    }
    const key = `RC${20000 + this.storedReportConfigs.length}`;
    this.storedReportConfigs.push({ ...clone(c), key });
    this.record("POST", "/api/reportconfig", key, c, c.parentKey);
    return {};
  }

  /** `GET /api/reportconfig/new/{C}/{type}/undefined`: a blank configuration modelled on the documented create request. */
  reportConfigTemplate(customerKey: string, reportType: number): Obj {
    return {
      key: "",
      lastChanged: null,
      reportFileType: 54,
      enumType: 0,
      newNote: "",
      reportType,
      proofSiteKey: "",
      reportOwnerInPath: true,
      parentKey: "",
      reportTitle: "",
      sourceItems: [{ key: customerKey, indexMap: 0 }],
      titleDashKey: "",
      titleDashParamsList: [],
      contentDashboards: [],
      queryItems: [],
    };
  }
}
