import { wallTimeOf } from "../../core/time/zoned.js";
import { encodeDateTime } from "../../goodwe/decode.js";
import { decodeEcoModeGroup, type EcoModeEncoding } from "../../goodwe/eco-mode.js";
import type { BatteryControl, ChargeWindow, DischargeWindow, EnergyCounters, HouseSnapshot } from "../kernel.js";
import { ES_REG } from "./profiles.js";
import type { RegisterMap } from "./register-map.js";

/**
 * Keeps the simulated registers consistent with the house ("physics" in, registers out) and
 * turns control registers into the house's battery control (registers in, dispatch out).
 * Signs on the wire are GoodWe's: active power + export, battery + discharge.
 */

/** Lifetime counters the inverter had before the simulation started (kWh). */
export interface BaseCounters {
  pv: number;
  exp: number;
  imp: number;
  load: number;
  charge: number;
  discharge: number;
}

export const ET_BASE: BaseCounters = Object.freeze({ pv: 6085.3, exp: 4718.6, imp: 58.0, load: 8820.2, charge: 2758.1, discharge: 2442.1 });

const s16 = (v: number) => Math.max(-32768, Math.min(32767, Math.round(v)));
const u16 = (v: number) => Math.max(0, Math.min(65534, Math.round(v)));
const tenths = (v: number) => u16(v * 10);

/** PV string voltage and current for a string power (W). */
function stringVi(w: number, capacityW: number): { v: number; i: number } {
  if (w <= 0) return { v: 12.1, i: 0 };
  const v = 300 + 60 * Math.min(1, w / Math.max(1, capacityW));
  return { v, i: w / v };
}

function setDateTime(map: RegisterMap, register: number, at: number, timeZone: string): void {
  map.load(register, encodeDateTime(wallTimeOf(at, timeZone)));
}

export interface LiveInputs {
  snapshot: HouseSnapshot;
  day: EnergyCounters;
  totals: EnergyCounters;
  /** The inverter's own clock (ms). */
  deviceTime: number;
  timeZone: string;
  /** PV capacity per string (W), for plausible string voltages. */
  stringCapacityW: number;
  base: BaseCounters;
}

/** Refreshes the ET running, battery, meter and clock registers from the house. */
export function refreshEt(map: RegisterMap, x: LiveInputs): void {
  const s = x.snapshot;
  setDateTime(map, 35100, x.deviceTime, x.timeZone);
  setDateTime(map, 45200, x.deviceTime, x.timeZone);
  for (let n = 0; n < 4; n++) {
    const w = s.pvStringsW[n] ?? 0;
    const { v, i } = stringVi(w, x.stringCapacityW);
    map.set(35103 + n * 4, tenths(v));
    map.set(35104 + n * 4, tenths(i));
    map.setS32(35105 + n * 4, Math.round(w));
  }
  const inverterAc = s.pvW + s.batteryW;
  map.set(35121, 2393);
  map.set(35122, tenths(Math.abs(inverterAc) / 239.3));
  map.set(35123, 5000);
  map.set(35125, s16(inverterAc));
  map.set(35138, s16(inverterAc));
  map.set(35140, s16(-s.gridW));
  map.set(35150, 0);
  map.set(35164, s16(s.loadW + s.evW));
  map.set(35170, 0);
  map.set(35172, s16(s.loadW + s.evW));
  map.set(35176, s16(300 + s.pvW / 100));
  const vbat = 230 + 40 * s.soc;
  map.set(35180, tenths(vbat));
  map.set(35181, s16((s.batteryW / vbat) * 10));
  map.setS32(35182, Math.round(s.batteryW));
  map.set(35184, s.batteryW > 0 ? 2 : s.batteryW < 0 ? 3 : 1);
  map.set(35187, 1);
  map.set(35188, map.get(47000) ?? 0);
  const life = (base: number, add: number) => Math.round((base + add) * 10);
  map.setU32(35191, life(x.base.pv, x.totals.pvKwh));
  map.setU32(35193, Math.round(x.day.pvKwh * 10));
  map.setU32(35195, life(x.base.exp, x.totals.exportKwh));
  map.set(35199, u16(x.day.exportKwh * 10));
  map.setU32(35200, life(x.base.imp, x.totals.importKwh));
  map.set(35202, u16(x.day.importKwh * 10));
  map.setU32(35203, life(x.base.load, x.totals.loadKwh + x.totals.evKwh));
  map.set(35205, u16((x.day.loadKwh + x.day.evKwh) * 10));
  map.setU32(35206, life(x.base.charge, x.totals.chargeKwh));
  map.set(35208, u16(x.day.chargeKwh * 10));
  map.setU32(35209, life(x.base.discharge, x.totals.dischargeKwh));
  map.set(35211, u16(x.day.dischargeKwh * 10));
  // Battery block.
  map.set(37003, 250);
  map.set(37007, Math.round(s.soc * 100));
  // Meter block: + export.
  const phases = s.gridPhasesW.length ? s.gridPhasesW : [s.gridW];
  for (let p = 0; p < 3; p++) {
    map.set(36005 + p, s16(-(phases[p] ?? 0)));
    map.setS32(36019 + p * 2, Math.round(-(phases[p] ?? 0)));
  }
  map.set(36008, s16(-s.gridW));
  map.setS32(36025, Math.round(-s.gridW));
  map.setF32(36015, (x.base.exp + x.totals.exportKwh) * 1000);
  map.setF32(36017, (x.base.imp + x.totals.importKwh) * 1000);
}

export const DT_BASE: BaseCounters = Object.freeze({ pv: 12345.6, exp: 8000, imp: 3000, load: 0, charge: 0, discharge: 0 });

/** Refreshes the DT running and meter registers (meter + export). */
export function refreshDt(map: RegisterMap, x: LiveInputs): void {
  const s = x.snapshot;
  setDateTime(map, 30100, x.deviceTime, x.timeZone);
  setDateTime(map, 40313, x.deviceTime, x.timeZone);
  for (let n = 0; n < 3; n++) {
    const w = s.pvStringsW[n] ?? 0;
    const { v, i } = stringVi(w, x.stringCapacityW);
    map.set(30103 + n * 2, tenths(v));
    map.set(30104 + n * 2, tenths(i));
  }
  const perPhase = s.pvW / 3;
  for (let p = 0; p < 3; p++) {
    map.set(30118 + p, 2372);
    map.set(30121 + p, tenths(perPhase / 237.2));
    map.set(30124 + p, 5000);
  }
  map.setS32(30127, Math.round(s.pvW));
  map.set(30129, s.pvW > 0 ? 1 : 0);
  map.set(30141, s16(300 + s.pvW / 100));
  map.set(30144, u16(x.day.pvKwh * 10));
  map.setU32(30145, Math.round((x.base.pv + x.totals.pvKwh) * 10));
  map.setS32(30195, Math.round(-s.gridW));
  map.setU32(30197, Math.round((x.base.exp + x.totals.exportKwh) * 1000));
  map.setU32(30199, Math.round((x.base.imp + x.totals.importKwh) * 1000));
}

export const ES_BASE: BaseCounters = Object.freeze({ pv: 22963.2, exp: 0, imp: 0, load: 20000, charge: 0, discharge: 0 });

/** A fresh ES running-data payload (AA55 0186) from the recorded one and the house. */
export function refreshEsPayload(recorded: Uint8Array, x: LiveInputs): Uint8Array {
  const p = recorded.slice();
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const put16 = (at: number, v: number) => view.setUint16(at, u16(v));
  const putS16 = (at: number, v: number) => view.setInt16(at, s16(v));
  const s = x.snapshot;
  for (let n = 0; n < 2; n++) {
    const w = s.pvStringsW[n] ?? 0;
    const { v, i } = stringVi(w, x.stringCapacityW);
    put16(n * 5, v * 10);
    put16(n * 5 + 2, i * 10);
    p[n * 5 + 4] = w > 0 ? 2 : 1;
  }
  const vbat = 48 + 6 * s.soc;
  put16(10, vbat * 10);
  put16(18, (Math.abs(s.batteryW) / vbat) * 10);
  p[26] = Math.round(s.soc * 100);
  p[30] = s.batteryW > 0 ? 2 : s.batteryW < 0 ? 3 : 1;
  put16(34, 2283);
  put16(36, (Math.abs(s.gridW) / 228.3) * 10);
  put16(38, Math.abs(s.gridW));
  p[80] = s.gridW > 0 ? 2 : s.gridW < 0 ? 1 : 0;
  putS16(47, s.loadW + s.evW);
  putS16(81, 0);
  p[52] = 2;
  putS16(53, 229 + s.pvW / 100);
  view.setUint32(59, Math.round((x.base.pv + x.totals.pvKwh) * 10));
  put16(67, x.day.pvKwh * 10);
  put16(69, (x.day.loadKwh + x.day.evKwh) * 10);
  view.setUint32(71, Math.round((x.base.load + x.totals.loadKwh + x.totals.evKwh) * 10));
  return p;
}

/** GoodWe days bitmask (bit 0 Sunday) → ISO weekdays (1 Monday .. 7 Sunday). */
function isoWeekdays(mask: number): number[] | undefined {
  if ((mask & 0x7f) === 0x7f) return undefined;
  const out: number[] = [];
  for (let i = 0; i < 7; i++) if (mask & (1 << i)) out.push(i === 0 ? 7 : i);
  return out;
}

export interface EtControlInputs {
  ratedW: number;
  encoding: EcoModeEncoding;
  hardwareMinSoc: number;
}

/** The house battery control the ET registers ask for. */
export function etControl(map: RegisterMap, x: EtControlInputs): Partial<BatteryControl> {
  const workMode = map.get(47000) ?? 0;
  const ems = map.get(47511) ?? 1;
  const emsPower = map.get(47512) ?? 0;
  const minSoc = Math.max(x.hardwareMinSoc, Math.min(1, (map.get(45356) ?? 10) / 100));
  const exportLimitW = (map.get(47509) ?? 1) !== 0 ? (map.get(47510) ?? null) : null;
  const chargeWindows: ChargeWindow[] = [];
  const dischargeWindows: DischargeWindow[] = [];
  if (workMode === 3) {
    const first = x.encoding === "v2" ? 47547 : 47515;
    const per = x.encoding === "v2" ? 6 : 4;
    for (let g = 0; g < 4; g++) {
      const bytes = map.read(first + g * per, per);
      if (!(bytes instanceof Uint8Array)) continue;
      const group = decodeEcoModeGroup(bytes, x.encoding);
      if (!group.enabled || group.power === null || group.power === 0 || !group.start || !group.end) continue;
      const window = { start: group.start, end: group.end };
      const weekdays = isoWeekdays(group.days);
      const powerW = Math.abs(group.power) * x.ratedW;
      if (group.power < 0)
        chargeWindows.push({ window, fromGrid: true, stopSoc: group.soc ?? 1, powerW, ...(weekdays ? { weekdays } : {}) });
      else dischargeWindows.push({ window, stopSoc: minSoc, powerW, ...(weekdays ? { weekdays } : {}) });
    }
  }
  const base = { chargeWindows, dischargeWindows, minSoc, exportLimitW, dischargeTimeControl: workMode === 2 };
  if ([2, 4, 9, 11].includes(ems)) return { ...base, mode: "forceCharge", forcePowerW: emsPower };
  if ([3, 5, 10, 12].includes(ems)) return { ...base, mode: "forceDischarge", forcePowerW: emsPower };
  if (ems === 6 || ems === 8) return { ...base, mode: "idle", forcePowerW: undefined };
  return { ...base, mode: "selfUse", forcePowerW: undefined };
}

/** The house battery control the ES settings ask for. */
export function esControl(map: RegisterMap, hardwareMinSoc: number): Partial<BatteryControl> {
  const minSoc = Math.max(hardwareMinSoc, Math.min(1, (map.get(ES_REG.dodRaw) ?? 20) / 100));
  return {
    mode: "selfUse",
    forcePowerW: undefined,
    minSoc,
    exportLimitW: map.get(ES_REG.exportLimit) ?? null,
    dischargeTimeControl: map.get(ES_REG.workMode) === 2,
    chargeWindows: [],
    dischargeWindows: [],
  };
}
