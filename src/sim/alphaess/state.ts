import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { addDays } from "../../core/time/calendar-date.js";
import { localDate, wallTimeOf, zonedTimeToInstant } from "../../core/time/zoned.js";
import { roundTo } from "../../core/units.js";
import { HouseModel, hash01, type BatteryControl, type ChargeWindow, type DischargeWindow, type HouseSnapshot } from "../kernel.js";
import defaults from "./data/defaults.json" with { type: "json" };
import { MODEL_PRESETS, houseFor } from "./presets.js";
import type {
  AlphaEssSimApp,
  AlphaEssSimSystemOptions,
  AlphaEssSimSystemState,
  ChargeConfig,
  DischargeConfig,
  PeriodicConfig,
  PeriodItem,
} from "./types.js";

const ON_GRID = /^([01]\d|2[0-3]):(00|15|30|45)$/;

/** A value derived from the seed, e.g. credentials and check codes. */
export function derive(seed: number, label: string, hexChars: number): string {
  return createHash("sha256").update(`alphaess-sim:${seed}:${label}`).digest("hex").slice(0, hexChars);
}

export interface AlphaEssStateOptions {
  seed: number;
  clock: Clock;
  apps: AlphaEssSimApp[];
  systems?: AlphaEssSimSystemOptions[];
  historyDays: number;
  stepSeconds: number;
}

/** The systems the simulator holds, their houses, and the payloads read from them. */
export type AlphaEssState = ReturnType<typeof createAlphaEssState>;

/**
 * The simulated systems: stored settings, one house model each (made on first use) that the
 * settings drive, and the read payloads in the live shapes.
 */
export function createAlphaEssState(options: AlphaEssStateOptions) {
  const { seed, clock, apps, historyDays, stepSeconds } = options;
  const initial = defaults.initialSettings;
  const systems = new Map<string, AlphaEssSimSystemState>();
  const houses = new Map<string, HouseModel>();
  const specs = new Map<string, AlphaEssSimSystemOptions>();
  const seedOf = new Map<string, number>();
  (options.systems ?? (defaults.systems as AlphaEssSimSystemOptions[])).forEach((spec, index) => {
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
      charge: { ...(initial.charge as ChargeConfig) },
      discharge: { ...(initial.discharge as DischargeConfig) },
      periodic: structuredClone(initial.periodic as PeriodicConfig),
      evCurrentSetting: initial.evCurrentSetting,
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

  return { systems, stateOf, houseOf, applyControl, realtime, daySeries, dayEnergy, summary };
}
