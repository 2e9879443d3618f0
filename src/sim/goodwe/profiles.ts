import { encodeEcoModeOff } from "../../goodwe/eco-mode.js";
import { fromHex } from "../../goodwe/protocol/bytes.js";
import { RegisterMap } from "./register-map.js";
import {
  DT_DEVICE_INFO_30001,
  DT_RUNNING_30100,
  ES_DEVICE_INFO_0182,
  ES_RUNNING_0186,
  ET_BATTERY_37000,
  ET_DEVICE_INFO_35000,
  ET_ECO_V2_47547,
  ET_METER_36000,
  ET_RUNNING_35100,
} from "./recorded.js";

/** Which inverter the simulator plays. */
export type GoodWeProfile = "ET" | "DT" | "ES";

export interface FirmwareOptions {
  /** ET: eco mode V2 registers at 47547 (ARM firmware >= 19). Default true (the recorded unit has ARM 19). */
  ecoModeV2?: boolean;
  /** ET: peak-shaving registers at 47589 (ARM firmware >= 22). Default false. */
  peakShaving?: boolean;
}

/** The ES settings block (AA55 0109) mirrors registers from 0x550; 48 registers are served. */
export const ES_SETTINGS_BASE = 0x550;
export const ES_SETTINGS_COUNT = 48;
export const ES_REG = Object.freeze({
  capacity: 0x55b,
  chargeV: 0x55c,
  chargeI: 0x55d,
  dischargeI: 0x55e,
  dischargeV: 0x55f,
  dodRaw: 0x560,
  batteryActivated: 0x561,
  exportLimit: 0x56a,
  workMode: 0x571,
  clearBatteryMode: 0x700,
  ecoV1: 0x701,
});

/** An unset eco group (what the app leaves in unused slots). */
const ECO_OFF_V1 = encodeEcoModeOff("v1");
const ECO_OFF_V2 = encodeEcoModeOff("v2");

/** The ET register map: the recorded GW10K-ET blocks plus the settings the control methods use. */
export function seedEt(firmware: FirmwareOptions = {}): RegisterMap {
  const map = new RegisterMap();
  const blocks: Array<[number, string]> = [
    [35000, ET_DEVICE_INFO_35000],
    [35100, ET_RUNNING_35100],
    [36000, ET_METER_36000],
    [37000, ET_BATTERY_37000],
  ];
  for (const [first, hex] of blocks) {
    const bytes = fromHex(hex);
    map.load(first, bytes);
    map.protect(first, bytes.length / 2);
  }
  const settings: Array<[number, number]> = [
    [45127, 0xf7], // comm address
    [45200, 0],
    [45201, 0],
    [45202, 0], // clock, kept live
    [45246, 0],
    [45248, 0],
    [45251, 0],
    [45252, 0],
    [45264, 0],
    [45288, 0],
    [45350, 200],
    [45351, 1],
    [45352, 5700],
    [45353, 250],
    [45354, 4500],
    [45355, 250],
    [45356, 10], // minimum SOC 10 % (DoD 90 %)
    [45357, 4500],
    [45358, 20],
    [45482, 100],
    [47000, 0], // general
    [47010, 0],
    [47500, 1],
    [47509, 1],
    [47510, 10000], // export enabled, limit 10 kW
    [47511, 1],
    [47512, 0], // EMS auto
    [47514, 0],
    [47533, 0],
  ];
  for (const [r, v] of settings) map.set(r, v);
  for (const [r, v] of ET_MORE_SETTINGS) map.set(r, v);
  seedBms(map);
  if (firmware.ecoModeV2 ?? true) {
    map.load(47547, fromHex(ET_ECO_V2_47547));
    for (let g = 2; g <= 4; g++) map.load(47547 + (g - 1) * 6, ECO_OFF_V2);
    // fw 19 settings: fast charging, load control, hardware feed power.
    for (const r of [47545, 47546, 47595, 47596, 47597, 47599, 47603]) map.set(r, r === 47546 ? 100 : 0);
  } else {
    for (let g = 1; g <= 4; g++) map.load(47515 + (g - 1) * 4, ECO_OFF_V1);
  }
  if (firmware.peakShaving) {
    map.load(47589, ECO_OFF_V2);
    map.set(47602, 0);
  }
  return map;
}

/** ET settings a real unit has beside those the control methods use (addresses as the goodwe library reads them). */
const ET_MORE_SETTINGS: ReadonlyArray<[number, number]> = [
  [45132, 0],
  [45133, 9600], // Modbus baud rate, u32
  [47120, 0], // meter target power offset
  [47760, 100], // SOC upper limit, %
];

/**
 * The BMS block (47900..47935) of one battery: version, modules, charge/discharge limits (0.1 V,
 * 0.1 A), voltage, current, SOC and SOH (%), temperature (0.1 °C), status; the second BMS reads
 * zeros (none fitted). The BMS writes these: read-only over Modbus, but for the comm-loss switch.
 */
function seedBms(map: RegisterMap): void {
  const bms: Array<[number, number]> = [
    [47900, 0x0101],
    [47901, 2],
    [47902, 5680],
    [47903, 250],
    [47904, 4500],
    [47905, 250],
    [47906, 5120],
    [47907, 0],
    [47908, 50],
    [47909, 99],
    [47910, 250],
  ];
  for (let r = 47900; r <= 47935; r++) map.set(r, 0);
  for (const [r, v] of bms) map.set(r, v);
  map.protect(47900, 16);
  map.protect(47918, 16);
}

/** The DT register map: the recorded GW8K-DT blocks, a meter block and the export/start-stop settings. */
export function seedDt(): RegisterMap {
  const map = new RegisterMap();
  for (const [first, hex] of [
    [30001, DT_DEVICE_INFO_30001],
    [30100, DT_RUNNING_30100],
  ] as const) {
    const bytes = fromHex(hex);
    map.load(first, bytes);
    map.protect(first, bytes.length / 2);
  }
  for (let r = 30195; r < 30210; r++) map.set(r, 0);
  map.set(30209, 1); // meter communication normal
  map.protect(30195, 15);
  // The inverter clock (kept live) and the shadow-scan settings.
  for (const r of [40313, 40314, 40315, 40326, 40347, 40352, 40362]) map.set(r, 0);
  for (const [r, v] of [
    [40327, 0],
    [40328, 0],
    [40329, 0],
    [40330, 0],
    [40331, 0],
    [40332, 0],
    [40336, 100],
    [40345, 0],
  ] as const)
    map.set(r, v);
  return map;
}

/** The ES settings registers (0x550..), the eco V1 groups (0x701..) and the battery-mode command register. */
export function seedEs(): RegisterMap {
  const map = new RegisterMap();
  for (let r = ES_SETTINGS_BASE; r < ES_SETTINGS_BASE + ES_SETTINGS_COUNT; r++) map.set(r, 0);
  map.set(ES_REG.capacity, 100);
  map.set(ES_REG.chargeV, 570);
  map.set(ES_REG.chargeI, 50);
  map.set(ES_REG.dischargeI, 50);
  map.set(ES_REG.dischargeV, 450);
  map.set(ES_REG.dodRaw, 20);
  map.set(ES_REG.batteryActivated, 1);
  map.set(ES_REG.exportLimit, 5000);
  map.set(ES_REG.workMode, 0);
  map.set(ES_REG.clearBatteryMode, 0);
  for (let g = 0; g < 4; g++) map.load(ES_REG.ecoV1 + g * 4, ECO_OFF_V1);
  // Firmware "2323G" (an ESU with DSP 23 and ARM 16) has the eco mode V2 groups at 47547 over Modbus.
  for (let g = 0; g < 4; g++) map.load(47547 + g * 6, ECO_OFF_V2);
  return map;
}

export function esDeviceInfoPayload(): Uint8Array {
  return fromHex(ES_DEVICE_INFO_0182);
}

export function esRunningPayload(): Uint8Array {
  return fromHex(ES_RUNNING_0186);
}

/** The AA55 device-info payload a dongle of another family answers the discovery probe with. */
export function probePayload(firmware: string, model: string, serial: string): Uint8Array {
  const out = new Uint8Array(77);
  const put = (at: number, text: string, width: number) => out.set(new TextEncoder().encode(text.padEnd(width, " ").slice(0, width)), at);
  put(0, firmware, 5);
  put(5, model, 10);
  put(31, serial, 16);
  put(51, "02041-19-S00", 12);
  return out;
}
