import { ConfigurationError, ConnectionError, ValidationError } from "../../core/errors/index.js";
import { assertInteger } from "../../core/units.js";
import { toControlResult, type ControlOptions, type ControlResult, type RegisterWrite } from "../control.js";
import { decodePayload, decodeString, roundedProduct as product } from "../decode.js";
import {
  AA55_DEVICE_INFO,
  AA55_RUNNING_DATA,
  AA55_SETTINGS_DATA,
  aa55SetExportLimit,
  aa55SetLimitPower,
  aa55SetOffGridWorkMode,
  aa55SetWorkMode,
  aa55WriteRegister,
  type Aa55Command,
} from "../protocol/aa55.js";
import { toHex } from "../protocol/bytes.js";
import { ES_DOD_REGISTER, ES_RUNNING_SENSORS, ES_SETTINGS_SENSORS, type EsRunningValues, type EsSettingsValues } from "../registers/es.js";
import { GRID_IN_OUT_MODES } from "../registers/labels.js";
import { camelCase, sensorBytes } from "../registers/types.js";
import type { Aa55Link } from "../transport/aa55-link.js";
import {
  OPERATION_MODE_CODES,
  operationModeOf,
  type DeviceInfo,
  type EsCalculated,
  type EsRuntimeData,
  type EsSettings,
  type OperationMode,
} from "../types.js";
import { labelsOf, type DriverContext } from "./context.js";
import { dodPercent } from "./et.js";

/** Decodes the AA55 device-info payload (reply 0x0182): fw [0:5], model [5:15], SN [31:47], ARM fw [51:63]. */
export function decodeEsDeviceInfo(payload: Uint8Array): DeviceInfo {
  const firmware = decodeString(payload.subarray(0, 5));
  const num = (text: string, radix: number) => {
    const n = Number.parseInt(text, radix);
    return Number.isNaN(n) ? null : n;
  };
  return {
    family: "ES",
    modelName: decodeString(payload.subarray(5, 15)),
    serialNumber: decodeString(payload.subarray(31, 47)),
    ratedPowerW: null,
    acOutputType: null,
    phases: 1,
    firmware,
    armFirmware: payload.length >= 63 ? decodeString(payload.subarray(51, 63)) : null,
    modbusVersion: null,
    dsp1Version: firmware.length >= 2 ? num(firmware.slice(0, 2), 10) : null,
    dsp2Version: firmware.length >= 4 ? num(firmware.slice(2, 4), 10) : null,
    dspSvnVersion: null,
    // The fifth character is the ARM version in base 36 ("G" = 16).
    armVersion: firmware.length >= 5 ? num(firmware.slice(4, 5), 36) : null,
    armSvnVersion: null,
    raw: toHex(payload),
  };
}

/** Bytes the ES running-data rows span; a shorter payload leaves the rows past its end null. */
const ES_RUNNING_BYTES = Math.max(...ES_RUNNING_SENSORS.map((def) => def.at + sensorBytes(def)));

export function decodeEsRunning(payload: Uint8Array): EsRunningValues & EsCalculated {
  const r = decodePayload(ES_RUNNING_SENSORS, payload) as unknown as EsRunningValues;
  if (payload.length < ES_RUNNING_BYTES) {
    // A short reply: what it lacks is a missing reading (null), never undefined (which sums to NaN).
    const record = r as unknown as Record<string, unknown>;
    for (const def of ES_RUNNING_SENSORS) record[camelCase(def.id)] ??= null;
  }
  const ppv1 = product(r.vpv1, r.ipv1);
  const ppv2 = product(r.vpv2, r.ipv2);
  const ppv = ppv1 === null && ppv2 === null ? null : (ppv1 ?? 0) + (ppv2 ?? 0);
  const charging = r.batteryMode === 3;
  const ibattery1 = r.ibatteryRaw === null ? null : Math.abs(r.ibatteryRaw) * (charging ? -1 : 1);
  const pAbs = product(r.vbattery1, r.ibatteryRaw);
  const pbattery1 = pAbs === null ? null : Math.abs(pAbs) * (charging ? -1 : 1);
  const pgrid = r.pgridRaw === null ? null : Math.abs(r.pgridRaw) * (r.gridInOut === 2 ? -1 : 1);
  const plantPower = r.pload === null || r.pbackUp === null ? null : r.pload + r.pbackUp;
  const houseConsumption = ppv === null || pgrid === null ? null : ppv + (pbattery1 ?? 0) - pgrid;
  return Object.assign(r, { ppv1, ppv2, ppv, ibattery1, pbattery1, pgrid, plantPower, houseConsumption });
}

export function decodeEsSettings(payload: Uint8Array): EsSettings {
  const s = decodePayload(ES_SETTINGS_SENSORS, payload) as unknown as EsSettingsValues;
  return Object.assign(s, { dod: s.dischargeDepthRaw === null ? null : (100 - s.dischargeDepthRaw) / 100 });
}

/** One AA55 control command in a sequence. */
interface Aa55Step {
  description: string;
  command: Aa55Command;
  /** Expected reply type when it differs from control<<8 | fn|0x80 (the library's 03B6/03B7 quirks). */
  replyType?: number;
  after?: unknown;
}

/**
 * ES/EM/BP over the legacy AA55 protocol: monitoring, and work mode, export limit and DoD.
 * Verification reads the settings block (0109) back after the commands.
 */
export class EsDriver {
  readonly family = "ES" as const;
  private info: DeviceInfo | null = null;

  constructor(private readonly ctx: DriverContext) {}

  private get aa55(): Aa55Link {
    if (!this.ctx.aa55) {
      throw new ConfigurationError(
        "ES/EM/BP inverters speak the AA55 protocol over UDP port 8899; Modbus/TCP cannot reach them. Connect with port 8899.",
        { setting: "port", vendor: "goodwe" },
      );
    }
    return this.ctx.aa55;
  }

  get deviceInfo(): DeviceInfo | null {
    return this.info;
  }

  async readDeviceInfo(options: { signal?: AbortSignal } = {}): Promise<DeviceInfo> {
    const reply = await this.aa55.send(AA55_DEVICE_INFO, options);
    this.info = decodeEsDeviceInfo(reply.payload);
    return this.info;
  }

  async readRuntimeData(options: { signal?: AbortSignal } = {}): Promise<EsRuntimeData> {
    const reply = await this.aa55.send(AA55_RUNNING_DATA, options);
    const receivedAt = new Date(this.ctx.clock.now());
    const running = decodeEsRunning(reply.payload);
    const gridInOutLabel = running.gridInOut === null ? null : ((GRID_IN_OUT_MODES as Record<number, string>)[running.gridInOut] ?? null);
    return {
      family: "ES",
      running,
      // The ES running data carries no timestamp.
      observedAt: receivedAt,
      receivedAt,
      labels: { ...labelsOf(ES_RUNNING_SENSORS, running), gridInOut: gridInOutLabel },
      raw: { running: toHex(reply.payload) },
    };
  }

  async readSettings(options: { signal?: AbortSignal } = {}): Promise<EsSettings> {
    return decodeEsSettings((await this.aa55.send(AA55_SETTINGS_DATA, options)).payload);
  }

  async getOperationMode(options: { signal?: AbortSignal } = {}): Promise<OperationMode | `unknown(${number})`> {
    return operationModeOf((await this.readSettings(options)).workMode);
  }

  async getGridExportLimit(options: { signal?: AbortSignal } = {}): Promise<number | null> {
    return (await this.readSettings(options)).gridExportLimit;
  }

  async getOngridBatteryDod(options: { signal?: AbortSignal } = {}): Promise<number | null> {
    return (await this.readSettings(options)).dod;
  }

  private supportsEcoModeV2(): boolean {
    const info = this.info;
    if (!info || (info.armVersion ?? 0) < 14) return false;
    const dsp1 = info.dsp1Version ?? 0;
    if (info.serialNumber.includes("EMU")) return dsp1 >= 11;
    if (info.serialNumber.includes("ESU")) return dsp1 >= 22;
    if (info.serialNumber.includes("BPS")) return dsp1 >= 10;
    return false;
  }

  /**
   * Work mode on ES (general, offGrid, backup, eco) with the library's command sequences:
   * depending on the ARM version, charge/discharge limit windows are reset or the battery mode
   * parameters cleared first; off-grid also sets the relay and store-energy modes.
   */
  async setOperationMode(mode: OperationMode, params: ControlOptions = {}): Promise<ControlResult> {
    if (!this.info) await this.readDeviceInfo(params);
    const arm = this.info?.armVersion ?? 0;
    const clear: Aa55Step = { description: "clear battery mode parameters (0x0700 ← 1)", command: aa55WriteRegister(0x0700, 1) };
    const noCharge: Aa55Step = { description: "charge limit window off", command: aa55SetLimitPower("charge", 0, 0, 0, 0, 0) };
    const noDischarge: Aa55Step = { description: "discharge limit window off", command: aa55SetLimitPower("discharge", 0, 0, 0, 0, 0) };
    const offGridMode = (m: number): Aa55Step => ({ description: `off-grid work mode ← ${m}`, command: aa55SetOffGridWorkMode(m) });
    const workMode = (code: number): Aa55Step => ({ description: `work mode ← ${code}`, command: aa55SetWorkMode(code), after: code });
    const steps: Aa55Step[] = [];
    const sideEffects = ["Changing the work mode resets charge/discharge windows made in the SolarGo app."];
    switch (mode) {
      case "general":
        if (arm >= 7 && this.supportsEcoModeV2()) steps.push(clear);
        else if (arm >= 7) steps.push(noCharge, noDischarge, clear);
        else steps.push(noCharge, noDischarge);
        steps.push(offGridMode(0), workMode(OPERATION_MODE_CODES.general));
        break;
      case "offGrid":
        if (arm >= 7) steps.push(clear);
        else steps.push({ ...noCharge, command: aa55SetLimitPower("charge", 0, 0, 23, 59, 0) }, noDischarge);
        steps.push(
          offGridMode(1),
          { description: "relay control ← 3", command: { control: 0x03, fn: 0x27, payload: Uint8Array.of(0x00, 48) }, replyType: 0x03b7 },
          { description: "store-energy mode ← 0", command: { control: 0x03, fn: 0x26, payload: Uint8Array.of(4) }, replyType: 0x03b6 },
          workMode(OPERATION_MODE_CODES.offGrid),
        );
        sideEffects.push("Relay control and store-energy mode are set for off-grid operation.");
        break;
      case "backup":
        if (arm >= 7 && this.supportsEcoModeV2()) steps.push(clear);
        else if (arm >= 7)
          steps.push(clear, {
            description: "charge limit window 00:00–23:59 at 10 %",
            command: aa55SetLimitPower("charge", 0, 0, 23, 59, 10),
          });
        else
          steps.push(
            { description: "charge limit window 00:00–23:59 at 10 %", command: aa55SetLimitPower("charge", 0, 0, 23, 59, 10) },
            noDischarge,
          );
        steps.push(offGridMode(0), workMode(OPERATION_MODE_CODES.backup));
        break;
      case "eco":
        steps.push(offGridMode(0), workMode(OPERATION_MODE_CODES.eco));
        break;
      default:
        throw new ValidationError(
          `ES inverters support the modes general, offGrid, backup and eco over AA55, not ${JSON.stringify(mode)}.`,
          { field: "mode", vendor: "goodwe" },
        );
    }
    return this.execute(
      `setOperationMode(${mode})`,
      steps,
      params,
      sideEffects,
      (s) => s.workMode === OPERATION_MODE_CODES[mode as keyof typeof OPERATION_MODE_CODES],
      (s) => s.workMode,
    );
  }

  /** Export limit in W (AA55 0335). */
  async setGridExportLimit(watts: number, params: ControlOptions = {}): Promise<ControlResult> {
    assertInteger(watts, "watts", 0, 0xffff, "W");
    return this.execute(
      "setGridExportLimit",
      [{ description: `export limit ${watts} W`, command: aa55SetExportLimit(watts), after: watts }],
      params,
      [],
      (s) => s.gridExportLimit === watts,
      (s) => s.gridExportLimit,
    );
  }

  /** On-grid DoD, fraction 0..0.89 (AA55 write 0x560 ← 100 − DoD %). */
  async setOngridBatteryDod(dod: number, params: ControlOptions = {}): Promise<ControlResult> {
    const percent = dodPercent(dod, 0.89);
    return this.execute(
      "setOngridBatteryDod",
      [{ description: `on-grid DoD ${percent} %`, command: aa55WriteRegister(ES_DOD_REGISTER, 100 - percent), after: dod }],
      params,
      [],
      (s) => s.dischargeDepthRaw === 100 - percent,
      (s) => s.dod,
    );
  }

  private async execute(
    operation: string,
    steps: Aa55Step[],
    options: ControlOptions,
    sideEffects: string[],
    check: (s: EsSettings) => boolean,
    shown: (s: EsSettings) => unknown,
  ): Promise<ControlResult> {
    const writes: RegisterWrite[] = steps.map((s) => ({
      target: `AA55 ${toHex(Uint8Array.of(s.command.control, s.command.fn))}`,
      description: s.description,
      register: null,
      values: null,
      payload: toHex(s.command.payload),
      after: s.after ?? toHex(s.command.payload),
      sent: false,
      taken: null,
    }));
    const done = () =>
      toControlResult(operation, options.dryRun ?? false, writes, { sideEffects }, this.ctx.device(), this.ctx.clock.now());
    if (options.dryRun) return done();
    const before = await this.readSettings(options);
    writes[writes.length - 1]!.before = shown(before);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      try {
        await this.aa55.send(step.command, { signal: options.signal, replyType: step.replyType });
        writes[i]!.sent = true;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        writes[i]!.sent = !(error instanceof ConnectionError && !error.sent);
        writes[i]!.error = error instanceof Error ? error.message : String(error);
        // An unconfirmed command: find out from the settings whether the final state was reached anyway.
        break;
      }
    }
    if (options.verify ?? true) {
      try {
        const after = await this.readSettings(options);
        const last = writes[writes.length - 1]!;
        last.readBack = shown(after);
        const taken = check(after);
        last.taken = last.sent || taken ? taken : null;
        if (!taken && last.sent) last.error ??= `Read back ${JSON.stringify(last.readBack)}, expected ${JSON.stringify(last.after)}.`;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        writes[writes.length - 1]!.error = `Reading the settings back failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return done();
  }
}
