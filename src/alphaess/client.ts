import type { ClientOverrides } from "../core/client-options.js";
import type { Clock } from "../core/clock.js";
import { inspect } from "node:util";
import type { RateLimitState } from "../core/rate-limit/limiter.js";
import { redact } from "../core/redact.js";
import { assertTimeZone } from "../core/time/zoned.js";
import type { AlphaEssWriteEndpoint } from "./endpoints.js";
import { VENDOR } from "./envelope.js";
import type {
  AlphaEssDailyEnergy,
  AlphaEssPowerHistory,
  AlphaEssRealtimePower,
  AlphaEssSystemInfo,
  AlphaEssSystemSummary,
  AlphaEssWrite,
  BindingResult,
  ChargingSettings,
  ChargingSettingsResult,
  DischargingSettings,
  DischargingSettingsResult,
  EvCharger,
  EvChargerCurrentSettings,
  EvChargerStatus,
  VerificationCodeResult,
  WeeklySchedule,
  WeeklyScheduleInput,
} from "./models.js";
import type { AlphaESSOptions, ChargingSettingsInput, DischargingSettingsInput, SerialOrOptions, WriteCallOptions } from "./options.js";
import { AlphaEssRequester } from "./requester.js";
import { AlphaEssEnergy } from "./resources/energy.js";
import { AlphaEssEv } from "./resources/ev.js";
import { AlphaEssSettings } from "./resources/settings.js";
import { AlphaEssSystems } from "./resources/systems.js";
import { AlphaEssSystem, type AlphaEssSystemOptions } from "./system.js";
import { assertSerial } from "./validate.js";

export type {
  AlphaEssPacing,
  AlphaESSOptions,
  CallOptions,
  ChargingSettingsInput,
  DischargingSettingsInput,
  SerialOrOptions,
  WriteCallOptions,
} from "./options.js";

/** The requester a clone takes over, handed from `derive` to the one constructor call it makes. */
let cloneOf: AlphaEssRequester | undefined;

/**
 * The AlphaESS Open API client: all 19 endpoints, signed requests, typed results and errors,
 * paced reads and guarded writes, grouped in resources (`systems`, `energy`, `settings`, `ev`);
 * the Python seed's method names (`getRealtimePowerUsage`, `setChargingSettings`, ...) stay on the
 * client as thin delegates. `forDevice(sn)` gives a clone with a default serial number that shares
 * this client's transport, rate-limit budget and write cool-down.
 *
 * ```ts
 * const api = new AlphaESS({ appId, appSecret, timeZone: "Australia/Sydney" });
 * for (const system of await api.systems.list()) {
 *   const power = await api.forDevice(system.serialNumber).energy.realtime();
 *   console.log(system.serialNumber, power.gridW);
 * }
 * ```
 */
export class AlphaESS {
  /** The default serial number of this instance, if any. */
  readonly serialNumber: string | undefined;
  /** Systems bound to the AppID and the binding flow. */
  readonly systems: AlphaEssSystems;
  /** Real-time power, day series, daily energy and summary counters. */
  readonly energy: AlphaEssEnergy;
  /** Charge, discharge and weekly-schedule settings. */
  readonly settings: AlphaEssSettings;
  /** EV chargers. */
  readonly ev: AlphaEssEv;
  // A #private field: util.inspect and JSON.stringify never show it (it holds the app secret).
  readonly #r: AlphaEssRequester;

  constructor(options: AlphaESSOptions) {
    const clone = cloneOf;
    cloneOf = undefined;
    this.#r = clone ?? AlphaEssRequester.create(options);
    this.serialNumber = this.#r.serialNumber;
    this.systems = new AlphaEssSystems(this.#r);
    this.energy = new AlphaEssEnergy(this.#r);
    this.settings = new AlphaEssSettings(this.#r);
    this.ev = new AlphaEssEv(this.#r);
  }

  /** What `console.log(client)` shows: never the secret. */
  [inspect.custom](): string {
    return `AlphaESS { appId: ${JSON.stringify(redact(this.#r.appId))}, serialNumber: ${JSON.stringify(this.serialNumber ?? null)}, timeZone: ${JSON.stringify(this.timeZone)}, baseUrl: ${JSON.stringify(this.#r.baseUrl)} }`;
  }

  toJSON(): Record<string, unknown> {
    return { vendor: VENDOR, serialNumber: this.serialNumber ?? null, timeZone: this.timeZone, baseUrl: this.#r.baseUrl };
  }

  /** The clock the client paces and signs with. */
  get clock(): Clock {
    return this.#r.clock;
  }

  /** The systems' time zone (dates are local dates in it). */
  get timeZone(): string {
    return this.#r.timeZone;
  }

  /**
   * A clone scoped to one system. It shares the transport, the rate-limit budget and the write
   * cool-down. `timeZone` sets the zone of this system when it differs from the client's (one
   * AppID may hold systems in several zones); by default the clone keeps this instance's zone.
   */
  forDevice(serialNumber: string, options: { timeZone?: string } = {}): AlphaESS {
    const sn = assertSerial(serialNumber, "serialNumber");
    const timeZone = options.timeZone === undefined ? this.timeZone : assertTimeZone(options.timeZone, "timeZone");
    return AlphaESS.#clone(this.#r.derive({ serialNumber: sn, timeZone }));
  }

  /**
   * A derived client with other transport settings (timeout, retries, logger, user agent, body
   * limit). It keeps the credentials, the serial number and the time zone, and shares the rate-limit
   * budget, the endpoint pacing, the write cool-down and the write queue with this one.
   */
  withOptions(overrides: ClientOverrides): AlphaESS {
    return AlphaESS.#clone(this.#r.derive({ overrides }));
  }

  static #clone(requester: AlphaEssRequester): AlphaESS {
    cloneOf = requester;
    try {
      return new AlphaESS(undefined as unknown as AlphaESSOptions);
    } finally {
      cloneOf = undefined;
    }
  }

  /** The unified `EnergySystem` view of one system (default: this instance's serial number). */
  system(serialNumber?: string, options: AlphaEssSystemOptions = {}): AlphaEssSystem {
    const sn = this.#r.resolveSerial(serialNumber === undefined ? undefined : { serialNumber });
    return new AlphaEssSystem(this.forDevice(sn), options);
  }

  /** The account-wide budget and each endpoint's pacing. */
  rateLimitState(): { account: RateLimitState; endpoints: RateLimitState[] } {
    return this.#r.rateLimitStates();
  }

  /** The client-side cool-down of a write endpoint, ms (0: none). */
  writeCooldownMs(endpoint: AlphaEssWriteEndpoint): number {
    return this.#r.cooldownMs(endpoint);
  }

  /** When the next write to an endpoint is allowed by the client-side cool-down. */
  nextWriteAllowedAt(endpoint: AlphaEssWriteEndpoint, options?: SerialOrOptions): Date {
    return this.#r.nextWriteAllowedAt(this.#r.resolveSerial(options), endpoint);
  }

  // ----------------------------------------------------------------------------------------
  // The Python seed's names (`openpower` 0.1.3, in camelCase), delegating to the resources.

  /** `systems.list()`: systems bound to this AppID (`getEssList`). */
  listSystems(options: { signal?: AbortSignal } = {}): Promise<AlphaEssSystemInfo[]> {
    return this.systems.list(options);
  }
  /** `systems.getVerificationCode()`: e-mails a verification code to the system's owner. */
  getVerificationCode(checkCode: string, options?: SerialOrOptions): Promise<VerificationCodeResult> {
    return this.systems.getVerificationCode(checkCode, options);
  }
  /** `systems.bind()`. */
  bindSystem(verificationCode: string, options?: SerialOrOptions): Promise<BindingResult> {
    return this.systems.bind(verificationCode, options);
  }
  /** `systems.unbind()`. */
  unbindSystem(options?: SerialOrOptions): Promise<BindingResult> {
    return this.systems.unbind(options);
  }
  /** `energy.realtime()`: real-time power (`getLastPowerData`). */
  getRealtimePowerUsage(options?: SerialOrOptions): Promise<AlphaEssRealtimePower> {
    return this.energy.realtime(options);
  }
  /** The name the Python README documents for `getRealtimePowerUsage` (its code calls it `get_realtime_power_usage`). */
  getRealtimeEnergyUsage(options?: SerialOrOptions): Promise<AlphaEssRealtimePower> {
    return this.energy.realtime(options);
  }
  /** `energy.summary()`: today's and lifetime counters (`getSumDataForCustomer`). */
  getSystemSummary(options?: SerialOrOptions): Promise<AlphaEssSystemSummary> {
    return this.energy.summary(options);
  }
  /** `energy.powerHistory(date)`: one local day's samples, oldest first (`getOneDayPowerBySn`). */
  getHistoricalPowerUsage(date: string | Date, options?: SerialOrOptions): Promise<AlphaEssPowerHistory> {
    return this.energy.powerHistory(date, options);
  }
  /** `energy.dailyEnergy(date)`: one local day's energy, kWh (`getOneDateEnergyBySn`). */
  getHistoricalEnergyUsage(date: string | Date, options?: SerialOrOptions): Promise<AlphaEssDailyEnergy> {
    return this.energy.dailyEnergy(date, options);
  }
  /** `settings.getCharging()`. */
  getChargingSettings(options?: SerialOrOptions): Promise<ChargingSettingsResult> {
    return this.settings.getCharging(options);
  }
  /** `settings.setCharging()`: a partial update of the grid-charge config (full replacement handled). */
  setChargingSettings(settings: ChargingSettingsInput, options?: string | WriteCallOptions): Promise<AlphaEssWrite<ChargingSettings>> {
    return this.settings.setCharging(settings, options);
  }
  /** `settings.getDischarging()`. */
  getDischargingSettings(options?: SerialOrOptions): Promise<DischargingSettingsResult> {
    return this.settings.getDischarging(options);
  }
  /** `settings.setDischarging()`. */
  setDischargingSettings(
    settings: DischargingSettingsInput,
    options?: string | WriteCallOptions,
  ): Promise<AlphaEssWrite<DischargingSettings>> {
    return this.settings.setDischarging(settings, options);
  }
  /** `settings.getWeekly()`: the periodic schedule (`getTimeChargeBySn`). */
  getWeeklySchedule(options?: SerialOrOptions): Promise<WeeklySchedule> {
    return this.settings.getWeekly(options);
  }
  /** `settings.setWeekly()`: the periodic schedule (`setTimeChargeBySn`), a full replacement. */
  setWeeklySchedule(schedule: WeeklyScheduleInput, options?: string | WriteCallOptions): Promise<AlphaEssWrite<WeeklyScheduleInput>> {
    return this.settings.setWeekly(schedule, options);
  }
  /** `ev.list()`: EV chargers of the system; `[]` when none is fitted. */
  getEvChargerList(options?: SerialOrOptions): Promise<EvCharger[]> {
    return this.ev.list(options);
  }
  /** The Python code's name for `getEvChargerList` (its README says `get_ev_charger_list`). */
  getEvChargerSettings(options?: SerialOrOptions): Promise<EvCharger[]> {
    return this.ev.list(options);
  }
  /** `ev.getCurrentLimit()`: the household current limit the chargers share, A. */
  getEvChargerCurrentDrawSettings(options?: SerialOrOptions): Promise<EvChargerCurrentSettings> {
    return this.ev.getCurrentLimit(options);
  }
  /** `ev.setCurrentLimit()`. */
  setEvChargerCurrentDrawSettings(
    amps: number,
    options?: string | WriteCallOptions,
  ): Promise<AlphaEssWrite<{ currentLimitA: number | null }>> {
    return this.ev.setCurrentLimit(amps, options);
  }
  /** `ev.status()`. */
  getEvChargerStatus(chargerSerialNumber: string, options?: SerialOrOptions): Promise<EvChargerStatus> {
    return this.ev.status(chargerSerialNumber, options);
  }
  /** `ev.control()`: starts (`true`) or stops a charger. */
  controlEvCharger(
    chargerSerialNumber: string,
    charging: boolean,
    options?: string | WriteCallOptions,
  ): Promise<AlphaEssWrite<{ charging: boolean }>> {
    return this.ev.control(chargerSerialNumber, charging, options);
  }
}
