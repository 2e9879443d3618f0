import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { addDays, isCalendarDate } from "../../core/time/calendar-date.js";
import { localDate, wallTimeOf, zonedTimeToInstant } from "../../core/time/zoned.js";
import { roundTo } from "../../core/units.js";
import {
  HouseModel,
  VirtualClock,
  hash01,
  startHttpSimulator,
  type BatteryControl,
  type ChargeWindow,
  type DischargeWindow,
  type FaultRule,
  type HouseConfig,
  type HouseSnapshot,
  type HttpSimulator,
  type SimRequest,
  type SimResponse,
} from "../kernel.js";
import { failure, shortFailure, springError, success } from "./envelopes.js";
import { MODEL_PRESETS, houseFor, type AlphaEssModelPreset } from "./presets.js";

/** The endpoints the simulator serves and the method each one enforces. */
const METHODS: Readonly<Record<string, "GET" | "POST">> = Object.freeze({
  getEssList: "GET",
  getLastPowerData: "GET",
  getOneDayPowerBySn: "GET",
  getOneDateEnergyBySn: "GET",
  getSumDataForCustomer: "GET",
  getChargeConfigInfo: "GET",
  updateChargeConfigInfo: "POST",
  getDisChargeConfigInfo: "GET",
  updateDisChargeConfigInfo: "POST",
  getTimeChargeBySn: "GET",
  setTimeChargeBySn: "POST",
  getVerificationCode: "GET",
  bindSn: "POST",
  unBindSn: "POST",
  getEvChargerConfigList: "GET",
  getEvChargerCurrentsBySn: "GET",
  setEvChargerCurrentsBySn: "POST",
  getEvChargerStatusBySn: "GET",
  remoteControlEvCharger: "POST",
  // Commercial & industrial only (spec §2): they exist, and a normal account always gets 6001.
  getMeterOffsetConfigInfo: "GET",
  updateMeterOffsetConfigInfo: "POST",
});

/** Endpoints that exist but are not open to a normal account: answered with 6001. */
const NOT_FOR_THIS_ACCOUNT = new Set(["getMeterOffsetConfigInfo", "updateMeterOffsetConfigInfo"]);

/** Writes throttled by the device-side cool-down. */
const THROTTLED_WRITES = new Set(["updateChargeConfigInfo", "updateDisChargeConfigInfo", "setTimeChargeBySn", "setEvChargerCurrentsBySn"]);
/** Endpoints that need the device online (the rest are served from the cloud's store). */
const NEEDS_DEVICE = new Set([
  "getLastPowerData",
  "updateChargeConfigInfo",
  "updateDisChargeConfigInfo",
  "setTimeChargeBySn",
  "setEvChargerCurrentsBySn",
  "remoteControlEvCharger",
]);

/** Live: 6053 below about 10 s between calls to one endpoint (spec §3). */
const LIVE_MIN_INTERVAL_MS = 10_000;
/** Live writes are throttled (portal: once a day; observed 10 s to 10 min); 30 s, as the Home Assistant integration paces its own. */
const LIVE_WRITE_COOLDOWN_MS = 30_000;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ON_GRID = /^([01]\d|2[0-3]):(00|15|30|45)$/;
const EV_CODES: Record<string, number> = {
  available: 1,
  preparing: 2,
  charging: 3,
  suspendedEVSE: 4,
  suspendedEV: 5,
  finishing: 6,
  faulted: 9,
};

/** One simulated system. */
export interface AlphaEssSimSystemOptions {
  serialNumber: string;
  /** A preset from `MODEL_PRESETS` ("SMILE5-INV", "Storion-S5", "VT1000", "SMILE-G3-S3.6-INV"). Default "SMILE5-INV". */
  model?: string;
  /** Every `getLastPowerData` field null (default: true for "Storion-S5"). */
  realtimeAllNull?: boolean;
  /** The system's IANA zone: day series and `queryDate` follow it. Default "Australia/Sydney". */
  timeZone?: string;
  /** AppIDs the system is bound to. Default: every app. `[]`: owned but not bound (bind it with the verification flow). */
  boundTo?: string[];
  /** The system has a registered owner (else getVerificationCode answers 6002). Default true. */
  hasOwner?: boolean;
  /** The CheckCode printed on the label. Default derived from the serial. */
  checkCode?: string;
  /** Default true; offline systems answer 6042 to real-time reads and writes. */
  online?: boolean;
  /** Fit an EV charger (true, or its serial and model). Default false. */
  evCharger?: boolean | { serialNumber?: string; model?: string };
  /** Entitled to the periodic endpoints (else 6017). Default true. */
  periodicEntitled?: boolean;
  /** The "new backend" (AU/NZ/UK 2026): the legacy update endpoints answer Success and change nothing. Default false. */
  legacyWritesIgnored?: boolean;
  /** A tariff is configured (else income, ratios and lifetime figures are null in the summary). Default true. */
  tariff?: boolean;
  /** Replaces sections of the generated house. */
  house?: Partial<HouseConfig>;
}

export interface AlphaEssSimApp {
  appId: string;
  appSecret: string;
  /** When set, only these source addresses are accepted (others get 6009 "Whitelist verification failed"). */
  ipAllowList?: string[];
}

export interface AlphaEssSimulatorOptions {
  /** Default: a new `VirtualClock` in "real" mode. Give an accelerated or manual clock to run days in seconds. */
  clock?: Clock;
  seed?: number;
  /** Default: two SMILE5 systems in Sydney, the first with an EV charger. */
  systems?: AlphaEssSimSystemOptions[];
  /** Default: one app with credentials derived from the seed. */
  apps?: AlphaEssSimApp[];
  /**
   * The default of `minIntervalMs` and `writeCooldownMs`: "live" (default) is as strict as the live
   * service (10 s between two requests of one app to one endpoint, 30 s between two setting writes
   * to one system and endpoint); "none" turns both off, for tests and demos that need speed. The two
   * options below override either.
   */
  limits?: "live" | "none";
  /** Minimum ms between two requests of one app to one endpoint (else 6053): one number or per endpoint. Default 10 000 ("live"). */
  minIntervalMs?: number | Partial<Record<string, number>>;
  /** Device-side minimum ms between two setting writes to one system and endpoint. Default 30 000 ("live"). */
  writeCooldownMs?: number;
  /** Within the write cool-down: "reject" answers 6053, "ignore" answers Success and changes nothing (as seen live). Default "reject". */
  writeCooldownMode?: "reject" | "ignore";
  /** Accepted skew between `timeStamp` and the server clock, s. Default 300. */
  signatureWindowS?: number;
  /** Whole local days simulated before today, so day series have history. Default 1. */
  historyDays?: number;
  /** House integration step, s (divides 900). Default 60. */
  stepSeconds?: number;
  /** How long an e-mailed verification code stays valid, ms. Default 30 minutes. */
  verificationCodeTtlMs?: number;
  faults?: FaultRule[];
  port?: number;
}

/** A verification code "e-mailed" to a system's owner. */
export interface OutboxEntry {
  serialNumber: string;
  appId: string;
  code: string;
  sentAt: Date;
  expiresAt: Date;
}

/** An injected envelope error: the next matching requests answer `code`. */
export interface InjectedError {
  endpoint?: string;
  serialNumber?: string;
  code: number;
  msg?: string;
  expMsg?: string | null;
  /** Default: until removed. */
  times?: number;
}

interface ChargeConfig {
  gridCharge: number;
  timeChaf1: string;
  timeChae1: string;
  timeChaf2: string;
  timeChae2: string;
  batHighCap: number;
}
interface DischargeConfig {
  ctrDis: number;
  timeDisf1: string;
  timeDise1: string;
  timeDisf2: string;
  timeDise2: string;
  batUseCap: number;
}
interface PeriodItem {
  beginTime: string;
  endTime: string;
  weeks?: number[];
  chargePower?: number;
  chargeLimit: number;
}
interface PeriodicConfig {
  executeCycleType: number;
  gridChargeCycle: number;
  ctrDisCycle: number;
  chargeTimeList: PeriodItem[];
  dischargeTimeList: PeriodItem[];
}

/** What the simulator holds for one system (exposed for tests). */
export interface AlphaEssSimSystemState {
  readonly serialNumber: string;
  readonly preset: AlphaEssModelPreset;
  readonly timeZone: string;
  readonly checkCode: string;
  readonly realtimeAllNull: boolean;
  readonly hasOwner: boolean;
  readonly periodicEntitled: boolean;
  readonly legacyWritesIgnored: boolean;
  readonly tariff: boolean;
  readonly evCharger: { serialNumber: string; model: string } | null;
  boundTo: Set<string>;
  online: boolean;
  charge: ChargeConfig;
  discharge: DischargeConfig;
  periodic: PeriodicConfig;
  /** Household current limit for the chargers, A. */
  evCurrentSetting: number;
  /** Number of writes that changed settings (for tests). */
  appliedWrites: number;
}

export interface AlphaEssSimulator {
  /** Base URL for the client: "http://127.0.0.1:<port>/api". */
  readonly url: string;
  /** The first app's credentials. */
  readonly credentials: { appId: string; appSecret: string };
  readonly apps: readonly AlphaEssSimApp[];
  /** Serial numbers of every simulated system. */
  readonly systems: readonly string[];
  /** Verification codes "e-mailed" to owners, oldest first. */
  readonly outbox: readonly OutboxEntry[];
  /** The newest code e-mailed for a system. */
  lastVerificationCode(serialNumber: string): string | undefined;
  /** The house behind a system (created on first use). */
  house(serialNumber: string): HouseModel;
  /** The stored state of a system. */
  state(serialNumber: string): AlphaEssSimSystemState;
  setOnline(serialNumber: string, online: boolean): void;
  /** Envelope errors to inject (6026, 6029, 6006, ...). */
  readonly errors: { add(rule: InjectedError): () => void; clear(): void };
  readonly clock: Clock;
  readonly http: HttpSimulator;
  close(): Promise<void>;
}

const DEFAULT_SYSTEMS: AlphaEssSimSystemOptions[] = [
  { serialNumber: "AL70110230306xx", model: "SMILE5-INV", evCharger: true },
  { serialNumber: "AL70110230302xx", model: "SMILE5-INV" },
];

function derive(seed: number, label: string, hexChars: number): string {
  return createHash("sha256").update(`alphaess-sim:${seed}:${label}`).digest("hex").slice(0, hexChars);
}

/**
 * Starts an AlphaESS Open API simulator on 127.0.0.1, backed by the house model: signed requests
 * checked against the 300-second window, the envelope and its codes, methods enforced, the binding
 * flow with an outbox, day series newest first with drifting seconds, summary counters that reset
 * at UTC midnight, EV chargers, and charge/discharge settings that really drive the battery.
 */
export async function startAlphaEssSimulator(options: AlphaEssSimulatorOptions = {}): Promise<AlphaEssSimulator> {
  const seed = options.seed ?? 1;
  const clock: Clock = options.clock ?? new VirtualClock({ mode: "real" });
  const apps: AlphaEssSimApp[] = (
    options.apps ?? [{ appId: `alpha${derive(seed, "appId", 16)}`, appSecret: derive(seed, "appSecret", 32) }]
  ).map((a) => ({ ...a }));
  if (apps.length === 0) throw new RangeError("startAlphaEssSimulator needs at least one app.");
  const windowS = options.signatureWindowS ?? 300;
  const historyDays = options.historyDays ?? 1;
  const stepSeconds = options.stepSeconds ?? 60;
  const codeTtl = options.verificationCodeTtlMs ?? 30 * 60_000;
  const live = (options.limits ?? "live") === "live";
  if (options.limits !== undefined && options.limits !== "live" && options.limits !== "none")
    throw new RangeError(`limits must be "live" or "none", got ${JSON.stringify(options.limits)}.`);
  const writeCooldownMs = options.writeCooldownMs ?? (live ? LIVE_WRITE_COOLDOWN_MS : 0);
  const writeCooldownMode = options.writeCooldownMode ?? "reject";
  const defaultInterval = live ? LIVE_MIN_INTERVAL_MS : 0;
  const intervalOf = (endpoint: string): number =>
    typeof options.minIntervalMs === "number" ? options.minIntervalMs : (options.minIntervalMs?.[endpoint] ?? defaultInterval);

  const systems = new Map<string, AlphaEssSimSystemState>();
  const houses = new Map<string, HouseModel>();
  const specs = new Map<string, AlphaEssSimSystemOptions>();
  const seedOf = new Map<string, number>();
  (options.systems ?? DEFAULT_SYSTEMS).forEach((spec, index) => {
    const sn = spec.serialNumber;
    if (systems.has(sn)) throw new RangeError(`Duplicate simulated system ${sn}.`);
    const preset = MODEL_PRESETS[spec.model ?? "SMILE5-INV"];
    if (!preset)
      throw new RangeError(`Unknown AlphaESS model ${JSON.stringify(spec.model)}; known: ${Object.keys(MODEL_PRESETS).join(", ")}.`);
    const ev = spec.evCharger
      ? {
          serialNumber:
            (typeof spec.evCharger === "object" && spec.evCharger.serialNumber) || `EV${derive(seed, `ev:${sn}`, 8).toUpperCase()}`,
          model: (typeof spec.evCharger === "object" && spec.evCharger.model) || "SMILE-EVCT11",
        }
      : null;
    specs.set(sn, spec);
    seedOf.set(sn, seed * 1000 + index);
    systems.set(sn, {
      serialNumber: sn,
      preset,
      timeZone: spec.timeZone ?? "Australia/Sydney",
      checkCode: spec.checkCode ?? derive(seed, `check:${sn}`, 6).toUpperCase(),
      realtimeAllNull: spec.realtimeAllNull ?? preset.realtimeAllNull,
      hasOwner: spec.hasOwner ?? true,
      periodicEntitled: spec.periodicEntitled ?? true,
      legacyWritesIgnored: spec.legacyWritesIgnored ?? false,
      tariff: spec.tariff ?? true,
      evCharger: ev,
      boundTo: new Set(spec.boundTo ?? apps.map((a) => a.appId)),
      online: spec.online ?? true,
      charge: { gridCharge: 0, timeChaf1: "00:00", timeChae1: "00:00", timeChaf2: "00:00", timeChae2: "00:00", batHighCap: 100 },
      discharge: { ctrDis: 0, timeDisf1: "00:00", timeDise1: "00:00", timeDisf2: "00:00", timeDise2: "00:00", batUseCap: 10 },
      periodic: { executeCycleType: 0, gridChargeCycle: 0, ctrDisCycle: 0, chargeTimeList: [], dischargeTimeList: [] },
      evCurrentSetting: 32,
      appliedWrites: 0,
    });
  });

  function stateOf(sn: string): AlphaEssSimSystemState {
    const s = systems.get(sn);
    if (!s) throw new RangeError(`No simulated AlphaESS system ${sn}.`);
    return s;
  }

  function houseOf(sn: string): HouseModel {
    let house = houses.get(sn);
    if (house) return house;
    const s = stateOf(sn);
    const spec = specs.get(sn)!;
    const config = houseFor(s.preset, seedOf.get(sn)!, s.timeZone, s.evCharger !== null, { stepSeconds, ...spec.house });
    const today = localDate(clock.now(), s.timeZone);
    const start = zonedTimeToInstant(addDays(today, -historyDays), "00:00", s.timeZone);
    house = new HouseModel(config, clock, { start });
    houses.set(sn, house);
    applyControl(s, house);
    if (house.ev) house.ev.setCurrentLimit(Math.min(s.evCurrentSetting, house.ev.spec.maxCurrentA));
    return house;
  }

  /** Turns the stored settings into the house's battery control (the periodic schedule wins where enabled). */
  function applyControl(s: AlphaEssSimSystemState, house: HouseModel = houseOf(s.serialNumber)): void {
    const periodWindows = (pairs: [string, string][]) =>
      pairs.filter(([a, b]) => a !== b && ON_GRID.test(a) && ON_GRID.test(b)).map(([start, end]) => ({ start, end }));
    const p = s.periodic;
    const weekly = p.executeCycleType === 1;
    const fromList = (item: PeriodItem) => ({
      window: { start: item.beginTime, end: item.endTime },
      stopSoc: Math.min(1, item.chargeLimit / 100),
      ...(item.chargePower !== undefined && item.chargePower > 0 ? { powerW: item.chargePower } : {}),
      ...(weekly && item.weeks ? { weekdays: item.weeks } : {}),
    });
    let chargeWindows: ChargeWindow[] = [];
    if (p.gridChargeCycle === 1 && p.chargeTimeList.length > 0) {
      chargeWindows = p.chargeTimeList
        .filter((i) => ON_GRID.test(i.beginTime) && ON_GRID.test(i.endTime))
        .map((i) => ({ ...fromList(i), fromGrid: true }));
    } else if (s.charge.gridCharge === 1) {
      chargeWindows = periodWindows([
        [s.charge.timeChaf1, s.charge.timeChae1],
        [s.charge.timeChaf2, s.charge.timeChae2],
      ]).map((window) => ({ window, fromGrid: true, stopSoc: Math.min(1, s.charge.batHighCap / 100) }));
    }
    let dischargeWindows: DischargeWindow[] = [];
    let dischargeTimeControl = false;
    if (p.ctrDisCycle === 1 && p.dischargeTimeList.length > 0) {
      dischargeTimeControl = true;
      dischargeWindows = p.dischargeTimeList.filter((i) => ON_GRID.test(i.beginTime) && ON_GRID.test(i.endTime)).map(fromList);
    } else if (s.discharge.ctrDis === 1) {
      dischargeTimeControl = true;
      dischargeWindows = periodWindows([
        [s.discharge.timeDisf1, s.discharge.timeDise1],
        [s.discharge.timeDisf2, s.discharge.timeDise2],
      ]).map((window) => ({ window, stopSoc: Math.min(1, s.discharge.batUseCap / 100) }));
    }
    const control: Partial<BatteryControl> = {
      chargeWindows,
      dischargeWindows,
      dischargeTimeControl,
      minSoc: Math.min(1, Math.max(0, s.discharge.batUseCap / 100)),
    };
    house.setControl(control);
  }

  const outbox: OutboxEntry[] = [];
  const injected: (InjectedError & { remaining: number })[] = [];
  const lastRequest = new Map<string, number>();
  const lastWrite = new Map<string, number>();

  // ---------------------------------------------------------------------------------------------
  // Payloads

  function realtime(s: AlphaEssSimSystemState): Record<string, unknown> {
    if (s.realtimeAllNull) {
      return {
        ppv: null,
        ppvDetail: null,
        soc: null,
        pev: null,
        pevDetail: null,
        prealL1: null,
        prealL2: null,
        prealL3: null,
        pgrid: null,
        pgridDetail: null,
        pbat: null,
        pload: null,
      };
    }
    const snap = houseOf(s.serialNumber).now();
    const strings = [0, 1, 2, 3].map((i) => roundTo(snap.pvStringsW[i] ?? 0, 0));
    const phases = [0, 1, 2].map((i) => roundTo(snap.gridPhasesW[i] ?? 0, 0));
    const inverter = snap.pvW + snap.batteryW;
    const threePhase = snap.gridPhasesW.length === 3;
    const ev = s.evCharger ? roundTo(snap.evW, 0) : null;
    return {
      ppv: roundTo(snap.pvW, 0),
      ppvDetail: { ppv1: strings[0], ppv2: strings[1], ppv3: strings[2], ppv4: strings[3], pmeterDc: 0 },
      soc: roundTo(snap.soc * 100, 1),
      pev: roundTo(snap.evW, 0),
      pevDetail: { ev1Power: ev, ev2Power: null, ev3Power: null, ev4Power: null },
      prealL1: roundTo(threePhase ? inverter / 3 : inverter, 0),
      prealL2: roundTo(threePhase ? inverter / 3 : 0, 0),
      prealL3: roundTo(threePhase ? inverter / 3 : 0, 0),
      pgrid: roundTo(snap.gridW, 0),
      pgridDetail: { pmeterL1: phases[0], pmeterL2: phases[1], pmeterL3: phases[2] },
      pbat: roundTo(snap.batteryW, 0),
      pload: roundTo(snap.loadW, 0),
    };
  }

  function formatLocal(ms: number, tz: string): string {
    const w = wallTimeOf(ms, tz);
    const p = (n: number) => String(n).padStart(2, "0");
    return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}:${p(w.second)}`;
  }

  /** About one sample every 5 minutes, seconds drifting by one per sample, the odd extra sample a minute later; newest first. */
  function daySeries(s: AlphaEssSimSystemState, date: string): Record<string, unknown>[] {
    const house = houseOf(s.serialNumber);
    const dayStart = zonedTimeToInstant(date, "00:00", s.timeZone).getTime();
    const dayEnd = zonedTimeToInstant(addDays(date, 1), "00:00", s.timeZone).getTime();
    const now = clock.now();
    const first = house.start.getTime();
    const dayKey = Math.floor(dayStart / 86_400_000);
    const snSeed = seedOf.get(s.serialNumber)!;
    const s0 = Math.floor(hash01(snSeed, dayKey, 1) * 30);
    const out: Record<string, unknown>[] = [];
    const sample = (t: number, snap: HouseSnapshot) => ({
      sysSn: s.serialNumber,
      uploadTime: formatLocal(t, s.timeZone),
      ppv: roundTo(snap.pvW, 0),
      load: roundTo(snap.loadW, 0),
      cbat: roundTo(snap.soc * 100, 1),
      feedIn: roundTo(Math.max(0, -snap.gridW), 0),
      gridCharge: roundTo(Math.max(0, snap.gridW), 0),
      pchargingPile: roundTo(snap.evW, 0),
    });
    for (let i = 0; ; i++) {
      const t = dayStart + i * 300_000 + 120_000 + ((s0 + i) % 60) * 1000;
      if (t >= dayEnd || t > now) break;
      if (t < first) continue;
      try {
        out.push(sample(t, house.at(t)));
        const extra = t + 60_000;
        if (hash01(snSeed, dayKey, 100 + i) < 0.02 && extra < dayEnd && extra <= now) out.push(sample(extra, house.at(extra)));
      } catch (error) {
        if (!(error instanceof RangeError)) throw error; // older than the retained history
      }
    }
    return out.reverse();
  }

  function dayEnergy(s: AlphaEssSimSystemState, date: string): Record<string, unknown> | null {
    const today = localDate(clock.now(), s.timeZone);
    if (date > today) return null; // not aggregated yet
    const t = houseOf(s.serialNumber).dayTotals(date);
    return {
      sysSn: s.serialNumber,
      theDate: date,
      eCharge: roundTo(t.chargeKwh, 2),
      epv: roundTo(t.pvKwh, 2),
      eOutput: roundTo(t.exportKwh, 2),
      eInput: roundTo(t.importKwh, 2),
      eGridCharge: roundTo(t.gridChargeKwh, 2),
      eDischarge: roundTo(t.dischargeKwh, 2),
      eChargingPile: roundTo(t.evKwh, 2),
    };
  }

  /** "Today" is the UTC day (users saw these counters reset at UTC midnight, not local). */
  function summary(s: AlphaEssSimSystemState): Record<string, unknown> {
    const house = houseOf(s.serialNumber);
    const now = clock.now();
    const from = Math.max(Math.floor(now / 86_400_000) * 86_400_000, house.start.getTime());
    const step = house.stepMilliseconds;
    const e = { pv: 0, load: 0, out: 0, in: 0, charge: 0, discharge: 0 };
    for (const snap of house.history(from, now + 1)) {
      const t0 = snap.at.getTime();
      const hours = Math.max(0, Math.min(t0 + step, now) - Math.max(t0, from)) / 3_600_000;
      e.pv += (snap.pvW * hours) / 1000;
      e.load += (snap.loadW * hours) / 1000;
      e.out += (Math.max(0, -snap.gridW) * hours) / 1000;
      e.in += (Math.max(0, snap.gridW) * hours) / 1000;
      e.charge += (Math.max(0, -snap.batteryW) * hours) / 1000;
      e.discharge += (Math.max(0, snap.batteryW) * hours) / 1000;
    }
    const lifetimeOffset = 3000 + Math.floor(hash01(seedOf.get(s.serialNumber)!, 7) * 9000);
    const total = house.totals();
    const epvtotal = lifetimeOffset + total.pvKwh;
    const income = (out: number, pv: number) => out * 0.07 + (pv - out) * 0.3;
    const tariff = s.tariff;
    return {
      epvtoday: roundTo(e.pv, 2),
      epvtotal: tariff ? roundTo(epvtotal, 2) : null,
      eload: roundTo(e.load, 2),
      eoutput: roundTo(e.out, 2),
      einput: roundTo(e.in, 2),
      echarge: roundTo(e.charge, 2),
      edischarge: roundTo(e.discharge, 2),
      todayIncome: tariff ? roundTo(income(e.out, e.pv), 2) : null,
      totalIncome: tariff ? roundTo(income(epvtotal * 0.4, epvtotal), 2) : null,
      eselfConsumption: tariff ? (e.pv > 0 ? roundTo((e.pv - e.out) / e.pv, 5) : 0) : null,
      eselfSufficiency: tariff ? (e.load > 0 ? roundTo(Math.max(0, e.load - e.in) / e.load, 5) : 0) : null,
      treeNum: tariff ? roundTo(epvtotal * 0.1712, 4) : null,
      carbonNum: tariff ? roundTo(epvtotal * 0.86, 4) : null,
      moneyType: tariff ? "AUD" : null,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Validation of write bodies (independent of the client's checks, so they test each other)

  const isFlag = (v: unknown): v is 0 | 1 => v === 0 || v === 1;
  const isPercent = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 100;

  function chargeBody(b: Record<string, unknown>): ChargeConfig | null {
    const times = [b.timeChaf1, b.timeChae1, b.timeChaf2, b.timeChae2];
    const cap = typeof b.batHighCap === "string" && /^\d+(\.\d+)?$/.test(b.batHighCap) ? Number(b.batHighCap) : b.batHighCap;
    if (!isFlag(b.gridCharge) || !isPercent(cap) || !times.every((t) => typeof t === "string" && HHMM.test(t))) return null;
    return {
      gridCharge: b.gridCharge,
      timeChaf1: b.timeChaf1 as string,
      timeChae1: b.timeChae1 as string,
      timeChaf2: b.timeChaf2 as string,
      timeChae2: b.timeChae2 as string,
      batHighCap: cap,
    };
  }

  function dischargeBody(b: Record<string, unknown>): DischargeConfig | null {
    const times = [b.timeDisf1, b.timeDise1, b.timeDisf2, b.timeDise2];
    const cap = typeof b.batUseCap === "string" && /^\d+(\.\d+)?$/.test(b.batUseCap) ? Number(b.batUseCap) : b.batUseCap;
    if (!isFlag(b.ctrDis) || !isPercent(cap) || !times.every((t) => typeof t === "string" && HHMM.test(t))) return null;
    return {
      ctrDis: b.ctrDis,
      timeDisf1: b.timeDisf1 as string,
      timeDise1: b.timeDise1 as string,
      timeDisf2: b.timeDisf2 as string,
      timeDise2: b.timeDise2 as string,
      batUseCap: cap,
    };
  }

  /** setTimeChargeBySn checks, in the live order: 10001 for an omitted list, 6001 for bad values, 6008 for overlaps. */
  function periodicBody(b: Record<string, unknown>): { code: number; expMsg?: string } | PeriodicConfig {
    if (!("chargeTimeList" in b) || !("dischargeTimeList" in b)) return { code: 10001 };
    const type = b.executeCycleType;
    if (type !== 0 && type !== 1) return { code: 6001 };
    if (b.gridChargeCycle !== undefined && !isFlag(b.gridChargeCycle)) return { code: 6001 };
    if (b.ctrDisCycle !== undefined && !isFlag(b.ctrDisCycle)) return { code: 6001 };
    const lists: PeriodItem[][] = [];
    for (const raw of [b.chargeTimeList, b.dischargeTimeList]) {
      if (raw === null || (Array.isArray(raw) && raw.length === 0)) return { code: 6001, expMsg: "time list is null" };
      if (!Array.isArray(raw)) return { code: 10001 };
      const list: PeriodItem[] = [];
      for (const item of raw as Record<string, unknown>[]) {
        if (typeof item !== "object" || item === null) return { code: 6001 };
        const { beginTime, endTime, weeks, chargePower, chargeLimit } = item;
        if (typeof beginTime !== "string" || !HHMM.test(beginTime) || typeof endTime !== "string" || !HHMM.test(endTime))
          return { code: 6001 };
        if (typeof chargeLimit !== "number" || !(chargeLimit >= 10 && chargeLimit <= 100)) return { code: 6001 };
        if (
          chargePower !== undefined &&
          chargePower !== null &&
          (typeof chargePower !== "number" || !Number.isInteger(chargePower) || chargePower < 0)
        )
          return { code: 6001 };
        if (type === 1 && (!Array.isArray(weeks) || weeks.length === 0)) return { code: 6001 };
        if (
          weeks !== undefined &&
          weeks !== null &&
          (!Array.isArray(weeks) || !weeks.every((d) => Number.isInteger(d) && d >= 1 && d <= 7))
        )
          return { code: 6001 };
        list.push({
          beginTime,
          endTime,
          ...(Array.isArray(weeks) ? { weeks: [...(weeks as number[])] } : {}),
          ...(typeof chargePower === "number" ? { chargePower } : {}),
          chargeLimit,
        });
      }
      lists.push(list);
    }
    const [charge, discharge] = lists as [PeriodItem[], PeriodItem[]];
    // At most 6 periods on any day and 28 in the week; no minute of the week used twice.
    const perDay = new Array(8).fill(0);
    const used = new Uint8Array(7 * 1440);
    let overlap = false;
    for (const item of [...charge, ...discharge]) {
      const days = type === 1 ? item.weeks! : [1, 2, 3, 4, 5, 6, 7];
      const s = Number(item.beginTime.slice(0, 2)) * 60 + Number(item.beginTime.slice(3));
      const e = Number(item.endTime.slice(0, 2)) * 60 + Number(item.endTime.slice(3));
      const length = (e - s + 1440) % 1440;
      for (const d of new Set(days)) {
        perDay[d]++;
        for (let m = 0; m < length; m++) {
          const idx = ((d - 1) * 1440 + s + m) % (7 * 1440);
          if (used[idx]) overlap = true;
          used[idx] = 1;
        }
      }
    }
    const total = perDay.reduce((a: number, b: number) => a + b, 0);
    if (perDay.some((n: number) => n > 6) || (type === 1 && total > 28)) return { code: 6001 };
    if (overlap) return { code: 6008 };
    return {
      executeCycleType: type,
      gridChargeCycle: (b.gridChargeCycle as number | undefined) ?? -1,
      ctrDisCycle: (b.ctrDisCycle as number | undefined) ?? -1,
      chargeTimeList: charge,
      dischargeTimeList: discharge,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // The handler

  function handle(req: SimRequest): SimResponse {
    const now = clock.now();
    const headers = { date: new Date(now).toUTCString() };
    const reply = (body: unknown, status = 200): SimResponse => ({ status, headers, body });
    const match = /^\/api\/([A-Za-z]+)$/.exec(req.path);
    const endpoint = match?.[1];
    const method = endpoint ? METHODS[endpoint] : undefined;
    if (!endpoint || !method) return reply(springError(404, req.path, now), 404);
    if (req.method !== method) return reply(springError(405, req.path, now), 405);

    // Authentication: short bodies. PYLIB sends "timeStamp" and "timestamp": Node joins repeated headers.
    const first = (v: string | undefined) => v?.split(",")[0]?.trim() ?? "";
    const appId = first(req.headers["appid"]);
    const timeStamp = first(req.headers["timestamp"]);
    const sign = first(req.headers["sign"]);
    if (!appId) return reply(shortFailure(6012));
    if (!timeStamp) return reply(shortFailure(6011));
    if (!sign) return reply(shortFailure(6010));
    const app = apps.find((a) => a.appId === appId);
    const expected = app ? createHash("sha512").update(`${app.appId}${app.appSecret}${timeStamp}`, "utf8").digest("hex") : null;
    if (!app || sign !== expected) return reply(shortFailure(6007));
    if (!/^\d{1,13}$/.test(timeStamp) || Math.abs(Number(timeStamp) - now / 1000) > windowS) return reply(shortFailure(6009));
    if (app.ipAllowList && !app.ipAllowList.includes(req.remoteAddress.replace(/^::ffff:/, "")))
      return reply(shortFailure(6009, "Whitelist verification failed"));

    // Parameters.
    let params: Record<string, unknown>;
    if (method === "GET") {
      params = Object.fromEntries(req.query.entries());
    } else {
      let body: unknown;
      try {
        body = req.body.trim() === "" ? {} : req.json();
      } catch {
        return reply(springError(400, req.path, now), 400);
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) return reply(failure(10001));
      params = body as Record<string, unknown>;
    }
    const sysSn = typeof params.sysSn === "string" ? params.sysSn : undefined;

    // Injected errors.
    for (let i = 0; i < injected.length; i++) {
      const rule = injected[i]!;
      if ((rule.endpoint === undefined || rule.endpoint === endpoint) && (rule.serialNumber === undefined || rule.serialNumber === sysSn)) {
        if (--rule.remaining <= 0) injected.splice(i, 1);
        return reply(failure(rule.code, rule.msg, rule.expMsg ?? null));
      }
    }

    // Pacing per (app, endpoint).
    const interval = intervalOf(endpoint);
    if (interval > 0) {
      const key = `${appId}\u0000${endpoint}`;
      const last = lastRequest.get(key);
      if (last !== undefined && now - last < interval) return reply(failure(6053));
      lastRequest.set(key, now);
    }
    if (NOT_FOR_THIS_ACCOUNT.has(endpoint)) return reply(failure(6001));

    if (endpoint === "getEssList") {
      const list = [...systems.values()]
        .filter((s) => s.boundTo.has(appId))
        .map((s) => ({
          sysSn: s.serialNumber,
          popv: s.preset.pvKw,
          minv: s.preset.inverterModel,
          poinv: s.preset.inverterKw,
          cobat: s.preset.batteryKwh,
          mbat: s.preset.batteryModel,
          surplusCobat: roundTo((s.preset.batteryKwh * s.preset.usableCapacityPct) / 100, 2),
          usCapacity: s.preset.usableCapacityPct,
          emsStatus: "Normal",
        }));
      return reply(success(list));
    }

    if (!sysSn) return reply(failure(6001));
    const s = systems.get(sysSn);
    if (!s) return reply(failure(6038));

    // The binding flow.
    if (endpoint === "getVerificationCode") {
      const checkCode = params.checkCode;
      if (typeof checkCode !== "string" || checkCode === "") return reply(failure(6001));
      if (!s.hasOwner) return reply(failure(6002));
      if (s.boundTo.has(appId)) return reply(failure(6003));
      if (checkCode.trim().toUpperCase() !== s.checkCode.toUpperCase()) return reply(failure(6004));
      const code = String(100000 + Math.floor(hash01(seed, outbox.length + 1, Math.floor(now / 1000)) * 900000));
      outbox.push({ serialNumber: sysSn, appId, code, sentAt: new Date(now), expiresAt: new Date(now + codeTtl) });
      return reply(success(null));
    }
    if (endpoint === "bindSn") {
      if (typeof params.code !== "string" && typeof params.code !== "number") return reply(failure(6001));
      if (s.boundTo.has(appId)) return reply(failure(6003));
      const code = String(params.code);
      const valid = outbox.some((o) => o.serialNumber === sysSn && o.appId === appId && o.code === code && o.expiresAt.getTime() > now);
      if (!valid) return reply(failure(6046));
      s.boundTo.add(appId);
      return reply(success(null));
    }
    if (!s.boundTo.has(appId)) return reply(failure(6005));
    if (endpoint === "unBindSn") {
      s.boundTo.delete(appId);
      return reply(success(null));
    }
    if (NEEDS_DEVICE.has(endpoint) && !s.online) return reply(failure(6042));

    switch (endpoint) {
      case "getLastPowerData":
        return reply(success(realtime(s)));
      case "getOneDayPowerBySn":
      case "getOneDateEnergyBySn": {
        const date = params.queryDate;
        if (typeof date !== "string" || !isCalendarDate(date)) return reply(failure(6001));
        return reply(success(endpoint === "getOneDayPowerBySn" ? daySeries(s, date) : dayEnergy(s, date)));
      }
      case "getSumDataForCustomer":
        return reply(success(summary(s)));
      case "getChargeConfigInfo":
        return reply(success({ ...s.charge }));
      case "getDisChargeConfigInfo":
        return reply(success({ ...s.discharge }));
      case "getTimeChargeBySn": {
        if (!s.periodicEntitled) return reply(failure(6017));
        const p = s.periodic;
        // The read answers 0 for both cycle flags whatever was written (HA tests).
        return reply(
          success({
            sysSn,
            executeCycleType: p.executeCycleType,
            gridChargeCycle: 0,
            ctrDisCycle: 0,
            chargeTimeList: p.chargeTimeList.map((i) => ({ ...i })),
            dischargeTimeList: p.dischargeTimeList.map((i) => ({ ...i })),
          }),
        );
      }
      case "updateChargeConfigInfo":
      case "updateDisChargeConfigInfo":
      case "setTimeChargeBySn": {
        let apply: () => void;
        if (endpoint === "updateChargeConfigInfo") {
          const next = chargeBody(params);
          if (!next) return reply(failure(6001));
          apply = () => void (s.charge = next);
        } else if (endpoint === "updateDisChargeConfigInfo") {
          const next = dischargeBody(params);
          if (!next) return reply(failure(6001));
          apply = () => void (s.discharge = next);
        } else {
          const next = periodicBody(params);
          if ("code" in next) return reply(failure(next.code, undefined, next.expMsg ?? null));
          if (!s.periodicEntitled) return reply(failure(6017));
          apply = () => {
            s.periodic = {
              ...next,
              gridChargeCycle: next.gridChargeCycle === -1 ? s.periodic.gridChargeCycle : next.gridChargeCycle,
              ctrDisCycle: next.ctrDisCycle === -1 ? s.periodic.ctrDisCycle : next.ctrDisCycle,
            };
          };
        }
        const cooled = coolingDown(sysSn, endpoint, now);
        if (cooled) return reply(cooled === "reject" ? failure(6053) : success(null));
        if (s.legacyWritesIgnored && endpoint !== "setTimeChargeBySn") {
          startCooldown(sysSn, endpoint, now); // answered Success: the throttle counts it
          return reply(success(null));
        }
        const before = { charge: s.charge, discharge: s.discharge, periodic: s.periodic };
        apply();
        try {
          applyControl(s);
        } catch {
          Object.assign(s, before);
          return reply(failure(6008)); // refused: the cool-down does not start
        }
        startCooldown(sysSn, endpoint, now);
        s.appliedWrites++;
        return reply(success(null));
      }
      case "getEvChargerConfigList":
        return reply(success(s.evCharger ? [{ evchargerSn: s.evCharger.serialNumber, evchargerModel: s.evCharger.model }] : []));
      case "getEvChargerCurrentsBySn":
        if (!s.evCharger) return reply(failure(6016));
        return reply(success({ currentsetting: s.evCurrentSetting }));
      case "setEvChargerCurrentsBySn": {
        if (!s.evCharger) return reply(failure(6016));
        const amps = params.currentsetting;
        if (typeof amps !== "number" || !Number.isFinite(amps) || amps <= 0 || amps > 1000) return reply(failure(6001));
        const cooled = coolingDown(sysSn, endpoint, now);
        if (cooled) return reply(cooled === "reject" ? failure(6053) : success(null));
        startCooldown(sysSn, endpoint, now);
        s.evCurrentSetting = amps;
        const ev = houseOf(sysSn).ev!;
        ev.setCurrentLimit(Math.min(amps, ev.spec.maxCurrentA));
        s.appliedWrites++;
        return reply(success(null));
      }
      case "getEvChargerStatusBySn":
      case "remoteControlEvCharger": {
        const charger = params.evchargerSn;
        if (typeof charger !== "string" || charger === "") return reply(failure(6001));
        if (!s.evCharger || charger !== s.evCharger.serialNumber) return reply(failure(6016));
        const ev = houseOf(sysSn).ev!;
        if (endpoint === "getEvChargerStatusBySn") return reply(success({ evchargerStatus: EV_CODES[ev.state().status] ?? 9 }));
        const mode = params.controlMode;
        if (mode !== 0 && mode !== 1) return reply(failure(6001));
        if (mode === 1) ev.start();
        else ev.stop();
        return reply(success(null));
      }
      default:
        return reply(failure(6001));
    }
  }

  /** The device-side write cool-down: how a write now is answered, or null when it may go ahead. */
  function coolingDown(sn: string, endpoint: string, now: number): "reject" | "ignore" | null {
    if (!THROTTLED_WRITES.has(endpoint) || writeCooldownMs <= 0) return null;
    const last = lastWrite.get(`${sn}\u0000${endpoint}`);
    return last !== undefined && now - last < writeCooldownMs ? writeCooldownMode : null;
  }

  /** Starts the cool-down once a write was taken (a write refused with 6008 does not start it). */
  function startCooldown(sn: string, endpoint: string, now: number): void {
    if (THROTTLED_WRITES.has(endpoint)) lastWrite.set(`${sn}\u0000${endpoint}`, now);
  }

  const http = await startHttpSimulator(handle, { port: options.port, seed, clock, faults: options.faults });

  return {
    url: `${http.url}/api`,
    credentials: { appId: apps[0]!.appId, appSecret: apps[0]!.appSecret },
    apps,
    systems: [...systems.keys()],
    outbox,
    lastVerificationCode: (sn) => outbox.filter((o) => o.serialNumber === sn).at(-1)?.code,
    house: (sn) => houseOf(sn),
    state: (sn) => stateOf(sn),
    setOnline: (sn, online) => {
      stateOf(sn).online = online;
    },
    errors: {
      add(rule) {
        const entry = { ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
        injected.push(entry);
        return () => {
          const i = injected.indexOf(entry);
          if (i >= 0) injected.splice(i, 1);
        };
      },
      clear() {
        injected.length = 0;
      },
    },
    clock,
    http,
    close: () => http.close(),
  };
}
