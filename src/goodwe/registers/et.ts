import { BATTERY_MODES, GRID_MODES, METER_TYPES, OPERATION_MODES_ET, PV_MODES, WORK_MODES_ET } from "./labels.js";
import type { SensorDef, SensorValues } from "./types.js";

/**
 * ET/EH/BT/BH (and GE GEH) register map, from the `goodwe` library's `et.py` (MIT, © 2021 Marcel
 * Blijleven) and specs/goodwe.md §3.6. Signs as the inverter sends them: `active_power` + export,
 * − import; `pbattery1` + discharge, − charge. The adapter converts to the library convention.
 */

const V = { type: "u16", scale: 10, unit: "V" } as const;
/** Battery cell voltages are in mV (the library's CellVoltage: 0.1 V ÷ 100). */
const CELL_V = { type: "u16", scale: 1000, unit: "V" } as const;
const A = { type: "u16", scale: 10, unit: "A" } as const;
const AS = { type: "s16", scale: 10, unit: "A" } as const;
const HZ = { type: "s16", scale: 100, unit: "Hz" } as const;
const W = { type: "s16", unit: "W" } as const;
const W4 = { type: "s32", unit: "W" } as const;
const VAR = { type: "s16", unit: "var" } as const;
const VAR4 = { type: "s32", unit: "var" } as const;
const VA = { type: "s16", unit: "VA" } as const;
const VA4 = { type: "s32", unit: "VA" } as const;
const TEMP = { type: "s16", scale: 10, unit: "°C", undef: [-1, 32767] } as const;
const KWH2 = { type: "u16", scale: 10, unit: "kWh" } as const;
const KWH4 = { type: "u32", scale: 10, unit: "kWh" } as const;
const E8 = { type: "u64", scale: 100, unit: "kWh" } as const;
const INT = { type: "u16", unit: "" } as const;
const PCT = { type: "u16", unit: "%" } as const;

/** Running data: one read of 125 registers from 35100. */
export const ET_RUNNING_BLOCK = Object.freeze({ register: 35100, count: 125 });

export const ET_RUNNING_SENSORS = [
  { id: "timestamp", name: "Timestamp", at: 35100, type: "datetime", unit: "" },
  { id: "vpv1", name: "PV1 Voltage", at: 35103, ...V },
  { id: "ipv1", name: "PV1 Current", at: 35104, ...A },
  { id: "ppv1", name: "PV1 Power", at: 35105, ...W4 },
  { id: "vpv2", name: "PV2 Voltage", at: 35107, ...V },
  { id: "ipv2", name: "PV2 Current", at: 35108, ...A },
  { id: "ppv2", name: "PV2 Power", at: 35109, ...W4 },
  { id: "vpv3", name: "PV3 Voltage", at: 35111, ...V },
  { id: "ipv3", name: "PV3 Current", at: 35112, ...A },
  { id: "ppv3", name: "PV3 Power", at: 35113, ...W4 },
  { id: "vpv4", name: "PV4 Voltage", at: 35115, ...V },
  { id: "ipv4", name: "PV4 Current", at: 35116, ...A },
  { id: "ppv4", name: "PV4 Power", at: 35117, ...W4 },
  // The high byte is PV4, the low byte PV3 (as the library reads the GW29K9-ET reply).
  { id: "pv4_mode", name: "PV4 Mode code", at: 35119, type: "hi8", unit: "", labels: PV_MODES },
  { id: "pv3_mode", name: "PV3 Mode code", at: 35119, type: "lo8", unit: "", labels: PV_MODES },
  { id: "pv1_mode", name: "PV1 Mode code", at: 35120, type: "hi8", unit: "", labels: PV_MODES },
  { id: "pv2_mode", name: "PV2 Mode code", at: 35120, type: "lo8", unit: "", labels: PV_MODES },
  { id: "vgrid", name: "On-grid L1 Voltage", at: 35121, ...V },
  { id: "igrid", name: "On-grid L1 Current", at: 35122, ...A },
  { id: "fgrid", name: "On-grid L1 Frequency", at: 35123, ...HZ },
  { id: "pgrid", name: "On-grid L1 Power", at: 35125, ...W },
  { id: "vgrid2", name: "On-grid L2 Voltage", at: 35126, ...V },
  { id: "igrid2", name: "On-grid L2 Current", at: 35127, ...A },
  { id: "fgrid2", name: "On-grid L2 Frequency", at: 35128, ...HZ },
  { id: "pgrid2", name: "On-grid L2 Power", at: 35130, ...W },
  { id: "vgrid3", name: "On-grid L3 Voltage", at: 35131, ...V },
  { id: "igrid3", name: "On-grid L3 Current", at: 35132, ...A },
  { id: "fgrid3", name: "On-grid L3 Frequency", at: 35133, ...HZ },
  { id: "pgrid3", name: "On-grid L3 Power", at: 35135, ...W },
  { id: "grid_mode", name: "Grid Mode code", at: 35136, ...INT, labels: GRID_MODES },
  { id: "total_inverter_power", name: "Total Power", at: 35138, ...W },
  { id: "active_power", name: "Active Power (grid, + export)", at: 35140, ...W },
  { id: "reactive_power", name: "Reactive Power", at: 35142, ...VAR },
  { id: "apparent_power", name: "Apparent Power", at: 35144, ...VA },
  { id: "backup_v1", name: "Back-up L1 Voltage", at: 35145, ...V },
  { id: "backup_i1", name: "Back-up L1 Current", at: 35146, ...A },
  { id: "backup_f1", name: "Back-up L1 Frequency", at: 35147, ...HZ },
  { id: "load_mode1", name: "Load Mode L1", at: 35148, ...INT },
  { id: "backup_p1", name: "Back-up L1 Power", at: 35150, ...W },
  { id: "backup_v2", name: "Back-up L2 Voltage", at: 35151, ...V },
  { id: "backup_i2", name: "Back-up L2 Current", at: 35152, ...A },
  { id: "backup_f2", name: "Back-up L2 Frequency", at: 35153, ...HZ },
  { id: "load_mode2", name: "Load Mode L2", at: 35154, ...INT },
  { id: "backup_p2", name: "Back-up L2 Power", at: 35156, ...W },
  { id: "backup_v3", name: "Back-up L3 Voltage", at: 35157, ...V },
  { id: "backup_i3", name: "Back-up L3 Current", at: 35158, ...A },
  { id: "backup_f3", name: "Back-up L3 Frequency", at: 35159, ...HZ },
  { id: "load_mode3", name: "Load Mode L3", at: 35160, ...INT },
  { id: "backup_p3", name: "Back-up L3 Power", at: 35162, ...W },
  { id: "load_p1", name: "Load L1", at: 35164, ...W },
  { id: "load_p2", name: "Load L2", at: 35166, ...W },
  { id: "load_p3", name: "Load L3", at: 35168, ...W },
  { id: "backup_ptotal", name: "Back-up Load", at: 35170, ...W },
  { id: "load_ptotal", name: "Load", at: 35172, ...W },
  { id: "ups_load", name: "Ups Load", at: 35173, ...PCT },
  { id: "temperature_air", name: "Inverter Temperature (Air)", at: 35174, ...TEMP },
  { id: "temperature_module", name: "Inverter Temperature (Module)", at: 35175, ...TEMP },
  { id: "temperature", name: "Inverter Temperature (Radiator)", at: 35176, ...TEMP },
  { id: "function_bit", name: "Function Bit", at: 35177, ...INT },
  { id: "bus_voltage", name: "Bus Voltage", at: 35178, ...V },
  { id: "nbus_voltage", name: "NBus Voltage", at: 35179, ...V },
  { id: "vbattery1", name: "Battery Voltage", at: 35180, ...V },
  { id: "ibattery1", name: "Battery Current", at: 35181, ...AS },
  { id: "pbattery1", name: "Battery Power (+ discharge)", at: 35182, ...W4 },
  { id: "battery_mode", name: "Battery Mode code", at: 35184, ...INT, labels: BATTERY_MODES },
  { id: "warning_code", name: "Warning code", at: 35185, ...INT },
  { id: "safety_country", name: "Safety Country code", at: 35186, ...INT },
  { id: "work_mode", name: "Work Mode code", at: 35187, ...INT, labels: WORK_MODES_ET },
  { id: "operation_mode", name: "Operation Mode code", at: 35188, ...INT, labels: OPERATION_MODES_ET },
  { id: "error_codes", name: "Error Codes", at: 35189, type: "u32", unit: "", undef: [] },
  { id: "e_total", name: "Total PV Generation", at: 35191, ...KWH4 },
  { id: "e_day", name: "Today's PV Generation", at: 35193, ...KWH4 },
  { id: "e_total_exp", name: "Total Energy (export)", at: 35195, ...KWH4 },
  { id: "h_total", name: "Hours Total", at: 35197, type: "u32", unit: "h" },
  { id: "e_day_exp", name: "Today Energy (export)", at: 35199, ...KWH2 },
  { id: "e_total_imp", name: "Total Energy (import)", at: 35200, ...KWH4 },
  { id: "e_day_imp", name: "Today Energy (import)", at: 35202, ...KWH2 },
  { id: "e_load_total", name: "Total Load", at: 35203, ...KWH4 },
  { id: "e_load_day", name: "Today Load", at: 35205, ...KWH2 },
  { id: "e_bat_charge_total", name: "Total Battery Charge", at: 35206, ...KWH4 },
  { id: "e_bat_charge_day", name: "Today Battery Charge", at: 35208, ...KWH2 },
  { id: "e_bat_discharge_total", name: "Total Battery Discharge", at: 35209, ...KWH4 },
  { id: "e_bat_discharge_day", name: "Today Battery Discharge", at: 35211, ...KWH2 },
  { id: "diagnose_result", name: "Diag Status Code", at: 35220, type: "u32", unit: "", undef: [] },
] as const satisfies readonly SensorDef[];

/** Battery 1: 24 registers from 37000. */
export const ET_BATTERY_BLOCK = Object.freeze({ register: 37000, count: 24 });

export const ET_BATTERY_SENSORS = [
  { id: "battery_bms", name: "Battery BMS", at: 37000, ...INT },
  { id: "battery_index", name: "Battery Index", at: 37001, ...INT },
  { id: "battery_status", name: "Battery Status", at: 37002, ...INT },
  { id: "battery_temperature", name: "Battery Temperature", at: 37003, ...TEMP },
  { id: "battery_charge_limit", name: "Battery Charge Limit", at: 37004, type: "u16", unit: "A" },
  { id: "battery_discharge_limit", name: "Battery Discharge Limit", at: 37005, type: "u16", unit: "A" },
  { id: "battery_error_l", name: "Battery Error L", at: 37006, ...INT },
  { id: "battery_soc", name: "Battery State of Charge", at: 37007, ...PCT },
  { id: "battery_soh", name: "Battery State of Health", at: 37008, ...PCT },
  { id: "battery_modules", name: "Battery Modules", at: 37009, ...INT },
  { id: "battery_warning_l", name: "Battery Warning L", at: 37010, ...INT },
  { id: "battery_protocol", name: "Battery Protocol", at: 37011, ...INT },
  { id: "battery_error_h", name: "Battery Error H", at: 37012, ...INT },
  { id: "battery_warning_h", name: "Battery Warning H", at: 37013, ...INT },
  { id: "battery_sw_version", name: "Battery Software Version", at: 37014, ...INT },
  { id: "battery_hw_version", name: "Battery Hardware Version", at: 37015, ...INT },
  { id: "battery_max_cell_temp_id", name: "Battery Max Cell Temperature ID", at: 37016, ...INT },
  { id: "battery_min_cell_temp_id", name: "Battery Min Cell Temperature ID", at: 37017, ...INT },
  { id: "battery_max_cell_voltage_id", name: "Battery Max Cell Voltage ID", at: 37018, ...INT },
  { id: "battery_min_cell_voltage_id", name: "Battery Min Cell Voltage ID", at: 37019, ...INT },
  { id: "battery_max_cell_temp", name: "Battery Max Cell Temperature", at: 37020, ...TEMP },
  { id: "battery_min_cell_temp", name: "Battery Min Cell Temperature", at: 37021, ...TEMP },
  { id: "battery_max_cell_voltage", name: "Battery Max Cell Voltage", at: 37022, ...CELL_V },
  { id: "battery_min_cell_voltage", name: "Battery Min Cell Voltage", at: 37023, ...CELL_V },
] as const satisfies readonly SensorDef[];

/** Battery 2 (two-battery and >= 25 kW units): 22 registers from 39000. */
export const ET_BATTERY2_BLOCK = Object.freeze({ register: 39000, count: 22 });

export const ET_BATTERY2_SENSORS = [
  { id: "battery2_status", name: "Battery 2 Status", at: 39000, ...INT },
  { id: "battery2_temperature", name: "Battery 2 Temperature", at: 39001, ...TEMP },
  { id: "battery2_charge_limit", name: "Battery 2 Charge Limit", at: 39002, type: "u16", unit: "A" },
  { id: "battery2_discharge_limit", name: "Battery 2 Discharge Limit", at: 39003, type: "u16", unit: "A" },
  { id: "battery2_error_l", name: "Battery 2 Error L", at: 39004, ...INT },
  { id: "battery2_soc", name: "Battery 2 State of Charge", at: 39005, ...PCT },
  { id: "battery2_soh", name: "Battery 2 State of Health", at: 39006, ...PCT },
  { id: "battery2_modules", name: "Battery 2 Modules", at: 39007, ...INT },
  { id: "battery2_warning_l", name: "Battery 2 Warning L", at: 39008, ...INT },
  { id: "battery2_protocol", name: "Battery 2 Protocol", at: 39009, ...INT },
  { id: "battery2_error_h", name: "Battery 2 Error H", at: 39010, ...INT },
  { id: "battery2_warning_h", name: "Battery 2 Warning H", at: 39011, ...INT },
  { id: "battery2_sw_version", name: "Battery 2 Software Version", at: 39012, ...INT },
  { id: "battery2_hw_version", name: "Battery 2 Hardware Version", at: 39013, ...INT },
  { id: "battery2_max_cell_temp", name: "Battery 2 Max Cell Temperature", at: 39018, ...TEMP },
  { id: "battery2_min_cell_temp", name: "Battery 2 Min Cell Temperature", at: 39019, ...TEMP },
  { id: "battery2_max_cell_voltage", name: "Battery 2 Max Cell Voltage", at: 39020, ...CELL_V },
  { id: "battery2_min_cell_voltage", name: "Battery 2 Min Cell Voltage", at: 39021, ...CELL_V },
] as const satisfies readonly SensorDef[];

/** Meter: 45 registers from 36000 (58 on >= 15 kW units, "extended"). */
export const ET_METER_BLOCK = Object.freeze({ register: 36000, count: 45 });
export const ET_METER_EXTENDED_BLOCK = Object.freeze({ register: 36000, count: 58 });
export const ET_METER_EXTENDED2_BLOCK = Object.freeze({ register: 36000, count: 125 });

export const ET_METER_SENSORS = [
  { id: "commode", name: "Commode", at: 36000, ...INT },
  { id: "rssi", name: "RSSI", at: 36001, ...INT },
  { id: "manufacture_code", name: "Manufacture Code", at: 36002, ...INT },
  { id: "meter_test_status", name: "Meter Test Status (1 correct, 2 reverse, 3 incorrect, 0 not checked)", at: 36003, ...INT },
  { id: "meter_comm_status", name: "Meter Communication Status (1 OK)", at: 36004, ...INT },
  { id: "active_power1", name: "Active Power L1 (+ export)", at: 36005, ...W },
  { id: "active_power2", name: "Active Power L2 (+ export)", at: 36006, ...W },
  { id: "active_power3", name: "Active Power L3 (+ export)", at: 36007, ...W },
  { id: "active_power_total", name: "Active Power Total (+ export)", at: 36008, ...W },
  { id: "reactive_power_total", name: "Reactive Power Total", at: 36009, ...VAR },
  { id: "meter_power_factor1", name: "Meter Power Factor L1", at: 36010, type: "s16", scale: 1000, unit: "" },
  { id: "meter_power_factor2", name: "Meter Power Factor L2", at: 36011, type: "s16", scale: 1000, unit: "" },
  { id: "meter_power_factor3", name: "Meter Power Factor L3", at: 36012, type: "s16", scale: 1000, unit: "" },
  { id: "meter_power_factor", name: "Meter Power Factor", at: 36013, type: "s16", scale: 1000, unit: "" },
  { id: "meter_freq", name: "Meter Frequency", at: 36014, ...HZ },
  { id: "meter_e_total_exp", name: "Meter Total Energy (export)", at: 36015, type: "f32", scale: 1000, unit: "kWh" },
  { id: "meter_e_total_imp", name: "Meter Total Energy (import)", at: 36017, type: "f32", scale: 1000, unit: "kWh" },
  { id: "meter_active_power1", name: "Meter Active Power L1 (+ export)", at: 36019, ...W4 },
  { id: "meter_active_power2", name: "Meter Active Power L2 (+ export)", at: 36021, ...W4 },
  { id: "meter_active_power3", name: "Meter Active Power L3 (+ export)", at: 36023, ...W4 },
  { id: "meter_active_power_total", name: "Meter Active Power Total (+ export)", at: 36025, ...W4 },
  { id: "meter_reactive_power1", name: "Meter Reactive Power L1", at: 36027, ...VAR4 },
  { id: "meter_reactive_power2", name: "Meter Reactive Power L2", at: 36029, ...VAR4 },
  { id: "meter_reactive_power3", name: "Meter Reactive Power L3", at: 36031, ...VAR4 },
  { id: "meter_reactive_power_total", name: "Meter Reactive Power Total", at: 36033, ...VAR4 },
  { id: "meter_apparent_power1", name: "Meter Apparent Power L1", at: 36035, ...VA4 },
  { id: "meter_apparent_power2", name: "Meter Apparent Power L2", at: 36037, ...VA4 },
  { id: "meter_apparent_power3", name: "Meter Apparent Power L3", at: 36039, ...VA4 },
  { id: "meter_apparent_power_total", name: "Meter Apparent Power Total", at: 36041, ...VA4 },
  { id: "meter_type", name: "Meter Type", at: 36043, ...INT, labels: METER_TYPES },
  { id: "meter_sw_version", name: "Meter Software Version", at: 36044, ...INT },
  { id: "meter2_active_power", name: "Meter 2 Active Power", at: 36045, ...W4 },
  { id: "meter2_e_total_exp", name: "Meter 2 Total Energy (export)", at: 36047, type: "f32", scale: 1000, unit: "kWh" },
  { id: "meter2_e_total_imp", name: "Meter 2 Total Energy (import)", at: 36049, type: "f32", scale: 1000, unit: "kWh" },
  { id: "meter2_comm_status", name: "Meter 2 Communication Status", at: 36051, ...INT },
  { id: "meter_voltage1", name: "Meter L1 Voltage", at: 36052, ...V },
  { id: "meter_voltage2", name: "Meter L2 Voltage", at: 36053, ...V },
  { id: "meter_voltage3", name: "Meter L3 Voltage", at: 36054, ...V },
  { id: "meter_current1", name: "Meter L1 Current", at: 36055, ...A },
  { id: "meter_current2", name: "Meter L2 Current", at: 36056, ...A },
  { id: "meter_current3", name: "Meter L3 Current", at: 36057, ...A },
  // 125-register block of >= 15 kW and 745 units: per-phase and total meter energy as u64 in 0.01 kWh.
  { id: "meter_e_total_exp1", name: "Meter Total Energy (export) L1", at: 36092, ...E8 },
  { id: "meter_e_total_exp2", name: "Meter Total Energy (export) L2", at: 36096, ...E8 },
  { id: "meter_e_total_exp3", name: "Meter Total Energy (export) L3", at: 36100, ...E8 },
  { id: "meter_e_total_imp1", name: "Meter Total Energy (import) L1", at: 36108, ...E8 },
  { id: "meter_e_total_imp2", name: "Meter Total Energy (import) L2", at: 36112, ...E8 },
  { id: "meter_e_total_imp3", name: "Meter Total Energy (import) L3", at: 36116, ...E8 },
] as const satisfies readonly SensorDef[];

/** Where the 125-register meter block holds the meter's total export and import (u64, 0.01 kWh); they replace the float32 totals at 36015/36017. */
export const ET_METER_TOTALS_U64 = Object.freeze({ export: 36104, import: 36120 });

/** MPPT details (>= 15 kW units): 61 registers from 35301. */
export const ET_MPPT_BLOCK = Object.freeze({ register: 35301, count: 61 });

export const ET_MPPT_SENSORS = [
  { id: "ppv_total", name: "PV Power Total", at: 35301, ...W4 },
  { id: "pv_channel", name: "PV Channel", at: 35303, ...INT },
  ...[5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].flatMap((n) => [
    { id: `vpv${n}`, name: `PV${n} Voltage`, at: 35304 + (n - 5) * 2, ...V },
    { id: `ipv${n}`, name: `PV${n} Current`, at: 35305 + (n - 5) * 2, ...A },
  ]),
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ id: `pmppt${n}`, name: `MPPT${n} Power`, at: 35336 + n, ...W })),
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ id: `imppt${n}`, name: `MPPT${n} Current`, at: 35344 + n, ...A })),
] as const satisfies readonly SensorDef[];

/** Device info: 33 registers from 35000 (decoded field by field, not by table). */
export const ET_DEVICE_INFO_BLOCK = Object.freeze({ register: 35000, count: 33 });

export type EtRunningValues = SensorValues<typeof ET_RUNNING_SENSORS>;
export type EtBatteryValues = SensorValues<typeof ET_BATTERY_SENSORS>;
export type EtBattery2Values = SensorValues<typeof ET_BATTERY2_SENSORS>;
export type EtMeterValues = SensorValues<typeof ET_METER_SENSORS>;
export type EtMpptValues = Record<string, number | null>;

/** Writable settings used by the control methods. */
export const ET_SETTINGS = Object.freeze({
  commAddress: 45127,
  time: 45200,
  coldStart: 45248,
  backupSupply: 45252,
  batteryChargeVoltage: 45352,
  batteryChargeCurrent: 45353,
  batteryDischargeVoltage: 45354,
  batteryDischargeCurrent: 45355,
  /** Holds 100 − DoD % (read 20 → DoD 80 %), i.e. the minimum SOC in percent. */
  batteryDischargeDepth: 45356,
  batteryDischargeDepthOffline: 45358,
  workMode: 47000,
  dred: 47010,
  gridExport: 47509,
  gridExportLimit: 47510,
  emsMode: 47511,
  emsPowerLimit: 47512,
  ecoModeV1: 47515,
  clearBatteryMode: 47533,
  fastCharging: 47545,
  fastChargingSoc: 47546,
  ecoModeV2: 47547,
  peakShaving: 47589,
  fastChargingPower: 47603,
});
