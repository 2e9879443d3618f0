import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { addDays, daysBetween } from "../../core/time/calendar-date.js";
import { localDate, startOfLocalDay, zonedTimeToInstant } from "../../core/time/zoned.js";
import { hash01, hash32 } from "../kernel.js";
import { dayAsZ, formatted, iso7, isoZ, MIN_DATE } from "./format.js";
import { SIM_DEVICE_TYPES, type SimHardware, type SimPortfolio, type SimSite } from "./portfolio.js";
import {
  AUDIT_LOG_TEMPLATE,
  DRIVER_SETTINGS_TEMPLATE,
  GATEWAY_CONFIG_TEMPLATE,
  HARDWARE_STATUS_TEMPLATE,
  INVERTER_CONFIG_TEMPLATE,
  MODELING_INVERTER_TEMPLATE,
  PV_CONFIG_TEMPLATE,
  PVSYST_MODULES,
  REGISTER_OFFSETS_TEMPLATE,
  SITE_CONFIG_TEMPLATE,
  STATUS_REGISTERS_TEMPLATE,
  TRIGGER_TEMPLATES,
  USER_PREFERENCES_TEMPLATE,
  VIEW_SITE_TEMPLATE,
} from "./templates.js";

type Obj = Record<string, unknown>;

/** An HTTP error a handler answers with. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PowerTrackSimCredentials {
  /** The full browser cookie string. */
  cookie: string;
  /** The `ae_s` header. */
  aeS: string;
  /** The `ae_v` header (`c75711`). */
  aeV: string;
}

/** A write the simulator accepted. */
export interface SimWriteRecord {
  method: string;
  path: string;
  key: string;
  /** The site or hardware the object belongs to, when it is not itself one. */
  parent?: string;
  body: unknown;
  at: number;
}

export type ExpiredResponse = "419" | "401" | "html";

export interface SimStateOptions {
  sessionLifetimeMs: number | null;
  expiredResponse: ExpiredResponse;
  requireReferer: boolean;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] as const;
const MONTH_FACTOR = [2.6, 3.4, 4.4, 5.2, 5.8, 6.1, 6.2, 5.7, 4.9, 3.9, 2.9, 2.4];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Everything the simulated server knows: the generated portfolio plus every change made through
 * the API (kept as whole objects, exactly as PUT), the session, and a log of accepted writes.
 * Tests may read and change it directly (`setHardwareConfig`, `expireSession`, …).
 */
export class PowerTrackSimState {
  readonly writes: SimWriteRecord[] = [];
  credentials: PowerTrackSimCredentials;
  sessionIssuedAt: number;
  sessionLifetimeMs: number | null;
  expiredResponse: ExpiredResponse;
  requireReferer: boolean;
  /** The simulator's start; generated `ts` stamps lie before it. */
  readonly createdAt: number;
  readonly #siteConfigs = new Map<string, Obj>();
  readonly #hardwareConfigs = new Map<string, Obj>();
  readonly #modeling = new Map<string, Obj>();
  readonly #triggers = new Map<string, Obj[]>();
  /** Modules uploaded with `POST /api/edit/pvsystmodule`, after the built-in library. */
  readonly #uploadedModules: Array<{ name: string; value: number }> = [];
  /** Report configurations created with `POST /api/reportconfig`. */
  readonly #reportConfigs: Obj[] = [];
  /** Serialised production views by site, for the clock minute they were made in (gateways upload every few minutes). */
  readonly #productionCache = new Map<string, { minute: number; json: string }>();
  #sessions = 0;
  #nextTriggerId = 1_764_000;

  constructor(
    readonly portfolio: SimPortfolio,
    readonly clock: Clock,
    options: SimStateOptions,
  ) {
    this.createdAt = clock.now();
    this.sessionLifetimeMs = options.sessionLifetimeMs;
    this.expiredResponse = options.expiredResponse;
    this.requireReferer = options.requireReferer;
    this.sessionIssuedAt = clock.now();
    this.credentials = this.#issue();
  }

  // -------------------------------------------------------------------------------------------
  // Session

  #issue(): PowerTrackSimCredentials {
    const h = (what: string) =>
      createHash("sha256").update(`openpower-powertrack-sim:${this.portfolio.seed}:${this.#sessions}:${what}`).digest();
    this.#sessions++;
    const hex = (what: string, n: number) => h(what).toString("hex").slice(0, n).toUpperCase();
    const cookie = [
      `.AspNet.Cookies=chunks-2`,
      `.AspNet.CookiesC1=${hex("c1", 48)}`,
      `.AspNet.CookiesC2=${hex("c2", 48)}`,
      `AESession=${hex("session", 40)}`,
      `_AFC=${hex("afc", 16)}`,
    ].join("; ");
    return { cookie, aeS: `*${h("aes").toString("base64")}`, aeV: "c75711" };
  }

  /** New credentials (a fresh login); the old ones stop working. */
  renewSession(): PowerTrackSimCredentials {
    this.credentials = this.#issue();
    this.sessionIssuedAt = this.clock.now();
    return this.credentials;
  }

  /** Keeps the current credentials and starts a fresh lifetime (the browser kept the session alive). */
  refreshSession(): void {
    this.sessionIssuedAt = this.clock.now();
  }

  /** Makes the current session expired now (the next request gets 419, or `expiredResponse`). */
  expireSession(): void {
    this.sessionIssuedAt = Number.NEGATIVE_INFINITY;
  }

  sessionExpired(now = this.clock.now()): boolean {
    if (this.sessionIssuedAt === Number.NEGATIVE_INFINITY) return true;
    return this.sessionLifetimeMs !== null && now - this.sessionIssuedAt > this.sessionLifetimeMs;
  }

  /** The value of the `AESession` cookie the server expects. */
  sessionCookieValue(): string {
    return /AESession=([^;]+)/.exec(this.credentials.cookie)![1]!;
  }

  // -------------------------------------------------------------------------------------------
  // Lookups

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

  #customerNumber(site: SimSite): number {
    return Number(site.customerKey.slice(1));
  }

  #stamp(seed: number, k: number): number {
    return this.createdAt - (1 + (hash32(seed, k) % 400)) * 86_400_000 - (hash32(seed, k + 1) % 86_400) * 1000;
  }

  // -------------------------------------------------------------------------------------------
  // Editable objects (what GET /api/edit/... returns; PUT replaces them)

  /** The site configuration (`GET /api/edit/site/{S}`), a copy. */
  siteConfig(key: string): Obj {
    const stored = this.#siteConfigs.get(key);
    if (stored) return clone(stored);
    return this.#generateSiteConfig(this.site(key));
  }

  setSiteConfig(key: string, config: Obj): void {
    this.site(key);
    this.#siteConfigs.set(key, clone(config));
  }

  #generateSiteConfig(site: SimSite): Obj {
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
      approvedOn: isoZ(this.#stamp(site.seed, 30)),
      ts: isoZ(this.#stamp(site.seed, 32)),
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
    const stored = this.#hardwareConfigs.get(key);
    if (stored) return clone(stored);
    const { site, hardware } = this.hardware(key);
    return this.#generateHardwareConfig(site, hardware);
  }

  setHardwareConfig(key: string, config: Obj): void {
    const { site } = this.hardware(key);
    this.#hardwareConfigs.set(key, clone(config));
    this.#productionCache.delete(site.key);
  }

  /** The effective description and out-of-service flag (after edits), cheaply. */
  #hardwareLabel(h: SimHardware): { description: string; outOfService: boolean } {
    const stored = this.#hardwareConfigs.get(h.key);
    return stored
      ? { description: String(stored.description ?? h.description), outOfService: stored.outOfService === true }
      : { description: h.description, outOfService: false };
  }

  #generateHardwareConfig(site: SimSite, h: SimHardware): Obj {
    const gateway = h.functionCode === 10;
    const c = clone(gateway ? GATEWAY_CONFIG_TEMPLATE : INVERTER_CONFIG_TEMPLATE);
    const type = SIM_DEVICE_TYPES[h.functionCode]!;
    Object.assign(c, {
      key: h.key,
      parentKey: site.key,
      description: h.description,
      hardwareId: `C${this.#customerNumber(site)}_S${site.number}_${h.functionId}`,
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
      ts: isoZ(this.#stamp(site.seed, 40 + h.sort)),
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
    const stored = this.#modeling.get(key);
    if (stored) return clone(stored);
    if (key.startsWith("S")) return this.#generateSiteModeling(this.site(key));
    const { site, hardware } = this.hardware(key);
    if (hardware.functionCode !== 1) throw new SimHttpError(400, `Hardware ${key} is not an inverter; it has no modeling.`);
    return this.#generateInverterModeling(site, hardware);
  }

  setModeling(key: string, modeling: Obj): void {
    this.modeling(key);
    this.#modeling.set(key, clone(modeling));
  }

  #inverterEntry(site: SimSite, kw: number, dcKw: number, k: number): Obj {
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

  #generateSiteModeling(site: SimSite): Obj {
    const inverters = site.hardware.filter((h) => h.functionCode === 1);
    const pm = site.hardware.find((h) => h.functionCode === 2);
    const ws = site.hardware.find((h) => h.functionCode === 5);
    const pvConfig = clone(PV_CONFIG_TEMPLATE);
    Object.assign(pvConfig, { pvModelType: 8, acInfo: 0, inverters: [this.#inverterEntry(site, site.acKw, site.dcKw, 0)] });
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
      ts: isoZ(this.#stamp(site.seed, 60)),
      weatherStationKey1: ws?.key ?? "",
      weatherStationKey2: "",
    };
  }

  #generateInverterModeling(site: SimSite, h: SimHardware): Obj {
    const base = this.#generateSiteModeling(site);
    const count = site.hardware.filter((x) => x.functionCode === 1).length;
    const dc = site.dcKw / count;
    (base.pvConfig as Obj).inverters = [this.#inverterEntry(site, h.inverterKw, dc, h.sort)];
    (base.pvConfig as Obj).acInfo = 1;
    base.key = h.key;
    base.dcRating = Math.round(dc * 100) / 100;
    base.siteDcShare = Math.round(dc * 100) / 100;
    base.selectedHardware = (base.selectedHardware as Obj[]).map((s) => ({ ...s, selected: s.key === h.key }));
    base.ts = isoZ(this.#stamp(site.seed, 61 + h.sort));
    return base;
  }

  /** A device's alert triggers (configured ones only), copies. */
  triggers(hardwareKey: string): Obj[] {
    const stored = this.#triggers.get(hardwareKey);
    if (stored) return clone(stored);
    const { site, hardware } = this.hardware(hardwareKey);
    return this.#generateTriggers(site, hardware);
  }

  setTriggers(hardwareKey: string, triggers: Obj[]): void {
    this.hardware(hardwareKey);
    this.#triggers.set(hardwareKey, clone(triggers));
  }

  #typesFor(h: SimHardware): string[] {
    if (h.functionCode === 5) return ["AI250", "AI499"];
    if (h.functionCode === 1) return ["AI250", "AI362", "AI862"];
    return ["AI250"];
  }

  #generateTriggers(site: SimSite, h: SimHardware): Obj[] {
    const types = this.#typesFor(h).slice(0, 2);
    return types.map((type, k) => {
      const t = clone(TRIGGER_TEMPLATES[type]!);
      const id = h.number * 10 + k;
      // Older triggers are "AS<id>", newer ones opaque: both exist on the real server.
      const key = k === 0 ? `AS${id}` : `x${hash32(site.seed, h.number, k).toString(16).padStart(8, "0")}`;
      return { ...t, key, id, parentKey: h.key, isActive: true, lastChanged: isoZ(this.#stamp(site.seed, 70 + k)) };
    });
  }

  defaultTriggers(hardwareKey: string): Obj[] {
    const { hardware } = this.hardware(hardwareKey);
    return this.#typesFor(hardware).map((type) => ({
      ...clone(TRIGGER_TEMPLATES[type]!),
      key: "",
      id: 0,
      parentKey: hardwareKey,
      isActive: false,
    }));
  }

  // -------------------------------------------------------------------------------------------
  // Writes (as the HTTP API performs them)

  #record(method: string, path: string, key: string, body: unknown, parent?: string): void {
    this.writes.push({ method, path, key, ...(parent ? { parent } : {}), body: clone(body), at: this.clock.now() });
  }

  #bodyObject(body: unknown, what: string): Obj {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new SimHttpError(400, `The ${what} body must be a JSON object.`);
    const key = (body as Obj).key;
    if (typeof key !== "string" || key === "") throw new SimHttpError(400, `The ${what} body has no key.`);
    return body as Obj;
  }

  /** `PUT /api/edit/site`: stores the whole object and echoes it with a new `ts`. */
  putSite(body: unknown): Obj {
    const obj = this.#bodyObject(body, "site");
    const key = obj.key as string;
    this.site(key);
    const saved = { ...clone(obj), ts: isoZ(this.clock.now()) };
    this.#siteConfigs.set(key, saved);
    this.#record("PUT", "/api/edit/site", key, obj);
    return clone(saved);
  }

  /** `PUT /api/edit/hardware`: stores the object exactly as sent (a rewritten hardwareId stays rewritten). */
  putHardware(body: unknown): Obj {
    const obj = this.#bodyObject(body, "hardware");
    const key = obj.key as string;
    this.hardware(key);
    const saved = { ...clone(obj), ts: isoZ(this.clock.now()), outOfServiceUntil: isoZ(this.clock.now()) };
    this.#hardwareConfigs.set(key, saved);
    this.#productionCache.delete(this.hardware(key).site.key);
    this.#record("PUT", "/api/edit/hardware", key, obj);
    return clone(saved);
  }

  /** `PUT /api/edit/sitehardware`: applies each row to its device; unknown rows are refused. */
  putSiteHardware(body: unknown): Obj {
    const obj = this.#bodyObject(body, "site hardware");
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
    for (const [hk, c] of updates) this.#hardwareConfigs.set(hk, c);
    this.#productionCache.delete(key);
    this.#record("PUT", "/api/edit/sitehardware", key, obj);
    return { ...this.siteHardware(key), ts: now };
  }

  /** `PUT /api/edit/modeling` (site or inverter key in the body). */
  putModeling(body: unknown): Obj {
    const obj = this.#bodyObject(body, "modeling");
    const key = obj.key as string;
    this.modeling(key);
    const saved = { ...clone(obj), ts: isoZ(this.clock.now()) };
    this.#modeling.set(key, saved);
    this.#record("PUT", "/api/edit/modeling", key, obj);
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
    const id = ++this.#nextTriggerId;
    const created = {
      ...clone(obj),
      id,
      key: `x${createHash("sha256").update(`${this.portfolio.seed}:${id}`).digest("hex").slice(0, 8)}`,
      lastChanged: isoZ(this.clock.now()),
    };
    const list = this.triggers(parent);
    list.push(created);
    this.#triggers.set(parent, list);
    this.#record("POST", "/api/alerttrigger", parent, obj);
    return clone(created);
  }

  /** `PUT /api/alerttrigger`: replaces the trigger with the body's key. */
  putTrigger(body: unknown): Obj {
    const obj = this.#bodyObject(body, "trigger");
    const parent = obj.parentKey;
    if (typeof parent !== "string") throw new SimHttpError(400, "The trigger has no parentKey.");
    const list = this.triggers(parent);
    const i = list.findIndex((t) => t.key === obj.key);
    if (i < 0) throw new SimHttpError(404, `Trigger ${String(obj.key)} of ${parent} was not found.`);
    const saved = { ...clone(obj), lastChanged: isoZ(this.clock.now()) };
    list[i] = saved;
    this.#triggers.set(parent, list);
    this.#record("PUT", "/api/alerttrigger", String(obj.key), obj, parent);
    return clone(saved);
  }

  /** `DELETE /api/alerttrigger/{H}/{T}`. */
  deleteTrigger(hardwareKey: string, triggerKey: string): void {
    const list = this.triggers(hardwareKey);
    const i = list.findIndex((t) => t.key === triggerKey);
    if (i < 0) throw new SimHttpError(404, `Trigger ${triggerKey} of ${hardwareKey} was not found.`);
    list.splice(i, 1);
    this.#triggers.set(hardwareKey, list);
    this.#record("DELETE", `/api/alerttrigger/${hardwareKey}/${triggerKey}`, triggerKey, null, hardwareKey);
  }

  // -------------------------------------------------------------------------------------------
  // Views

  /** Active alerts of one device: communication loss is critical, a down inverter high, some noise. */
  #alertOf(site: SimSite, h: SimHardware): { maxSeverity: number; count: number } | null {
    if (h.hardwareStatus === 3 && site.status === 8) return { maxSeverity: 4, count: 1 };
    if (h.faulted) return { maxSeverity: 3, count: 2 };
    const r = hash01(site.seed, h.number, 7);
    if (r < 0.003) return { maxSeverity: 5, count: 1 };
    if (r < 0.03) return { maxSeverity: 1, count: 1 };
    return null;
  }

  activeSummary(key: string): Obj {
    let sites: SimSite[];
    let only: string | null = null;
    if (key.startsWith("C")) {
      if (!this.portfolio.customers.includes(key)) throw new SimHttpError(404, `Customer ${key} was not found.`);
      sites = this.portfolio.sitesOf(key).map((i) => this.portfolio.site(i)!);
    } else if (key.startsWith("S")) sites = [this.site(key)];
    else {
      sites = [this.hardware(key).site];
      only = key;
    }
    const hardwareSummary: Obj = {};
    const siteSummary: Obj = {};
    let total = 0;
    for (const site of sites) {
      let siteMax = -1;
      let siteCount = 0;
      for (const h of site.hardware) {
        if (only && h.key !== only) continue;
        const a = this.#alertOf(site, h);
        if (!a) continue;
        hardwareSummary[h.key] = a;
        total += a.count;
        siteCount += a.count;
        siteMax = Math.max(siteMax, a.maxSeverity);
      }
      if (siteCount > 0 && !only) siteSummary[site.key] = { maxSeverity: siteMax, count: siteCount };
    }
    return { hardwareSummary, siteSummary, total };
  }

  /** One portfolio row (`view/portfolio` `sites[]`), with the quirks of the real rows. */
  portfolioRow(site: SimSite, now: number, withPlots: boolean): Obj {
    const config = this.#siteConfigs.get(site.key);
    const powerKw = this.portfolio.sitePowerW(site, now) / 1000;
    const today = this.portfolio.todayKwh(site, now);
    const tz = site.location.tz;
    const day = localDate(now, tz);
    const dayStart = startOfLocalDay(day, tz).getTime();
    const expected = this.portfolio.expectedTodayKwh(site, now);
    // Haze, soiling and wiring: a healthy site makes about 96 % of the clear-sky model on a clear day.
    const expectedToday = expected.day * 0.96;
    const expectedSoFar = expected.soFar * 0.96;
    const inverters = site.hardware.filter((h) => h.functionCode === 1);
    const faults = inverters.filter((h) => h.faulted || h.hardwareStatus === 3).length;
    const availability = inverters.length ? (100 * (inverters.length - faults)) / inverters.length : 100;
    const clearPowerKw = Math.min(site.acKw, (site.dcKw * 0.86 * Math.max(0, this.portfolio.irradiance(site, now))) / 1000);
    const energyRatio = expectedSoFar > 0.5 ? (100 * today) / expectedSoFar : 0;
    const plotActual: number[] = [];
    const plotAverage: number[] = [];
    if (withPlots) {
      for (let i = 0; i < 96; i++) {
        const t = dayStart + i * 15 * 60_000;
        plotActual.push(t <= now ? Math.round(this.portfolio.sitePowerW(site, t) / 1000) : 0);
        plotAverage.push(
          Math.round((this.portfolio.sitePowerW(site, t - 7 * 86_400_000) + this.portfolio.sitePowerW(site, t - 86_400_000)) / 2000),
        );
      }
    }
    const lastData = site.status === 8 ? now - 7 * 60_000 : this.#offlineSince();
    const custom = ["", "", hash01(site.seed, 80) < 0.3 ? "4P.Clean Capital" : "", "", "", ""];
    const row: Obj = {
      alertName: faults > 0 ? "Inverter offline" : "",
      alertSeverity: faults > 0 ? 3 : null,
      availability,
      availabilityLoss: 100 - availability,
      availableEnergy: null,
      calculatedInverterAvailability: availability,
      capacityDc: site.dcKw,
      chargeDischarge: null,
      downtimeLoss: faults > 0 ? today * (faults / Math.max(1, inverters.length)) : 0,
      energyAvailability: availability,
      energyAvailabilityLoss: 100 - availability,
      energyCapacity: null,
      energyLoss: Math.max(0, expectedSoFar - today),
      energyRatio,
      estimatedCommissioningDate: dayAsZ(addDays(site.installDate, 20)),
      // Zone-less on the real server, unlike its neighbour above.
      expirationDate: `${site.contractEndDate}T00:00:00`,
      gridOffline: 0,
      ground: 1 + (hash32(site.seed, 81) % 3),
      id: site.number,
      insolation: (today / Math.max(1, site.dcKw)) * 1.1,
      inverterCount: inverters.length,
      inverterFaults: faults,
      irradiance: this.portfolio.irradiance(site, now),
      key: site.key,
      kioskStatus: -1,
      kiosks: site.hardware.some((h) => h.functionCode === 9) ? 1 : 0,
      kwPercent: clearPowerKw > 0 ? (100 * powerKw) / clearPowerKw : 0,
      kwhPercent: energyRatio,
      lastDataUTC: isoZ(lastData),
      lastMonth: Math.round(site.acKw * 4 * 30),
      lastUpload: isoZ(lastData + 60_000),
      lastYear: Math.round(site.acKw * 4.2 * 365),
      lifetime: this.portfolio.lifetimeKwh(site, now),
      message: "",
      monitoredSiteType: 0,
      name: (config?.name as string | undefined) ?? site.name,
      // The real rows name the site itself as parent.
      parentKey: site.key,
      paymentStatus: 3145728,
      performanceIndex: energyRatio / 100,
      performanceTestDelta: energyRatio - 1,
      performanceTestStatus: 2,
      performanceTestValue: energyRatio,
      power: powerKw,
      power24: Math.round(powerKw * 12),
      power24Est: clearPowerKw * 12,
      powerAvg15: powerKw,
      powerAvg15Exp: clearPowerKw,
      pvCapacityAc: site.acKw,
      pvCapacityDc: site.dcKw,
      ratedPower: null,
      reminderColor: "rgba(211,211,211,1)",
      revenueLoss: site.revenueLossNaN ? "NaN" : Math.max(0, expectedSoFar - today) * 0.18,
      rolling24Kw: [],
      rolling24KwIdx: 0,
      ruleToolSummary: {
        communication: site.status === 8 ? 0 : 3,
        configuration: 2,
        data: 0,
        message: "",
        performance: faults > 0 ? 4 : 1,
        timestamp: isoZ(dayStart + 5 * 3_600_000),
      },
      sizeDC: site.dcKw,
      sizeKW: site.acKw,
      soilingLoss: 0,
      stateOfCharge: null,
      status: site.status,
      systemSize: site.acKw,
      thisMonth: Math.round(site.acKw * 3.9 * Number(day.slice(8, 10))),
      thisYear: Math.round(site.acKw * 4.1 * (daysBetween(`${day.slice(0, 4)}-01-01`, day) + 1)),
      timeZone: tz,
      today,
      todayAnd7DayAverageKw: {
        plotActual,
        plotAverage,
        plotIdx: Math.min(95, Math.floor((now - dayStart) / 900_000)),
        solarNoon: iso7(dayStart + 12.5 * 3_600_000),
      },
      todayEstimated: expectedToday,
      todayPercent: expectedToday > 0 ? (100 * today) / expectedToday : 0,
      type: 0,
    };
    custom.forEach((v, i) => (row[`customColumnData${i}`] = v));
    return row;
  }

  portfolioView(customerKey: string): Obj {
    if (!this.portfolio.customers.includes(customerKey)) throw new SimHttpError(404, `Customer ${customerKey} was not found.`);
    const now = this.clock.now();
    const indices = this.portfolio.sitesOf(customerKey);
    // Real rows carry 96-point plots; a 5 000-site portfolio with them would be ~13 MB.
    const withPlots = indices.length <= 500;
    return {
      customColumnNames: ["Note 1", "Note 2", "Note 3", "Note 4", "Note 5"],
      key: customerKey,
      lastChanged: isoZ(now),
      merge: true,
      mergeHash: "",
      sites: indices.map((i) => this.portfolioRow(this.portfolio.site(i)!, now, withPlots)),
    };
  }

  /** `GET /api/view/site/{S}`, derived from the (possibly edited) configuration. */
  siteView(key: string): Obj {
    const site = this.site(key);
    const c = this.siteConfig(key);
    const loc = (c.location ?? {}) as Obj;
    const v = clone(VIEW_SITE_TEMPLATE);
    const now = this.clock.now();
    Object.assign(v, {
      key: site.key,
      name: c.name,
      parentKey: c.parentKey,
      address: {
        address1: loc.address1 ?? "",
        address2: loc.address2 ?? "",
        city: loc.city ?? "",
        country: loc.country ?? "",
        postalCode: loc.postalCode ?? "",
        stateProvince: loc.state ?? "",
      },
      latitude: loc.latitude,
      longitude: loc.longitude,
      elevation: loc.elevation,
      capacityAc: c.capacityAc,
      capacityAcUnit: c.capacityAcUnit,
      capacityDc: c.capacityDc,
      capacityDcUnit: c.capacityDcUnit,
      status: site.status,
      estimatedCommissioningDate: String(c.estimatedCommissioningDate ?? ""),
      validDataDate: c.validDataDate,
      lastChanged: c.ts,
      dailyProductionEstimate: site.acKw * 4.3,
      monthlyProductionEstimate: site.acKw * 4.3 * 30.4,
      // The same dates `edit/site` sends bare, here with a "Z".
      monitoringContractStartDate: dayAsZ(String(c.monitoringContractStartDate)),
      monitoringContractEndDate: dayAsZ(String(c.monitoringContractEndDate)),
      monitoringContractWarnDate: dayAsZ(String(c.monitoringContractWarnDate)),
      monitoringContractTerminateDate: dayAsZ(String(c.monitoringContractTerminateDate)),
      cellModemContractStartDate: dayAsZ(String(c.cellModemContractStartDate)),
      cellModemContractEndDate: dayAsZ(String(c.cellModemContractEndDate)),
      cellModemContractWarnDate: dayAsZ(String(c.cellModemContractWarnDate)),
      cellModemContractTerminateDate: dayAsZ(String(c.cellModemContractTerminateDate)),
      monitoringContractStatus: site.contractEndDate < localDate(now, site.location.tz) ? 2 : 0,
    });
    return v;
  }

  #registers(site: SimSite, h: SimHardware, now: number): Obj[] {
    const dead = h.hardwareStatus === 3;
    const reg = (name: string, value: number | string, unit: number, symbol: string) => {
      const v = dead || value === "NaN" ? "NaN" : value;
      return {
        dataType: 0,
        formattedValue: typeof v === "number" ? formatted(v, symbol) : v === "NaN" ? "\u2013" : v,
        name,
        unit,
        value: v,
      };
    };
    const sitePowerKw = this.portfolio.sitePowerW(site, now) / 1000;
    switch (h.functionCode) {
      case 1: {
        const kw = this.portfolio.inverterPowerW(site, h, now) / 1000;
        return [
          reg("KW", kw, 10, "kW"),
          reg("KWHnet", Math.round(this.portfolio.lifetimeKwh(site, now) * h.share), 11, "kWh"),
          reg("VacA", kw > 0 ? 277 + hash01(site.seed, h.number) * 3 : 0, 2, "V"),
        ];
      }
      case 2:
        return [
          reg("KWHnet", Math.round(this.portfolio.lifetimeKwh(site, now)), 11, "kWh"),
          reg("KW", sitePowerKw, 10, "kW"),
          reg("PowerFactor", sitePowerKw > 0 ? -0.95 : 0, 39, "PF"),
          reg("VacA", 7945.86, 2, "V"),
          reg("IacA", sitePowerKw > 0 ? (sitePowerKw * 1000) / (7945.86 * Math.sqrt(3)) : 0, 4, "A"),
        ];
      case 4: {
        const load = site.acKw * 0.35 * (0.8 + 0.4 * hash01(site.seed, Math.floor(now / 900_000)));
        return [reg("KW", load - sitePowerKw, 10, "kW"), reg("KWHdel", Math.round(site.acKw * 900), 11, "kWh")];
      }
      case 5:
        return [
          reg("POA", this.portfolio.irradiance(site, now), 57, "W/m²"),
          reg("TempModule", 15 + this.portfolio.irradiance(site, now) / 40, 0, "°C"),
        ];
      case 11:
      case 31:
        return [
          reg("DevicePower", 24.1, 2, "V"),
          reg("RSSI", -50 - Math.round(20 * hash01(site.seed, h.number)), 0, " "),
          reg("IP", "NaN", 0, ""),
          reg("MonthlyUsageSIM1", 1794, 1, " "),
        ];
      case 37:
        return [reg("KW", 0, 10, "kW"), reg("SOC", 40 + 50 * hash01(site.seed, Math.floor(now / 3_600_000)), 0, "%")];
      default:
        return [];
    }
  }

  /** `productionView` serialised, made at most once per site and clock minute (and after every hardware edit). */
  productionViewJson(key: string): string {
    const minute = Math.floor(this.clock.now() / 60_000);
    const cached = this.#productionCache.get(key);
    if (cached && cached.minute === minute) return cached.json;
    const json = JSON.stringify(this.productionView(key));
    if (this.#productionCache.size > 20_000) this.#productionCache.clear();
    this.#productionCache.set(key, { minute, json });
    return json;
  }

  /** `GET /api/view/sitehardwareproduction/{S}`. */
  productionView(key: string): Obj {
    const site = this.site(key);
    const now = this.clock.now();
    return {
      hardware: site.hardware.map((h) => {
        const label = this.#hardwareLabel(h);
        const dead = h.hardwareStatus === 3;
        const registers = this.#registers(site, h, now);
        const kw = registers.find((r) => r.name === "KW");
        const lastSuccess = this.#lastSuccess(site, h, now);
        return {
          capacityKW: h.functionCode === 11 || h.functionCode === 31 ? null : (h.capacityKw ?? site.acKw),
          communicationResult: dead ? 2 : 0,
          dataRegisters: registers,
          defaultChart: h.functionCode === 2 ? 15 : 0,
          description: label.description,
          deviceImage: {
            contentType: "",
            key: "",
            lastChanged: null,
            name: `${SIM_DEVICE_TYPES[h.functionCode]!.prefix}_V${h.driverId}`,
            uri: `https://www.alsoenergy.com/pub/Images/Device/${h.driverId}.png`,
          },
          functionCode: h.functionCode,
          hardwareStatus: h.hardwareStatus,
          installDate: h.installDate,
          inverterKw: h.functionCode === 1 ? h.inverterKw : 0,
          key: h.key,
          lastAttempt: isoZ(now - 5_000),
          lastChanged: isoZ(this.#stamp(site.seed, 40 + h.sort)),
          lastData: kw && typeof kw.value === "number" ? `${(kw.value as number).toFixed(1)} kW` : "",
          lastSuccess: isoZ(lastSuccess),
          name: label.description,
          outOfService: label.outOfService,
          primaryMetric: kw && typeof kw.value === "number" ? `${(kw.value as number).toFixed(1)} kW` : "",
          primaryMetricName: kw ? 2 : 0,
          serialNum: h.serialNum,
          sortOrder: h.sort,
          units: kw ? 10 : 0,
          unitsScale: kw ? 1000 : "NaN",
        };
      }),
      key: site.key,
      lastChanged: isoZ(now),
      timeZone: site.location.tz,
    };
  }

  /** When an offline site's gateway last uploaded: its portfolio row and its devices agree on it. */
  #offlineSince(): number {
    return this.createdAt - 3 * 86_400_000;
  }

  /** A device's last good read: its site's last upload when the site is offline, long ago when the device alone is dead. */
  #lastSuccess(site: SimSite, h: SimHardware, now: number): number {
    if (site.status !== 8) return this.#offlineSince();
    return h.hardwareStatus === 3 ? this.createdAt - 40 * 86_400_000 : now - 20_000;
  }

  /** `GET /api/view/hardwarestatus/{H}`. */
  statusView(key: string): Obj {
    const { site, hardware: h } = this.hardware(key);
    const now = this.clock.now();
    const dead = h.hardwareStatus === 3;
    const label = this.#hardwareLabel(h);
    const values = this.#registers(site, h, now);
    const templates = STATUS_REGISTERS_TEMPLATE;
    const registers = values.map((r, i) => ({
      ...clone(templates[i % templates.length]!),
      address: String(i * 2),
      name: r.name,
      localizedName: r.name,
      standardDataName: "",
      units: "",
      value: r.value === "NaN" ? "" : String(r.value),
      canModify: false,
      writeFunction: "",
    }));
    return {
      ...clone(HARDWARE_STATUS_TEMPLATE),
      key: h.key,
      hardwareName: label.description,
      parentKey: site.key,
      lastAttempt: isoZ(now - 5_000),
      lastSuccess: isoZ(this.#lastSuccess(site, h, now)),
      lastChanged: isoZ(this.#stamp(site.seed, 40 + h.sort)),
      lastCommunication: 0,
      outOfService: label.outOfService,
      outOfServiceUntil: null,
      timeZone: site.location.tz,
      unitId: h.sort,
      registerSets: [{ brokenRegisters: dead ? registers.map((r) => r.name) : [], name: "Data", registers }],
    };
  }

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
      const name = String(this.#siteConfigs.get(site.key)?.name ?? site.name);
      const path = [root, site.customerKey];
      if (kinds.includes("site")) out.push(node(site.key, "site", name, site.customerKey, path));
      if (withHardware && kinds.includes("hardware")) {
        for (const h of site.hardware)
          out.push(node(h.key, "hardware", this.#hardwareLabel(h).description, site.key, [...path, site.key], h.functionCode, h.sort));
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
            this.#hardwareLabel(hardware).description,
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
    for (const config of this.#reportConfigs) {
      const sources = (config.sourceItems as Array<{ key: string }>).map((i) => i.key);
      if (config.parentKey === key || sources.includes(key))
        list.push({ key: config.key, name: config.reportTitle, kind: "report", isEnabled: true });
    }
    return { isMore: false, key: JSON.stringify({ key, filter: request.filter ?? "" }), lastChanged: "1900-01-01T00:00:00Z", list };
  }
  /** The PVsyst module library as `GET /api/view/pvsystmodules/{S|H}` lists it: built-in, then uploaded. */
  pvsystModules(): Array<{ name: string; value: number }> {
    return [...PVSYST_MODULES, ...this.#uploadedModules];
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
    const value = Math.max(0, ...PVSYST_MODULES.map((x) => x.value), ...this.#uploadedModules.map((x) => x.value)) + 1;
    this.#uploadedModules.push({ name: `${m.manufacturer}, ${m.model}`, value });
    this.#record("POST", "/api/edit/pvsystmodule", String(value), m);
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
    const key = `RC${20000 + this.#reportConfigs.length}`;
    this.#reportConfigs.push({ ...clone(c), key });
    this.#record("POST", "/api/reportconfig", key, c, c.parentKey);
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
