import { localDate, startOfLocalDay, zonedTimeToInstant } from "../../core/time/zoned.js";
import { addDays } from "../../core/time/calendar-date.js";
import { hash01, hash32, PvModel, subSeed } from "../kernel.js";

/**
 * The simulated PowerTrack portfolio: customers, sites and their hardware, generated
 * deterministically from (seed, site index) and only when asked for, so that 5 000 sites start in
 * milliseconds. Live values come from the kernel's PV model (sun position, day-to-day weather,
 * clouds) at each site's location; energy is the integral of that power.
 */

export interface SimCity {
  city: string;
  state: string;
  postalCode: string;
  tz: string;
  latitude: number;
  longitude: number;
  elevation: number;
}

const CITIES: readonly SimCity[] = [
  { city: "Springfield", state: "MA", postalCode: "01101", tz: "US/Eastern", latitude: 42.1015, longitude: -72.5898, elevation: 70 },
  { city: "San Jose", state: "CA", postalCode: "95112", tz: "US/Pacific", latitude: 37.3382, longitude: -121.8863, elevation: 25 },
  { city: "Phoenix", state: "AZ", postalCode: "85004", tz: "US/Arizona", latitude: 33.4484, longitude: -112.074, elevation: 331 },
  { city: "Denver", state: "CO", postalCode: "80202", tz: "US/Mountain", latitude: 39.7392, longitude: -104.9903, elevation: 1609 },
  { city: "Chicago", state: "IL", postalCode: "60601", tz: "US/Central", latitude: 41.8781, longitude: -87.6298, elevation: 181 },
  { city: "Anaheim", state: "CA", postalCode: "92805", tz: "US/Pacific", latitude: 33.8366, longitude: -117.9143, elevation: 48 },
  { city: "Albany", state: "NY", postalCode: "12207", tz: "US/Eastern", latitude: 42.6526, longitude: -73.7562, elevation: 45 },
  { city: "Austin", state: "TX", postalCode: "78701", tz: "US/Central", latitude: 30.2672, longitude: -97.7431, elevation: 149 },
  { city: "Raleigh", state: "NC", postalCode: "27601", tz: "US/Eastern", latitude: 35.7796, longitude: -78.6382, elevation: 96 },
  { city: "Las Vegas", state: "NV", postalCode: "89101", tz: "US/Pacific", latitude: 36.1699, longitude: -115.1398, elevation: 610 },
  { city: "Santa Clarita", state: "CA", postalCode: "91355", tz: "US/Pacific", latitude: 34.4253, longitude: -118.5972, elevation: 370 },
  { city: "Newark", state: "NJ", postalCode: "07102", tz: "US/Eastern", latitude: 40.7357, longitude: -74.1724, elevation: 10 },
];

const BUSINESSES = [
  "Harbor Logistics",
  "Summit Foods",
  "Riverside Schools",
  "Maple Distribution",
  "Granite Manufacturing",
  "Bayview Medical",
  "Pinecrest Storage",
  "Northgate Plaza",
  "Cedar Water District",
  "Lakeside Brewing",
  "Ironwood Plastics",
  "Meadow Farms",
  "Union Rail Depot",
  "Copper Ridge Mall",
  "Silverline Data Center",
  "Oak Valley College",
];

/** Function codes with their function-id prefix, driver and display name (see the client's table). */
export const SIM_DEVICE_TYPES: Record<number, { prefix: string; name: string; driverId: number; driverName: string }> = {
  1: { prefix: "PV", name: "Inverter", driverId: 19880, driverName: "SMA SHPxx-20-US V5 (Qualified)" },
  2: { prefix: "PM", name: "Production Meter", driverId: 21674, driverName: "SEL 735 (SS) Standard v2" },
  3: { prefix: "T", name: "Auxiliary Device", driverId: 300, driverName: "Generic Modbus" },
  4: { prefix: "GM", name: "Grid Meter", driverId: 809, driverName: "Shark 100 Meter" },
  5: { prefix: "WS", name: "Weather Station", driverId: 506, driverName: "Lufft WS501 (Module)" },
  6: { prefix: "DC", name: "DC Combiner", driverId: 612, driverName: "Combiner Monitor 16" },
  9: { prefix: "KI", name: "Kiosk", driverId: 900, driverName: "PowerDisplay Kiosk" },
  10: { prefix: "GW", name: "Data Logger", driverId: 325, driverName: "PowerLogger 1000" },
  11: { prefix: "CE", name: "Cell Modem (RV50)", driverId: 1562, driverName: "Sierra RV50 SNMP" },
  14: { prefix: "CA", name: "Site Camera", driverId: 1400, driverName: "IP Camera" },
  20: { prefix: "EM", name: "Extra Meter", driverId: 2000, driverName: "Shark 200 Meter" },
  21: { prefix: "DN", name: "DNP3 Server", driverId: 2100, driverName: "DNP3 Outstation" },
  24: { prefix: "TR", name: "Tracker Controller", driverId: 2400, driverName: "NX Tracker NCU" },
  25: { prefix: "BC", name: "BESS Controller", driverId: 2500, driverName: "BESS Site Controller" },
  28: { prefix: "DA", name: "Data Logger (Aux)", driverId: 2800, driverName: "Campbell CR1000X" },
  31: { prefix: "CE", name: "Cell Modem (Pepwave)", driverId: 19759, driverName: "Pepwave Wireless SNMP" },
  34: { prefix: "RE", name: "Relay", driverId: 3400, driverName: "Relay Controller" },
  37: { prefix: "BM", name: "BESS Meter", driverId: 3700, driverName: "BESS Revenue Meter" },
};
const EXTRA_CODES = [3, 4, 6, 9, 14, 20, 21, 24, 25, 28, 31, 34, 37];
const INVERTER_SIZES_KW = [25, 50, 62.5, 125];

export interface SimHardware {
  key: string;
  number: number;
  siteKey: string;
  functionCode: number;
  functionId: string;
  instance: number;
  description: string;
  /** kW (nameplate for inverters and meters). */
  capacityKw: number | null;
  inverterKw: number;
  /** Share of the site's PV output (inverters), 0 for the rest. */
  share: number;
  /** 1 communicating, 3 communication lost. */
  hardwareStatus: number;
  /** An inverter that is down (produces nothing, raises an alert). */
  faulted: boolean;
  driverId: number;
  driverName: string;
  serialNum: string;
  installDate: string;
  sort: number;
  gatewayKey: string;
  gatewayId: string;
}

export interface SimSite {
  index: number;
  key: string;
  number: number;
  name: string;
  /** The customer the site belongs to (a sub-customer of the root). */
  customerKey: string;
  location: SimCity;
  acKw: number;
  dcKw: number;
  installDate: string;
  /** Local midnight of the install date, epoch ms. */
  installMs: number;
  /** 8 = online. */
  status: number;
  /** Revenue loss is "NaN" on these sites (as on the real server). */
  revenueLossNaN: boolean;
  contractEndDate: string;
  hardware: SimHardware[];
  pv: PvModel;
  seed: number;
}

const MS_15_MIN = 15 * 60_000;

export class SimPortfolio {
  readonly rootCustomer: string;
  readonly customers: readonly string[];
  readonly siteKeys: readonly string[];
  readonly #indexBySiteNumber = new Map<number, number>();
  readonly #sites = new Map<number, SimSite>();
  readonly #energyCache = new Map<string, number>();
  readonly #expectedCache = new Map<string, { soFar: number; day: number }>();

  constructor(
    readonly seed: number,
    readonly siteCount: number,
  ) {
    if (!Number.isInteger(siteCount) || siteCount < 1 || siteCount > 100_000)
      throw new RangeError(`sites must be a whole number from 1 to 100000, got ${siteCount}.`);
    const root = 8000 + (hash32(seed, 1) % 1000);
    const subs = Math.max(1, Math.ceil(siteCount / 25));
    this.rootCustomer = `C${root}`;
    this.customers = [this.rootCustomer, ...Array.from({ length: subs }, (_, i) => `C${20000 + root * 10 + i}`)];
    const keys: string[] = [];
    for (let i = 0; i < siteCount; i++) {
      const n = SimPortfolio.siteNumber(i);
      this.#indexBySiteNumber.set(n, i);
      keys.push(`S${n}`);
    }
    this.siteKeys = keys;
  }

  /** Site numbers mix 5- and 6-digit keys (the Python SDK rejected 6-digit ones). */
  static siteNumber(index: number): number {
    return (index % 3 === 2 ? 100000 : 30000) + index * 7;
  }

  siteIndex(key: string): number | undefined {
    const m = /^S(\d+)$/.exec(key);
    return m ? this.#indexBySiteNumber.get(Number(m[1])) : undefined;
  }

  hasSite(key: string): boolean {
    return this.siteIndex(key) !== undefined;
  }

  site(keyOrIndex: string | number): SimSite | undefined {
    const index = typeof keyOrIndex === "number" ? keyOrIndex : this.siteIndex(keyOrIndex);
    if (index === undefined || index < 0 || index >= this.siteCount) return undefined;
    let site = this.#sites.get(index);
    if (!site) {
      site = this.#generate(index);
      this.#sites.set(index, site);
    }
    return site;
  }

  /** The hardware with this key, and its site. */
  hardware(key: string): { site: SimSite; hardware: SimHardware } | undefined {
    const m = /^H(\d+)$/.exec(key);
    if (!m) return undefined;
    const n = Number(m[1]);
    const index = this.#indexBySiteNumber.get(Math.floor(n / 100));
    if (index === undefined) return undefined;
    const site = this.site(index)!;
    const hardware = site.hardware.find((h) => h.number === n);
    return hardware ? { site, hardware } : undefined;
  }

  /** Sites of a customer: the root has all of them, a sub-customer its share. */
  sitesOf(customerKey: string): number[] {
    const c = this.customers.indexOf(customerKey);
    if (c < 0) return [];
    if (c === 0) return Array.from({ length: this.siteCount }, (_, i) => i);
    const subs = this.customers.length - 1;
    const out: number[] = [];
    for (let i = c - 1; i < this.siteCount; i += subs) out.push(i);
    return out;
  }

  #generate(index: number): SimSite {
    const seed = subSeed(this.seed, `site:${index}`);
    const r = (k: number) => hash01(seed, k);
    const number = SimPortfolio.siteNumber(index);
    const key = `S${number}`;
    const location = CITIES[hash32(seed, 1) % CITIES.length]!;
    const business = BUSINESSES[hash32(seed, 2) % BUSINESSES.length]!;
    const invSize = INVERTER_SIZES_KW[hash32(seed, 3) % INVERTER_SIZES_KW.length]!;
    const inverterCount = 1 + (hash32(seed, 4) % 8);
    const acKw = invSize * inverterCount;
    const dcKw = Math.round(acKw * (1.15 + 0.15 * r(5)) * 10) / 10;
    const installYear = 2012 + (hash32(seed, 6) % 12);
    const installDate = `${installYear}-${String(1 + (hash32(seed, 7) % 12)).padStart(2, "0")}-${String(1 + (hash32(seed, 8) % 28)).padStart(2, "0")}`;
    const subs = this.customers.length - 1;
    const customerKey = this.customers[1 + (index % subs)]!;
    const offline = r(9) < 0.04;
    const pv = new PvModel(seed, location.latitude, location.longitude, {
      capacityW: dcKw * 1000,
      strings: 2,
      tiltDeg: 10 + Math.round(20 * r(10)),
      azimuthDeg: 160 + Math.round(40 * r(11)),
    });
    const codes: number[] = [10, 11, 2, 5];
    if (index === 0) codes.push(...EXTRA_CODES);
    else {
      const extras = hash32(seed, 12) % 3;
      for (let e = 0; e < extras; e++) codes.push(EXTRA_CODES[hash32(seed, 13 + e) % EXTRA_CODES.length]!);
    }
    const hardware: SimHardware[] = [];
    const gatewayNumber = number * 100 + 1;
    const gatewayId = hash32(seed, 20).toString(16).toUpperCase().padStart(8, "0").slice(0, 8) + "C5";
    const instances = new Map<string, number>();
    const add = (code: number, extra: Partial<SimHardware> = {}) => {
      const type = SIM_DEVICE_TYPES[code]!;
      const j = hardware.length + 1;
      const instance = instances.get(type.prefix) ?? 0;
      instances.set(type.prefix, instance + 1);
      const n = number * 100 + j;
      const dead = !offline && code !== 10 && hash01(seed, 100 + j) < 0.03;
      hardware.push({
        key: `H${n}`,
        number: n,
        siteKey: key,
        functionCode: code,
        functionId: `${type.prefix}${instance}`,
        instance,
        description: `${type.name}${code === 1 ? ` ${instance + 1} (${invSize} kW)` : instance > 0 ? ` ${instance + 1}` : ""}`,
        capacityKw: code === 2 || code === 4 ? acKw : null,
        inverterKw: 0,
        share: 0,
        hardwareStatus: offline || dead ? 3 : 1,
        faulted: false,
        driverId: type.driverId,
        driverName: type.driverName,
        serialNum:
          code === 10
            ? ""
            : `${type.prefix}${hash32(seed, 200 + j)
                .toString()
                .slice(0, 9)}`,
        installDate,
        sort: j,
        gatewayKey: `H${gatewayNumber}`,
        gatewayId,
        ...extra,
      });
    };
    for (const code of codes) add(code);
    const faultyInverter = inverterCount > 1 && r(14) < 0.15 ? hash32(seed, 15) % inverterCount : -1;
    for (let k = 0; k < inverterCount; k++) {
      add(1, { capacityKw: invSize, inverterKw: invSize, share: 1 / inverterCount, faulted: k === faultyInverter });
    }
    return {
      index,
      key,
      number,
      name: `${business} - ${location.city}, ${location.state} [${number}]`,
      customerKey,
      location,
      acKw,
      dcKw,
      installDate,
      installMs: zonedTimeToInstant(installDate, "00:00", location.tz).getTime(),
      status: offline ? 2 : 8,
      revenueLossNaN: r(16) < 0.2,
      contractEndDate: addDays(installDate, 365 * (12 + (hash32(seed, 17) % 6))),
      hardware,
      pv,
      seed,
    };
  }

  /** The site's AC output in W at `ms` (clipped to its AC capacity; faulted inverters and offline sites give nothing). */
  sitePowerW(site: SimSite, ms: number): number {
    if (site.status !== 8) return 0;
    const running = site.hardware.filter((h) => h.functionCode === 1 && !h.faulted).reduce((a, h) => a + h.share, 0);
    return Math.min(site.acKw * 1000, site.pv.powerW(ms)) * running;
  }

  /** The output of one inverter in W. */
  inverterPowerW(site: SimSite, hardware: SimHardware, ms: number): number {
    if (site.status !== 8 || hardware.faulted || hardware.functionCode !== 1) return 0;
    return Math.min(site.acKw * 1000, site.pv.powerW(ms)) * hardware.share;
  }

  /** Energy in kWh from `fromMs` to `toMs` (15-minute midpoint integration of the site's power). */
  energyKwh(site: SimSite, fromMs: number, toMs: number): number {
    let total = 0;
    for (let t = fromMs; t < toMs; t += MS_15_MIN) {
      const span = Math.min(MS_15_MIN, toMs - t);
      total += (this.sitePowerW(site, t + span / 2) * span) / 3_600_000 / 1000;
    }
    return total;
  }

  /** Energy of the site's local day up to `nowMs`, kWh (cached per 15-minute step). */
  todayKwh(site: SimSite, nowMs: number): number {
    const step = Math.floor(nowMs / MS_15_MIN);
    const cacheKey = `${site.index}:${step}`;
    const cached = this.#energyCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const start = startOfLocalDay(localDate(nowMs, site.location.tz), site.location.tz).getTime();
    const value = this.energyKwh(site, start, nowMs);
    if (this.#energyCache.size > 50_000) this.#energyCache.clear();
    this.#energyCache.set(cacheKey, value);
    return value;
  }

  /** What a clear sky would have given from `fromMs` to `toMs`, kWh (the PV model without clouds). */
  clearSkyKwh(site: SimSite, fromMs: number, toMs: number): number {
    if (site.status !== 8) return 0;
    let total = 0;
    for (let t = fromMs; t < toMs; t += MS_15_MIN) {
      const span = Math.min(MS_15_MIN, toMs - t);
      const mid = t + span / 2;
      const clearW = Math.min(site.acKw * 1000, site.pv.powerW(mid) / site.pv.cloudFactor(mid));
      total += (clearW * span) / 3_600_000 / 1000;
    }
    return total;
  }

  /** Clear-sky energy of the site's local day: so far, and for the whole day (kWh), cached per 15-minute step. */
  expectedTodayKwh(site: SimSite, nowMs: number): { soFar: number; day: number } {
    const step = Math.floor(nowMs / MS_15_MIN);
    const cacheKey = `x${site.index}:${step}`;
    const cached = this.#expectedCache.get(cacheKey);
    if (cached) return cached;
    const start = startOfLocalDay(localDate(nowMs, site.location.tz), site.location.tz).getTime();
    const value = { soFar: this.clearSkyKwh(site, start, nowMs), day: this.clearSkyKwh(site, start, start + 86_400_000) };
    if (this.#expectedCache.size > 50_000) this.#expectedCache.clear();
    this.#expectedCache.set(cacheKey, value);
    return value;
  }

  /** A plausible lifetime total: about 4.2 kWh per kW AC per day since installation, plus today. */
  lifetimeKwh(site: SimSite, nowMs: number): number {
    const days = Math.max(0, (nowMs - site.installMs) / 86_400_000);
    return Math.round(days * site.acKw * 4.2) + this.todayKwh(site, nowMs);
  }

  /** Irradiance on the panels, W/m². */
  irradiance(site: SimSite, ms: number): number {
    return site.pv.irradianceWm2(ms);
  }
}
