import { systemClock, type Clock } from "../core/clock.js";
import { ConfigurationError, OpenPowerError, ValidationError } from "../core/errors/index.js";
import { HttpTransport } from "../core/http/transport.js";
import { mergeClientOptions, type ClientOptions, type ClientOverrides } from "../core/client-options.js";
import type { TransportResponse } from "../core/http/types.js";
import { RateLimiter, type RateLimitState } from "../core/rate-limit/limiter.js";
import { inspect } from "node:util";
import { redact, registerSecret } from "../core/redact.js";
import { assertCalendarDate } from "../core/time/calendar-date.js";
import { assertTimeZone, localDate, systemTimeZone } from "../core/time/zoned.js";
import { diffFields } from "../model/helpers.js";
import type { FieldChange } from "../model/types.js";
import { chargeConfigFields, dischargeConfigFields } from "./bodies.js";
import { EndpointLimiters } from "./endpoint-limiter.js";
import {
  DEFAULT_BASE_URL,
  ENDPOINTS,
  SETTING_WRITES,
  type AlphaEssCooldownEndpoint,
  type AlphaEssEndpoint,
  type AlphaEssWriteEndpoint,
} from "./endpoints.js";
import { envelopeError, httpError, parseEnvelope, VENDOR } from "./envelope.js";
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
  SchedulePeriod,
  VerificationCodeResult,
  WeeklySchedule,
  WeeklyScheduleInput,
  WriteOptions,
} from "./models.js";
import {
  parseChargingSettings,
  parseDailyEnergy,
  parseDischargingSettings,
  parseEvChargerCurrents,
  parseEvChargers,
  parseEvChargerStatus,
  parsePowerHistory,
  parseRealtimePower,
  parseSystemList,
  parseSystemSummary,
  parseWeeklySchedule,
  settingsOf,
} from "./parse.js";
import { alphaEssAuthHeaders } from "./signature.js";
import { AlphaEssSystem, type AlphaEssSystemOptions } from "./system.js";
import {
  assertCode,
  assertCurrentLimit,
  assertSerial,
  validateChargingInput,
  validateCompleteCharging,
  validateCompleteDischarging,
  validateDischargingInput,
  validateWeeklySchedule,
} from "./validate.js";
import type { UpdateChargeConfigBody, UpdateDischargeConfigBody } from "./wire.js";
import { WriteCooldown } from "./write-cooldown.js";
import { errorCodeOf, failedWriteSent } from "./write-outcome.js";

/** How the client paces itself so that normal use never meets code 6053 ("too fast"). */
export interface AlphaEssPacing {
  /**
   * Minimum milliseconds between two requests to the same endpoint, across every system and
   * clone of this client: one number for all endpoints or a map per endpoint. Default 1250 ms
   * (the spacing the Home Assistant integration uses between calls).
   */
  minIntervalMs?: number | Partial<Record<AlphaEssEndpoint, number>>;
  /**
   * Extra spacing added to every minimum interval. Requests reach the server with some timing
   * noise (connection reuse, event-loop delays, the network), and one that arrives even a few
   * milliseconds inside the server's interval is refused with 6053 and costs a back-off pause.
   * Default: 4 % of the interval, at least 5 ms (so about 96 % of the configured rate is used).
   */
  jitterMarginMs?: number;
  /** Most requests in flight at once across the account. Default 4. */
  concurrency?: number;
  /** Optional account-wide budget: at most `limit` requests per `windowMs`. */
  limit?: number;
  windowMs?: number;
  /** Wait for the budget (default) or throw a local `RateLimitError` without sending. */
  onLimit?: "wait" | "throw";
  /** In "wait" mode, the longest wait accepted before throwing. Default: no limit. */
  maxWaitMs?: number;
}

/**
 * The AlphaESS client's options: the shared `ClientOptions` (fetch, timeoutMs — default 30 000, the
 * API occasionally stalls —, retry for reads — default 2 retries with back-off —, rateLimit, logger,
 * userAgent, clock, maxResponseBytes) and the AlphaESS credentials and settings.
 */
export interface AlphaESSOptions extends ClientOptions {
  /** Developer ID (AppID) from open.alphaess.com, e.g. "alpha73cf07876a2d789e". */
  appId: string;
  /** Developer secret (AppSecret). Registered for redaction; never logged. */
  appSecret: string;
  /** Default system serial number for device methods (see also `forDevice`). */
  serialNumber?: string;
  /**
   * The systems' IANA time zone, e.g. "Australia/Sydney". The API does not report it: every
   * `queryDate` is a local date in this zone and `uploadTime` is parsed in it. Default: this
   * machine's zone.
   */
  timeZone?: string;
  /** Default "https://openapi.alphaess.com/api". */
  baseUrl?: string;
  /** Per-endpoint pacing and the account budget's shape (when `rateLimit` gives no limiter of its own). */
  pacing?: AlphaEssPacing;
  /**
   * Client-side minimum interval between writes to the same system and endpoint, ms: one number
   * for the setting writes (charge, discharge, weekly schedule, EV current) or a map per endpoint
   * (those four and `remoteControlEvCharger`). Default 30 000 for the setting writes, 0 for EV
   * start/stop. Binding and unbinding have none.
   */
  writeCooldownMs?: number | Partial<Record<AlphaEssCooldownEndpoint, number>>;
  /** After a 6053 ("too fast"), pause every request of this client for this long, ms. Default 10 000. */
  tooFastBackoffMs?: number;
}

/** The per-call options of device methods. */
export interface CallOptions {
  /** The system to address; default the client's `serialNumber`. */
  serialNumber?: string;
  signal?: AbortSignal;
}

/** Device methods take a serial number directly or call options. */
export type SerialOrOptions = string | CallOptions;
export type WriteCallOptions = CallOptions & WriteOptions;

/** Fields of `setChargingSettings`: any subset; missing ones are read from the device first (full replacement). */
export type ChargingSettingsInput = Partial<ChargingSettings>;
export type DischargingSettingsInput = Partial<DischargingSettings>;

const DEFAULT_MIN_INTERVAL_MS = 1250;
const DEFAULT_WRITE_COOLDOWN_MS = 30_000;

/** State shared by a client and its clones: one transport, one rate budget, one write cool-down. */
interface Shared {
  appId: string;
  appSecret: string;
  clock: Clock;
  account: RateLimiter;
  endpoints: EndpointLimiters;
  cooldown: WriteCooldown;
  cooldownFor: (endpoint: string) => number;
  tooFastBackoffMs: number;
  /** The tail of the queue of writes per system and endpoint (read-merge-write runs one at a time). */
  writeQueues: Map<string, Promise<unknown>>;
}

/** A write of a full-replacement config from a (possibly partial) update. */
interface SettingsWrite<T> {
  sn: string;
  endpoint: AlphaEssWriteEndpoint;
  opts: WriteCallOptions;
  /** The fields the caller gave, validated. */
  given: Partial<T>;
  /** Every field of the config. */
  keys: (keyof T)[];
  /** Reads the config from the system. */
  read: () => Promise<T>;
  /** Validates a complete config. */
  complete: (settings: T, origin: string) => T;
  /** The request body for a complete config. */
  payload: (settings: T) => Record<string, unknown>;
}

/** One write as `sendWrite` sends it. */
interface WriteArgs<T> {
  sn: string;
  endpoint: AlphaEssWriteEndpoint;
  opts: WriteCallOptions;
  before: T | null;
  requested: T;
  payload: Record<string, unknown>;
  readBack: () => Promise<T>;
  compare: (want: T, got: T) => FieldChange[];
}

interface CallResult {
  data: unknown;
  receivedAt: number;
}

/** The state a clone takes over, handed from `fromShared` to the one constructor call it makes. */
let cloneOf:
  { shared: Shared; serialNumber: string | undefined; timeZone: string; options: AlphaESSOptions; transport: HttpTransport } | undefined;

/**
 * The AlphaESS Open API client: all 19 endpoints, signed requests, typed results and errors,
 * paced reads and guarded writes. `forDevice(sn)` gives a clone with a default serial number that
 * shares this client's transport, rate-limit budget and write cool-down.
 *
 * ```ts
 * const api = new AlphaESS({ appId, appSecret, timeZone: "Australia/Sydney" });
 * for (const system of await api.listSystems()) {
 *   const power = await api.forDevice(system.serialNumber).getRealtimePowerUsage();
 *   console.log(system.serialNumber, power.gridW);
 * }
 * ```
 */
export class AlphaESS {
  /** The default serial number of this instance, if any. */
  readonly serialNumber: string | undefined;
  // A #private field: util.inspect and JSON.stringify never show it (it holds the app secret).
  readonly #shared: Shared;
  // Per instance: `withOptions` may change the timeout, retries, logger, user agent or body limit.
  readonly #transport: HttpTransport;
  readonly #options: AlphaESSOptions;
  // Per instance: systems of one AppID may sit in different zones (`forDevice(sn, { timeZone })`).
  readonly #timeZone: string;

  constructor(options: AlphaESSOptions) {
    const clone = cloneOf;
    cloneOf = undefined;
    if (clone) {
      this.#shared = clone.shared;
      this.serialNumber = clone.serialNumber;
      this.#timeZone = clone.timeZone;
      this.#options = clone.options;
      this.#transport = clone.transport;
      return;
    }
    if (typeof options !== "object" || options === null)
      throw new ConfigurationError("AlphaESS needs options { appId, appSecret }.", { vendor: VENDOR, setting: "options" });
    for (const setting of ["appId", "appSecret"] as const) {
      const value = options[setting];
      if (typeof value !== "string" || value.trim() === "") {
        throw new ConfigurationError(`AlphaESS ${setting} is missing. Copy it from Developer Information at https://open.alphaess.com.`, {
          vendor: VENDOR,
          setting,
        });
      }
    }
    const appId = options.appId.trim();
    const appSecret = options.appSecret.trim();
    registerSecret(appSecret);
    registerSecret(appId);
    if (options.serialNumber !== undefined) {
      try {
        assertSerial(options.serialNumber, "serialNumber");
      } catch (error) {
        throw new ConfigurationError((error as Error).message, { vendor: VENDOR, setting: "serialNumber" });
      }
    }
    const timeZone = assertTimeZone(options.timeZone ?? systemTimeZone(), "timeZone");
    const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
    try {
      const url = new URL(baseUrl);
      if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("protocol");
    } catch {
      throw new ConfigurationError(`AlphaESS baseUrl must be an http(s) URL such as ${DEFAULT_BASE_URL}, got ${JSON.stringify(baseUrl)}.`, {
        vendor: VENDOR,
        setting: "baseUrl",
      });
    }
    const clock = options.clock ?? systemClock;
    const pacing = options.pacing ?? {};
    const intervalFor = (endpoint: string): number => {
      const m = pacing.minIntervalMs;
      return Math.max(0, typeof m === "number" ? m : (m?.[endpoint as AlphaEssEndpoint] ?? DEFAULT_MIN_INTERVAL_MS));
    };
    const cooldownFor = (endpoint: string): number => {
      const c = options.writeCooldownMs;
      const isSetting = (SETTING_WRITES as readonly string[]).includes(endpoint);
      if (typeof c === "number") return isSetting ? c : 0;
      if (!isSetting && endpoint !== "remoteControlEvCharger") return 0;
      return c?.[endpoint as AlphaEssCooldownEndpoint] ?? (isSetting ? DEFAULT_WRITE_COOLDOWN_MS : 0);
    };
    const limiterBase = { vendor: VENDOR, clock, onLimit: pacing.onLimit, maxWaitMs: pacing.maxWaitMs };
    this.#options = { ...options, baseUrl };
    this.#transport = transportFor(this.#options, clock);
    this.#shared = {
      appId,
      appSecret,
      clock,
      // `rateLimit`: a limiter shared with other clients of the account, or null for no account budget.
      account:
        options.rateLimit ??
        new RateLimiter({
          ...limiterBase,
          name: "alphaess",
          concurrency: options.rateLimit === null ? Number.POSITIVE_INFINITY : (pacing.concurrency ?? 4),
          limit: options.rateLimit === null ? undefined : pacing.limit,
          windowMs: pacing.windowMs,
        }),
      endpoints: new EndpointLimiters((endpoint) => {
        const minIntervalMs = intervalFor(endpoint);
        const minIntervalMarginMs = pacing.jitterMarginMs ?? Math.max(5, Math.round(minIntervalMs * 0.04));
        return { ...limiterBase, name: `alphaess ${endpoint}`, minIntervalMs, minIntervalMarginMs };
      }),
      cooldown: new WriteCooldown(cooldownFor, clock),
      cooldownFor,
      tooFastBackoffMs: options.tooFastBackoffMs ?? 10_000,
      writeQueues: new Map(),
    };
    this.serialNumber = options.serialNumber;
    this.#timeZone = timeZone;
  }

  /** What `console.log(client)` shows: never the secret. */
  [inspect.custom](): string {
    return `AlphaESS { appId: ${JSON.stringify(redact(this.#shared.appId))}, serialNumber: ${JSON.stringify(this.serialNumber ?? null)}, timeZone: ${JSON.stringify(this.#timeZone)}, baseUrl: ${JSON.stringify(this.#transport.baseUrl)} }`;
  }

  toJSON(): Record<string, unknown> {
    return { vendor: VENDOR, serialNumber: this.serialNumber ?? null, timeZone: this.#timeZone, baseUrl: this.#transport.baseUrl };
  }

  /** The clock the client paces and signs with. */
  get clock(): Clock {
    return this.#shared.clock;
  }

  /** The systems' time zone (dates are local dates in it). */
  get timeZone(): string {
    return this.#timeZone;
  }

  /**
   * A clone scoped to one system. It shares the transport, the rate-limit budget and the write
   * cool-down. `timeZone` sets the zone of this system when it differs from the client's (one
   * AppID may hold systems in several zones); by default the clone keeps this instance's zone.
   */
  forDevice(serialNumber: string, options: { timeZone?: string } = {}): AlphaESS {
    const sn = assertSerial(serialNumber, "serialNumber");
    const timeZone = options.timeZone === undefined ? this.#timeZone : assertTimeZone(options.timeZone, "timeZone");
    return this.derive({ serialNumber: sn, timeZone });
  }

  /**
   * A derived client with other transport settings (timeout, retries, logger, user agent, body
   * limit). It keeps the credentials, the serial number and the time zone, and shares the rate-limit
   * budget, the endpoint pacing, the write cool-down and the write queue with this one.
   */
  withOptions(overrides: ClientOverrides): AlphaESS {
    const options = mergeClientOptions(this.#options, overrides);
    return this.derive({ options, transport: transportFor(options, this.#shared.clock) });
  }

  private derive(change: { serialNumber?: string; timeZone?: string; options?: AlphaESSOptions; transport?: HttpTransport }): AlphaESS {
    const options = change.options ?? this.#options;
    cloneOf = {
      shared: this.#shared,
      serialNumber: change.serialNumber ?? this.serialNumber,
      timeZone: change.timeZone ?? this.#timeZone,
      options,
      transport: change.transport ?? this.#transport,
    };
    try {
      return new AlphaESS(options);
    } finally {
      cloneOf = undefined;
    }
  }

  /** The unified `EnergySystem` view of one system (default: this instance's serial number). */
  system(serialNumber?: string, options: AlphaEssSystemOptions = {}): AlphaEssSystem {
    const sn = this.resolveSerial(serialNumber === undefined ? undefined : { serialNumber });
    return new AlphaEssSystem(this.forDevice(sn), options);
  }

  /** The account-wide budget and each endpoint's pacing. */
  rateLimitState(): { account: RateLimitState; endpoints: RateLimitState[] } {
    return { account: this.#shared.account.state(), endpoints: this.#shared.endpoints.states() };
  }

  /** The client-side cool-down of a write endpoint, ms (0: none). */
  writeCooldownMs(endpoint: AlphaEssWriteEndpoint): number {
    return this.#shared.cooldownFor(endpoint);
  }

  /** When the next write to an endpoint is allowed by the client-side cool-down. */
  nextWriteAllowedAt(endpoint: AlphaEssWriteEndpoint, options?: SerialOrOptions): Date {
    return this.#shared.cooldown.nextAllowedAt(this.resolveSerial(options), endpoint);
  }

  // ----------------------------------------------------------------------------------------
  // Systems and binding

  /** Systems bound to this AppID (`getEssList`); `[]` when none. */
  async listSystems(options: { signal?: AbortSignal } = {}): Promise<AlphaEssSystemInfo[]> {
    const { data } = await this.call("getEssList", { signal: options.signal });
    return parseSystemList(data);
  }

  /**
   * Asks AlphaESS to e-mail a verification code to the system's registered owner (not to you),
   * the first step of binding. `checkCode` is printed on the device label. Never retried (each
   * attempt sends an e-mail). Code 6003 (already bound to this AppID) returns `alreadyBound: true`.
   * The check code is a credential: it is registered for redaction (and masked by name in logged URLs).
   */
  async getVerificationCode(checkCode: string, options?: SerialOrOptions): Promise<VerificationCodeResult> {
    const sn = this.resolveSerial(options);
    const code = assertCode(checkCode, "checkCode");
    registerSecret(code);
    try {
      await this.call("getVerificationCode", { sysSn: sn, query: { sysSn: sn, checkCode: code }, signal: signalOf(options), retry: false });
      return { serialNumber: sn, sent: true, alreadyBound: false };
    } catch (error) {
      if (error instanceof OpenPowerError && error.code === 6003) return { serialNumber: sn, sent: false, alreadyBound: true };
      throw error;
    }
  }

  /** Binds the system to this AppID with the e-mailed code (registered for redaction). Already bound (6003) counts as done. */
  async bindSystem(verificationCode: string, options?: SerialOrOptions): Promise<BindingResult> {
    const sn = this.resolveSerial(options);
    const code = assertCode(verificationCode, "verificationCode");
    registerSecret(code);
    try {
      await this.call("bindSn", { sysSn: sn, json: { sysSn: sn, code }, signal: signalOf(options) });
      return { serialNumber: sn, changed: true, alreadyDone: false };
    } catch (error) {
      if (error instanceof OpenPowerError && error.code === 6003) return { serialNumber: sn, changed: false, alreadyDone: true };
      throw error;
    }
  }

  /** Unbinds the system from this AppID. Not bound (6005) counts as done. */
  async unbindSystem(options?: SerialOrOptions): Promise<BindingResult> {
    const sn = this.resolveSerial(options);
    try {
      await this.call("unBindSn", { sysSn: sn, json: { sysSn: sn }, signal: signalOf(options) });
      return { serialNumber: sn, changed: true, alreadyDone: false };
    } catch (error) {
      if (error instanceof OpenPowerError && error.code === 6005) return { serialNumber: sn, changed: false, alreadyDone: true };
      throw error;
    }
  }

  // ----------------------------------------------------------------------------------------
  // Power and energy

  /**
   * Real-time power (`getLastPowerData`): W, + grid import, + battery discharge, SOC as a
   * fraction, with per-string PV, per-phase grid and inverter, and per-charger EV detail.
   * An all-null payload (Storion-S5) is returned as data with `allNull: true`. An offline
   * system answers 6042 (an `ApiError`, retryable) rather than stale figures.
   */
  async getRealtimePowerUsage(options?: SerialOrOptions): Promise<AlphaEssRealtimePower> {
    const sn = this.resolveSerial(options);
    const { data, receivedAt } = await this.call("getLastPowerData", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseRealtimePower(data, sn, new Date(receivedAt));
  }
  /** The name the Python README documents for `getRealtimePowerUsage` (its code calls it `get_realtime_power_usage`). */
  async getRealtimeEnergyUsage(options?: SerialOrOptions): Promise<AlphaEssRealtimePower> {
    return this.getRealtimePowerUsage(options);
  }

  /** Today's and lifetime counters (`getSumDataForCustomer`); "today" rolls over at UTC midnight on the server. */
  async getSystemSummary(options?: SerialOrOptions): Promise<AlphaEssSystemSummary> {
    const sn = this.resolveSerial(options);
    const { data } = await this.call("getSumDataForCustomer", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseSystemSummary(data, sn);
  }

  /**
   * The power series of one local day (`getOneDayPowerBySn`), about one sample per 5 minutes,
   * **oldest first**, timestamps parsed in this instance's `timeZone`. `date` is "YYYY-MM-DD" in
   * that zone, or a `Date` whose local date there is used.
   */
  async getHistoricalPowerUsage(date: string | Date, options?: SerialOrOptions): Promise<AlphaEssPowerHistory> {
    const sn = this.resolveSerial(options);
    const day = this.queryDate(date);
    const { data } = await this.call("getOneDayPowerBySn", { sysSn: sn, query: { sysSn: sn, queryDate: day }, signal: signalOf(options) });
    return parsePowerHistory(data, sn, day, this.#timeZone);
  }

  /** Energy of one local day (`getOneDateEnergyBySn`), kWh; `aggregated: false` when the server has no figures yet. */
  async getHistoricalEnergyUsage(date: string | Date, options?: SerialOrOptions): Promise<AlphaEssDailyEnergy> {
    const sn = this.resolveSerial(options);
    const day = this.queryDate(date);
    const { data } = await this.call("getOneDateEnergyBySn", {
      sysSn: sn,
      query: { sysSn: sn, queryDate: day },
      signal: signalOf(options),
    });
    return parseDailyEnergy(data, sn, day);
  }

  // ----------------------------------------------------------------------------------------
  // Charge and discharge settings

  /** Grid-charge settings: stop level (fraction), grid charging on/off, two periods. */
  async getChargingSettings(options?: SerialOrOptions): Promise<ChargingSettingsResult> {
    const sn = this.resolveSerial(options);
    const { data } = await this.call("getChargeConfigInfo", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseChargingSettings(data, sn);
  }

  /**
   * Writes the grid-charge settings (`updateChargeConfigInfo`, a full replacement). Give any
   * subset of `{ stopLevel, useGrid, firstPeriod, secondPeriod }`: missing fields are read from
   * the device first and kept. Everything is validated before sending (periods on the 15-minute
   * grid 00:00-23:45, levels 0..1). Never retried; refused locally within the write cool-down;
   * `verify: true` reads back and reports `taken` and `mismatches`; `dryRun: true` sends nothing.
   */
  async setChargingSettings(
    settings: ChargingSettingsInput,
    options?: string | WriteCallOptions,
  ): Promise<AlphaEssWrite<ChargingSettings>> {
    const sn = this.resolveSerial(options);
    const opts = writeOptionsOf(options);
    const given = validateChargingInput(settings);
    return this.writeSettings<ChargingSettings>({
      sn,
      endpoint: "updateChargeConfigInfo",
      opts,
      given,
      keys: ["stopLevel", "useGrid", "firstPeriod", "secondPeriod"],
      read: async () => settingsOf(await this.getChargingSettings({ serialNumber: sn, signal: opts.signal })),
      complete: (s, origin) => validateCompleteCharging(s, origin),
      payload: (s) => chargeBody(sn, s),
    });
  }

  /** Discharge settings: stop level (fraction), time control on/off, two periods. */
  async getDischargingSettings(options?: SerialOrOptions): Promise<DischargingSettingsResult> {
    const sn = this.resolveSerial(options);
    const { data } = await this.call("getDisChargeConfigInfo", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseDischargingSettings(data, sn);
  }

  /** Writes the discharge settings (`updateDisChargeConfigInfo`); same rules as `setChargingSettings`. */
  async setDischargingSettings(
    settings: DischargingSettingsInput,
    options?: string | WriteCallOptions,
  ): Promise<AlphaEssWrite<DischargingSettings>> {
    const sn = this.resolveSerial(options);
    const opts = writeOptionsOf(options);
    const given = validateDischargingInput(settings);
    return this.writeSettings<DischargingSettings>({
      sn,
      endpoint: "updateDisChargeConfigInfo",
      opts,
      given,
      keys: ["stopLevel", "enableTimeControl", "firstPeriod", "secondPeriod"],
      read: async () => settingsOf(await this.getDischargingSettings({ serialNumber: sn, signal: opts.signal })),
      complete: (s, origin) => validateCompleteDischarging(s, origin),
      payload: (s) => dischargeBody(sn, s),
    });
  }

  // ----------------------------------------------------------------------------------------
  // Weekly ("periodic") schedule

  /**
   * The periodic schedule (`getTimeChargeBySn`). Many systems are not entitled to it: code 6017
   * is a `PermissionError`. The read always reports the cycle flags as 0, so `gridCharge` and
   * `dischargeTimeControl` are `null` unless the server says 1.
   */
  async getWeeklySchedule(options?: SerialOrOptions): Promise<WeeklySchedule> {
    const sn = this.resolveSerial(options);
    const { data } = await this.call("getTimeChargeBySn", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseWeeklySchedule(data, sn);
  }

  /**
   * Writes the periodic schedule (`setTimeChargeBySn`), a full replacement. Checked before sending:
   * cycle, both lists non-empty, the 15-minute grid, limits 10-100 % (0.1..1), weekdays when
   * weekly, at most 6 periods a day and 28 a week, no overlaps. On the new AU/NZ/UK cloud backend
   * this is the only write that takes effect.
   */
  async setWeeklySchedule(schedule: WeeklyScheduleInput, options?: string | WriteCallOptions): Promise<AlphaEssWrite<WeeklyScheduleInput>> {
    const sn = this.resolveSerial(options);
    const opts = writeOptionsOf(options);
    const { schedule: requested, body } = validateWeeklySchedule(schedule);
    const payload = {
      sysSn: sn,
      executeCycleType: body.executeCycleType,
      ...(body.gridChargeCycle !== undefined ? { gridChargeCycle: body.gridChargeCycle } : {}),
      ...(body.ctrDisCycle !== undefined ? { ctrDisCycle: body.ctrDisCycle } : {}),
      chargeTimeList: body.chargeTimeList,
      dischargeTimeList: body.dischargeTimeList,
    };
    return this.queuedWrite<WeeklyScheduleInput>({
      sn,
      endpoint: "setTimeChargeBySn",
      opts,
      before: null,
      requested,
      payload,
      readBack: async () => {
        const read = await this.getWeeklySchedule({ serialNumber: sn, signal: opts.signal });
        return { cycle: read.cycle, charge: read.charge, discharge: read.discharge };
      },
      compare: (want, got) => diffFields(comparableSchedule(want), comparableSchedule(got as WeeklyScheduleInput, want)),
    });
  }

  // ----------------------------------------------------------------------------------------
  // EV chargers

  /** EV chargers of the system (`getEvChargerConfigList`); `[]` when none is fitted. */
  async getEvChargerList(options?: SerialOrOptions): Promise<EvCharger[]> {
    const sn = this.resolveSerial(options);
    const { data } = await this.call("getEvChargerConfigList", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseEvChargers(data);
  }
  /** The Python code's name for `getEvChargerList` (its README says `get_ev_charger_list`). */
  async getEvChargerSettings(options?: SerialOrOptions): Promise<EvCharger[]> {
    return this.getEvChargerList(options);
  }

  /** The household current limit the chargers share, A (`getEvChargerCurrentsBySn`). */
  async getEvChargerCurrentDrawSettings(options?: SerialOrOptions): Promise<EvChargerCurrentSettings> {
    const sn = this.resolveSerial(options);
    const { data } = await this.call("getEvChargerCurrentsBySn", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseEvChargerCurrents(data, sn);
  }

  /** Sets the household current limit, A (6..100; `setEvChargerCurrentsBySn`, a POST). */
  async setEvChargerCurrentDrawSettings(
    amps: number,
    options?: string | WriteCallOptions,
  ): Promise<AlphaEssWrite<{ currentLimitA: number | null }>> {
    const sn = this.resolveSerial(options);
    const opts = writeOptionsOf(options);
    const currentLimitA = assertCurrentLimit(amps, "amps");
    return this.queuedWrite<{ currentLimitA: number | null }>({
      sn,
      endpoint: "setEvChargerCurrentsBySn",
      opts,
      before: null,
      requested: { currentLimitA },
      payload: { sysSn: sn, currentsetting: currentLimitA },
      readBack: async () => ({
        currentLimitA: (await this.getEvChargerCurrentDrawSettings({ serialNumber: sn, signal: opts.signal })).currentLimitA,
      }),
      compare: (want, got) => diffFields(want, got),
    });
  }

  /** A charger's status as a typed state (`getEvChargerStatusBySn`). */
  async getEvChargerStatus(chargerSerialNumber: string, options?: SerialOrOptions): Promise<EvChargerStatus> {
    const sn = this.resolveSerial(options);
    const charger = assertSerial(chargerSerialNumber, "chargerSerialNumber");
    const { data } = await this.call("getEvChargerStatusBySn", {
      sysSn: sn,
      query: { sysSn: sn, evchargerSn: charger },
      signal: signalOf(options),
    });
    return parseEvChargerStatus(data, sn, charger);
  }

  /**
   * Starts (`charging: true`) or stops a charger (`remoteControlEvCharger`). With `verify: true`
   * the status is read back: a start is taken when the charger reports Charging, a stop when it
   * no longer does (the car may take a moment to respond; a start into SuspendedEV reads as not taken).
   */
  async controlEvCharger(
    chargerSerialNumber: string,
    charging: boolean,
    options?: string | WriteCallOptions,
  ): Promise<AlphaEssWrite<{ charging: boolean }>> {
    const sn = this.resolveSerial(options);
    const opts = writeOptionsOf(options);
    const charger = assertSerial(chargerSerialNumber, "chargerSerialNumber");
    if (typeof charging !== "boolean")
      throw new ValidationError(`charging must be true (start) or false (stop), got ${JSON.stringify(charging)}. Nothing was sent.`, {
        vendor: VENDOR,
        field: "charging",
      });
    return this.queuedWrite<{ charging: boolean }>({
      sn,
      endpoint: "remoteControlEvCharger",
      opts,
      before: null,
      requested: { charging },
      payload: { sysSn: sn, evchargerSn: charger, controlMode: charging ? 1 : 0 },
      readBack: async () => ({
        charging: (await this.getEvChargerStatus(charger, { serialNumber: sn, signal: opts.signal })).state === "charging",
      }),
      compare: (want, got) => diffFields(want, got),
    });
  }

  // ----------------------------------------------------------------------------------------
  // Internals

  /** The serial number to use, or a `ValidationError` (nothing sent) when there is none or it is malformed. */
  private resolveSerial(options: SerialOrOptions | undefined): string {
    const explicit = typeof options === "string" ? options : options?.serialNumber;
    const sn = explicit ?? this.serialNumber;
    if (sn === undefined) {
      throw new ValidationError(
        "This method needs a system serial number: pass { serialNumber }, set serialNumber in the constructor, or use forDevice(serialNumber). Nothing was sent.",
        { vendor: VENDOR, field: "serialNumber" },
      );
    }
    return assertSerial(sn, "serialNumber");
  }

  private queryDate(date: string | Date): string {
    if (date instanceof Date) {
      if (!Number.isFinite(date.getTime()))
        throw new ValidationError("date is an invalid Date. Nothing was sent.", { vendor: VENDOR, field: "date" });
      return localDate(date, this.#timeZone);
    }
    return assertCalendarDate(date, "date");
  }

  /** One signed request; returns the envelope's `data` or throws the typed error for its code. */
  private async call(
    endpoint: AlphaEssEndpoint,
    request: {
      sysSn?: string;
      query?: Record<string, string>;
      json?: Record<string, unknown>;
      signal?: AbortSignal;
      retry?: false;
      onSend?: () => void;
    },
  ): Promise<CallResult> {
    const spec = ENDPOINTS[endpoint];
    const shared = this.#shared;
    let data: unknown = null;
    const response: TransportResponse = await this.#transport.request({
      method: spec.method,
      path: endpoint,
      query: request.query,
      json: spec.method === "POST" ? request.json : undefined,
      headers: () => alphaEssAuthHeaders(shared.appId, shared.appSecret, shared.clock.now()),
      operation: endpoint,
      signal: request.signal,
      // The endpoint's spacing first, then an account slot: a request waiting for its endpoint's
      // interval holds no account slot, so calls to idle endpoints never queue behind a busy one.
      // The endpoint limiter lets one request at a time wait for the account and the transport
      // restamps both at the real send, so one endpoint's requests are never squeezed together.
      limiters: [shared.endpoints.get(endpoint), shared.account],
      retry: spec.write || request.retry === false ? false : undefined,
      onSend: request.onSend,
      onResponse: (res) => {
        if (!res.ok) return;
        const envelope = parseEnvelope(res.data, endpoint, res.status);
        if (envelope.code !== 200) {
          // A 6053 is a RateLimitError with retryAfterMs = tooFastBackoffMs: the transport then
          // blocks the account and this endpoint until the pause is over.
          throw envelopeError(envelope, {
            operation: endpoint,
            sysSn: request.sysSn,
            status: res.status,
            requestId: res.requestId,
            headers: res.headers,
            receivedAt: res.receivedAt,
            tooFastBackoffMs: shared.tooFastBackoffMs,
          });
        }
        data = envelope.data;
      },
    });
    return { data, receivedAt: response.receivedAt };
  }

  /** Partial update of a full-replacement config: validate, read and merge when needed, validate, write. */
  private async writeSettings<T extends object>(args: SettingsWrite<T>): Promise<AlphaEssWrite<T>> {
    const { sn, endpoint, opts } = args;
    if (!opts.dryRun) this.#shared.cooldown.check(sn, endpoint);
    // Two partial updates of one config must not both read the old state and overwrite each other.
    return this.serialized(sn, endpoint, () => {
      // An earlier write may have gone out while this one waited: no need to read for a write that would be refused.
      if (!opts.dryRun) this.#shared.cooldown.check(sn, endpoint);
      return this.mergeAndWrite(args);
    });
  }

  /**
   * A write that needs no merge, queued behind earlier writes to the same system and endpoint, so
   * that the cool-down (recorded when a write is sent) is checked after they went out.
   */
  private async queuedWrite<T>(args: WriteArgs<T>): Promise<AlphaEssWrite<T>> {
    if (!args.opts.dryRun) this.#shared.cooldown.check(args.sn, args.endpoint);
    return this.serialized(args.sn, args.endpoint, () => this.sendWrite(args));
  }

  /** Runs `task` after every earlier write to the same system and endpoint has settled. */
  private async serialized<R>(sn: string, endpoint: string, task: () => Promise<R>): Promise<R> {
    const queues = this.#shared.writeQueues;
    const key = `${sn}\u0000${endpoint}`;
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    queues.set(key, tail);
    try {
      return await run;
    } finally {
      if (queues.get(key) === tail) queues.delete(key);
    }
  }

  private async mergeAndWrite<T extends object>(args: SettingsWrite<T>): Promise<AlphaEssWrite<T>> {
    const { sn, endpoint, opts, given, keys } = args;
    const missing = keys.filter((k) => given[k] === undefined);
    let before: T | null = null;
    let requested: T;
    if (missing.length === 0) {
      requested = args.complete(given as T, "settings");
    } else {
      before = await args.read();
      const merged = { ...before, ...definedOnly(given) } as T;
      try {
        requested = args.complete(merged, "settings");
      } catch (error) {
        const field = error instanceof ValidationError ? (error.field ?? "") : "";
        if (missing.some((k) => field === `settings.${String(k)}` || field.startsWith(`settings.${String(k)}.`))) {
          throw new ValidationError(
            `The system currently holds a value openpower will not write back: ${(error as Error).message.replace(/ Nothing was sent\.$/, "")} ` +
              `Pass ${missing.map(String).join(", ")} explicitly. Nothing was sent.`,
            { vendor: VENDOR, field },
          );
        }
        throw error;
      }
    }
    return this.sendWrite<T>({
      sn,
      endpoint,
      opts,
      before,
      requested,
      payload: args.payload(requested),
      readBack: args.read,
      compare: (want, got) => diffFields(want, got),
    });
  }

  /**
   * Sends one write (never retried), honouring dryRun and the cool-down, and verifies when asked.
   * Run inside `serialized` for its system and endpoint. A failed write throws; a read-back that
   * fails after the write went out does not: the result says `sent: true`, `taken: null` and
   * carries the error in `readBackError`.
   */
  private async sendWrite<T>(args: WriteArgs<T>): Promise<AlphaEssWrite<T>> {
    const { sn, endpoint, opts } = args;
    const dryRun = Boolean(opts.dryRun);
    const result: AlphaEssWrite<T> = {
      write: {
        target: `POST ${endpoint}`,
        description: `Write ${endpoint} of system ${sn}`,
        before: args.before,
        after: args.requested,
        changes: args.before === null ? [] : diffFields(args.before, args.requested),
        constraints: [],
        payload: args.payload,
      },
      sent: false,
      taken: null,
      mismatches: [],
      detail: { serialNumber: sn, endpoint, dryRun, before: args.before, requested: args.requested, payload: args.payload },
    };
    if (dryRun) return result;
    const cooldown = this.#shared.cooldown;
    cooldown.check(sn, endpoint);
    let forget: (() => void) | undefined;
    try {
      // The cool-down counts from the real send: not from a wait for the rate limits that may be
      // aborted, nor from before a 6053 pause.
      await this.call(endpoint, {
        sysSn: sn,
        json: args.payload,
        signal: opts.signal,
        onSend: () => (forget = cooldown.mark(sn, endpoint)),
      });
    } catch (error) {
      const sent = failedWriteSent(error);
      // A write the server provably refused changed nothing; a 6053 still counts against its throttle.
      if (forget && sent === false && !(error instanceof OpenPowerError && error.code === 6053)) forget();
      // The outcome is unknown (a lost answer, a timeout, a 5xx): with verify, the read-back tells (issue 12, item 26).
      if (sent !== null || !opts.verify || !(error instanceof OpenPowerError)) throw error;
      result.sent = null;
      result.errorCode = errorCodeOf(error);
      try {
        const readBack = await args.readBack();
        result.readBack = readBack;
        result.mismatches = args.compare(args.requested, readBack);
        result.taken = result.mismatches.length === 0;
        result.error = `It is unknown whether it reached the system (${error.message}); it was read back: ${result.taken ? "the system holds it" : "the system does not hold it"}.`;
      } catch (readError) {
        result.error = `It is unknown whether it reached the system (${error.message}), and reading it back failed too: ${(readError as Error).message}`;
      }
      return result;
    }
    result.sent = true;
    if (opts.verify) {
      try {
        const readBack = await args.readBack();
        result.readBack = readBack;
        result.mismatches = args.compare(args.requested, readBack);
        result.taken = result.mismatches.length === 0;
      } catch (error) {
        result.error = `Sent, but reading it back failed, so whether the system took it is unknown: ${(error as Error).message}`;
        result.errorCode = errorCodeOf(error);
      }
    }
    return result;
  }
}

/** The HTTP transport for a client's options (a derived client with other transport settings gets its own). */
function transportFor(options: AlphaESSOptions, clock: Clock): HttpTransport {
  const retry = options.retry === false ? { limit: 0 } : options.retry;
  return new HttpTransport({
    vendor: VENDOR,
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
    clock,
    fetch: options.fetch,
    logger: options.logger,
    userAgent: options.userAgent,
    timeoutMs: options.timeoutMs ?? 30_000,
    maxResponseBytes: options.maxResponseBytes,
    retry,
    mapHttpError: httpError,
  });
}

function signalOf(options: SerialOrOptions | undefined): AbortSignal | undefined {
  return typeof options === "object" ? options.signal : undefined;
}

function writeOptionsOf(options: string | WriteCallOptions | undefined): WriteCallOptions {
  if (options === undefined || typeof options === "string") return {};
  if (typeof options !== "object" || options === null)
    throw new ValidationError("options must be an object.", { vendor: VENDOR, field: "options" });
  return options;
}

function definedOnly<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function chargeBody(sysSn: string, s: ChargingSettings): UpdateChargeConfigBody & Record<string, unknown> {
  return { sysSn, ...chargeConfigFields(s) };
}

function dischargeBody(sysSn: string, s: DischargingSettings): UpdateDischargeConfigBody & Record<string, unknown> {
  return { sysSn, ...dischargeConfigFields(s) };
}

/**
 * The parts of a schedule the read reports faithfully (not the cycle flags), in a canonical order.
 * Given the requested schedule, a read-back period's power is ignored where the request left it
 * out: the device may report its own default there, which is not a change that failed.
 */
function comparableSchedule(
  s: Pick<WeeklyScheduleInput, "cycle" | "charge" | "discharge">,
  requested?: Pick<WeeklyScheduleInput, "charge" | "discharge">,
): unknown {
  const weekly = s.cycle === "weekly";
  const unset = (list: SchedulePeriod[] | undefined) =>
    new Set((list ?? []).filter((p) => p.powerW === undefined).map((p) => `${p.start}-${p.end}`));
  const periods = (list: SchedulePeriod[], noPower: Set<string>) =>
    list
      .map((p) => ({
        start: p.start,
        end: p.end,
        weekdays: weekly ? [...(p.weekdays ?? [])].sort((a, b) => a - b) : null,
        powerW: noPower.has(`${p.start}-${p.end}`) ? null : (p.powerW ?? null),
        limit: p.limit,
      }))
      .sort((a, b) => (a.start + a.end).localeCompare(b.start + b.end));
  return {
    cycle: s.cycle,
    charge: periods(s.charge, unset(requested?.charge)),
    discharge: periods(s.discharge, unset(requested?.discharge)),
  };
}
