/** Labels of GoodWe's enumerated codes (from the `goodwe` library's constants, MIT). */

export const BATTERY_MODES = Object.freeze({
  0: "No battery",
  1: "Standby",
  2: "Discharge",
  3: "Charge",
  4: "To be charged",
  5: "To be discharged",
});

export const WORK_MODES_ET = Object.freeze({
  0: "Wait Mode",
  1: "Normal (On-Grid)",
  2: "Normal (Off-Grid)",
  3: "Fault Mode",
  4: "Flash Mode",
  5: "Check Mode",
});

export const WORK_MODES_DT = Object.freeze({ 0: "Wait Mode", 1: "Normal", 2: "Error", 4: "Check Mode" });

export const WORK_MODES_ES = Object.freeze({
  0: "Inverter Off - Standby",
  1: "Inverter On",
  2: "Inverter Abnormal, stopping power",
  3: "Inverter Severly Abnormal, 20 seconds to restart",
});

/** ES "energy mode" (byte 52 of the running data), bit-style codes. */
export const ENERGY_MODES_ES = Object.freeze({
  0: "Check Mode",
  1: "Wait Mode",
  2: "Normal (On-Grid)",
  4: "Normal (Off-Grid)",
  8: "Flash Mode",
  16: "Fault Mode",
  32: "Battery Standby",
  64: "Battery Charging",
  128: "Battery Discharging",
});

export const GRID_MODES = Object.freeze({ 0: "Not connected to grid", 1: "Connected to grid", 2: "Fault" });

export const GRID_IN_OUT_MODES = Object.freeze({ 0: "Idle", 1: "Exporting", 2: "Importing" });

export const PV_MODES = Object.freeze({
  0: "PV panels not connected",
  1: "PV panels connected, no power",
  2: "PV panels connected, producing power",
});

export const LOAD_MODES = Object.freeze({ 0: "Inverter and the load is disconnected", 1: "The inverter is connected to a load" });

export const METER_TYPES = Object.freeze({ 0: "Single phase", 1: "3P3W", 2: "3P4W", 3: "HomeKit" });

export const METER_COMM_STATUS_DT = Object.freeze({ 1: "Normal", 2: "Disconnected" });

/** ET operation mode codes (register 47000 and the status copy at 35188). */
export const OPERATION_MODES_ET = Object.freeze({ 0: "General", 1: "Off-grid", 2: "Backup", 3: "Eco", 4: "Peak shaving", 5: "Self-use" });
