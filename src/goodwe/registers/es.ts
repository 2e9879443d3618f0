import { BATTERY_MODES, ENERGY_MODES_ES, GRID_IN_OUT_MODES, LOAD_MODES, PV_MODES, WORK_MODES_ES } from "./labels.js";
import type { SensorDef, SensorValues } from "./types.js";

/**
 * ES/EM/BP (AA55 protocol) running-data payload map (`0106` → `0186`), by byte offset, from the
 * `goodwe` library's `es.py` (MIT, © 2021 Marcel Blijleven) and specs/goodwe.md §3.6. The raw
 * battery current and grid power are unsigned; their direction comes from `battery_mode` (3 =
 * charging) and `grid_in_out` (1 export, 2 import) and is applied by the ES family code.
 */

const V = { type: "u16", scale: 10, unit: "V" } as const;
const A = { type: "u16", scale: 10, unit: "A" } as const;
const HZ = { type: "s16", scale: 100, unit: "Hz" } as const;
const TEMP = { type: "s16", scale: 10, unit: "°C", undef: [-1, 32767] } as const;

export const ES_RUNNING_SENSORS = [
  { id: "vpv1", name: "PV1 Voltage", at: 0, ...V },
  { id: "ipv1", name: "PV1 Current", at: 2, ...A },
  { id: "pv1_mode", name: "PV1 Mode code", at: 4, type: "u8", unit: "", labels: PV_MODES },
  { id: "vpv2", name: "PV2 Voltage", at: 5, ...V },
  { id: "ipv2", name: "PV2 Current", at: 7, ...A },
  { id: "pv2_mode", name: "PV2 Mode code", at: 9, type: "u8", unit: "", labels: PV_MODES },
  { id: "vbattery1", name: "Battery Voltage", at: 10, ...V },
  { id: "battery_status", name: "Battery Status", at: 14, type: "u16", unit: "" },
  { id: "battery_temperature", name: "Battery Temperature", at: 16, ...TEMP },
  { id: "ibattery_raw", name: "Battery Current (unsigned)", at: 18, ...A },
  { id: "battery_charge_limit", name: "Battery Charge Limit", at: 20, type: "u16", unit: "A" },
  { id: "battery_discharge_limit", name: "Battery Discharge Limit", at: 22, type: "u16", unit: "A" },
  { id: "battery_error", name: "Battery Error Code", at: 24, type: "u16", unit: "" },
  { id: "battery_soc", name: "Battery State of Charge", at: 26, type: "u8", unit: "%" },
  { id: "battery_soh", name: "Battery State of Health", at: 29, type: "u8", unit: "%" },
  { id: "battery_mode", name: "Battery Mode code", at: 30, type: "u8", unit: "", labels: BATTERY_MODES },
  { id: "battery_warning", name: "Battery Warning", at: 31, type: "u16", unit: "" },
  { id: "meter_status", name: "Meter Status code", at: 33, type: "u8", unit: "" },
  { id: "vgrid", name: "On-grid Voltage", at: 34, ...V },
  { id: "igrid", name: "On-grid Current", at: 36, ...A },
  { id: "pgrid_raw", name: "On-grid Power (unsigned)", at: 38, type: "u16", unit: "W" },
  { id: "fgrid", name: "On-grid Frequency", at: 40, ...HZ },
  { id: "grid_mode", name: "Work Mode code", at: 42, type: "u8", unit: "", labels: WORK_MODES_ES },
  { id: "vload", name: "Back-up Voltage", at: 43, ...V },
  { id: "iload", name: "Back-up Current", at: 45, ...A },
  { id: "pload", name: "On-grid Power", at: 47, type: "s16", unit: "W" },
  { id: "fload", name: "Back-up Frequency", at: 49, ...HZ },
  { id: "load_mode", name: "Load Mode code", at: 51, type: "u8", unit: "", labels: LOAD_MODES },
  { id: "work_mode", name: "Energy Mode code", at: 52, type: "u8", unit: "", labels: ENERGY_MODES_ES },
  { id: "temperature", name: "Inverter Temperature", at: 53, ...TEMP },
  { id: "error_codes", name: "Error Codes", at: 55, type: "u32", unit: "", undef: [] },
  { id: "e_total", name: "Total PV Generation", at: 59, type: "u32", scale: 10, unit: "kWh" },
  { id: "h_total", name: "Hours Total", at: 63, type: "u32", unit: "h" },
  { id: "e_day", name: "Today's PV Generation", at: 67, type: "u16", scale: 10, unit: "kWh" },
  { id: "e_load_day", name: "Today's Load", at: 69, type: "u16", scale: 10, unit: "kWh" },
  { id: "e_load_total", name: "Total Load", at: 71, type: "u32", scale: 10, unit: "kWh" },
  { id: "total_power", name: "Total Power", at: 75, type: "s16", unit: "W" },
  { id: "effective_work_mode", name: "Effective Work Mode code", at: 77, type: "u8", unit: "" },
  { id: "effective_relay_control", name: "Effective Relay Control", at: 78, type: "u16", unit: "" },
  { id: "grid_in_out", name: "On-grid Mode code", at: 80, type: "u8", unit: "", labels: GRID_IN_OUT_MODES },
  { id: "pback_up", name: "Back-up Power", at: 81, type: "s16", unit: "W" },
  { id: "meter_power_factor", name: "Meter Power Factor", at: 83, type: "s16", scale: 1000, unit: "" },
  { id: "diagnose_result", name: "Diag Status Code", at: 89, type: "u32", unit: "", undef: [] },
] as const satisfies readonly SensorDef[];

/**
 * Settings payload (`0109` → `0189`), by byte offset; the payload mirrors registers from 0x550,
 * so byte offset b is register 0x550 + b/2 (the DoD write goes to 0x560 = offset 32).
 */
export const ES_SETTINGS_BASE_REGISTER = 0x550;

export const ES_SETTINGS_SENSORS = [
  { id: "backup_supply", name: "Backup Supply", at: 12, type: "u16", unit: "" },
  { id: "off_grid_charge", name: "Off-grid Charge", at: 14, type: "u16", unit: "" },
  { id: "shadow_scan", name: "Shadow Scan", at: 16, type: "u16", unit: "" },
  { id: "grid_export", name: "Export Limit Enabled", at: 18, type: "u16", unit: "" },
  { id: "capacity", name: "Capacity", at: 22, type: "u16", unit: "Ah" },
  { id: "charge_v", name: "Charge Voltage", at: 24, type: "u16", scale: 10, unit: "V" },
  { id: "charge_i", name: "Charge Current", at: 26, type: "u16", unit: "A" },
  { id: "discharge_i", name: "Discharge Current", at: 28, type: "u16", unit: "A" },
  { id: "discharge_v", name: "Discharge Voltage", at: 30, type: "u16", scale: 10, unit: "V" },
  { id: "discharge_depth_raw", name: "100 − Depth of Discharge", at: 32, type: "u16", unit: "%" },
  { id: "battery_activated", name: "Battery Activated", at: 34, type: "u16", unit: "" },
  { id: "bp_off_grid_charge", name: "BP Off-grid Charge", at: 36, type: "u16", unit: "" },
  { id: "bp_pv_discharge", name: "BP PV Discharge", at: 38, type: "u16", unit: "" },
  { id: "bp_bms_protocol", name: "BP BMS Protocol", at: 40, type: "u16", unit: "" },
  { id: "power_factor", name: "Power Factor", at: 42, type: "u16", unit: "" },
  { id: "grid_export_limit", name: "Grid Export Limit", at: 52, type: "u16", unit: "W" },
  { id: "battery_soc_protection", name: "Battery SoC Protection", at: 56, type: "u16", unit: "" },
  { id: "work_mode", name: "Work Mode", at: 66, type: "u16", unit: "" },
  { id: "grid_quality_check", name: "Grid Quality Check", at: 68, type: "u16", unit: "" },
] as const satisfies readonly SensorDef[];

/** Register written by the DoD command (holds 100 − DoD %). */
export const ES_DOD_REGISTER = 0x560;

export type EsRunningValues = SensorValues<typeof ES_RUNNING_SENSORS>;
export type EsSettingsValues = SensorValues<typeof ES_SETTINGS_SENSORS>;
