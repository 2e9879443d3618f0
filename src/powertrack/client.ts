import { existsSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { systemClock, type Clock } from "../core/clock.js";
import {
  ApiError,
  AuthenticationError,
  ConfigurationError,
  NotFoundError,
  ResponseFormatError,
  ValidationError,
} from "../core/errors/index.js";
import { silentLogger, redactingLogger, type Logger } from "../core/logger.js";
import { HttpTransport } from "../core/http/transport.js";
import type { FetchFn, HttpMethod } from "../core/http/types.js";
import type { RetryPolicy } from "../core/http/retry-policy.js";
import { RateLimiter } from "../core/rate-limit/limiter.js";
import { addDays } from "../core/time/calendar-date.js";
import { isValidTimeZone, localDate } from "../core/time/zoned.js";
import { parseWith, z } from "../core/validation.js";
import { AuthManager, type AuthOptions } from "./auth/auth-manager.js";
import { mapLimit } from "./concurrency.js";
import {
  parsePanFile,
  pvsystModuleName,
  sendCreate,
  validatePvsystModule,
  validateReportConfig,
  type CreateListing,
  type CreateResult,
  type PvsystModule,
  type ReportConfigRequest,
} from "./library-writes.js";
import {
  applyEdit,
  applyEditOrThrow,
  planEdit,
  planEditOrThrow,
  summarizeError,
  type ApplyEditOptions,
  type BackupStore,
  type CallOptions,
  type EditRequest,
  type EditResult,
  type ErrorSummary,
  type PlanEditOptions,
  type PlannedEdit,
  type RawClient,
} from "./edits.js";
import { powertrackHttpError, powertrackInvalidBody } from "./http.js";
import {
  parseAlertTriggerKey,
  parseCustomerKey,
  parseHardwareKey,
  parseNodeKey,
  parseSiteKey,
  parseSiteOrHardwareKey,
  type HardwareKey,
  type SiteKey,
} from "./keys.js";
import {
  toAlertSummaryResponse,
  toAlertTriggers,
  type AlertSummaryResponse,
  type AlertTrigger,
  type AlertTriggers,
} from "./models/alerts.js";
import { toChartData, type ChartData } from "./models/chart.js";
import {
  hardwareFromNode,
  toDriverSettings,
  toHardware,
  toHardwareDetails,
  toHardwareDiagnostics,
  toNodes,
  toRegisterOffsets,
  type DriverSettings,
  type Hardware,
  type HardwareDetails,
  type HardwareDiagnostics,
  type PowerTrackNode,
  type RegisterOffsets,
} from "./models/hardware.js";
import {
  toAuditLog,
  toReportConfigs,
  toReportingCapabilities,
  toUserPreferences,
  type AuditLogEntry,
  type ReportConfigs,
  type ReportingCapabilities,
  type UserPreferences,
} from "./models/misc.js";
import { toModelingData, type ModelingData } from "./models/modeling.js";
import { toPortfolioMetrics, type InvalidRow, type PortfolioMetrics, type SiteOverview } from "./models/portfolio.js";
import {
  toSiteConfig,
  toSiteDetailedInfo,
  toSiteLinks,
  toSiteShares,
  type SiteConfig,
  type SiteDetailedInfo,
  type SiteLink,
  type SiteShare,
} from "./models/site.js";
import { SiteList } from "./portfolio/site-list.js";
import { PowerTrackSite, type PowerTrackSiteOptions } from "./system.js";
import { parseCalendarDay } from "./values.js";
import { chartDefinitionsBody } from "./wire/misc.js";
import { lookupList } from "./wire/common.js";
import { siteHardwareProductionBody } from "./wire/hardware.js";

/** `lastChanged` value that makes the web app's endpoints return the full payload. */
export const FULL_PAYLOAD = "1900-01-01T00:00:00.000Z";
const LAST_CHANGED = { lastChanged: FULL_PAYLOAD };
/** The members of `edit/hardware` that make up a device's driver configuration. */
const DRIVER_MEMBERS = ["driverId", "settings", "registerOffsets"];

export interface PowerTrackClientOptions {
  /** An `AuthManager`, or options for one (explicit > env > fetch snippet > cookie file > .env). */
  auth?: AuthManager | AuthOptions;
  /** Overrides the base URL the credentials came with (e.g. a simulator). */
  baseUrl?: string;
  fetch?: FetchFn;
  clock?: Clock;
  logger?: Logger;
  /** Per-attempt timeout, ms. Default 30 000. */
  timeoutMs?: number;
  /** Requests in flight at once, shared by everything using this client. Default 8. */
  concurrency?: number;
  /** Retry policy for reads (writes are never retried once sent). */
  retry?: Partial<RetryPolicy>;
  /** Share a budget with other clients of the same account. */
  limiter?: RateLimiter;
  userAgent?: string;
}

/** Options of every write. */
export interface WriteOptions {
  /** Plan and report, send nothing. */
  dryRun?: boolean;
  /** Read back after writing and report whether each field took. Default true. */
  verify?: boolean;
  /** Saves the original before the write is sent. */
  backup?: BackupStore;
  /** Allow members/list items the object does not have yet (normally a typo). */
  allowNewFields?: boolean;
  /** Allow a value of another JSON type than the current one. */
  allowTypeChange?: boolean;
  signal?: AbortSignal;
}

/**
 * The outcome of a single write. `success` is true when the write was sent and (when verified)
 * every field read back as planned, or when nothing needed sending. A write that failed before
 * anything was sent throws; one that was sent never throws (`sent: true`, see `status`, `taken`
 * and `error`), so a caller never resends a write that may have been made.
 */
export interface UpdateResult extends EditResult {
  success: boolean;
  dryRun: boolean;
  /** The whole object before (the SDK's `originalData`). */
  originalData: Record<string, unknown> | null;
  /** The whole object sent (the SDK's `updatedData`). */
  updatedData: Record<string, unknown> | null;
  /** What the server answered (the SDK's `putResponse`). */
  putResponse: unknown;
  plan: PlannedEdit;
}

/** One part of a composite read that failed. */
export interface PartialFailure {
  /** `hardwareRow`: one device's row of the production view could not be read (`key` is the device). */
  part: "hardware" | "hardwareRow" | "hardwareDetails" | "alerts" | "modeling";
  key: string;
  error: ErrorSummary;
}

/** Everything about one site (`getSiteData`). */
export interface SiteData {
  site: { key: string; name: string | null };
  config: SiteConfig;
  hardwareList: Hardware[];
  hardware: HardwareDetails[];
  alerts: AlertTriggers[];
  modeling: ModelingData | null;
  fetchedAt: Date;
  hardwareCount: number;
  /** Active triggers over every device. */
  activeAlertsCount: number;
  /** Parts that could not be read; the rest is complete. */
  errors: PartialFailure[];
}

export interface SiteHardwareProduction {
  key: string | null;
  timeZone: string | null;
  lastChanged: string | null;
  /** Whether the response had a `hardware` member at all. */
  hasHardware: boolean;
  hardware: Hardware[];
  /** Rows that failed validation (with the failing path); the other rows are in `hardware`. */
  invalidRows: InvalidRow[];
  raw: unknown;
}

export type DateInput = string | Date;

const lookupOrWrapped = z.union([
  lookupList,
  z.looseObject({ curves: lookupList }),
  z.looseObject({ modules: lookupList }),
  z.looseObject({ list: lookupList }),
]);

/**
 * The AlsoEnergy PowerTrack web-app API (`https://apps.alsoenergy.com/api/…`) with browser
 * credentials. Every read in the documented API, every documented write as plan → PUT → read-back,
 * typed models (camelCase, raw body kept), and typed errors (`AuthenticationError` for 401/419 and
 * the login page, `ApiError` keeping the HTTP status, `ValidationError` before anything is sent).
 * Reads are retried on 5xx/429 by the core policy; writes are never retried once sent.
 *
 * ```ts
 * await using client = new PowerTrackClient();           // credentials from the environment
 * const hardware = await client.getHardwareList("S12345");
 * ```
 */
export class PowerTrackClient implements RawClient, AsyncDisposable {
  readonly auth: AuthManager;
  readonly transport: HttpTransport;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly concurrency: number;
  readonly baseUrl: string;
  readonly #abort = new AbortController();
  readonly #logger: Logger;
  /** Site time zones read for chart defaults, by site key. */
  readonly #siteZones = new Map<string, Promise<string>>();
  #closed = false;

  constructor(options: PowerTrackClientOptions = {}) {
    this.auth =
      options.auth instanceof AuthManager
        ? options.auth
        : new AuthManager({ ...options.auth, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
    this.baseUrl = (options.baseUrl ?? this.auth.baseUrl).replace(/\/+$/, "");
    this.clock = options.clock ?? systemClock;
    this.#logger = options.logger ? redactingLogger(options.logger) : silentLogger;
    const concurrency = options.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new ConfigurationError(`concurrency must be a whole number from 1 to 64, got ${JSON.stringify(options.concurrency)}.`, {
        vendor: "powertrack",
        setting: "concurrency",
      });
    }
    this.concurrency = concurrency;
    this.limiter = options.limiter ?? new RateLimiter({ name: "powertrack", vendor: "powertrack", concurrency, clock: this.clock });
    this.transport = new HttpTransport({
      vendor: "powertrack",
      baseUrl: this.baseUrl,
      fetch: options.fetch,
      clock: this.clock,
      logger: options.logger,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      limiter: this.limiter,
      userAgent: options.userAgent,
      onInvalidBody: powertrackInvalidBody,
      mapHttpError: powertrackHttpError,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Low-level calls (the SDK's get_json / post_json / put_json), with credentials and Referer.

  /** The web-app page URL used as Referer, on this client's base URL. */
  referer(key: string, section: string): string {
    return `${this.baseUrl}/powertrack/${key}/${section}`;
  }

  /** Referer for writes that belong to no object page (report tasks, library items): the web app itself. */
  get appReferer(): string {
    return `${this.baseUrl}/powertrack/`;
  }

  async getJson(path: string, options: CallOptions = {}): Promise<unknown> {
    return this.#call("GET", path, undefined, options);
  }

  /** POST. Not retried unless `idempotent` (reads sent as POST: chart, node, audit log). */
  async postJson(path: string, body: unknown, options: CallOptions = {}): Promise<unknown> {
    return this.#call("POST", path, body, options);
  }

  /** PUT. Never retried once sent. */
  async putJson(path: string, body: unknown, options: CallOptions = {}): Promise<unknown> {
    return this.#call("PUT", path, body, options);
  }

  async deleteJson(path: string, options: CallOptions = {}): Promise<unknown> {
    return this.#call("DELETE", path, undefined, options);
  }

  async #call(method: HttpMethod, path: string, body: unknown, options: CallOptions): Promise<unknown> {
    if (this.#closed) throw new ConfigurationError("This PowerTrackClient is closed; create a new one.", { vendor: "powertrack" });
    const signal = options.signal ? AbortSignal.any([this.#abort.signal, options.signal]) : this.#abort.signal;
    const write = method !== "GET" && !options.idempotent;
    const response = await this.transport.request({
      method,
      path,
      query: options.query,
      json: body === undefined ? undefined : body,
      headers: () => ({ ...this.auth.headers(options.referer), ...(options.accept ? { accept: options.accept } : {}) }),
      operation: options.operation,
      signal,
      ...(options.idempotent ? { idempotent: true } : {}),
      ...(write ? { retry: false as const } : {}),
    });
    return response.data;
  }

  async #read(path: string, operation: string, options: CallOptions = {}): Promise<unknown> {
    const data = await this.getJson(path, { operation, ...options });
    if (data === null) {
      throw new ResponseFormatError(
        `PowerTrack returned an empty body for ${operation} (GET ${path}). The object may not exist or the session may be limited; try it in the web app.`,
        {
          vendor: "powertrack",
          operation,
        },
      );
    }
    return data;
  }

  #today(timeZone = "UTC"): string {
    return localDate(this.clock.now(), timeZone);
  }

  // -------------------------------------------------------------------------------------------
  // Portfolio and sites

  /** `GET /api/view/portfolio/{C}`: every site's live metrics, with portfolio totals. */
  async getPortfolioOverview(customerId: string | number, options: { signal?: AbortSignal } = {}): Promise<PortfolioMetrics> {
    const key = parseCustomerKey(customerId);
    const body = await this.#read(`/api/view/portfolio/${key}`, "getPortfolioOverview", {
      query: { ...LAST_CHANGED, mergeHash: "" },
      signal: options.signal,
    });
    return toPortfolioMetrics(key, body);
  }

  /**
   * One site's portfolio row: reads the site's customer (`view/site` parentKey), then **that
   * customer's whole portfolio** (PowerTrack has no per-site row endpoint), and picks the row. For
   * more than a few sites, call `getPortfolioOverview` once and look the rows up in `sites`.
   */
  async getSiteOverview(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<SiteOverview> {
    const key = parseSiteKey(siteId);
    const info = await this.getSiteDetailedInfo(key, options);
    if (!info.parentKey)
      throw new NotFoundError(`Site ${key} has no customer (parentKey) in view/site; its portfolio row cannot be found.`, {
        vendor: "powertrack",
        operation: "getSiteOverview",
      });
    const portfolio = await this.getPortfolioOverview(info.parentKey, options);
    const row = portfolio.sites.find((s) => s.key === key);
    if (!row)
      throw new NotFoundError(`Site ${key} is not in the portfolio of ${info.parentKey}.`, {
        vendor: "powertrack",
        operation: "getSiteOverview",
      });
    return row;
  }

  /** `GET /api/view/site/{S}`: address, capacities, contracts (days remaining counted from the clock's UTC date). */
  async getSiteDetailedInfo(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<SiteDetailedInfo> {
    const key = parseSiteKey(siteId);
    const body = await this.#read(`/api/view/site/${key}`, "getSiteDetailedInfo", {
      query: LAST_CHANGED,
      referer: this.referer(key, "overview/dashboard"),
      signal: options.signal,
    });
    return toSiteDetailedInfo(body, this.#today());
  }

  /** `GET /api/edit/site/{S}`: the editable configuration (location, `tz`, capacities with units). */
  async getSiteConfig(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<SiteConfig> {
    const key = parseSiteKey(siteId);
    return toSiteConfig(
      await this.#read(`/api/edit/site/${key}`, "getSiteConfig", {
        referer: this.referer(key, "administration/config"),
        signal: options.signal,
      }),
    );
  }

  /** `GET /api/edit/sitehardware/{S}`: the editable hardware list (rows keyed by `hardwareKey`), raw. */
  async getSiteHardware(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<Record<string, unknown>> {
    const key = parseSiteKey(siteId);
    return (await this.#read(`/api/edit/sitehardware/${key}`, "getSiteHardware", {
      referer: this.referer(key, "administration/hardware/list"),
      signal: options.signal,
    })) as Record<string, unknown>;
  }

  /**
   * A site list: from a SiteList JSON file (`file`, default `portfolio/SiteList.json`), or built
   * from a customer's portfolio (`customerId`).
   */
  async getSites(options: { file?: string; customerId?: string | number; signal?: AbortSignal } = {}): Promise<SiteList> {
    if (options.customerId !== undefined) return SiteList.fromCustomer(this, options.customerId, options);
    const file = resolvePath(options.file ?? "portfolio/SiteList.json");
    if (!options.file && !existsSync(file)) {
      throw new ConfigurationError(
        `No site list at ${file}. Build one with SiteList.fromCustomer(client, "C1234") and save it with writeJsonFile, or pass customerId.`,
        {
          vendor: "powertrack",
          setting: "file",
        },
      );
    }
    return SiteList.fromJsonFile(file);
  }

  /** `GET /api/view/sitelinks/{S}`: dashboards and external links (the member is `list`). */
  async getSiteLinks(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<SiteLink[]> {
    const key = parseSiteKey(siteId);
    return toSiteLinks(await this.#read(`/api/view/sitelinks/${key}`, "getSiteLinks", { query: LAST_CHANGED, signal: options.signal }));
  }

  /** `GET /api/view/siteshares/{S}`: customers the site is shared with (the member is `rows`). */
  async getSiteShares(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<SiteShare[]> {
    const key = parseSiteKey(siteId);
    return toSiteShares(await this.#read(`/api/view/siteshares/${key}`, "getSiteShares", { query: LAST_CHANGED, signal: options.signal }));
  }

  // -------------------------------------------------------------------------------------------
  // Charts

  /**
   * `POST /api/view/chart`: a chart of one site for local days `startDate`..`endDate`
   * ("YYYY-MM-DD"; a date-time string is cut to its date as written; a `Date` is converted in
   * `timeZone`). Defaults: end = today and start = end − 7 days in `timeZone`. `timeZone`
   * defaults to the site's own (`tz` of its configuration, read once per client and site, and only
   * when a default or a `Date` needs it). `binSize` in minutes (1440 = daily), null = the chart's
   * default. Chart type 255 is the usual overview chart; 1 is the energy/losses KPI chart.
   */
  async getChartData(
    chartType: number,
    siteId: string | number,
    options: { startDate?: DateInput; endDate?: DateInput; binSize?: number | null; timeZone?: string; signal?: AbortSignal } = {},
  ): Promise<ChartData> {
    if (!Number.isInteger(chartType) || chartType < 0)
      throw new ValidationError(`chartType must be a whole number such as 255, got ${JSON.stringify(chartType)}.`, {
        field: "chartType",
        vendor: "powertrack",
      });
    const key = parseSiteKey(siteId);
    if (options.timeZone !== undefined && (typeof options.timeZone !== "string" || !isValidTimeZone(options.timeZone))) {
      throw new ValidationError(`timeZone must be an IANA zone such as "America/New_York", got ${JSON.stringify(options.timeZone)}.`, {
        field: "timeZone",
        vendor: "powertrack",
      });
    }
    const needsZone = options.endDate === undefined || options.startDate instanceof Date || options.endDate instanceof Date;
    // Check what can be checked before reading the site's zone, so bad input sends nothing.
    if (options.endDate !== undefined && !(options.endDate instanceof Date)) dateInput(options.endDate, "UTC", "endDate");
    if (options.startDate !== undefined && !(options.startDate instanceof Date)) dateInput(options.startDate, "UTC", "startDate");
    const binSizeIn = options.binSize ?? null;
    if (binSizeIn !== null && (!Number.isInteger(binSizeIn) || binSizeIn < 1 || binSizeIn > 527_040)) {
      throw new ValidationError(`binSize must be whole minutes (e.g. 15, 60, 1440) or null, got ${JSON.stringify(binSizeIn)}.`, {
        field: "binSize",
        vendor: "powertrack",
      });
    }
    const tz = options.timeZone ?? (needsZone ? await this.#siteTimeZone(key, options.signal) : undefined);
    const endDate = options.endDate === undefined ? this.#today(tz) : dateInput(options.endDate, tz ?? "UTC", "endDate");
    const startDate = options.startDate === undefined ? addDays(endDate, -7) : dateInput(options.startDate, tz ?? "UTC", "startDate");
    if (startDate > endDate)
      throw new ValidationError(`startDate ${startDate} is after endDate ${endDate}.`, { field: "startDate", vendor: "powertrack" });
    const binSize = binSizeIn;
    const body = { chartType, context: "site", source: [key], binSize, sectionCode: -1, query: null, start: startDate, end: endDate };
    const data = await this.postJson("/api/view/chart", body, {
      query: LAST_CHANGED,
      referer: this.referer(key, "overview/dashboard"),
      operation: "getChartData",
      idempotent: true,
      signal: options.signal,
    });
    if (data === null)
      throw new ResponseFormatError("PowerTrack returned an empty body for getChartData.", {
        vendor: "powertrack",
        operation: "getChartData",
      });
    return toChartData(data, { chartType, siteId: key, startDate, endDate, ...(tz ? { timeZone: tz } : {}) });
  }

  /** The site's zone (`tz` of `edit/site`), read once per site; UTC when the site has none or an unknown one. */
  async #siteTimeZone(key: SiteKey, signal?: AbortSignal): Promise<string> {
    let zone = this.#siteZones.get(key);
    if (!zone) {
      zone = this.getSiteConfig(key, { signal }).then((c) => safeZone(c.timeZone ?? "UTC"));
      this.#siteZones.set(key, zone);
      zone.catch(() => this.#siteZones.delete(key));
    }
    return zone;
  }

  /** `GET /api/view/chart/builtin`: the predefined charts (a bare list or `chartMenuSections[].predefinedCharts[]`, flattened). */
  async getChartDefinitions(options: { signal?: AbortSignal } = {}): Promise<unknown[]> {
    const body = parseWith(
      chartDefinitionsBody,
      await this.#read("/api/view/chart/builtin", "getChartDefinitions", { signal: options.signal }),
      { vendor: "powertrack", operation: "getChartDefinitions" },
    );
    return Array.isArray(body) ? body : body.chartMenuSections.flatMap((s) => s.predefinedCharts);
  }

  // -------------------------------------------------------------------------------------------
  // Hardware

  /**
   * `GET /api/view/sitehardwareproduction/{S}`: every device with its live registers. Rows are
   * validated one by one: a row that cannot be read is listed in `invalidRows` (with the reason)
   * and never takes the others down with it.
   */
  async getSiteHardwareProduction(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<SiteHardwareProduction> {
    const key = parseSiteKey(siteId);
    const body = await this.#read(`/api/view/sitehardwareproduction/${key}`, "getSiteHardwareProduction", {
      query: LAST_CHANGED,
      signal: options.signal,
    });
    return this.#production(body);
  }

  #production(body: unknown): SiteHardwareProduction {
    const w = parseWith(siteHardwareProductionBody, body, { vendor: "powertrack", operation: "getSiteHardwareProduction" });
    const tz = safeZone(w.timeZone ?? "UTC");
    const hardware: Hardware[] = [];
    const invalidRows: InvalidRow[] = [];
    (w.hardware ?? []).forEach((row, index) => {
      try {
        hardware.push(toHardware(row, tz));
      } catch (error) {
        const rowKey =
          row && typeof row === "object" && typeof (row as { key?: unknown }).key === "string" ? (row as { key: string }).key : null;
        invalidRows.push({ index, key: rowKey, reason: error instanceof Error ? error.message : String(error) });
      }
    });
    return {
      key: w.key,
      timeZone: w.timeZone,
      lastChanged: w.lastChanged,
      hasHardware: Array.isArray(w.hardware),
      hardware,
      invalidRows,
      raw: body,
    };
  }

  /**
   * A site's devices: `view/sitehardwareproduction`, falling back to `POST /api/node` (key, name
   * and function code only) when that view is unavailable (an HTTP error, an empty body) or has no
   * `hardware` member. A body that does not have the documented shape is a `ResponseFormatError`,
   * not a reason to fall back; a single unreadable row is left out and logged as a warning (see
   * `getSiteHardwareProduction` for the rows themselves). (The SDK's third fallback,
   * `edit/bulkhardware`, is undocumented and not used.)
   */
  async getHardwareList(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<Hardware[]> {
    return (await this.#hardwareList(parseSiteKey(siteId), options.signal)).hardware;
  }

  async #hardwareList(key: SiteKey, signal?: AbortSignal): Promise<{ hardware: Hardware[]; invalidRows: InvalidRow[] }> {
    let body: unknown = null;
    try {
      body = await this.getJson(`/api/view/sitehardwareproduction/${key}`, {
        query: LAST_CHANGED,
        operation: "getSiteHardwareProduction",
        signal,
      });
    } catch (error) {
      if (!(error instanceof ApiError || error instanceof NotFoundError)) throw error;
      this.#logger.info("the hardware production view failed; listing devices from /api/node", {
        vendor: "powertrack",
        site: key,
        error: error.name,
        status: error.status,
      });
    }
    if (body !== null) {
      const production = this.#production(body);
      for (const row of production.invalidRows) {
        this.#logger.warn("a hardware row could not be read and is left out", {
          vendor: "powertrack",
          site: key,
          row: row.index,
          hardware: row.key,
          reason: row.reason,
        });
      }
      if (production.hasHardware) return { hardware: production.hardware, invalidRows: production.invalidRows };
    }
    const nodes = await this.getNodes(key, { context: "query", kinds: ["customer", "site", "hardware"], filterBy: "Name", signal });
    return {
      hardware: nodes.filter((n) => n.kind === "hardware" && (n.parentKey === key || n.path.includes(key))).map(hardwareFromNode),
      invalidRows: [],
    };
  }

  /** `GET /api/edit/hardware/{H}`: the full configuration (`summary.name` is the `description`). */
  async getHardwareDetails(hardwareKey: string | number, options: { signal?: AbortSignal } = {}): Promise<HardwareDetails> {
    const key = parseHardwareKey(hardwareKey);
    return toHardwareDetails(
      await this.#read(`/api/edit/hardware/${key}`, "getHardwareDetails", {
        referer: this.referer(key, "administration/config"),
        signal: options.signal,
      }),
    );
  }

  /** `GET /api/view/hardwarestatus/{H}`: communication status and every register. */
  async getHardwareDiagnostics(hardwareKey: string | number, options: { signal?: AbortSignal } = {}): Promise<HardwareDiagnostics> {
    const key = parseHardwareKey(hardwareKey);
    const body = await this.#read(`/api/view/hardwarestatus/${key}`, "getHardwareDiagnostics", {
      query: LAST_CHANGED,
      signal: options.signal,
    });
    return toHardwareDiagnostics(body, new Date(this.clock.now()));
  }

  /** `GET /api/view/driversettings/{H}` */
  async getDriverSettings(hardwareKey: string | number, options: { signal?: AbortSignal } = {}): Promise<DriverSettings> {
    const key = parseHardwareKey(hardwareKey);
    return toDriverSettings(
      await this.#read(`/api/view/driversettings/${key}`, "getDriverSettings", { query: LAST_CHANGED, signal: options.signal }),
    );
  }

  /** `GET /api/view/driversettings/list/{id}` (shape not documented: the list, or its `settings` member). */
  async getDriverSettingsList(listId: string | number, options: { signal?: AbortSignal } = {}): Promise<unknown[]> {
    if (!/^\d{1,12}$/.test(String(listId)))
      throw new ValidationError(`listId must be a number, got ${JSON.stringify(listId)}.`, { field: "listId", vendor: "powertrack" });
    const body = await this.#read(`/api/view/driversettings/list/${listId}`, "getDriverSettingsList", { signal: options.signal });
    if (Array.isArray(body)) return body;
    const settings = (body as { settings?: unknown; list?: unknown }).settings ?? (body as { list?: unknown }).list;
    return Array.isArray(settings) ? settings : [];
  }

  /** `GET /api/lookuplist/drivers/{functionCode}`: drivers for a device type. Not in the scraped docs (the SDK's path). */
  async getDriverList(
    functionCode = 2,
    options: { signal?: AbortSignal } = {},
  ): Promise<Array<{ name: string; value: number | string } & Record<string, unknown>>> {
    if (!Number.isInteger(functionCode) || functionCode < 0)
      throw new ValidationError(`functionCode must be a whole number, got ${JSON.stringify(functionCode)}.`, {
        field: "functionCode",
        vendor: "powertrack",
      });
    return lookup(
      await this.#read(`/api/lookuplist/drivers/${functionCode}`, "getDriverList", { signal: options.signal }),
      "getDriverList",
    );
  }

  /** `GET /api/view/registeroffsets/{H}` */
  async getRegisterOffsets(hardwareKey: string | number, options: { signal?: AbortSignal } = {}): Promise<RegisterOffsets> {
    const key = parseHardwareKey(hardwareKey);
    return toRegisterOffsets(
      await this.#read(`/api/view/registeroffsets/${key}`, "getRegisterOffsets", { query: LAST_CHANGED, signal: options.signal }),
    );
  }

  /** `POST /api/node`: the node tree under/around a key. Hardware nodes carry the function code in `subKind`. */
  async getNodes(
    key: string,
    options: {
      context?: "query" | "path";
      kinds?: string[];
      subKinds?: number[];
      filter?: string;
      filterBy?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<PowerTrackNode[]> {
    const nodeKey = parseNodeKey(key);
    const body = {
      key: nodeKey,
      context: options.context ?? "query",
      kinds: options.kinds ?? ["customer", "site", "hardware"],
      subKinds: options.subKinds ?? [],
      nodes: [],
      filter: options.filter ?? "",
      filterBy: options.filterBy ?? "Name",
    };
    const data = await this.postJson("/api/node", body, {
      query: LAST_CHANGED,
      operation: "getNodes",
      idempotent: true,
      signal: options.signal,
    });
    if (data === null)
      throw new ResponseFormatError("PowerTrack returned an empty body for getNodes.", { vendor: "powertrack", operation: "getNodes" });
    return toNodes(data);
  }

  // -------------------------------------------------------------------------------------------
  // Alerts

  /** `GET /api/alerttrigger/{H}`: configured triggers (every member typed) and the default templates. */
  async getAlertTriggers(
    hardwareKey: string | number,
    options: { lastChanged?: string; signal?: AbortSignal } = {},
  ): Promise<AlertTriggers> {
    const key = parseHardwareKey(hardwareKey);
    const body = await this.#read(`/api/alerttrigger/${key}`, "getAlertTriggers", {
      ...(options.lastChanged ? { query: { lastChanged: options.lastChanged } } : {}),
      referer: this.referer(key, "administration/alertsettings"),
      signal: options.signal,
    });
    return toAlertTriggers(key, body);
  }

  /** `GET /api/view/activealerts/activesummary/{C|S|H}`: active alerts per device with severity (0 info … 5 emergency). */
  async getAlertSummary(
    scope: { customerId?: string | number; siteId?: string | number; hardwareId?: string | number },
    options: { signal?: AbortSignal } = {},
  ): Promise<AlertSummaryResponse> {
    const given = [scope.customerId, scope.siteId, scope.hardwareId].filter((v) => v !== undefined && v !== null);
    if (given.length !== 1)
      throw new ValidationError("getAlertSummary needs exactly one of customerId, siteId or hardwareId.", {
        field: "scope",
        vendor: "powertrack",
      });
    const key =
      scope.customerId !== undefined
        ? parseCustomerKey(scope.customerId)
        : scope.siteId !== undefined
          ? parseSiteKey(scope.siteId)
          : parseHardwareKey(scope.hardwareId);
    return toAlertSummaryResponse(
      await this.#read(`/api/view/activealerts/activesummary/${key}`, "getAlertSummary", { query: LAST_CHANGED, signal: options.signal }),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Modeling

  /** `GET /api/edit/modeling/{S|H}`: the PV model of a site, or of one inverter. */
  async getModelingData(key: string, options: { signal?: AbortSignal } = {}): Promise<ModelingData> {
    const k = parseSiteOrHardwareKey(key, "siteId");
    return toModelingData(
      await this.#read(`/api/edit/modeling/${k}`, "getModelingData", {
        referer: this.referer(k, "administration/modeling"),
        signal: options.signal,
      }),
    );
  }

  /** `GET /api/view/pvcurvemodels/{efficiencycurvemodels|incidenceanglemodels}`: `{name, value}` lookups. */
  async getPvModelCurves(
    modelType: "efficiencycurvemodels" | "incidenceanglemodels" = "efficiencycurvemodels",
    options: { signal?: AbortSignal } = {},
  ) {
    if (modelType !== "efficiencycurvemodels" && modelType !== "incidenceanglemodels") {
      throw new ValidationError(`modelType must be "efficiencycurvemodels" or "incidenceanglemodels", got ${JSON.stringify(modelType)}.`, {
        field: "modelType",
        vendor: "powertrack",
      });
    }
    return lookup(
      await this.#read(`/api/view/pvcurvemodels/${modelType}`, "getPvModelCurves", { query: LAST_CHANGED, signal: options.signal }),
      "getPvModelCurves",
    );
  }

  /** `GET /api/view/pvsystmodules/{H|S}`: PVsyst module lookups (`{name: "Maker, Model", value: id}`). */
  async getPvsystModules(scope: { hardwareId?: string | number; siteId?: string | number }, options: { signal?: AbortSignal } = {}) {
    if ((scope.hardwareId === undefined) === (scope.siteId === undefined))
      throw new ValidationError("getPvsystModules needs exactly one of hardwareId or siteId.", { field: "scope", vendor: "powertrack" });
    const key = scope.hardwareId !== undefined ? parseHardwareKey(scope.hardwareId) : parseSiteKey(scope.siteId);
    return lookup(
      await this.#read(`/api/view/pvsystmodules/${key}`, "getPvsystModules", { query: LAST_CHANGED, signal: options.signal }),
      "getPvsystModules",
    );
  }

  // -------------------------------------------------------------------------------------------
  // Reporting, user, audit

  /** `GET /api/reporting` */
  async getReportingCapabilities(options: { signal?: AbortSignal } = {}): Promise<ReportingCapabilities> {
    return toReportingCapabilities(await this.#read("/api/reporting", "getReportingCapabilities", { signal: options.signal }));
  }

  /** `GET /api/userpreferences`: `value` decoded from its JSON string. */
  async getUserPreferences(options: { signal?: AbortSignal } = {}): Promise<UserPreferences> {
    return toUserPreferences(
      await this.#read("/api/userpreferences", "getUserPreferences", { query: LAST_CHANGED, signal: options.signal }),
    );
  }

  /** `POST /api/auditlog` (a read; the SDK sent GET): changes under a customer, site or hardware key. */
  async getAuditLog(key: string, options: { recursive?: boolean; signal?: AbortSignal } = {}): Promise<AuditLogEntry[]> {
    const ancestorKey = parseNodeKey(key);
    const data = await this.postJson(
      "/api/auditlog",
      { ancestorKey, isRecursive: options.recursive ?? false },
      { query: LAST_CHANGED, operation: "getAuditLog", idempotent: true, signal: options.signal },
    );
    if (data === null)
      throw new ResponseFormatError("PowerTrack returned an empty body for getAuditLog.", {
        vendor: "powertrack",
        operation: "getAuditLog",
      });
    return toAuditLog(data);
  }

  /** `POST /api/view/reportconfigs` (a read; the SDK sent GET and read `configs`): report configurations for a key. */
  async getReportConfigs(key: string, options: { filter?: string; signal?: AbortSignal } = {}): Promise<ReportConfigs> {
    const k = parseNodeKey(key);
    const data = await this.postJson(
      "/api/view/reportconfigs",
      { key: k, filter: options.filter ?? "" },
      { query: LAST_CHANGED, operation: "getReportConfigs", idempotent: true, signal: options.signal },
    );
    if (data === null)
      throw new ResponseFormatError("PowerTrack returned an empty body for getReportConfigs.", {
        vendor: "powertrack",
        operation: "getReportConfigs",
      });
    return toReportConfigs(data);
  }

  // -------------------------------------------------------------------------------------------
  // Composite

  /**
   * Everything about one site: configuration, hardware list, each device's details and alert
   * triggers (at most `concurrency` requests at once), and modeling. A part that fails is listed
   * in `errors` and the rest is returned; an authentication failure stops everything (requests
   * still in flight are aborted and no new ones start).
   */
  async getSiteData(
    siteId: string | number,
    options: {
      includeHardware?: boolean;
      includeAlerts?: boolean;
      includeModeling?: boolean;
      concurrency?: number;
      signal?: AbortSignal;
    } = {},
  ): Promise<SiteData> {
    const key = parseSiteKey(siteId);
    const { includeHardware = true, includeAlerts = true, includeModeling = true } = options;
    const limit = options.concurrency ?? this.concurrency;
    const errors: PartialFailure[] = [];
    // One authentication failure stops the siblings: every later request would fail the same way.
    const stop = new AbortController();
    let authError: AuthenticationError | undefined;
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const guard = <T>(p: Promise<T>): Promise<T> =>
      p.catch((error: unknown) => {
        if (error instanceof AuthenticationError && !authError) {
          authError = error;
          stop.abort(error);
        }
        throw error;
      });
    const note = (part: PartialFailure["part"], k: string, error: unknown) => {
      if (error instanceof AuthenticationError) throw error;
      errors.push({ part, key: k, error: summarizeError(error) });
    };
    const config = await this.getSiteConfig(key, { signal: options.signal });
    let hardwareList: Hardware[] = [];
    if (includeHardware || includeAlerts) {
      try {
        const list = await this.#hardwareList(key, options.signal);
        hardwareList = list.hardware;
        for (const row of list.invalidRows)
          errors.push({
            part: "hardwareRow",
            key: row.key ?? `row ${row.index}`,
            error: { name: "ResponseFormatError", message: row.reason, retryable: false },
          });
      } catch (error) {
        note("hardware", key, error);
      }
    }
    const devices = hardwareList.map((h) => h.key).filter((k): k is HardwareKey => /^H\d+$/.test(k));
    const shouldStop = () => authError !== undefined;
    const [details, alerts, modeling] = await Promise.all([
      includeHardware
        ? mapLimit(devices, limit, (h) => guard(this.getHardwareDetails(h, { signal })), { signal: options.signal, shouldStop })
        : Promise.resolve([]),
      includeAlerts
        ? mapLimit(devices, limit, (h) => guard(this.getAlertTriggers(h, { signal })), { signal: options.signal, shouldStop })
        : Promise.resolve([]),
      includeModeling
        ? guard(this.getModelingData(key, { signal })).catch((error: unknown) =>
            error instanceof AuthenticationError ? null : (note("modeling", key, error), null),
          )
        : Promise.resolve(null),
    ]);
    if (authError) throw authError;
    const hardware: HardwareDetails[] = [];
    details.forEach((r, i) =>
      r.started && r.ok ? hardware.push(r.value) : r.started ? note("hardwareDetails", devices[i]!, r.error) : undefined,
    );
    const alertList: AlertTriggers[] = [];
    alerts.forEach((r, i) => (r.started && r.ok ? alertList.push(r.value) : r.started ? note("alerts", devices[i]!, r.error) : undefined));
    return {
      site: { key, name: config.name },
      config,
      hardwareList,
      hardware,
      alerts: alertList,
      modeling,
      fetchedAt: new Date(this.clock.now()),
      hardwareCount: hardwareList.length,
      activeAlertsCount: alertList.reduce((a, t) => a + t.activeTriggers.length, 0),
      errors,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Writes: GET → merge by key → PUT the whole object → read back

  /**
   * Plans a write without sending anything (the building block of every write method): reads
   * the object, merges the change and lists every changed field. Problems come back in the plan
   * (`status` invalid/failed, `error`), never as a throw. See `applyEdit`.
   */
  async planEdit(request: EditRequest, options: PlanEditOptions = {}): Promise<PlannedEdit> {
    return planEdit(this, request, options);
  }

  /**
   * Applies a plan from `planEdit`: re-reads the object (a planned field that moved is a
   * `conflict`), saves the original to `backup`, sends once, reads back. Never throws for the
   * edit's own failure; applying the same plan again is safe (`alreadyApplied`).
   */
  async applyEdit(plan: PlannedEdit, options: ApplyEditOptions = {}): Promise<EditResult> {
    return applyEdit(this, plan, { now: () => this.clock.now(), ...options });
  }

  async #write(request: EditRequest, options: WriteOptions): Promise<UpdateResult> {
    // Problems before anything is sent throw their typed error; once sent, a result comes back.
    const plan = await planEditOrThrow(
      this,
      {
        ...request,
        allowNewFields: options.allowNewFields ?? request.allowNewFields,
        allowTypeChange: options.allowTypeChange ?? request.allowTypeChange,
      },
      { signal: options.signal },
    );
    const result = await applyEditOrThrow(this, plan, {
      dryRun: options.dryRun,
      verify: options.verify,
      backup: options.backup,
      signal: options.signal,
      now: () => this.clock.now(),
    });
    return {
      ...result,
      success: ["applied", "alreadyApplied", "unchanged", "dryRun"].includes(result.status),
      dryRun: options.dryRun === true,
      originalData: plan.before,
      updatedData: plan.after,
      putResponse: result.detail.response ?? null,
      plan,
    };
  }

  /**
   * Changes a site's configuration: `GET /api/edit/site/{S}`, merge `changes` by key, `PUT
   * /api/edit/site` (Referer `…/{S}/administration/config`), read back. Members are the real ones:
   * `{ location: { latitude: 42.1 } }`, `capacityAc` (with `capacityAcUnit`), `name`.
   */
  async updateSiteConfig(siteId: string | number, changes: Record<string, unknown>, options: WriteOptions = {}): Promise<UpdateResult> {
    return this.#write({ target: "site", key: parseSiteKey(siteId), changes }, options);
  }

  /** Changes rows of a site's hardware list (`PUT /api/edit/sitehardware`); rows are matched by `hardwareKey`. */
  async updateSiteHardware(
    siteId: string | number,
    hardware: Array<Record<string, unknown> & { hardwareKey: string }>,
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    if (!Array.isArray(hardware) || hardware.some((h) => !h || typeof h.hardwareKey !== "string")) {
      throw new ValidationError("hardware must be a list of rows, each with its hardwareKey.", { field: "hardware", vendor: "powertrack" });
    }
    hardware.forEach((h, i) => parseHardwareKey(h.hardwareKey, `hardware[${i}].hardwareKey`));
    return this.#write({ target: "siteHardware", key: parseSiteKey(siteId), changes: { hardware } }, options);
  }

  /**
   * Changes a device's configuration (`PUT /api/edit/hardware`). `hardwareId` (the legacy
   * `C…_S…_PV9` id) and `key` are never rewritten; the SDK replaced `hardwareId` with the H key.
   */
  async updateHardwareConfig(
    hardwareKey: string | number,
    changes: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    return this.#write({ target: "hardware", key: parseHardwareKey(hardwareKey), changes }, options);
  }

  /**
   * The SDK's `update_hardware_driver`: changes a device's driver members — `driverId`, the
   * driver `settings` (matched by `name` or `index`: `[{ name: "dev:ScaleKW", value: "2" }]`) and
   * `registerOffsets` — through the documented `PUT /api/edit/hardware` (the SDK's
   * `/api/edit/hardware/driver/{H}` is not a documented call). Any other member is refused, so a
   * driver edit cannot touch the rest of the device by accident.
   */
  async updateHardwareDriver(
    hardwareKey: string | number,
    driver: { driverId?: number; settings?: Array<Record<string, unknown>>; registerOffsets?: Array<Record<string, unknown>> } & Record<
      string,
      unknown
    >,
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    const key = parseHardwareKey(hardwareKey);
    if (typeof driver !== "object" || driver === null || Array.isArray(driver)) {
      throw new ValidationError("driver must be an object such as { driverId, settings: [{ name, value }] }.", {
        field: "driver",
        vendor: "powertrack",
      });
    }
    const other = Object.keys(driver).filter((k) => !DRIVER_MEMBERS.includes(k));
    if (other.length > 0) {
      throw new ValidationError(
        `updateHardwareDriver changes only ${DRIVER_MEMBERS.join(", ")}; ${other.join(", ")} belong to updateHardwareConfig.`,
        { field: other[0], vendor: "powertrack" },
      );
    }
    return this.#write({ target: "hardware", key, changes: driver }, options);
  }

  /** Changes one existing trigger (`PUT /api/alerttrigger`): `trigger.key` names it; the rest is merged into the current trigger. */
  async updateAlertTriggers(
    hardwareKey: string | number,
    trigger: Record<string, unknown> & { key: string },
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    const { key, ...changes } = trigger ?? ({} as { key: string });
    return this.#write(
      { target: "alertTrigger", hardwareKey: parseHardwareKey(hardwareKey), key: parseAlertTriggerKey(key, "trigger.key"), changes },
      options,
    );
  }

  /**
   * Adds a trigger (`POST /api/alerttrigger` with `key: ""`, `id: 0`, `parentKey: H`). Starts from
   * the device's default trigger of the same `alertTypeKey` when there is one, so only the
   * differences need giving, and a member the template does not have (a typo such as
   * `delayHourTrigger`) is refused unless `allowNewFields`. Without a template every member is
   * sent as given. The result's `createdKey` is the key the server assigned.
   */
  async addAlertTrigger(
    hardwareKey: string | number,
    trigger: Record<string, unknown> & { alertTypeKey: string },
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    return this.#write(
      { target: "alertTrigger", action: "create", hardwareKey: parseHardwareKey(hardwareKey), key: "", changes: trigger },
      options,
    );
  }

  /** Deletes one trigger (`DELETE /api/alerttrigger/{H}/{triggerKey}`; the server answers `null`). */
  async deleteAlertTrigger(hardwareKey: string | number, triggerKey: string, options: WriteOptions = {}): Promise<UpdateResult> {
    return this.#write(
      { target: "alertTrigger", action: "delete", hardwareKey: parseHardwareKey(hardwareKey), key: parseAlertTriggerKey(triggerKey) },
      options,
    );
  }

  /** Changes a site's (S key) or one inverter's (H key) PV model (`PUT /api/edit/modeling`, no id in the path). */
  async updateModelingData(key: string, changes: Record<string, unknown>, options: WriteOptions = {}): Promise<UpdateResult> {
    return this.#write({ target: "modeling", key: parseSiteOrHardwareKey(key, "siteId"), changes }, options);
  }

  /**
   * Changes an inverter's model (azimuth, tilt, derate, `pvSystModuleId`, …) through its
   * per-inverter modeling (`PUT /api/edit/modeling` with the H key). The SDK's
   * `/api/edit/hardware/inverter/{H}` is not a documented endpoint.
   */
  async updateInverterModel(
    hardwareKey: string | number,
    inverter: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    return this.updateModelingData(parseHardwareKey(hardwareKey), { pvConfig: { inverters: [inverter] } }, options);
  }

  /** Sets an inverter's bifacial ratio (fraction 0..1) in its modeling; bifacial settings are nothing more. */
  async updateBifacialSettings(
    hardwareKey: string | number,
    settings: { bifacialRatio: number },
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    return this.updateInverterModel(hardwareKey, { bifacialRatio: settings?.bifacialRatio }, options);
  }

  /**
   * Starts a report task (`POST /api/task/start` with `{command, reportConfig, sourceKey}`; the
   * server answers `{}`). `sourceKey` is the report's file key, e.g. "F211147". Never retried.
   */
  async startReport(
    sourceKey: string,
    options: { command?: number; reportConfig?: unknown; dryRun?: boolean; signal?: AbortSignal } = {},
  ): Promise<{ sent: boolean; request: Record<string, unknown>; response: unknown }> {
    if (typeof sourceKey !== "string" || !/^[A-Z]{1,2}\d{1,12}$/.test(sourceKey)) {
      throw new ValidationError(`sourceKey must be a report file key such as "F211147", got ${JSON.stringify(sourceKey)}.`, {
        field: "sourceKey",
        vendor: "powertrack",
      });
    }
    const command = options.command ?? 2;
    if (!Number.isInteger(command) || command < 0)
      throw new ValidationError(`command must be a whole number, got ${JSON.stringify(command)}.`, {
        field: "command",
        vendor: "powertrack",
      });
    const request = { command, reportConfig: options.reportConfig ?? null, sourceKey };
    if (options.dryRun) return { sent: false, request, response: null };
    const response = await this.postJson("/api/task/start", request, {
      operation: "startReport",
      referer: this.appReferer,
      signal: options.signal,
    });
    return { sent: true, request, response };
  }

  /**
   * The SDK's `bulk_update_hardware`: changes many rows of a site's hardware list in one write.
   * The SDK's `PUT /api/edit/bulkhardware/{S}` is not a documented call; the documented bulk edit
   * of a site's hardware is `PUT /api/edit/sitehardware`, so this is `updateSiteHardware`.
   */
  async bulkUpdateHardware(
    siteId: string | number,
    hardware: Array<Record<string, unknown> & ({ hardwareKey: string } | { hid: number })>,
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    // The SDK's rows name devices by numeric `hid`; the documented rows by `hardwareKey`.
    const rows = Array.isArray(hardware)
      ? hardware.map((row) => {
          if (!row || typeof row !== "object" || row.hardwareKey !== undefined || row.hid === undefined) return row;
          const { hid, ...rest } = row as Record<string, unknown>;
          if (!Number.isInteger(hid) || (hid as number) <= 0)
            throw new ValidationError(`hid must be a device's whole numeric id, got ${JSON.stringify(hid)}.`, {
              field: "hid",
              vendor: "powertrack",
            });
          return { hardwareKey: `H${hid as number}`, ...rest };
        })
      : hardware;
    return this.updateSiteHardware(siteId, rows as Array<Record<string, unknown> & { hardwareKey: string }>, options);
  }

  /**
   * The SDK's `upload_pan_data`: adds a PVsyst module definition to the module library
   * (`POST /api/edit/pvsystmodule`, answer `{}`; the SDK's `/api/pan/upload` is not a documented
   * call). `module` is the members object, or the text of a PVsyst .PAN file (see
   * `parsePanFile`). With `verifyKey` (a site or inverter key whose module list to read), a module
   * of the same "Manufacturer, Model" already there is reported as `alreadyApplied` (nothing sent)
   * and after sending the list is read back for the new module's id (`createdKey`). Never retried.
   */
  async uploadPanData(
    module: PvsystModule | string,
    options: {
      verifyKey?: string;
      cellType?: number;
      allowNewFields?: boolean;
      allowDuplicate?: boolean;
      dryRun?: boolean;
      verify?: boolean;
      signal?: AbortSignal;
    } = {},
  ): Promise<CreateResult<PvsystModule & { key: "" }>> {
    const request = validatePvsystModule(typeof module === "string" ? parsePanFile(module, { cellType: options.cellType }) : module, {
      allowNewFields: options.allowNewFields,
    });
    const verifyKey = options.verifyKey === undefined ? undefined : parseSiteOrHardwareKey(options.verifyKey, "verifyKey");
    const name = pvsystModuleName(request);
    const listing: CreateListing | undefined = verifyKey && {
      what: `the PVsyst module list of ${verifyKey}`,
      find: async (signal) => {
        const modules = await this.getPvsystModules(verifyKey.startsWith("H") ? { hardwareId: verifyKey } : { siteId: verifyKey }, {
          signal,
        });
        const found = modules.find((m) => m.name === name);
        return found ? { key: found.value } : null;
      },
    };
    const referer = verifyKey ? this.referer(verifyKey, "administration/modeling") : this.appReferer;
    return sendCreate(
      request,
      (signal) => this.postJson("/api/edit/pvsystmodule", request, { operation: "uploadPanData", referer, signal }),
      { ...options, listing },
    );
  }

  /**
   * A new report configuration's starting point (`GET /api/reportconfig/new/{C}/{type}/undefined`,
   * as the web app asks for it), to fill in and pass to `createReportConfig`.
   */
  async getReportConfigTemplate(
    customerId: string | number,
    reportType = 0,
    options: { signal?: AbortSignal } = {},
  ): Promise<Record<string, unknown>> {
    const key = parseCustomerKey(customerId);
    if (!Number.isInteger(reportType) || reportType < 0)
      throw new ValidationError(`reportType must be a whole number >= 0, got ${JSON.stringify(reportType)}.`, {
        field: "reportType",
        vendor: "powertrack",
      });
    const data = await this.#read(`/api/reportconfig/new/${key}/${reportType}/undefined`, "getReportConfigTemplate", {
      signal: options.signal,
    });
    if (typeof data !== "object" || Array.isArray(data))
      throw new ResponseFormatError("PowerTrack sent a report config template that is not an object.", {
        vendor: "powertrack",
        operation: "getReportConfigTemplate",
      });
    return data as Record<string, unknown>;
  }

  /**
   * The SDK's `create_report_config`: creates a report configuration (`POST /api/reportconfig`
   * with `key: ""`, answer `{}`; the SDK's `/api/report/config` is not a documented call). The
   * report configs of `verifyKey` (default: the first source item) are read before (same title:
   * `alreadyApplied`, nothing sent) and after (the new config's key as `createdKey`). Never retried.
   */
  async createReportConfig(
    config: Record<string, unknown>,
    options: { verifyKey?: string; allowDuplicate?: boolean; dryRun?: boolean; verify?: boolean; signal?: AbortSignal } = {},
  ): Promise<CreateResult<ReportConfigRequest>> {
    const request = validateReportConfig(config);
    const verifyKey = parseNodeKey(options.verifyKey ?? request.sourceItems[0]!.key, "verifyKey");
    const listing: CreateListing = {
      what: `the report configs of ${verifyKey}`,
      find: async (signal) => {
        const { list } = await this.getReportConfigs(verifyKey, { signal });
        const titled = list.filter(
          (c): c is Record<string, unknown> =>
            typeof c === "object" &&
            c !== null &&
            (typeof (c as Record<string, unknown>).name === "string" || typeof (c as Record<string, unknown>).reportTitle === "string"),
        );
        // Items without a name cannot be matched: say so (undefined) rather than "not there".
        if (list.length > 0 && titled.length === 0) return undefined;
        const match = titled.find((c) => c.name === request.reportTitle || c.reportTitle === request.reportTitle);
        if (!match) return null;
        return typeof match.key === "string" || typeof match.key === "number" ? { key: match.key } : {};
      },
    };
    return sendCreate(
      request,
      (signal) => this.postJson("/api/reportconfig", request, { operation: "createReportConfig", referer: this.appReferer, signal }),
      { ...options, listing },
    );
  }

  // -------------------------------------------------------------------------------------------

  /** A site as a unified `EnergySystem` (monitoring), sharing this client's transport and budget. */
  forSite(siteId: string | number, options: PowerTrackSiteOptions = {}): PowerTrackSite {
    return new PowerTrackSite(this, siteId, options);
  }

  /** Stops in-flight requests and refuses new ones. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort(
      new ConfigurationError("The PowerTrackClient was closed while this request was in flight.", { vendor: "powertrack" }),
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  get closed(): boolean {
    return this.#closed;
  }
}

function lookup(body: unknown, operation: string): Array<{ name: string; value: number | string } & Record<string, unknown>> {
  const parsed = parseWith(lookupOrWrapped, body, { vendor: "powertrack", operation });
  if (Array.isArray(parsed)) return parsed;
  return (
    (parsed as { curves?: never[]; modules?: never[]; list?: never[] }).curves ??
    (parsed as { modules?: never[] }).modules ??
    (parsed as { list?: never[] }).list ??
    []
  );
}

function dateInput(value: DateInput, timeZone: string, field: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(`${field} is an invalid Date.`, { field, vendor: "powertrack" });
    return localDate(value, timeZone);
  }
  const day = parseCalendarDay(value);
  if (!day)
    throw new ValidationError(`${field} must be "YYYY-MM-DD" (or a date-time), got ${JSON.stringify(value)}.`, {
      field,
      vendor: "powertrack",
    });
  return day;
}

function safeZone(tz: string): string {
  return isValidTimeZone(tz) ? tz : "UTC";
}

export type { SiteKey, HardwareKey, AlertTrigger };
