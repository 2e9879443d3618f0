import { systemClock, type Clock } from "../core/clock.js";
import { mergeClientOptions, type ClientOverrides } from "../core/client-options.js";
import { ConfigurationError, OpenPowerError, ValidationError } from "../core/errors/index.js";
import { HttpTransport } from "../core/http/transport.js";
import type { TransportResponse } from "../core/http/types.js";
import { RateLimiter } from "../core/rate-limit/limiter.js";
import { registerSecret } from "../core/redact.js";
import { assertCalendarDate } from "../core/time/calendar-date.js";
import { assertTimeZone, localDate, systemTimeZone } from "../core/time/zoned.js";
import { diffFields } from "../model/helpers.js";
import type { FieldChange } from "../model/types.js";
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
import type { AlphaEssWrite } from "./models.js";
import type { AlphaESSOptions, AlphaEssPacing, SerialOrOptions, WriteCallOptions } from "./options.js";
import { alphaEssAuthHeaders } from "./signature.js";
import { assertSerial } from "./validate.js";
import { WriteCooldown } from "./write-cooldown.js";
import { errorCodeOf, failedWriteSent } from "./write-outcome.js";

/**
 * The request machinery every AlphaESS resource uses: signing, pacing, the envelope, and guarded
 * writes (validation, cool-down, a queue per system and endpoint, read-back). One instance per
 * client; clones (`forDevice`, `withOptions`) share its `Shared` state. @internal
 */

const DEFAULT_MIN_INTERVAL_MS = 1250;
const DEFAULT_WRITE_COOLDOWN_MS = 30_000;

/** State shared by a client and its clones: one rate budget, one endpoint pacing, one write cool-down and queue. */
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
export interface SettingsWrite<T> {
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
export interface WriteArgs<T> {
  sn: string;
  endpoint: AlphaEssWriteEndpoint;
  opts: WriteCallOptions;
  before: T | null;
  requested: T;
  payload: Record<string, unknown>;
  readBack: () => Promise<T>;
  compare: (want: T, got: T) => FieldChange[];
}

export interface CallResult {
  data: unknown;
  receivedAt: number;
}

export class AlphaEssRequester {
  // #private: util.inspect and JSON.stringify never show them (the shared state holds the app secret).
  readonly #shared: Shared;
  readonly #transport: HttpTransport;
  readonly #options: AlphaESSOptions;

  private constructor(
    shared: Shared,
    transport: HttpTransport,
    options: AlphaESSOptions,
    /** The default serial number, if any. */
    readonly serialNumber: string | undefined,
    /** The systems' time zone (dates are local dates in it). */
    readonly timeZone: string,
  ) {
    this.#shared = shared;
    this.#transport = transport;
    this.#options = options;
  }

  /** Validates the options (a `ConfigurationError` for a bad one) and builds the shared state. */
  static create(options: AlphaESSOptions): AlphaEssRequester {
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
    const resolved = { ...options, baseUrl };
    const shared: Shared = {
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
      tooFastBackoffMs: options.tooFastBackoffMs ?? tooFastBackoffFor(pacing.minIntervalMs),
      writeQueues: new Map(),
    };
    return new AlphaEssRequester(shared, transportFor(resolved, clock), resolved, options.serialNumber, timeZone);
  }

  /** A clone: another serial number or zone, or other transport settings; the shared state stays. */
  derive(change: { serialNumber?: string; timeZone?: string; overrides?: ClientOverrides }): AlphaEssRequester {
    const options = change.overrides ? mergeClientOptions(this.#options, change.overrides) : this.#options;
    const transport = change.overrides ? transportFor(options, this.#shared.clock) : this.#transport;
    return new AlphaEssRequester(
      this.#shared,
      transport,
      options,
      change.serialNumber ?? this.serialNumber,
      change.timeZone ?? this.timeZone,
    );
  }

  get clock(): Clock {
    return this.#shared.clock;
  }

  get appId(): string {
    return this.#shared.appId;
  }

  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  rateLimitStates(): { account: ReturnType<RateLimiter["state"]>; endpoints: ReturnType<EndpointLimiters["states"]> } {
    return { account: this.#shared.account.state(), endpoints: this.#shared.endpoints.states() };
  }

  cooldownMs(endpoint: AlphaEssWriteEndpoint): number {
    return this.#shared.cooldownFor(endpoint);
  }

  nextWriteAllowedAt(serialNumber: string, endpoint: AlphaEssWriteEndpoint): Date {
    return this.#shared.cooldown.nextAllowedAt(serialNumber, endpoint);
  }

  /** The serial number to use, or a `ValidationError` (nothing sent) when there is none or it is malformed. */
  resolveSerial(options: SerialOrOptions | undefined): string {
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

  queryDate(date: string | Date): string {
    if (date instanceof Date) {
      if (!Number.isFinite(date.getTime()))
        throw new ValidationError("date is an invalid Date. Nothing was sent.", { vendor: VENDOR, field: "date" });
      return localDate(date, this.timeZone);
    }
    return assertCalendarDate(date, "date");
  }

  /** One signed request; returns the envelope's `data` or throws the typed error for its code. */
  async call(
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
  async writeSettings<T extends object>(args: SettingsWrite<T>): Promise<AlphaEssWrite<T>> {
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
  async queuedWrite<T>(args: WriteArgs<T>): Promise<AlphaEssWrite<T>> {
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

  async mergeAndWrite<T extends object>(args: SettingsWrite<T>): Promise<AlphaEssWrite<T>> {
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
  async sendWrite<T>(args: WriteArgs<T>): Promise<AlphaEssWrite<T>> {
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

export function signalOf(options: SerialOrOptions | undefined): AbortSignal | undefined {
  return typeof options === "object" ? options.signal : undefined;
}

export function writeOptionsOf(options: string | WriteCallOptions | undefined): WriteCallOptions {
  if (options === undefined || typeof options === "string") return {};
  if (typeof options !== "object" || options === null)
    throw new ValidationError("options must be an object.", { vendor: VENDOR, field: "options" });
  return options;
}

function definedOnly<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The pause after a 6053 when none is configured: 10 s (the live interval), or with a configured spacing (a developer
 * account's 25 ms) four times the longest one, at least 100 ms: the server's window has passed long before, and a 10 s
 * pause of every request would cost such an account hundreds of requests for one that arrived a few ms early.
 */
function tooFastBackoffFor(minIntervalMs: AlphaEssPacing["minIntervalMs"]): number {
  if (minIntervalMs === undefined) return 10_000;
  const longest = typeof minIntervalMs === "number" ? minIntervalMs : Math.max(0, ...Object.values(minIntervalMs).map(Number));
  return Math.min(10_000, Math.max(100, 4 * longest));
}
