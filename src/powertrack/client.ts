import { systemClock, type Clock } from "../core/clock.js";
import { ConfigurationError, ResponseFormatError } from "../core/errors/index.js";
import { silentLogger, redactingLogger, type Logger } from "../core/logger.js";
import { HttpTransport } from "../core/http/transport.js";
import type { FetchFn, HttpMethod } from "../core/http/types.js";
import type { RetryPolicy } from "../core/http/retry-policy.js";
import { RateLimiter } from "../core/rate-limit/limiter.js";
import { localDate } from "../core/time/zoned.js";
import { AuthManager, type AuthOptions } from "./auth/auth-manager.js";
import { type CallOptions, type RawClient } from "./edits.js";
import { powertrackHttpError, powertrackInvalidBody } from "./errors.js";
import { type HardwareKey, type SiteKey } from "./keys.js";
import { type AlertTrigger } from "./models/alerts.js";
import { Account } from "./resources/account.js";
import { Alerts } from "./resources/alerts.js";
import { Charts } from "./resources/charts.js";
import { Edits } from "./resources/edits.js";
import { HardwareResource } from "./resources/hardware.js";
import { Modeling } from "./resources/modeling.js";
import { Reports } from "./resources/reports.js";
import { Sites } from "./resources/sites.js";
import { PowerTrackSite, type PowerTrackSiteOptions } from "./system.js";

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
  /** The caller's logger, redacting (resources log through it). */
  readonly logger: Logger;
  readonly sites = new Sites(this);
  readonly charts = new Charts(this);
  readonly hardware = new HardwareResource(this);
  readonly alerts = new Alerts(this);
  readonly modeling = new Modeling(this);
  readonly reports = new Reports(this);
  readonly account = new Account(this);
  readonly edits = new Edits(this);
  #closed = false;

  constructor(options: PowerTrackClientOptions = {}) {
    this.auth =
      options.auth instanceof AuthManager
        ? options.auth
        : new AuthManager({ ...options.auth, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
    this.baseUrl = (options.baseUrl ?? this.auth.baseUrl).replace(/\/+$/, "");
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ? redactingLogger(options.logger) : silentLogger;
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

  /** @internal A GET whose answer must not be empty (used by the resources). */
  async readJson(path: string, operation: string, options: CallOptions = {}): Promise<unknown> {
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

  /** @internal Today in `timeZone`, by this client's clock. */
  today(timeZone = "UTC"): string {
    return localDate(this.clock.now(), timeZone);
  }

  // -------------------------------------------------------------------------------------------
  // Portfolio and sites

  // -------------------------------------------------------------------------------------------
  // Charts

  // -------------------------------------------------------------------------------------------
  // Hardware

  // -------------------------------------------------------------------------------------------
  // Alerts

  // -------------------------------------------------------------------------------------------
  // Modeling

  // -------------------------------------------------------------------------------------------
  // Reporting, user, audit

  // -------------------------------------------------------------------------------------------
  // Composite

  // -------------------------------------------------------------------------------------------
  // Writes: GET → merge by key → PUT the whole object → read back

  // -------------------------------------------------------------------------------------------

  // Sites: `client.sites`
  /** See `Sites.getPortfolioOverview` (`client.sites.getPortfolioOverview`). */
  getPortfolioOverview(...args: Parameters<Sites["getPortfolioOverview"]>): ReturnType<Sites["getPortfolioOverview"]> {
    return this.sites.getPortfolioOverview(...args);
  }

  /** See `Sites.getSiteOverview` (`client.sites.getSiteOverview`). */
  getSiteOverview(...args: Parameters<Sites["getSiteOverview"]>): ReturnType<Sites["getSiteOverview"]> {
    return this.sites.getSiteOverview(...args);
  }

  /** See `Sites.getSiteDetailedInfo` (`client.sites.getSiteDetailedInfo`). */
  getSiteDetailedInfo(...args: Parameters<Sites["getSiteDetailedInfo"]>): ReturnType<Sites["getSiteDetailedInfo"]> {
    return this.sites.getSiteDetailedInfo(...args);
  }

  /** See `Sites.getSiteConfig` (`client.sites.getSiteConfig`). */
  getSiteConfig(...args: Parameters<Sites["getSiteConfig"]>): ReturnType<Sites["getSiteConfig"]> {
    return this.sites.getSiteConfig(...args);
  }

  /** See `Sites.getSiteHardware` (`client.sites.getSiteHardware`). */
  getSiteHardware(...args: Parameters<Sites["getSiteHardware"]>): ReturnType<Sites["getSiteHardware"]> {
    return this.sites.getSiteHardware(...args);
  }

  /** See `Sites.getSites` (`client.sites.getSites`). */
  getSites(...args: Parameters<Sites["getSites"]>): ReturnType<Sites["getSites"]> {
    return this.sites.getSites(...args);
  }

  /** See `Sites.getSiteLinks` (`client.sites.getSiteLinks`). */
  getSiteLinks(...args: Parameters<Sites["getSiteLinks"]>): ReturnType<Sites["getSiteLinks"]> {
    return this.sites.getSiteLinks(...args);
  }

  /** See `Sites.getSiteShares` (`client.sites.getSiteShares`). */
  getSiteShares(...args: Parameters<Sites["getSiteShares"]>): ReturnType<Sites["getSiteShares"]> {
    return this.sites.getSiteShares(...args);
  }

  /** See `Sites.getSiteData` (`client.sites.getSiteData`). */
  getSiteData(...args: Parameters<Sites["getSiteData"]>): ReturnType<Sites["getSiteData"]> {
    return this.sites.getSiteData(...args);
  }

  // Charts: `client.charts`
  /** See `Charts.getChartData` (`client.charts.getChartData`). */
  getChartData(...args: Parameters<Charts["getChartData"]>): ReturnType<Charts["getChartData"]> {
    return this.charts.getChartData(...args);
  }

  /** See `Charts.getChartDefinitions` (`client.charts.getChartDefinitions`). */
  getChartDefinitions(...args: Parameters<Charts["getChartDefinitions"]>): ReturnType<Charts["getChartDefinitions"]> {
    return this.charts.getChartDefinitions(...args);
  }

  // HardwareResource: `client.hardware`
  /** See `HardwareResource.getSiteHardwareProduction` (`client.hardware.getSiteHardwareProduction`). */
  getSiteHardwareProduction(
    ...args: Parameters<HardwareResource["getSiteHardwareProduction"]>
  ): ReturnType<HardwareResource["getSiteHardwareProduction"]> {
    return this.hardware.getSiteHardwareProduction(...args);
  }

  /** See `HardwareResource.getHardwareList` (`client.hardware.getHardwareList`). */
  getHardwareList(...args: Parameters<HardwareResource["getHardwareList"]>): ReturnType<HardwareResource["getHardwareList"]> {
    return this.hardware.getHardwareList(...args);
  }

  /** See `HardwareResource.getHardwareDetails` (`client.hardware.getHardwareDetails`). */
  getHardwareDetails(...args: Parameters<HardwareResource["getHardwareDetails"]>): ReturnType<HardwareResource["getHardwareDetails"]> {
    return this.hardware.getHardwareDetails(...args);
  }

  /** See `HardwareResource.getHardwareDiagnostics` (`client.hardware.getHardwareDiagnostics`). */
  getHardwareDiagnostics(
    ...args: Parameters<HardwareResource["getHardwareDiagnostics"]>
  ): ReturnType<HardwareResource["getHardwareDiagnostics"]> {
    return this.hardware.getHardwareDiagnostics(...args);
  }

  /** See `HardwareResource.getDriverSettings` (`client.hardware.getDriverSettings`). */
  getDriverSettings(...args: Parameters<HardwareResource["getDriverSettings"]>): ReturnType<HardwareResource["getDriverSettings"]> {
    return this.hardware.getDriverSettings(...args);
  }

  /** See `HardwareResource.getDriverSettingsList` (`client.hardware.getDriverSettingsList`). */
  getDriverSettingsList(
    ...args: Parameters<HardwareResource["getDriverSettingsList"]>
  ): ReturnType<HardwareResource["getDriverSettingsList"]> {
    return this.hardware.getDriverSettingsList(...args);
  }

  /** See `HardwareResource.getDriverList` (`client.hardware.getDriverList`). */
  getDriverList(...args: Parameters<HardwareResource["getDriverList"]>): ReturnType<HardwareResource["getDriverList"]> {
    return this.hardware.getDriverList(...args);
  }

  /** See `HardwareResource.getRegisterOffsets` (`client.hardware.getRegisterOffsets`). */
  getRegisterOffsets(...args: Parameters<HardwareResource["getRegisterOffsets"]>): ReturnType<HardwareResource["getRegisterOffsets"]> {
    return this.hardware.getRegisterOffsets(...args);
  }

  /** See `HardwareResource.getNodes` (`client.hardware.getNodes`). */
  getNodes(...args: Parameters<HardwareResource["getNodes"]>): ReturnType<HardwareResource["getNodes"]> {
    return this.hardware.getNodes(...args);
  }

  // Alerts: `client.alerts`
  /** See `Alerts.getAlertTriggers` (`client.alerts.getAlertTriggers`). */
  getAlertTriggers(...args: Parameters<Alerts["getAlertTriggers"]>): ReturnType<Alerts["getAlertTriggers"]> {
    return this.alerts.getAlertTriggers(...args);
  }

  /** See `Alerts.getAlertSummary` (`client.alerts.getAlertSummary`). */
  getAlertSummary(...args: Parameters<Alerts["getAlertSummary"]>): ReturnType<Alerts["getAlertSummary"]> {
    return this.alerts.getAlertSummary(...args);
  }

  // Modeling: `client.modeling`
  /** See `Modeling.getModelingData` (`client.modeling.getModelingData`). */
  getModelingData(...args: Parameters<Modeling["getModelingData"]>): ReturnType<Modeling["getModelingData"]> {
    return this.modeling.getModelingData(...args);
  }

  /** See `Modeling.getPvModelCurves` (`client.modeling.getPvModelCurves`). */
  getPvModelCurves(...args: Parameters<Modeling["getPvModelCurves"]>): ReturnType<Modeling["getPvModelCurves"]> {
    return this.modeling.getPvModelCurves(...args);
  }

  /** See `Modeling.getPvsystModules` (`client.modeling.getPvsystModules`). */
  getPvsystModules(...args: Parameters<Modeling["getPvsystModules"]>): ReturnType<Modeling["getPvsystModules"]> {
    return this.modeling.getPvsystModules(...args);
  }

  /** See `Modeling.uploadPanData` (`client.modeling.uploadPanData`). */
  uploadPanData(...args: Parameters<Modeling["uploadPanData"]>): ReturnType<Modeling["uploadPanData"]> {
    return this.modeling.uploadPanData(...args);
  }

  // Reports: `client.reports`
  /** See `Reports.getReportingCapabilities` (`client.reports.getReportingCapabilities`). */
  getReportingCapabilities(...args: Parameters<Reports["getReportingCapabilities"]>): ReturnType<Reports["getReportingCapabilities"]> {
    return this.reports.getReportingCapabilities(...args);
  }

  /** See `Reports.getReportConfigs` (`client.reports.getReportConfigs`). */
  getReportConfigs(...args: Parameters<Reports["getReportConfigs"]>): ReturnType<Reports["getReportConfigs"]> {
    return this.reports.getReportConfigs(...args);
  }

  /** See `Reports.startReport` (`client.reports.startReport`). */
  startReport(...args: Parameters<Reports["startReport"]>): ReturnType<Reports["startReport"]> {
    return this.reports.startReport(...args);
  }

  /** See `Reports.getReportConfigTemplate` (`client.reports.getReportConfigTemplate`). */
  getReportConfigTemplate(...args: Parameters<Reports["getReportConfigTemplate"]>): ReturnType<Reports["getReportConfigTemplate"]> {
    return this.reports.getReportConfigTemplate(...args);
  }

  /** See `Reports.createReportConfig` (`client.reports.createReportConfig`). */
  createReportConfig(...args: Parameters<Reports["createReportConfig"]>): ReturnType<Reports["createReportConfig"]> {
    return this.reports.createReportConfig(...args);
  }

  // Account: `client.account`
  /** See `Account.getUserPreferences` (`client.account.getUserPreferences`). */
  getUserPreferences(...args: Parameters<Account["getUserPreferences"]>): ReturnType<Account["getUserPreferences"]> {
    return this.account.getUserPreferences(...args);
  }

  /** See `Account.getAuditLog` (`client.account.getAuditLog`). */
  getAuditLog(...args: Parameters<Account["getAuditLog"]>): ReturnType<Account["getAuditLog"]> {
    return this.account.getAuditLog(...args);
  }

  // Edits: `client.edits`
  /** See `Edits.planEdit` (`client.edits.planEdit`). */
  planEdit(...args: Parameters<Edits["planEdit"]>): ReturnType<Edits["planEdit"]> {
    return this.edits.planEdit(...args);
  }

  /** See `Edits.applyEdit` (`client.edits.applyEdit`). */
  applyEdit(...args: Parameters<Edits["applyEdit"]>): ReturnType<Edits["applyEdit"]> {
    return this.edits.applyEdit(...args);
  }

  /** See `Edits.updateSiteConfig` (`client.edits.updateSiteConfig`). */
  updateSiteConfig(...args: Parameters<Edits["updateSiteConfig"]>): ReturnType<Edits["updateSiteConfig"]> {
    return this.edits.updateSiteConfig(...args);
  }

  /** See `Edits.updateSiteHardware` (`client.edits.updateSiteHardware`). */
  updateSiteHardware(...args: Parameters<Edits["updateSiteHardware"]>): ReturnType<Edits["updateSiteHardware"]> {
    return this.edits.updateSiteHardware(...args);
  }

  /** See `Edits.updateHardwareConfig` (`client.edits.updateHardwareConfig`). */
  updateHardwareConfig(...args: Parameters<Edits["updateHardwareConfig"]>): ReturnType<Edits["updateHardwareConfig"]> {
    return this.edits.updateHardwareConfig(...args);
  }

  /** See `Edits.updateHardwareDriver` (`client.edits.updateHardwareDriver`). */
  updateHardwareDriver(...args: Parameters<Edits["updateHardwareDriver"]>): ReturnType<Edits["updateHardwareDriver"]> {
    return this.edits.updateHardwareDriver(...args);
  }

  /** See `Edits.updateAlertTriggers` (`client.edits.updateAlertTriggers`). */
  updateAlertTriggers(...args: Parameters<Edits["updateAlertTriggers"]>): ReturnType<Edits["updateAlertTriggers"]> {
    return this.edits.updateAlertTriggers(...args);
  }

  /** See `Edits.addAlertTrigger` (`client.edits.addAlertTrigger`). */
  addAlertTrigger(...args: Parameters<Edits["addAlertTrigger"]>): ReturnType<Edits["addAlertTrigger"]> {
    return this.edits.addAlertTrigger(...args);
  }

  /** See `Edits.deleteAlertTrigger` (`client.edits.deleteAlertTrigger`). */
  deleteAlertTrigger(...args: Parameters<Edits["deleteAlertTrigger"]>): ReturnType<Edits["deleteAlertTrigger"]> {
    return this.edits.deleteAlertTrigger(...args);
  }

  /** See `Edits.updateModelingData` (`client.edits.updateModelingData`). */
  updateModelingData(...args: Parameters<Edits["updateModelingData"]>): ReturnType<Edits["updateModelingData"]> {
    return this.edits.updateModelingData(...args);
  }

  /** See `Edits.updateInverterModel` (`client.edits.updateInverterModel`). */
  updateInverterModel(...args: Parameters<Edits["updateInverterModel"]>): ReturnType<Edits["updateInverterModel"]> {
    return this.edits.updateInverterModel(...args);
  }

  /** See `Edits.updateBifacialSettings` (`client.edits.updateBifacialSettings`). */
  updateBifacialSettings(...args: Parameters<Edits["updateBifacialSettings"]>): ReturnType<Edits["updateBifacialSettings"]> {
    return this.edits.updateBifacialSettings(...args);
  }

  /** See `Edits.bulkUpdateHardware` (`client.edits.bulkUpdateHardware`). */
  bulkUpdateHardware(...args: Parameters<Edits["bulkUpdateHardware"]>): ReturnType<Edits["bulkUpdateHardware"]> {
    return this.edits.bulkUpdateHardware(...args);
  }

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

export type { SiteKey, HardwareKey, AlertTrigger };
export {
  FULL_PAYLOAD,
  type WriteOptions,
  type UpdateResult,
  type PartialFailure,
  type SiteData,
  type SiteHardwareProduction,
  type DateInput,
} from "./client-types.js";
