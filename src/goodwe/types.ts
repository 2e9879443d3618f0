import type { DtMeterValues, DtRunningValues } from "./registers/dt.js";
import type { EsRunningValues, EsSettingsValues } from "./registers/es.js";
import type { EtBattery2Values, EtBatteryValues, EtMeterValues, EtRunningValues } from "./registers/et.js";

/** GoodWe inverter families: ET (hybrid: ET/EH/BT/BH/GEH, ES-G2, 745/753), DT (PV only: DT/MS/NS/XS), ES (legacy AA55: ES/EM/BP). */
export type Family = "ET" | "DT" | "ES";

export interface DeviceInfo {
  family: Family;
  /** E.g. "GW10K-ET". Some firmware sends odd bytes here ("0GW10K-ET"); it is reported as sent. */
  modelName: string;
  serialNumber: string;
  /** Rated AC power, W (ET only; null when the family does not report it). */
  ratedPowerW: number | null;
  /** 0 single phase, 1 three phase 4-wire, 2 three phase 3-wire (ET); null otherwise. */
  acOutputType: number | null;
  /** 1 or 3, from the output type or the model name; null when unknown. */
  phases: 1 | 3 | null;
  /** Firmware as the inverter reports it, e.g. "04029-08-S11" (ET), "1010.1010.08" (DT), "2323G" (ES). */
  firmware: string;
  armFirmware: string | null;
  modbusVersion: number | null;
  dsp1Version: number | null;
  dsp2Version: number | null;
  dspSvnVersion: number | null;
  armVersion: number | null;
  armSvnVersion: number | null;
  /** The raw reply payload, hex. */
  raw: string;
}

/** Values computed from the ET running-data block (the library's "calculated" sensors). */
export interface EtCalculated {
  /** PV power, W: the sum of max(0, ppv1..ppv4); null when no string reports. */
  ppv: number | null;
  /** 0 idle (|active_power| < 90 W), 1 exporting, 2 importing. */
  gridInOut: 0 | 1 | 2 | null;
  /** House consumption, W: ppv + pbattery1 − active_power (signs as GoodWe sends them). */
  houseConsumption: number | null;
}

/** Labels of the enumerated codes in a reading, by camelCase sensor id (e.g. batteryMode → "Charge"). */
export type Labels = Record<string, string | null>;

interface RuntimeBase {
  /** When the inverter measured this: its own timestamp (in `timeZone`) when it has one, else when the reply arrived. */
  observedAt: Date;
  /** When the reply arrived, on the inverter client's clock. */
  receivedAt: Date;
  labels: Labels;
}

export interface EtRuntimeData extends RuntimeBase {
  family: "ET";
  running: EtRunningValues & EtCalculated;
  /** Battery 1 block (37000), null when the inverter reports no battery (battery_mode 0) or lacks the block. */
  battery: EtBatteryValues | null;
  /** Battery 2 block (39000) on two-battery and >= 25 kW units. */
  battery2: EtBattery2Values | null;
  meter: EtMeterValues | null;
  /** MPPT block (35301) on >= 15 kW units. */
  mppt: Record<string, number | null> | null;
  /** Raw register bytes per block, hex. */
  raw: Record<string, string>;
}

export interface DtCalculated {
  ppv1: number | null;
  ppv2: number | null;
  ppv3: number | null;
  ppv4: number | null;
  /** PV power, W: the sum of round(vpvN × ipvN). */
  ppv: number | null;
  pgrid1: number | null;
  pgrid2: number | null;
  pgrid3: number | null;
}

export interface DtRuntimeData extends RuntimeBase {
  family: "DT";
  running: DtRunningValues & DtCalculated;
  /** External meter (30195), null when the inverter has none. */
  meter: DtMeterValues | null;
  /** House consumption, W: ppv − meter_active_power (meter + export); null without a meter. */
  houseConsumption: number | null;
  raw: Record<string, string>;
}

export interface EsCalculated {
  ppv1: number | null;
  ppv2: number | null;
  /** PV power, W. */
  ppv: number | null;
  /** Battery current, A: + discharge, − charge (negative when battery_mode is 3, charging). */
  ibattery1: number | null;
  /** Battery power, W: + discharge, − charge. */
  pbattery1: number | null;
  /** Grid power, W: + export, − import (negative when grid_in_out is 2, importing). */
  pgrid: number | null;
  /** pload + pback_up, W. */
  plantPower: number | null;
  /** ppv + pbattery1 − pgrid, W. */
  houseConsumption: number | null;
}

export interface EsRuntimeData extends RuntimeBase {
  family: "ES";
  running: EsRunningValues & EsCalculated;
  raw: Record<string, string>;
}

export type RuntimeData = EtRuntimeData | DtRuntimeData | EsRuntimeData;

export type EsSettings = EsSettingsValues & {
  /** Depth of discharge, fraction 0..1 (= 1 − the stored minimum SOC). */
  dod: number | null;
};

/** Operation modes. `ecoCharge`/`ecoDischarge` are emulated with eco group 1 set to all day. */
export type OperationMode = "general" | "offGrid" | "backup" | "eco" | "peakShaving" | "selfUse" | "ecoCharge" | "ecoDischarge";

/** Register 47000 codes of the real modes. */
export const OPERATION_MODE_CODES: Readonly<Record<Exclude<OperationMode, "ecoCharge" | "ecoDischarge">, number>> = Object.freeze({
  general: 0,
  offGrid: 1,
  backup: 2,
  eco: 3,
  peakShaving: 4,
  selfUse: 5,
});

/** The mode a work-mode code (47000, AA55 settings) stands for, or `unknown(code)`. */
export function operationModeOf(code: number | null): Exclude<OperationMode, "ecoCharge" | "ecoDischarge"> | `unknown(${number})` {
  const mode = (Object.keys(OPERATION_MODE_CODES) as Array<keyof typeof OPERATION_MODE_CODES>).find(
    (m) => OPERATION_MODE_CODES[m] === code,
  );
  return mode ?? `unknown(${code ?? -1})`;
}

/** EMS modes (register 47511) for direct dispatch on ET/745 firmware. */
export const EMS_MODES = Object.freeze({
  auto: 1,
  chargePv: 2,
  dischargePv: 3,
  importAc: 4,
  exportAc: 5,
  conserve: 6,
  offGrid: 7,
  batteryStandby: 8,
  buyPower: 9,
  sellPower: 10,
  chargeBattery: 11,
  dischargeBattery: 12,
});
export type EmsMode = keyof typeof EMS_MODES;
