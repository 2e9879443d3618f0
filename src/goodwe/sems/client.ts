import { inspect } from "node:util";
import { systemClock, type Clock } from "../../core/clock.js";
import {
  ApiError,
  AuthenticationError,
  ConfigurationError,
  RateLimitError,
  ResponseFormatError,
  ValidationError,
} from "../../core/errors/index.js";
import type { OpenPowerError } from "../../core/errors/index.js";
import { mergeClientOptions, type ClientOptions, type ClientOverrides } from "../../core/client-options.js";
import { DEFAULT_USER_AGENT, HttpTransport } from "../../core/http/transport.js";
import type { TransportResponse } from "../../core/http/types.js";
import { parseRateLimitHeaders } from "../../core/rate-limit/headers.js";
import { RateLimiter } from "../../core/rate-limit/limiter.js";
import { redactValue, registerSecret } from "../../core/redact.js";
import { assertCalendarDate } from "../../core/time/calendar-date.js";
import { parseWith } from "../../core/validation.js";
import { CODE_AUTH_EXPIRED, CODE_MIGRATED, envelopeError, isEnvelope, isSuccess, type SemsEnvelope } from "./errors.js";
import { loginDataSchema, parseMonitorDetail, parsePlantPowerChart, type MonitorDetail, type PlantPowerChart } from "./models.js";
import { normaliseApiBase, preLoginTokenHeader, sessionTokenHeader, type SemsSession, type TokenIdentity } from "./token.js";
import { SemsStation, type SemsStationOptions } from "./station.js";

export const DEFAULT_SEMS_LOGIN_URL = "https://www.semsportal.com/api/v2/Common/CrossLogin";

export interface SemsClientOptions extends ClientOptions {
  /** The SEMS Portal account e-mail. */
  email: string;
  password: string;
  /** Legacy CrossLogin URL (v1, v2 or v3). Default `https://www.semsportal.com/api/v2/Common/CrossLogin`. */
  loginUrl?: string;
  /** Token header `version`. Default "v2.1.0" (the server answers 100000 without one). */
  tokenVersion?: string;
  /** Token header `client`: "ios" (default) or "web". */
  tokenClient?: string;
  language?: string;
  // timeoutMs: per attempt, default 15 000 ms. retry: reads only, default 2 retries; `false` for none.
  // rateLimit: the account's request budget; default at most 2 requests in flight, waiting at most 10 s for a slot.
  /** How long to pause the account after GY0429, ms. Default 300 000 (5 minutes). */
  rateLimitPauseMs?: number;
  /** Longest `Retry-After` (or other server-imposed pause) honoured, ms. Default 3 600 000. It caps the default limiter's blocks (`maxBlockMs`). */
  maxRetryAfterMs?: number;
  /** Allow the experimental `saveRemoteControlInverter` (inverter start/stop). Default false. */
  experimentalControl?: boolean;
}

/** What `saveRemoteControlInverter` did. */
export interface RemoteControlResult {
  serialNumber: string;
  action: "start" | "stop";
  dryRun: boolean;
  sent: boolean;
  /** The request body sent (or that would be sent). */
  payload: Record<string, string>;
  /** SEMS only queues the command (it takes minutes): whether it took cannot be read back at once. */
  taken: null;
  note: string;
}

type ApiPath = string;

/**
 * The unofficial, reverse-engineered SEMS Portal client (legacy `semsportal.com`): monitoring of
 * the plants of one account, and opt-in experimental inverter start/stop. GoodWe is migrating
 * accounts to SEMS+ in 2026; a migrated account answers with empty data, reported as an
 * `ApiError` with code `MIGRATED_TO_SEMS_PLUS`. It may break without notice.
 *
 * One login per client, shared by scoped station handles (`forStation`); after a 100002 "expired"
 * answer the client logs in again once and repeats the request. GY0429 and HTTP 429 pause the
 * whole account.
 */
export class SemsClient {
  readonly transport: HttpTransport;
  readonly limiter: RateLimiter | null;
  readonly clock: Clock;
  private readonly email: string;
  // Private fields (#): never shown by util.inspect, never serialised.
  readonly #password: string;
  private readonly loginUrl: string;
  private readonly identity: TokenIdentity;
  private readonly rateLimitPauseMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly experimentalControl: boolean;
  /** The login, shared with clients derived by `withOptions` (one account, one session). */
  #auth: { session: SemsSession | null; loggingIn: Promise<SemsSession> | null } = { session: null, loggingIn: null };
  readonly #options: SemsClientOptions;

  constructor(options: SemsClientOptions) {
    if (typeof options.email !== "string" || !options.email.includes("@"))
      throw new ConfigurationError("email must be the SEMS Portal account's e-mail address.", { setting: "email", vendor: "goodwe-sems" });
    if (typeof options.password !== "string" || options.password === "")
      throw new ConfigurationError("password must be the SEMS Portal account's password.", { setting: "password", vendor: "goodwe-sems" });
    registerSecret(options.password);
    this.email = options.email;
    this.#password = options.password;
    this.loginUrl = options.loginUrl ?? DEFAULT_SEMS_LOGIN_URL;
    let origin: string;
    try {
      origin = new URL(this.loginUrl).origin;
    } catch {
      throw new ConfigurationError(`loginUrl must be an absolute URL, got ${JSON.stringify(options.loginUrl)}.`, {
        setting: "loginUrl",
        vendor: "goodwe-sems",
      });
    }
    this.identity = { version: options.tokenVersion ?? "v2.1.0", client: options.tokenClient ?? "ios", language: options.language ?? "en" };
    this.clock = options.clock ?? systemClock;
    this.rateLimitPauseMs = options.rateLimitPauseMs ?? 300_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 3_600_000;
    this.experimentalControl = options.experimentalControl ?? false;
    this.#options = options;
    this.limiter =
      options.rateLimit === undefined
        ? new RateLimiter({
            name: "goodwe-sems",
            vendor: "goodwe-sems",
            concurrency: 2,
            maxWaitMs: 10_000,
            maxBlockMs: this.maxRetryAfterMs,
            clock: this.clock,
          })
        : options.rateLimit;
    this.transport = new HttpTransport({
      vendor: "goodwe-sems",
      baseUrl: origin,
      fetch: options.fetch,
      clock: this.clock,
      logger: options.logger,
      timeoutMs: options.timeoutMs ?? 15_000,
      limiter: this.limiter,
      retry: options.retry === false ? { limit: 0 } : { limit: 2, ...options.retry },
      ...(options.userAgent ? { userAgent: `${DEFAULT_USER_AGENT} ${options.userAgent}` } : {}),
      ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
      mapHttpError: (response) => this.mapHttpError(response),
    });
  }

  /** Logs in (again) with CrossLogin and returns the session; later calls use its regional `api` base. */
  async crossLogin(options: { signal?: AbortSignal } = {}): Promise<SemsSession> {
    this.#auth.loggingIn ??= this.login(options).finally(() => {
      this.#auth.loggingIn = null;
    });
    return this.#auth.loggingIn;
  }

  /** The ID of the account's (first) power station. */
  async getPowerStationIdByOwner(options: { signal?: AbortSignal } = {}): Promise<string> {
    const body = await this.call("PowerStation/GetPowerStationIdByOwner", undefined, "GetPowerStationIdByOwner", options);
    if (typeof body.data !== "string" || body.data === "") {
      throw new ResponseFormatError(
        "SEMS returned no power station ID for this account. Check in the SEMS app that the account owns a plant.",
        { vendor: "goodwe-sems", operation: "GetPowerStationIdByOwner", path: "data" },
      );
    }
    return body.data;
  }

  /** The plant's realtime detail: KPIs, inverters, power flow (with its direction flags), SOC, today's and lifetime statistics. */
  async getMonitorDetailByPowerstationId(
    powerStationId: string,
    options: { signal?: AbortSignal; version?: "v2" | "v3" } = {},
  ): Promise<MonitorDetail> {
    assertStationId(powerStationId);
    const operation = "GetMonitorDetailByPowerstationId";
    const body = await this.call(
      `${options.version ?? "v2"}/PowerStation/GetMonitorDetailByPowerstationId`,
      { powerStationId },
      operation,
      options,
    );
    if (body.data === null || body.data === undefined || (typeof body.data === "object" && Object.keys(body.data).length === 0)) {
      throw new ApiError(
        "SEMS answered this account with empty data: it has most likely been moved to SEMS+, which no longer serves the legacy portal API. openpower does not speak SEMS+ yet; use the local inverter protocol (GoodWeInverter) instead.",
        { vendor: "goodwe-sems", code: CODE_MIGRATED, operation, retryable: false },
      );
    }
    return parseMonitorDetail(body.data, body, operation);
  }

  /** One local day's 5-minute power curves (PV, battery, meter, load, SOC). `date` is "YYYY-MM-DD". */
  async getPlantPowerChart(powerStationId: string, date: string, options: { signal?: AbortSignal } = {}): Promise<PlantPowerChart> {
    assertStationId(powerStationId);
    assertCalendarDate(date, "date");
    const body = await this.call(
      "v2/Charts/GetPlantPowerChart",
      { id: powerStationId, date, full_script: false },
      "GetPlantPowerChart",
      options,
    );
    if (body.data === null || body.data === undefined) {
      throw new ResponseFormatError("SEMS returned no chart data.", {
        vendor: "goodwe-sems",
        operation: "GetPlantPowerChart",
        path: "data",
      });
    }
    return parsePlantPowerChart(body.data, date, body);
  }

  /**
   * EXPERIMENTAL: asks SEMS to stop ("stop", InverterStatus 2) or start ("start", 4) an inverter.
   * Needs `experimentalControl: true` and an owner (not visitor) account. SEMS only queues it: the
   * inverter follows within minutes, so the result cannot be read back at once (`taken: null`);
   * watch `status` in the monitor detail. Sent once, never retried.
   */
  async saveRemoteControlInverter(
    serialNumber: string,
    action: "start" | "stop",
    options: { dryRun?: boolean; signal?: AbortSignal } = {},
  ): Promise<RemoteControlResult> {
    if (!this.experimentalControl) {
      throw new ConfigurationError(
        "Inverter start/stop through SEMS is experimental: create the client with experimentalControl: true to use it.",
        { setting: "experimentalControl", vendor: "goodwe-sems" },
      );
    }
    if (typeof serialNumber !== "string" || !/^[0-9A-Za-z]{8,20}$/.test(serialNumber))
      throw new ValidationError(
        `serialNumber must be the inverter's serial (8–20 letters and digits), got ${JSON.stringify(serialNumber)}.`,
        { field: "serialNumber", vendor: "goodwe-sems" },
      );
    if (action !== "start" && action !== "stop")
      throw new ValidationError(`action must be "start" or "stop", got ${JSON.stringify(action)}.`, {
        field: "action",
        vendor: "goodwe-sems",
      });
    const payload = { InverterSN: serialNumber, InverterStatusSettingMark: "1", InverterStatus: action === "stop" ? "2" : "4" };
    const note =
      "SEMS queues the command; the inverter follows within a few minutes (a restart takes about 60 s). Check the inverter status in the monitor detail.";
    if (options.dryRun) return { serialNumber, action, dryRun: true, sent: false, payload, taken: null, note };
    await this.call("PowerStation/SaveRemoteControlInverter", payload, "SaveRemoteControlInverter", { ...options, write: true });
    return { serialNumber, action, dryRun: false, sent: true, payload, taken: null, note };
  }

  /** A station-scoped handle implementing `EnergySystem`; shares this client's login, transport and budget. */
  forStation(powerStationId: string, options: SemsStationOptions = {}): SemsStation {
    assertStationId(powerStationId);
    return new SemsStation(this, powerStationId, options);
  }

  /**
   * A client with other transport options (timeout, retry, logger, user agent) that shares this
   * one's login and request budget.
   */
  withOptions(overrides: ClientOverrides): SemsClient {
    const derived = new SemsClient({ ...mergeClientOptions(this.#options, overrides), rateLimit: this.limiter });
    derived.#auth = this.#auth;
    return derived;
  }

  /** What `console.log(client)` shows: the account and the API base, never the password or the token. */
  [inspect.custom](): string {
    return `SemsClient ${inspect(this.toJSON())}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      vendor: "goodwe-sems",
      email: this.email,
      loginUrl: this.loginUrl,
      api: this.#auth.session?.api ?? null,
      loggedIn: this.#auth.session !== null,
    };
  }

  /** Forgets the session (the next call logs in). */
  logout(): void {
    this.#auth.session = null;
  }

  /** The current session, if logged in, with the token redacted (for diagnostics). */
  get currentSession(): Readonly<SemsSession> | null {
    return this.#auth.session ? (redactValue(this.#auth.session) as SemsSession) : null;
  }

  // ---- internals ----

  private async login(options: { signal?: AbortSignal }): Promise<SemsSession> {
    const response = await this.transport.request<unknown>({
      method: "POST",
      path: this.loginUrl,
      json: { account: this.email, pwd: this.#password },
      headers: { token: preLoginTokenHeader(this.identity) },
      operation: "CrossLogin",
      // A login is safe to repeat.
      idempotent: true,
      signal: options.signal,
      onResponse: (r, req) => this.checkEnvelope(r, req.operation),
    });
    const body = response.data as SemsEnvelope & { api?: unknown };
    const data = body.data as Record<string, unknown> | null | undefined;
    if (!data || typeof data !== "object" || typeof data.token !== "string" || data.token === "") {
      throw new AuthenticationError(
        "SEMS accepted the login but sent no token. The account has probably been moved to SEMS+; openpower does not speak SEMS+ yet.",
        { vendor: "goodwe-sems", operation: "CrossLogin", code: "no-token" },
      );
    }
    // Before anything else can fail: a parse error quotes the login data in its excerpt.
    registerSecret(data.token);
    const parsed = parseWith(loginDataSchema, data, { vendor: "goodwe-sems", operation: "CrossLogin", pathPrefix: "data" });
    const api = typeof body.api === "string" && /^https?:\/\//.test(body.api) ? body.api : typeof data.api === "string" ? data.api : null;
    if (!api)
      throw new ResponseFormatError("SEMS's login answer has no regional `api` base URL.", {
        vendor: "goodwe-sems",
        operation: "CrossLogin",
        path: "api",
      });
    this.#auth.session = {
      uid: parsed.uid,
      timestamp: parsed.timestamp,
      token: parsed.token,
      client: parsed.client || this.identity.client,
      version: parsed.version || this.identity.version,
      language: parsed.language || this.identity.language,
      api: normaliseApiBase(api),
      obtainedAt: this.clock.now(),
    };
    return this.#auth.session;
  }

  private async call(
    path: ApiPath,
    json: unknown,
    operation: string,
    options: { signal?: AbortSignal; write?: boolean },
  ): Promise<SemsEnvelope> {
    for (let attempt = 1; ; attempt++) {
      const session = this.#auth.session ?? (await this.crossLogin(options));
      try {
        const response = await this.transport.request<unknown>({
          method: "POST",
          path: `${session.api}${path}`,
          json: json ?? {},
          headers: () => ({ token: sessionTokenHeader(session) }),
          operation,
          idempotent: !options.write,
          retry: options.write ? false : undefined,
          signal: options.signal,
          onResponse: (r, req) => this.checkEnvelope(r, req.operation),
        });
        return response.data as SemsEnvelope;
      } catch (error) {
        // 100002: the token expired. Log in again once and repeat (for a write too: it was refused, not done).
        if (attempt === 1 && error instanceof AuthenticationError && error.code === CODE_AUTH_EXPIRED) {
          if (this.#auth.session === session) this.#auth.session = null;
          continue;
        }
        // C0602: this login was replaced or went bad; the next call logs in afresh.
        if (error instanceof ApiError && error.code === "C0602" && this.#auth.session === session) this.#auth.session = null;
        throw error;
      }
    }
  }

  private checkEnvelope(response: TransportResponse, operation: string | undefined): void {
    if (!response.ok || !isEnvelope(response.data)) {
      if (response.ok && (response.data === null || typeof response.data !== "object")) {
        throw new ResponseFormatError(`SEMS sent a body without its usual envelope for ${operation ?? "a request"}.`, {
          vendor: "goodwe-sems",
          operation,
          status: response.status,
        });
      }
      return;
    }
    if (isSuccess(response.data)) return;
    const error = envelopeError(response.data, { operation, status: response.status, rateLimitPauseMs: this.rateLimitPauseMs });
    if (error instanceof RateLimitError) this.limiter?.blockUntil(this.clock.now() + this.rateLimitPauseMs);
    throw error;
  }

  /**
   * HTTP 429. The transport has already fed `Retry-After` to the limiter (capped by its
   * `maxBlockMs`); SEMS adds a default pause of a minute when the answer names none, and reports
   * the wait it will really observe.
   */
  private mapHttpError(response: TransportResponse): OpenPowerError | undefined {
    if (response.status !== 429) return undefined;
    const hints = parseRateLimitHeaders(response.headers, response.receivedAt);
    const asked = hints.retryAfterMs ?? hints.resetAfterMs;
    const retryAfterMs = Math.min(asked ?? 60_000, this.maxRetryAfterMs);
    if (asked === undefined) this.limiter?.blockUntil(response.receivedAt + retryAfterMs);
    return new RateLimitError(
      `SEMS rate limit reached (HTTP 429). The account is paused for ${Math.ceil(retryAfterMs / 1000)} s; poll less often.`,
      {
        vendor: "goodwe-sems",
        status: 429,
        retryAfterMs,
        resetAt: new Date(response.receivedAt + retryAfterMs),
      },
    );
  }
}

function assertStationId(id: unknown): void {
  if (typeof id !== "string" || !/^[0-9A-Za-z-]{8,64}$/.test(id)) {
    throw new ValidationError(`powerStationId must be the plant's ID (a UUID from getPowerStationIdByOwner), got ${JSON.stringify(id)}.`, {
      field: "powerStationId",
      vendor: "goodwe-sems",
    });
  }
}
