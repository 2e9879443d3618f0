import type { Clock } from "../core/clock.js";
import { mergeClientOptions, type ClientOverrides } from "../core/client-options.js";
import { ConfigurationError, ValidationError } from "../core/errors/index.js";
import { assertInteger } from "../core/units.js";
import type { PowerFlow } from "../model/types.js";
import { toPowerFlow } from "./adapter.js";
import { createExchange, detectFamily, resolveOptions, withDongleProbe, type GoodWeInverterOptions } from "./connect.js";
import { executeWrites, type ControlOptions, type ControlResult } from "./control.js";
import type { EcoModeEncoding, EcoModeGroup, EcoModeGroupInput } from "./eco-mode.js";
import { readBlock, type DriverContext } from "./families/context.js";
import { DtDriver } from "./families/dt.js";
import { EsDriver } from "./families/es.js";
import { EtDriver } from "./families/et.js";
import { registersOf } from "./protocol/bytes.js";
import { COMM_ADDRESS_DT, COMM_ADDRESS_ET } from "./protocol/rtu.js";
import type { DtMeterValues } from "./registers/dt.js";
import type { EtBatteryValues, EtMeterValues } from "./registers/et.js";
import { Aa55Link } from "./transport/aa55-link.js";
import { ModbusLink } from "./transport/modbus-link.js";
import type { Exchange } from "./transport/types.js";
import type { DeviceInfo, EmsMode, EsSettings, Family, OperationMode, RuntimeData } from "./types.js";

/** Battery readings of an ES inverter (from its running data). */
export interface EsBatteryReading {
  vbattery1: number | null;
  ibattery1: number | null;
  pbattery1: number | null;
  batterySoc: number | null;
  batterySoh: number | null;
  batteryMode: number | null;
  batteryTemperature: number | null;
  batteryStatus: number | null;
}

/** Grid readings of an ES inverter (from its running data). */
export interface EsGridReading {
  vgrid: number | null;
  igrid: number | null;
  fgrid: number | null;
  /** W, + export, − import. */
  pgrid: number | null;
  gridInOut: number | null;
  meterStatus: number | null;
  meterPowerFactor: number | null;
}

export { DEFAULT_TCP_PORT, DEFAULT_UDP_PORT, type GoodWeInverterOptions } from "./connect.js";

type Driver = EtDriver | DtDriver | EsDriver;

/**
 * One GoodWe inverter on the local network: monitoring of every family, control of ET (and the
 * ES subset). Create it with `GoodWeInverter.connect(options)`, which detects the family, or with
 * `new GoodWeInverter({ ...options, family })` when the family is known (nothing is sent until
 * the first call). One request is in flight at a time; reads are retried, writes never.
 */
export class GoodWeInverter {
  readonly host: string;
  readonly port: number;
  readonly transport: "udp" | "tcp";
  readonly family: Family;
  readonly timeZone: string;
  readonly commAddress: number;
  /** The clock timestamps and plans use (the `clock` option, else the system clock). */
  readonly clock: Clock;
  private readonly exchange: Exchange;
  private readonly options: GoodWeInverterOptions;
  private readonly ctx: DriverContext;
  private readonly driver: Driver;

  constructor(options: GoodWeInverterOptions & { family: Family }, exchange?: Exchange) {
    const resolved = resolveOptions(options);
    this.options = options;
    if (!options.family || !["ET", "DT", "ES"].includes(options.family)) {
      throw new ConfigurationError(
        `family must be "ET", "DT" or "ES", got ${JSON.stringify(options.family)}; use GoodWeInverter.connect() to detect it.`,
        { setting: "family", vendor: "goodwe" },
      );
    }
    this.host = resolved.host;
    this.port = resolved.port;
    this.transport = resolved.transport;
    this.family = options.family;
    this.timeZone = resolved.timeZone;
    this.commAddress = resolved.commAddress ?? (options.family === "DT" ? COMM_ADDRESS_DT : COMM_ADDRESS_ET);
    this.clock = resolved.clock;
    this.exchange = exchange ?? createExchange(resolved);
    this.ctx = {
      link: new ModbusLink(this.exchange, { address: this.commAddress, timeoutMs: resolved.timeoutMs, retries: resolved.retries }),
      aa55: this.exchange.kind === "udp" ? new Aa55Link(this.exchange, { timeoutMs: resolved.timeoutMs, retries: resolved.retries }) : null,
      maxRegistersPerRead: resolved.maxRegistersPerRead,
      adaptiveChunking: options.adaptiveChunking ?? true,
      timeZone: resolved.timeZone,
      clock: resolved.clock,
      device: () => this.driver.deviceInfo?.serialNumber ?? this.host,
    };
    this.driver = this.family === "ET" ? new EtDriver(this.ctx) : this.family === "DT" ? new DtDriver(this.ctx) : new EsDriver(this.ctx);
  }

  /**
   * Connects: detects the family (unless given) and reads the device info. On UDP it also asks
   * the dongle's discovery port, so that a DTLS dongle is reported at once as not supported
   * rather than after the timeouts.
   */
  static async connect(options: GoodWeInverterOptions & { signal?: AbortSignal }): Promise<GoodWeInverter> {
    const resolved = resolveOptions(options);
    const exchange = createExchange(resolved);
    try {
      // One dongle probe covers detection and the device info.
      return await withDongleProbe(resolved, options.signal, async (signal) => {
        const family = options.family ?? (await detectFamily(exchange, resolved, signal));
        const inverter = new GoodWeInverter({ ...options, family }, exchange);
        await inverter.readDeviceInfo({ signal });
        return inverter;
      });
    } catch (error) {
      await exchange.close();
      throw error;
    }
  }

  /**
   * A handle with other options (timeout, retry, logger) on the same socket: requests of both
   * still go one at a time. Its device info is read again on first use.
   */
  withOptions(overrides: ClientOverrides): GoodWeInverter {
    return new GoodWeInverter({ ...mergeClientOptions(this.options, overrides), family: this.family }, this.exchange);
  }

  /** The device info read last (null before `readDeviceInfo`/`connect`). */
  get deviceInfo(): DeviceInfo | null {
    return this.driver.deviceInfo;
  }

  /** Model, serial, rated power and firmware versions. */
  readDeviceInfo(options: { signal?: AbortSignal } = {}): Promise<DeviceInfo> {
    return this.driver.readDeviceInfo(options);
  }

  /**
   * A full poll. ET: running data (35100×125), battery (37000×24) when one is present, battery 2,
   * meter (36000×45 or ×58) and MPPT blocks as the model has them. DT: running data and meter.
   * ES: the AA55 running data. Values in the units of the sensor tables, signs as GoodWe sends them.
   * `flowOnly` (ET): only the running data and the battery block, what `readPowerFlow` and today's
   * totals need; battery 2, meter and MPPT come back null.
   */
  readRuntimeData(options: { signal?: AbortSignal; flowOnly?: boolean } = {}): Promise<RuntimeData> {
    return this.driver.readRuntimeData(options);
  }

  /**
   * The unified power flow (W; grid + import, battery + discharge; SOC 0..1) of a fresh poll of the
   * blocks it needs (ET: running data and battery). `source.device` is the serial number.
   */
  async readPowerFlow(options: { signal?: AbortSignal } = {}): Promise<PowerFlow> {
    const info = this.deviceInfo ?? (await this.readDeviceInfo(options));
    const data = await this.readRuntimeData({ ...options, flowOnly: true });
    return toPowerFlow(data, info.serialNumber);
  }

  /** Battery readings: the ET battery block (37000), or the ES running data's battery fields. */
  async readBattery(options: { signal?: AbortSignal } = {}): Promise<EtBatteryValues | EsBatteryReading> {
    const d = this.driver;
    if (d instanceof EtDriver) return (await d.readBattery(options)).values;
    if (d instanceof EsDriver) {
      const r = (await d.readRuntimeData(options)).running;
      return {
        vbattery1: r.vbattery1,
        ibattery1: r.ibattery1,
        pbattery1: r.pbattery1,
        batterySoc: r.batterySoc,
        batterySoh: r.batterySoh,
        batteryMode: r.batteryMode,
        batteryTemperature: r.batteryTemperature,
        batteryStatus: r.batteryStatus,
      };
    }
    throw unsupported("readBattery", this.family, "DT inverters have no battery.");
  }

  /** Meter readings: ET 36000 block, DT 30195 block, or the ES running data's grid fields. Active power + export. */
  async readMeter(options: { signal?: AbortSignal } = {}): Promise<EtMeterValues | DtMeterValues | EsGridReading> {
    const d = this.driver;
    if (d instanceof EtDriver || d instanceof DtDriver) return (await d.readMeter(options)).values;
    const r = (await d.readRuntimeData(options)).running;
    return {
      vgrid: r.vgrid,
      igrid: r.igrid,
      fgrid: r.fgrid,
      pgrid: r.pgrid,
      gridInOut: r.gridInOut,
      meterStatus: r.meterStatus,
      meterPowerFactor: r.meterPowerFactor,
    };
  }

  // ---- settings and control ----

  async getOperationMode(options: { signal?: AbortSignal } = {}): Promise<OperationMode | `unknown(${number})`> {
    const d = this.driver;
    if (d instanceof DtDriver) throw unsupported("getOperationMode", "DT", "PV-only inverters have no operation modes.");
    return d.getOperationMode(options);
  }

  /**
   * Sets the operation mode; the result lists every write and its side effects. ET: general,
   * offGrid, backup, eco, peakShaving (firmware >= 22), selfUse (745), and the emulated
   * ecoCharge/ecoDischarge (`power` 0..1 of the rating, `soc` stop level 0..1). ES: general,
   * offGrid, backup, eco.
   */
  async setOperationMode(mode: OperationMode, params: ControlOptions & { power?: number; soc?: number } = {}): Promise<ControlResult> {
    const d = this.driver;
    if (d instanceof EtDriver) return d.setOperationMode(mode, params);
    if (d instanceof EsDriver) return d.setOperationMode(mode, params);
    throw unsupported("setOperationMode", "DT", "PV-only inverters have no operation modes.");
  }

  /** The four eco groups and the encoding (V1/V2) the inverter uses (ET). */
  async readEcoModeGroups(options: { signal?: AbortSignal } = {}): Promise<{ encoding: EcoModeEncoding; groups: EcoModeGroup[] }> {
    return this.et("readEcoModeGroups").readEcoModeGroups(options);
  }

  /** Which eco-mode layout the inverter has, found by probing register 47547 (ET). */
  async ecoModeEncoding(options: { signal?: AbortSignal } = {}): Promise<EcoModeEncoding> {
    return this.et("ecoModeEncoding").ecoModeEncoding(options);
  }

  /**
   * Writes eco group `index` (1..4): a timed charge (power < 0) or discharge (power > 0) window
   * in the inverter's local time. Groups act in eco mode only: `activate: true` also sets work
   * mode eco and EMS auto (with their side effects).
   */
  async setEcoModeGroup(
    index: number,
    group: EcoModeGroupInput,
    params: ControlOptions & { activate?: boolean } = {},
  ): Promise<ControlResult> {
    return this.et("setEcoModeGroup").setEcoModeGroup(index, group, params);
  }

  /** Clears eco group `index` (1..4). */
  async clearEcoModeGroup(index: number, params: ControlOptions = {}): Promise<ControlResult> {
    return this.et("clearEcoModeGroup").clearEcoModeGroup(index, params);
  }

  async getEmsMode(options: { signal?: AbortSignal } = {}): Promise<{ mode: EmsMode | `unknown(${number})`; powerW: number }> {
    return this.et("getEmsMode").getEmsMode(options);
  }

  /** EMS mode and power limit (W) for direct dispatch (ET, 47511/47512). */
  async setEmsMode(mode: EmsMode, powerW: number, params: ControlOptions = {}): Promise<ControlResult> {
    return this.et("setEmsMode").setEmsMode(mode, powerW, params);
  }

  /** Grid export limit in W. */
  async getGridExportLimit(options: { signal?: AbortSignal } = {}): Promise<number | null> {
    const d = this.driver;
    if (d instanceof DtDriver)
      throw unsupported("getGridExportLimit", "DT", "DT export limits are not supported yet; use readRegisters(40327, 10).");
    return d.getGridExportLimit(options);
  }

  /**
   * Sets the grid export limit in W (ET 47510, ES command 0335). ET: when export limiting is
   * switched off (47509 = 0) the result warns; `enable: true` switches it on first.
   */
  async setGridExportLimit(watts: number, params: ControlOptions & { enable?: boolean } = {}): Promise<ControlResult> {
    const d = this.driver;
    if (d instanceof DtDriver) throw unsupported("setGridExportLimit", "DT", "DT export limits are not supported yet.");
    return d.setGridExportLimit(watts, params);
  }

  /** On-grid depth of discharge, fraction 0..1. */
  async getOngridBatteryDod(options: { signal?: AbortSignal } = {}): Promise<number | null> {
    const d = this.driver;
    if (d instanceof DtDriver) throw unsupported("getOngridBatteryDod", "DT", "DT inverters have no battery.");
    return d.getOngridBatteryDod(options);
  }

  /** Sets the on-grid depth of discharge, fraction 0..0.9 on ET (0..0.89 on ES); the battery stops discharging at 1 − dod. */
  async setOngridBatteryDod(dod: number, params: ControlOptions = {}): Promise<ControlResult> {
    const d = this.driver;
    if (d instanceof DtDriver) throw unsupported("setOngridBatteryDod", "DT", "DT inverters have no battery.");
    return d.setOngridBatteryDod(dod, params);
  }

  /** ES settings block (work mode, export limit, DoD, battery limits). */
  async readSettings(options: { signal?: AbortSignal } = {}): Promise<EsSettings> {
    const d = this.driver;
    if (!(d instanceof EsDriver))
      throw unsupported(
        "readSettings",
        this.family,
        "Use the named getters (getOperationMode, getGridExportLimit, getOngridBatteryDod) or readRegisters.",
      );
    return d.readSettings(options);
  }

  /** The inverter's clock (ET). */
  async readInverterTime(options: { signal?: AbortSignal } = {}): Promise<{ local: string | null; instant: Date | null }> {
    return this.et("readInverterTime").readInverterTime(options);
  }

  /** Sets the inverter's clock to `at` (default now) as wall time in `timeZone` (ET). */
  async syncClock(params: ControlOptions & { at?: Date } = {}): Promise<ControlResult> {
    return this.et("syncClock").syncClock(params);
  }

  /** Whether the firmware has peak shaving (ET). */
  async supportsPeakShaving(options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return this.et("supportsPeakShaving").supportsPeakShaving(options);
  }

  // ---- expert escape hatch ----

  /** Reads raw registers (16-bit unsigned values), in chunks of `maxRegistersPerRead`. */
  async readRegisters(register: number, count: number, options: { signal?: AbortSignal } = {}): Promise<number[]> {
    assertInteger(register, "register", 0, 0xffff);
    assertInteger(count, "count", 1, 0x10000 - register);
    return registersOf(await readBlock(this.ctx, register, count, options));
  }

  /**
   * Writes raw registers from `register` (one value: write-single 0x06; more: write-multiple 0x10)
   * and reads them back. Values are 0..65535, or −32768..−1 for signed registers. At your own risk:
   * many registers are installer settings.
   */
  async writeRegisters(register: number, values: readonly number[], params: ControlOptions = {}): Promise<ControlResult> {
    assertInteger(register, "register", 0, 0xffff);
    if (!Array.isArray(values) || values.length === 0 || values.length > 123)
      throw new ValidationError(
        `values must hold 1 to 123 register values, got ${Array.isArray(values) ? values.length : typeof values}.`,
        { field: "values", vendor: "goodwe" },
      );
    const words = values.map((v, i) => assertInteger(v, `values[${i}]`, -0x8000, 0xffff) & 0xffff);
    assertInteger(register + words.length - 1, "last register", 0, 0xffff);
    return executeWrites(
      this.ctx,
      `writeRegisters(${register})`,
      [{ description: `raw write of ${words.length} register(s) from ${register}`, register, values: words }],
      params,
      {
        warnings: ["Raw register writes bypass every check of the named methods."],
      },
    );
  }

  /** The block size reads use now (lowered by adaptive chunking after a refused large read). */
  get maxRegistersPerRead(): number {
    return this.ctx.maxRegistersPerRead;
  }

  /** Closes the socket. The handle can be used again: the next call reopens it. */
  close(): Promise<void> {
    return this.exchange.close();
  }

  private et(operation: string): EtDriver {
    if (this.driver instanceof EtDriver) return this.driver;
    throw unsupported(operation, this.family, "It is available on ET-family (hybrid) inverters only.");
  }
}

function unsupported(operation: string, family: Family, why: string): ValidationError {
  return new ValidationError(`${operation} is not available on ${family}-family GoodWe inverters. ${why}`, {
    field: "family",
    vendor: "goodwe",
    operation,
  });
}
