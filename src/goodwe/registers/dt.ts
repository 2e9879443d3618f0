import { METER_COMM_STATUS_DT, WORK_MODES_DT } from "./labels.js";
import type { SensorDef, SensorValues } from "./types.js";

/**
 * DT/MS/D-NS/XS (PV-only, three- and single-phase) register map, from the `goodwe` library's
 * `dt.py` (MIT, © 2021 Marcel Blijleven) and specs/goodwe.md §3.6. Comm address 0x7F.
 * `meter_active_power` is + export, like ET.
 */

const V = { type: "u16", scale: 10, unit: "V" } as const;
const A = { type: "u16", scale: 10, unit: "A" } as const;
const HZ = { type: "s16", scale: 100, unit: "Hz" } as const;
const TEMP = { type: "s16", scale: 10, unit: "°C", undef: [-1, 32767] } as const;
const INT = { type: "u16", unit: "" } as const;

/** Device info: 40 registers from 30001. */
export const DT_DEVICE_INFO_BLOCK = Object.freeze({ register: 30001, count: 40 });
/** Running data: 73 registers from 30100. */
export const DT_RUNNING_BLOCK = Object.freeze({ register: 30100, count: 73 });
/** Meter: 15 registers from 30195. */
export const DT_METER_BLOCK = Object.freeze({ register: 30195, count: 15 });

export const DT_RUNNING_SENSORS = [
  { id: "timestamp", name: "Timestamp", at: 30100, type: "datetime", unit: "" },
  { id: "vpv1", name: "PV1 Voltage", at: 30103, ...V },
  { id: "ipv1", name: "PV1 Current", at: 30104, ...A },
  { id: "vpv2", name: "PV2 Voltage", at: 30105, ...V },
  { id: "ipv2", name: "PV2 Current", at: 30106, ...A },
  { id: "vpv3", name: "PV3 Voltage", at: 30107, ...V },
  { id: "ipv3", name: "PV3 Current", at: 30108, ...A },
  { id: "vpv4", name: "PV4 Voltage", at: 30109, ...V },
  { id: "ipv4", name: "PV4 Current", at: 30110, ...A },
  { id: "vline1", name: "On-grid L1-L2 Voltage", at: 30115, ...V },
  { id: "vline2", name: "On-grid L2-L3 Voltage", at: 30116, ...V },
  { id: "vline3", name: "On-grid L3-L1 Voltage", at: 30117, ...V },
  { id: "vgrid1", name: "On-grid L1 Voltage", at: 30118, ...V },
  { id: "vgrid2", name: "On-grid L2 Voltage", at: 30119, ...V },
  { id: "vgrid3", name: "On-grid L3 Voltage", at: 30120, ...V },
  { id: "igrid1", name: "On-grid L1 Current", at: 30121, ...A },
  { id: "igrid2", name: "On-grid L2 Current", at: 30122, ...A },
  { id: "igrid3", name: "On-grid L3 Current", at: 30123, ...A },
  { id: "fgrid1", name: "On-grid L1 Frequency", at: 30124, ...HZ },
  { id: "fgrid2", name: "On-grid L2 Frequency", at: 30125, ...HZ },
  { id: "fgrid3", name: "On-grid L3 Frequency", at: 30126, ...HZ },
  { id: "total_inverter_power", name: "Total Power", at: 30127, type: "s32", unit: "W" },
  { id: "work_mode", name: "Work Mode code", at: 30129, ...INT, labels: WORK_MODES_DT },
  { id: "error_codes", name: "Error Codes", at: 30130, type: "u32", unit: "", undef: [] },
  { id: "warning_code", name: "Warning code", at: 30132, ...INT },
  { id: "apparent_power", name: "Apparent Power", at: 30133, type: "s32", unit: "VA" },
  { id: "reactive_power", name: "Reactive Power", at: 30135, type: "s32", unit: "var" },
  { id: "total_input_power", name: "Total Input Power", at: 30137, type: "s16", unit: "W" },
  { id: "power_factor", name: "Power Factor", at: 30139, type: "s16", scale: 1000, unit: "" },
  { id: "temperature", name: "Inverter Temperature", at: 30141, ...TEMP },
  { id: "temperature_heatsink", name: "Heatsink Temperature", at: 30142, ...TEMP },
  { id: "e_day", name: "Today's PV Generation", at: 30144, type: "u16", scale: 10, unit: "kWh" },
  { id: "e_total", name: "Total PV Generation", at: 30145, type: "u32", scale: 10, unit: "kWh" },
  { id: "h_total", name: "Hours Total", at: 30147, type: "u32", unit: "h" },
  { id: "safety_country", name: "Safety Country code", at: 30149, ...INT },
  { id: "funbit", name: "FunctionBit", at: 30162, ...INT },
  { id: "vbus", name: "Bus Voltage", at: 30163, ...V },
  { id: "vnbus", name: "NBus Voltage", at: 30164, ...V },
  { id: "derating_mode", name: "Derating Mode code", at: 30165, type: "u32", unit: "" },
  { id: "rssi", name: "RSSI", at: 30172, ...INT },
] as const satisfies readonly SensorDef[];

export const DT_METER_SENSORS = [
  { id: "meter_active_power", name: "Meter Active Power (+ export)", at: 30195, type: "s32", unit: "W" },
  { id: "meter_e_total_exp", name: "Meter Total Energy (export)", at: 30197, type: "u32", scale: 1000, unit: "kWh" },
  { id: "meter_e_total_imp", name: "Meter Total Energy (import)", at: 30199, type: "u32", scale: 1000, unit: "kWh" },
  { id: "meter_comm_status", name: "Meter Communication Status code", at: 30209, ...INT, labels: METER_COMM_STATUS_DT },
] as const satisfies readonly SensorDef[];

export type DtRunningValues = SensorValues<typeof DT_RUNNING_SENSORS>;
export type DtMeterValues = SensorValues<typeof DT_METER_SENSORS>;
