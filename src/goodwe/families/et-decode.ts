import { decodeRegisterBlock, decodeSensor, decodeString } from "../decode.js";
import { toHex, u16 } from "../protocol/bytes.js";
import {
  ET_BATTERY_BLOCK,
  ET_BATTERY_SENSORS,
  ET_METER_BLOCK,
  ET_METER_SENSORS,
  ET_METER_TOTALS_U64,
  ET_RUNNING_BLOCK,
  ET_RUNNING_SENSORS,
  type EtBatteryValues,
  type EtMeterValues,
  type EtRunningValues,
} from "../registers/et.js";
import type { DeviceInfo, EtCalculated } from "../types.js";

/** Decodes the 66-byte ET device-info block (registers 35000..35032). */
export function decodeEtDeviceInfo(data: Uint8Array): DeviceInfo {
  const acOutputType = u16(data, 4);
  return {
    family: "ET",
    modbusVersion: u16(data, 0),
    ratedPowerW: u16(data, 2),
    acOutputType,
    phases: acOutputType === 0 ? 1 : acOutputType === 1 || acOutputType === 2 ? 3 : null,
    serialNumber: decodeString(data.subarray(6, 22)),
    modelName: decodeString(data.subarray(22, 32)),
    dsp1Version: u16(data, 32),
    dsp2Version: u16(data, 34),
    dspSvnVersion: u16(data, 36),
    armVersion: u16(data, 38),
    armSvnVersion: u16(data, 40),
    firmware: decodeString(data.subarray(42, 54)),
    armFirmware: decodeString(data.subarray(54, 66)),
    raw: toHex(data),
  };
}

/** The calculated ET sensors from a decoded running block. */
export function etCalculated(running: EtRunningValues): EtCalculated {
  const strings = [running.ppv1, running.ppv2, running.ppv3, running.ppv4];
  const ppv = strings.every((p) => p === null) ? null : strings.reduce<number>((sum, p) => sum + Math.max(0, p ?? 0), 0);
  const active = running.activePower;
  const gridInOut = active === null ? null : active < -90 ? 2 : active >= 90 ? 1 : 0;
  const houseConsumption = ppv === null || active === null ? null : ppv + (running.pbattery1 ?? 0) - active;
  return { ppv, gridInOut, houseConsumption };
}

export function decodeEtRunning(data: Uint8Array, first = ET_RUNNING_BLOCK.register): EtRunningValues & EtCalculated {
  const running = decodeRegisterBlock(ET_RUNNING_SENSORS, data, first) as unknown as EtRunningValues;
  // Assigning onto the decoded record is much cheaper than spreading ~90 keys into a new one.
  return Object.assign(running, etCalculated(running));
}

export function decodeEtBattery(data: Uint8Array): EtBatteryValues {
  return decodeRegisterBlock(ET_BATTERY_SENSORS, data, ET_BATTERY_BLOCK.register) as unknown as EtBatteryValues;
}

export function decodeEtMeter(data: Uint8Array): EtMeterValues {
  const values = decodeRegisterBlock(ET_METER_SENSORS, data, ET_METER_BLOCK.register) as unknown as EtMeterValues;
  // The 125-register block's u64 totals replace the float32 ones, as the library reads them.
  const at = (register: number) => (register - ET_METER_BLOCK.register) * 2;
  if (data.length >= at(ET_METER_TOTALS_U64.import) + 8) {
    values.meterETotalExp = decodeSensor(U64_KWH, data, at(ET_METER_TOTALS_U64.export)) as number | null;
    values.meterETotalImp = decodeSensor(U64_KWH, data, at(ET_METER_TOTALS_U64.import)) as number | null;
  }
  return values;
}

const U64_KWH = { id: "meter_e_total_u64", name: "Meter Total Energy", at: 0, type: "u64", scale: 100, unit: "kWh" } as const;
