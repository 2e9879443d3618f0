import { TimeoutError } from "../../core/errors/index.js";
import { decodeRegisterBlock, decodeString, roundedProduct as product } from "../decode.js";
import { isIllegalAddress } from "../errors.js";
import {
  DT_DEVICE_INFO_BLOCK,
  DT_METER_BLOCK,
  DT_METER_SENSORS,
  DT_RUNNING_BLOCK,
  DT_RUNNING_SENSORS,
  type DtMeterValues,
  type DtRunningValues,
} from "../registers/dt.js";
import type { DeviceInfo, DtCalculated, DtRuntimeData } from "../types.js";
import { toHex, u16 } from "../protocol/bytes.js";
import { labelsOf, observedAtOf, readBlock, type DriverContext } from "./context.js";

/** Decodes the 80-byte DT device-info block (registers 30001..30040). */
export function decodeDtDeviceInfo(data: Uint8Array): DeviceInfo {
  const dsp1 = u16(data, 66);
  const dsp2 = u16(data, 68);
  const arm = u16(data, 70);
  const modelName = decodeString(data.subarray(22, 32));
  return {
    family: "DT",
    modelName,
    serialNumber: decodeString(data.subarray(6, 22)),
    ratedPowerW: null,
    acOutputType: null,
    // DT/SDT/MT models are three phase; MS, NS and XS models single phase.
    phases: /DT|MT/i.test(modelName) ? 3 : /MS|NS|XS/i.test(modelName) ? 1 : null,
    firmware: `${dsp1}.${dsp2}.${arm.toString(16).padStart(2, "0")}`,
    armFirmware: null,
    modbusVersion: null,
    dsp1Version: dsp1,
    dsp2Version: dsp2,
    dspSvnVersion: u16(data, 72),
    armVersion: arm,
    armSvnVersion: u16(data, 74),
    raw: toHex(data),
  };
}

export function decodeDtRunning(data: Uint8Array): DtRunningValues & DtCalculated {
  const r = decodeRegisterBlock(DT_RUNNING_SENSORS, data, DT_RUNNING_BLOCK.register) as unknown as DtRunningValues;
  const strings = [product(r.vpv1, r.ipv1), product(r.vpv2, r.ipv2), product(r.vpv3, r.ipv3), product(r.vpv4, r.ipv4)];
  const ppv = strings.every((p) => p === null) ? null : strings.reduce<number>((s, p) => s + (p ?? 0), 0);
  return Object.assign(r, {
    ppv1: strings[0]!,
    ppv2: strings[1]!,
    ppv3: strings[2]!,
    ppv4: strings[3]!,
    ppv,
    pgrid1: product(r.vgrid1, r.igrid1),
    pgrid2: product(r.vgrid2, r.igrid2),
    pgrid3: product(r.vgrid3, r.igrid3),
  });
}

export function decodeDtMeter(data: Uint8Array): DtMeterValues {
  return decodeRegisterBlock(DT_METER_SENSORS, data, DT_METER_BLOCK.register) as unknown as DtMeterValues;
}

/** DT/MS/NS/XS: PV-only inverters, monitoring only. Comm address 0x7F. */
export class DtDriver {
  readonly family = "DT" as const;
  private info: DeviceInfo | null = null;
  private hasMeter = true;

  constructor(private readonly ctx: DriverContext) {}

  get deviceInfo(): DeviceInfo | null {
    return this.info;
  }

  async readDeviceInfo(options: { signal?: AbortSignal } = {}): Promise<DeviceInfo> {
    this.info = decodeDtDeviceInfo(await readBlock(this.ctx, DT_DEVICE_INFO_BLOCK.register, DT_DEVICE_INFO_BLOCK.count, options));
    return this.info;
  }

  async readMeter(options: { signal?: AbortSignal } = {}): Promise<{ values: DtMeterValues; raw: Uint8Array }> {
    const raw = await readBlock(this.ctx, DT_METER_BLOCK.register, DT_METER_BLOCK.count, options);
    return { values: decodeDtMeter(raw), raw };
  }

  async readRuntimeData(options: { signal?: AbortSignal } = {}): Promise<DtRuntimeData> {
    const data = await readBlock(this.ctx, DT_RUNNING_BLOCK.register, DT_RUNNING_BLOCK.count, options);
    const receivedAt = new Date(this.ctx.clock.now());
    const running = decodeDtRunning(data);
    const raw: Record<string, string> = { running: toHex(data) };
    let meter: DtMeterValues | null = null;
    if (this.hasMeter) {
      try {
        const m = await this.readMeter(options);
        meter = m.values;
        raw.meter = toHex(m.raw);
      } catch (error) {
        // Units without a meter either refuse the block or never answer it (the library's rule).
        if (!isIllegalAddress(error) && !(error instanceof TimeoutError)) throw error;
        this.hasMeter = false;
      }
    }
    const meterPower = meter?.meterActivePower ?? null;
    return {
      family: "DT",
      running,
      meter,
      houseConsumption: running.ppv === null || meterPower === null ? null : running.ppv - meterPower,
      observedAt: observedAtOf(running.timestamp, this.ctx.timeZone, receivedAt),
      receivedAt,
      labels: { ...labelsOf(DT_RUNNING_SENSORS, running), ...(meter ? labelsOf(DT_METER_SENSORS, meter) : {}) },
      raw,
    };
  }
}
