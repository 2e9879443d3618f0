import { createHash } from "node:crypto";
import { addDays } from "../../core/time/calendar-date.js";
import { zonedTimeToInstant } from "../../core/time/zoned.js";
import { hash01, hash32 } from "../kernel.js";
import { iso7, isoZ, MIN_DATE } from "./format.js";
import { SIM_DEVICE_TYPES, type SimHardware, type SimSite } from "./portfolio.js";
import {
  GATEWAY_CONFIG_TEMPLATE,
  INVERTER_CONFIG_TEMPLATE,
  MODELING_INVERTER_TEMPLATE,
  PV_CONFIG_TEMPLATE,
  SITE_CONFIG_TEMPLATE,
  TRIGGER_TEMPLATES,
} from "./templates.js";
import { SimSessionState } from "./state-session.js";
import { SimHttpError, clone, MONTHS, MONTH_FACTOR, DAYS_IN_MONTH } from "./state-session.js";

type Obj = Record<string, unknown>;

/** The editable objects (site, hardware, modeling, triggers), generated on first read, and the writes that change them. */
export abstract class SimObjectState extends SimSessionState {
  site(key: string): SimSite {
    const site = this.portfolio.site(key);
    if (!site) throw new SimHttpError(404, `Site ${key} was not found.`);
    return site;
  }

  hardware(key: string): { site: SimSite; hardware: SimHardware } {
    const found = this.portfolio.hardware(key);
    if (!found) throw new SimHttpError(404, `Hardware ${key} was not found.`);
    return found;
  }

  protected customerNumber(site: SimSite): number {
    return Number(site.customerKey.slice(1));
  }

  protected stamp(seed: number, k: number): number {
    return this.createdAt - (1 + (hash32(seed, k) % 400)) * 86_400_000 - (hash32(seed, k + 1) % 86_400) * 1000;
  }

  // -------------------------------------------------------------------------------------------
  // Editable objects (what GET /api/edit/... returns; PUT replaces them)

  /** The site configuration (`GET /api/edit/site/{S}`), a copy. */
  siteConfig(key: string): Obj {
    const stored = this.storedSiteConfigs.get(key);
    if (stored) return clone(stored);
    return this.generateSiteConfig(this.site(key));
  }

  setSiteConfig(key: string, config: Obj): void {
    this.site(key);
    this.storedSiteConfigs.set(key, clone(config));
  }

  protected generateSiteConfig(site: SimSite): Obj {
    const c = clone(SITE_CONFIG_TEMPLATE);
    const loc = site.location;
    const dcInMw = site.dcKw >= 500;
    const contractStart = addDays(site.installDate, 60);
    const monthly: Obj = {};
    MONTHS.forEach((m, i) => (monthly[m] = Math.round(site.acKw * MONTH_FACTOR[i]! * DAYS_IN_MONTH[i]!)));
    Object.assign(c, {
      key: site.key,
      name: site.name,
      parentKey: site.customerKey,
      tz: loc.tz,
      installDate: site.installDate,
      turnOnDate: addDays(site.installDate, 30),
      estimatedCommissioningDate: addDays(site.installDate, 20),
      degradeStart: addDays(site.installDate, 180),
      validDataDate: isoZ(zonedTimeToInstant(addDays(site.installDate, 30), "14:53", loc.tz).getTime()),
      approvedOn: isoZ(this.stamp(site.seed, 30)),
      ts: isoZ(this.stamp(site.seed, 32)),
      capacityAc: site.acKw,
      capacityAcUnit: 10,
      capacityDc: dcInMw ? site.dcKw / 1000 : site.dcKw,
      capacityDcUnit: dcInMw ? 12 : 10,
      location: {
        address1: `${100 + (site.number % 900)} Commerce Way`,
        address2: "",
        city: loc.city,
        country: "United States",
        elevation: loc.elevation,
        elevationUnit: 47,
        latitude: loc.latitude,
        longitude: loc.longitude,
        postalCode: loc.postalCode,
        state: loc.state,
        timeZone: 16000 + (hash32(site.seed, 33) % 1000),
      },
      monthlyOutput: monthly,
      monitoringContractStartDate: contractStart,
      monitoringContractEndDate: site.contractEndDate,
      monitoringContractWarnDate: addDays(site.contractEndDate, -60),
      monitoringContractTerminateDate: addDays(site.contractEndDate, 365),
      cellModemContractStartDate: contractStart,
      cellModemContractEndDate: site.contractEndDate,
      cellModemContractWarnDate: addDays(site.contractEndDate, -60),
      cellModemContractTerminateDate: addDays(site.contractEndDate, 365),
      dashboards: [{ key: `F${site.number * 10 + 1}` }],
      siteReports: [{ isEnabled: true, key: `RC${site.number % 10000}` }],
      yearTotal: ((site.acKw * 1.45) / 1000).toFixed(2),
      yearTotalUnits: "GWh",
    });
    const tags = c.tags as Obj;
    tags.key = JSON.stringify({ ancestorKey: site.key, isRecursive: false, types: ["attribute", "keyword", "powerdisplay"] });
    tags.attributes = (tags.attributes as Obj[]).map((a, i) => ({ ...a, key: `T${site.number * 10 + i}`, parentKey: site.key }));
    return c;
  }

  /** A device's configuration (`GET /api/edit/hardware/{H}`), a copy. */
  hardwareConfig(key: string): Obj {
    const stored = this.storedHardwareConfigs.get(key);
    if (stored) return clone(stored);
    const { site, hardware } = this.hardware(key);
    return this.generateHardwareConfig(site, hardware);
  }

  setHardwareConfig(key: string, config: Obj): void {
    const { site } = this.hardware(key);
    this.storedHardwareConfigs.set(key, clone(config));
    this.productionCache.delete(site.key);
  }

  /** The effective description and out-of-service flag (after edits), cheaply. */
  protected hardwareLabel(h: SimHardware): { description: string; outOfService: boolean } {
    const stored = this.storedHardwareConfigs.get(h.key);
    return stored
      ? { description: String(stored.description ?? h.description), outOfService: stored.outOfService === true }
      : { description: h.description, outOfService: false };
  }

  protected generateHardwareConfig(site: SimSite, h: SimHardware): Obj {
    const gateway = h.functionCode === 10;
    const c = clone(gateway ? GATEWAY_CONFIG_TEMPLATE : INVERTER_CONFIG_TEMPLATE);
    const type = SIM_DEVICE_TYPES[h.functionCode]!;
    Object.assign(c, {
      key: h.key,
      parentKey: site.key,
      description: h.description,
      hardwareId: `C${this.customerNumber(site)}_S${site.number}_${h.functionId}`,
      instance: h.instance,
      functionId: h.functionId,
      functionCode: h.functionCode,
      hardwareStatus: h.hardwareStatus,
      capacityKw: h.capacityKw ?? 0,
      inverterKw: h.inverterKw,
      sort: h.sort,
      gatewayKey: h.gatewayKey,
      gatewayId: h.gatewayId,
      serialNum: h.serialNum,
      modelNum: h.functionCode === 1 ? `${h.inverterKw}kW PV INVERTER` : "",
      installDate: h.installDate,
      driverId: h.driverId,
      driverName: h.driverName,
      driverDescription: `${type.name} driver`,
      address: gateway ? "0" : `192.168.13.${10 + h.sort}`,
      unitId: gateway ? 0 : h.sort,
      ts: isoZ(this.stamp(site.seed, 40 + h.sort)),
      validatedDateTime: MIN_DATE,
      // Volatile on the real server: it moves with every read.
      outOfServiceUntil: iso7(this.clock.now() + 20 * 60_000),
      latitude: site.location.latitude,
      longitude: site.location.longitude,
    });
    if (!gateway)
      c.dcRating =
        h.functionCode === 1 ? Math.round((site.dcKw / Math.max(1, site.hardware.filter((x) => x.functionCode === 1).length)) * 1000) : 0;
    return c;
  }

  /** The site's hardware list (`GET /api/edit/sitehardware/{S}`), derived from the device configurations. */
  siteHardware(key: string): Obj {
    const site = this.site(key);
    const rows = site.hardware.map((h, i) => {
      const c = this.hardwareConfig(h.key);
      return {
        address: c.address,
        description: c.description,
        driverId: c.driverId,
        driverName: c.driverName,
        functionCode: c.functionCode,
        functionId: c.functionId,
        gatewayId: c.gatewayId,
        gatewayName: "",
        hardwareKey: h.key,
        index: i,
        outOfService: c.outOfService,
        port: c.port,
        registerOffsets: c.registerOffsets ?? [],
        serialNumber: c.serialNum,
        settings: c.settings ?? [],
        sort: c.sort,
        ts: c.ts,
        unitId: c.unitId,
      };
    });
    const newest =
      rows
        .map((r) => String(r.ts))
        .sort()
        .at(-1) ?? isoZ(this.createdAt);
    return {
      canAddHardware: false,
      hardware: rows,
      key: site.key,
      locusId: "",
      readOnly: false,
      syncToLocus: false,
      taskKeys: [],
      ts: newest,
      updateHardwareErrors: null,
    };
  }

  /** Modeling of a site (S) or of one inverter (H): `GET /api/edit/modeling/{key}`. */
  modeling(key: string): Obj {
    const stored = this.storedModeling.get(key);
    if (stored) return clone(stored);
    if (key.startsWith("S")) return this.generateSiteModeling(this.site(key));
    const { site, hardware } = this.hardware(key);
    if (hardware.functionCode !== 1) throw new SimHttpError(400, `Hardware ${key} is not an inverter; it has no modeling.`);
    return this.generateInverterModeling(site, hardware);
  }

  setModeling(key: string, modeling: Obj): void {
    this.modeling(key);
    this.storedModeling.set(key, clone(modeling));
  }

  protected inverterEntry(site: SimSite, kw: number, dcKw: number, k: number): Obj {
    const inv = clone(MODELING_INVERTER_TEMPLATE);
    const watts = 375;
    const panels = Math.max(1, Math.round((dcKw * 1000) / watts));
    Object.assign(inv, {
      inverterKw: kw,
      inverterKva: kw,
      dcSize: Math.round(dcKw * 100) / 100,
      azimuth: site.pv.array.azimuthDeg,
      tilt: site.pv.array.tiltDeg,
      tracking: 0,
      trackingAngle: 0,
      derate: 0.9,
      wattsPerPanel: watts,
      panelsPerString: 26,
      numOfStrings: Math.max(1, Math.round(panels / 26)),
      bifacialRatio: hash01(site.seed, 50 + k) < 0.3 ? 0.08 : 0,
      pvSystModuleId: 0,
    });
    return inv;
  }

  protected generateSiteModeling(site: SimSite): Obj {
    const inverters = site.hardware.filter((h) => h.functionCode === 1);
    const pm = site.hardware.find((h) => h.functionCode === 2);
    const ws = site.hardware.find((h) => h.functionCode === 5);
    const pvConfig = clone(PV_CONFIG_TEMPLATE);
    Object.assign(pvConfig, { pvModelType: 8, acInfo: 0, inverters: [this.inverterEntry(site, site.acKw, site.dcKw, 0)] });
    const monthly: Obj = {};
    MONTHS.forEach((m, i) => (monthly[m] = Math.round(site.acKw * MONTH_FACTOR[i]! * DAYS_IN_MONTH[i]!)));
    pvConfig.monthlyOutput = monthly;
    return {
      dcRating: site.dcKw,
      groupKey: "",
      key: site.key,
      latitude: site.location.latitude,
      longitude: site.location.longitude,
      outputKey: pm?.key ?? "",
      pvConfig,
      selectedHardware: inverters.map((h) => ({ key: h.key, name: h.description, selected: false, sortIndex: h.sort })),
      siteDcShare: 0,
      siteHasInverterGroups: false,
      ts: isoZ(this.stamp(site.seed, 60)),
      weatherStationKey1: ws?.key ?? "",
      weatherStationKey2: "",
    };
  }

  protected generateInverterModeling(site: SimSite, h: SimHardware): Obj {
    const base = this.generateSiteModeling(site);
    const count = site.hardware.filter((x) => x.functionCode === 1).length;
    const dc = site.dcKw / count;
    (base.pvConfig as Obj).inverters = [this.inverterEntry(site, h.inverterKw, dc, h.sort)];
    (base.pvConfig as Obj).acInfo = 1;
    base.key = h.key;
    base.dcRating = Math.round(dc * 100) / 100;
    base.siteDcShare = Math.round(dc * 100) / 100;
    base.selectedHardware = (base.selectedHardware as Obj[]).map((s) => ({ ...s, selected: s.key === h.key }));
    base.ts = isoZ(this.stamp(site.seed, 61 + h.sort));
    return base;
  }

  /** A device's alert triggers (configured ones only), copies. */
  triggers(hardwareKey: string): Obj[] {
    const stored = this.storedTriggers.get(hardwareKey);
    if (stored) return clone(stored);
    const { site, hardware } = this.hardware(hardwareKey);
    return this.generateTriggers(site, hardware);
  }

  setTriggers(hardwareKey: string, triggers: Obj[]): void {
    this.hardware(hardwareKey);
    this.storedTriggers.set(hardwareKey, clone(triggers));
  }

  protected typesFor(h: SimHardware): string[] {
    if (h.functionCode === 5) return ["AI250", "AI499"];
    if (h.functionCode === 1) return ["AI250", "AI362", "AI862"];
    return ["AI250"];
  }

  protected generateTriggers(site: SimSite, h: SimHardware): Obj[] {
    const types = this.typesFor(h).slice(0, 2);
    return types.map((type, k) => {
      const t = clone(TRIGGER_TEMPLATES[type]!);
      const id = h.number * 10 + k;
      // Older triggers are "AS<id>", newer ones opaque: both exist on the real server.
      const key = k === 0 ? `AS${id}` : `x${hash32(site.seed, h.number, k).toString(16).padStart(8, "0")}`;
      return { ...t, key, id, parentKey: h.key, isActive: true, lastChanged: isoZ(this.stamp(site.seed, 70 + k)) };
    });
  }

  defaultTriggers(hardwareKey: string): Obj[] {
    const { hardware } = this.hardware(hardwareKey);
    return this.typesFor(hardware).map((type) => ({
      ...clone(TRIGGER_TEMPLATES[type]!),
      key: "",
      id: 0,
      parentKey: hardwareKey,
      isActive: false,
    }));
  }

  // -------------------------------------------------------------------------------------------
  // Writes (as the HTTP API performs them)

  protected record(method: string, path: string, key: string, body: unknown, parent?: string): void {
    this.writes.push({ method, path, key, ...(parent ? { parent } : {}), body: clone(body), at: this.clock.now() });
  }

  protected bodyObject(body: unknown, what: string): Obj {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new SimHttpError(400, `The ${what} body must be a JSON object.`);
    const key = (body as Obj).key;
    if (typeof key !== "string" || key === "") throw new SimHttpError(400, `The ${what} body has no key.`);
    return body as Obj;
  }

  /**
   * `PUT /api/edit/site`: binds the body to the site's members (as the live server's typed model
   * does: a member the object does not have, such as the SDK's `acCapacityKw`, goes nowhere), stores
   * it and echoes it with a new `ts`.
   */
  putSite(body: unknown): Obj {
    const obj = this.bodyObject(body, "site");
    const key = obj.key as string;
    this.site(key);
    const saved = { ...boundTo(this.siteConfig(key), clone(obj)), ts: isoZ(this.clock.now()) };
    this.storedSiteConfigs.set(key, saved);
    this.record("PUT", "/api/edit/site", key, obj);
    return clone(saved);
  }

  /**
   * `PUT /api/edit/hardware`: binds the body to the device's members (unknown ones go nowhere) and
   * stores the rest as sent (a rewritten hardwareId stays rewritten, as the spec confirmed).
   */
  putHardware(body: unknown): Obj {
    const obj = this.bodyObject(body, "hardware");
    const key = obj.key as string;
    this.hardware(key);
    const saved = {
      ...boundTo(this.hardwareConfig(key), clone(obj)),
      ts: isoZ(this.clock.now()),
      outOfServiceUntil: isoZ(this.clock.now()),
    };
    this.storedHardwareConfigs.set(key, saved);
    this.productionCache.delete(this.hardware(key).site.key);
    this.record("PUT", "/api/edit/hardware", key, obj);
    return clone(saved);
  }

  /** `PUT /api/edit/sitehardware`: applies each row to its device; unknown rows are refused. */
  putSiteHardware(body: unknown): Obj {
    const obj = this.bodyObject(body, "site hardware");
    const key = obj.key as string;
    const site = this.site(key);
    const rows = obj.hardware;
    if (!Array.isArray(rows)) throw new SimHttpError(400, "The site hardware body has no hardware list.");
    const now = isoZ(this.clock.now());
    const updates: Array<[string, Obj]> = [];
    for (const row of rows as Obj[]) {
      const hk = row?.hardwareKey;
      if (typeof hk !== "string" || !site.hardware.some((h) => h.key === hk))
        throw new SimHttpError(400, `Hardware ${String(hk)} does not belong to site ${key}.`);
      const c = this.hardwareConfig(hk);
      const set = (from: string, to = from) => {
        if (row[from] !== undefined) c[to] = clone(row[from]);
      };
      ["description", "outOfService", "address", "unitId", "port", "settings", "registerOffsets", "sort", "driverId", "driverName"].forEach(
        (f) => set(f),
      );
      set("serialNumber", "serialNum");
      c.ts = now;
      updates.push([hk, c]);
    }
    for (const [hk, c] of updates) this.storedHardwareConfigs.set(hk, c);
    this.productionCache.delete(key);
    this.record("PUT", "/api/edit/sitehardware", key, obj);
    return { ...this.siteHardware(key), ts: now };
  }

  /** `PUT /api/edit/modeling` (site or inverter key in the body). */
  putModeling(body: unknown): Obj {
    const obj = this.bodyObject(body, "modeling");
    const key = obj.key as string;
    this.modeling(key);
    const saved = { ...clone(obj), ts: isoZ(this.clock.now()) };
    this.storedModeling.set(key, saved);
    this.record("PUT", "/api/edit/modeling", key, obj);
    return clone(saved);
  }

  /** `POST /api/alerttrigger`: creates a trigger (`key` "" and `id` 0 in the body) and echoes it with its new key and id. */
  postTrigger(body: unknown): Obj {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new SimHttpError(400, "The trigger body must be a JSON object.");
    const obj = body as Obj;
    const parent = obj.parentKey;
    if (typeof parent !== "string") throw new SimHttpError(400, "The trigger has no parentKey.");
    this.hardware(parent);
    if ((obj.key ?? "") !== "" || (obj.id ?? 0) !== 0) throw new SimHttpError(400, 'A new trigger must have key "" and id 0.');
    if (typeof obj.alertTypeKey !== "string" || !/^AI\d+$/.test(obj.alertTypeKey))
      throw new SimHttpError(400, "The trigger has no valid alertTypeKey.");
    const id = ++this.nextTriggerId;
    const created = {
      ...clone(obj),
      id,
      key: `x${createHash("sha256").update(`${this.portfolio.seed}:${id}`).digest("hex").slice(0, 8)}`,
      lastChanged: isoZ(this.clock.now()),
    };
    const list = this.triggers(parent);
    list.push(created);
    this.storedTriggers.set(parent, list);
    this.record("POST", "/api/alerttrigger", parent, obj);
    return clone(created);
  }

  /** `PUT /api/alerttrigger`: replaces the trigger with the body's key. */
  putTrigger(body: unknown): Obj {
    const obj = this.bodyObject(body, "trigger");
    const parent = obj.parentKey;
    if (typeof parent !== "string") throw new SimHttpError(400, "The trigger has no parentKey.");
    const list = this.triggers(parent);
    const i = list.findIndex((t) => t.key === obj.key);
    if (i < 0) throw new SimHttpError(404, `Trigger ${String(obj.key)} of ${parent} was not found.`);
    const saved = { ...clone(obj), lastChanged: isoZ(this.clock.now()) };
    list[i] = saved;
    this.storedTriggers.set(parent, list);
    this.record("PUT", "/api/alerttrigger", String(obj.key), obj, parent);
    return clone(saved);
  }

  /** `DELETE /api/alerttrigger/{H}/{T}`. */
  deleteTrigger(hardwareKey: string, triggerKey: string): void {
    const list = this.triggers(hardwareKey);
    const i = list.findIndex((t) => t.key === triggerKey);
    if (i < 0) throw new SimHttpError(404, `Trigger ${triggerKey} of ${hardwareKey} was not found.`);
    list.splice(i, 1);
    this.storedTriggers.set(hardwareKey, list);
    this.record("DELETE", `/api/alerttrigger/${hardwareKey}/${triggerKey}`, triggerKey, null, hardwareKey);
  }

  // -------------------------------------------------------------------------------------------
  // Views
}

/** The body's top-level members that the stored object has (a typed model binding drops the rest). */
function boundTo(current: Obj, body: Obj): Obj {
  return Object.fromEntries(Object.entries(body).filter(([k]) => k in current));
}
