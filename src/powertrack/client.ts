import { systemClock, type Clock } from "../core/clock.js";
import { ConfigurationError, ResponseFormatError, ValidationError } from "../core/errors/index.js";
import { silentLogger, redactingLogger, type Logger } from "../core/logger.js";
import { HttpTransport } from "../core/http/transport.js";
import type { HttpMethod } from "../core/http/types.js";
import { mergeClientOptions, type ClientOverrides } from "../core/client-options.js";
import { RateLimiter } from "../core/rate-limit/limiter.js";
import { localDate } from "../core/time/zoned.js";
import { AuthManager } from "./auth/auth-manager.js";
import type { PowerTrackClientOptions } from "./client-types.js";
import { type CallOptions, type RawClient } from "./edits.js";
import { powertrackHttpError, powertrackInvalidBody } from "./errors.js";
import { parseSiteKey, type HardwareKey, type SiteKey } from "./keys.js";
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

/**
 * The AlsoEnergy PowerTrack web-app API (`https://apps.alsoenergy.com/api/…`) with browser
 * credentials. Every read in the documented API, every documented write as plan → PUT → read-back,
 * typed models (camelCase, raw body kept), and typed errors (`AuthenticationError` for 401/419 and
 * the login page, `ApiError` keeping the HTTP status, `ValidationError` before anything is sent).
 * Reads are retried on 5xx/429 by the core policy; writes are never retried once sent.
 *
 * ```ts
 * await using client = new PowerTrackClient();           // credentials from the environment
 * const hardware = await client.getHardwareList("S12345"); // or client.hardware.getHardwareList
 * const site = client.site("S12345");                     // the EnergySystem façade
 * ```
 *
 * `withOptions()` and `forSite()` derive clients that share this one's credentials, transport
 * settings and request budget; closing a client closes the clients derived from it.
 */
export class PowerTrackClient implements RawClient, AsyncDisposable {
  readonly auth: AuthManager;
  readonly transport: HttpTransport;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly concurrency: number;
  readonly baseUrl: string;
  readonly #abort = new AbortController();
  readonly #options: PowerTrackClientOptions;
  readonly #parent: PowerTrackClient | undefined;
  /** The site a `forSite` clone is scoped to: `site()` without a key gives its façade. */
  readonly siteKey: SiteKey | undefined;
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

  constructor(options: PowerTrackClientOptions = {}, derivedFrom?: { parent: PowerTrackClient; siteKey?: SiteKey }) {
    const parent = derivedFrom?.parent;
    this.#options = options;
    this.#parent = parent;
    this.siteKey = derivedFrom?.siteKey ?? parent?.siteKey;
    this.auth =
      parent?.auth ??
      (options.auth instanceof AuthManager
        ? options.auth
        : new AuthManager({ ...options.auth, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) }));
    this.baseUrl = parent?.baseUrl ?? (options.baseUrl ?? this.auth.baseUrl).replace(/\/+$/, "");
    this.clock = parent?.clock ?? options.clock ?? systemClock;
    this.logger = options.logger ? redactingLogger(options.logger) : silentLogger;
    const concurrency = parent?.concurrency ?? options.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new ConfigurationError(`concurrency must be a whole number from 1 to 64, got ${JSON.stringify(options.concurrency)}.`, {
        vendor: "powertrack",
        setting: "concurrency",
      });
    }
    this.concurrency = concurrency;
    // PowerTrack documents no request budget: the shared limiter caps requests in flight.
    this.limiter =
      parent?.limiter ??
      options.rateLimit ??
      options.limiter ??
      new RateLimiter({ name: "powertrack", vendor: "powertrack", concurrency, clock: this.clock });
    const sameTransport =
      parent &&
      ["logger", "userAgent", "maxResponseBytes"].every(
        (k) => options[k as keyof ClientOverrides] === parent.#options[k as keyof ClientOverrides],
      );
    this.transport = sameTransport
      ? parent.transport
      : new HttpTransport({
          vendor: "powertrack",
          baseUrl: this.baseUrl,
          fetch: options.fetch,
          clock: this.clock,
          logger: options.logger,
          timeoutMs: options.timeoutMs,
          ...(options.retry !== undefined ? { retry: options.retry === false ? { limit: 0 } : options.retry } : {}),
          limiter: this.limiter,
          userAgent: options.userAgent,
          maxResponseBytes: options.maxResponseBytes,
          onInvalidBody: powertrackInvalidBody,
          mapHttpError: powertrackHttpError,
        });
  }

  /**
   * A client with some transport options changed (time-out, retry, logger, user agent, body limit)
   * that shares this one's credentials, request budget and (when only time-out or retry change) its
   * transport. Credentials and scope stay.
   */
  withOptions(overrides: ClientOverrides): PowerTrackClient {
    return new PowerTrackClient(mergeClientOptions(this.#options, overrides), { parent: this });
  }

  /**
   * A client scoped to one site (as Amber's `forSite`), sharing credentials, transport and
   * budget: `scoped.site()` is that site's `EnergySystem` façade. The key is checked here.
   */
  forSite(siteId: string | number): PowerTrackClient {
    return new PowerTrackClient(this.#options, { parent: this, siteKey: parseSiteKey(siteId) });
  }

  /** A site as a unified `EnergySystem` (`PowerTrackSite`, monitoring), sharing this client's transport and budget. */
  site(siteId: string | number | undefined = this.siteKey, options: PowerTrackSiteOptions = {}): PowerTrackSite {
    if (siteId === undefined)
      throw new ValidationError("Name the site (e.g. S12345), or call site() on a client from forSite(key).", {
        field: "siteId",
        vendor: "powertrack",
      });
    return new PowerTrackSite(this, siteId, options);
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
    if (this.closed) throw new ConfigurationError("This PowerTrackClient is closed; create a new one.", { vendor: "powertrack" });
    const signals = [
      this.#abort.signal,
      ...(this.#parent ? [this.#parent.#abortSignal()] : []),
      ...(options.signal ? [options.signal] : []),
    ];
    const signal = signals.length === 1 ? this.#abort.signal : AbortSignal.any(signals);
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

  // The Python SDK's flat methods (camelCase), each a thin delegate to its resource, whose method is documented.
  // `client.sites` (Sites): the seed-named methods below delegate to it.
  getPortfolioOverview(...args: Parameters<Sites["getPortfolioOverview"]>): ReturnType<Sites["getPortfolioOverview"]> {
    return this.sites.getPortfolioOverview(...args);
  }

  getSiteOverview(...args: Parameters<Sites["getSiteOverview"]>): ReturnType<Sites["getSiteOverview"]> {
    return this.sites.getSiteOverview(...args);
  }

  getSiteDetailedInfo(...args: Parameters<Sites["getSiteDetailedInfo"]>): ReturnType<Sites["getSiteDetailedInfo"]> {
    return this.sites.getSiteDetailedInfo(...args);
  }

  getSiteConfig(...args: Parameters<Sites["getSiteConfig"]>): ReturnType<Sites["getSiteConfig"]> {
    return this.sites.getSiteConfig(...args);
  }

  getSiteHardware(...args: Parameters<Sites["getSiteHardware"]>): ReturnType<Sites["getSiteHardware"]> {
    return this.sites.getSiteHardware(...args);
  }

  getSites(...args: Parameters<Sites["getSites"]>): ReturnType<Sites["getSites"]> {
    return this.sites.getSites(...args);
  }

  getSiteLinks(...args: Parameters<Sites["getSiteLinks"]>): ReturnType<Sites["getSiteLinks"]> {
    return this.sites.getSiteLinks(...args);
  }

  getSiteShares(...args: Parameters<Sites["getSiteShares"]>): ReturnType<Sites["getSiteShares"]> {
    return this.sites.getSiteShares(...args);
  }

  getSiteData(...args: Parameters<Sites["getSiteData"]>): ReturnType<Sites["getSiteData"]> {
    return this.sites.getSiteData(...args);
  }

  // `client.charts` (Charts): the seed-named methods below delegate to it.
  getChartData(...args: Parameters<Charts["getChartData"]>): ReturnType<Charts["getChartData"]> {
    return this.charts.getChartData(...args);
  }

  getChartDefinitions(...args: Parameters<Charts["getChartDefinitions"]>): ReturnType<Charts["getChartDefinitions"]> {
    return this.charts.getChartDefinitions(...args);
  }

  // `client.hardware` (HardwareResource): the seed-named methods below delegate to it.
  getSiteHardwareProduction(
    ...args: Parameters<HardwareResource["getSiteHardwareProduction"]>
  ): ReturnType<HardwareResource["getSiteHardwareProduction"]> {
    return this.hardware.getSiteHardwareProduction(...args);
  }

  getHardwareList(...args: Parameters<HardwareResource["getHardwareList"]>): ReturnType<HardwareResource["getHardwareList"]> {
    return this.hardware.getHardwareList(...args);
  }

  getHardwareDetails(...args: Parameters<HardwareResource["getHardwareDetails"]>): ReturnType<HardwareResource["getHardwareDetails"]> {
    return this.hardware.getHardwareDetails(...args);
  }

  getHardwareDiagnostics(
    ...args: Parameters<HardwareResource["getHardwareDiagnostics"]>
  ): ReturnType<HardwareResource["getHardwareDiagnostics"]> {
    return this.hardware.getHardwareDiagnostics(...args);
  }

  getDriverSettings(...args: Parameters<HardwareResource["getDriverSettings"]>): ReturnType<HardwareResource["getDriverSettings"]> {
    return this.hardware.getDriverSettings(...args);
  }

  getDriverSettingsList(
    ...args: Parameters<HardwareResource["getDriverSettingsList"]>
  ): ReturnType<HardwareResource["getDriverSettingsList"]> {
    return this.hardware.getDriverSettingsList(...args);
  }

  getDriverList(...args: Parameters<HardwareResource["getDriverList"]>): ReturnType<HardwareResource["getDriverList"]> {
    return this.hardware.getDriverList(...args);
  }

  getRegisterOffsets(...args: Parameters<HardwareResource["getRegisterOffsets"]>): ReturnType<HardwareResource["getRegisterOffsets"]> {
    return this.hardware.getRegisterOffsets(...args);
  }

  getNodes(...args: Parameters<HardwareResource["getNodes"]>): ReturnType<HardwareResource["getNodes"]> {
    return this.hardware.getNodes(...args);
  }

  // `client.alerts` (Alerts): the seed-named methods below delegate to it.
  getAlertTriggers(...args: Parameters<Alerts["getAlertTriggers"]>): ReturnType<Alerts["getAlertTriggers"]> {
    return this.alerts.getAlertTriggers(...args);
  }

  getAlertSummary(...args: Parameters<Alerts["getAlertSummary"]>): ReturnType<Alerts["getAlertSummary"]> {
    return this.alerts.getAlertSummary(...args);
  }

  // `client.modeling` (Modeling): the seed-named methods below delegate to it.
  getModelingData(...args: Parameters<Modeling["getModelingData"]>): ReturnType<Modeling["getModelingData"]> {
    return this.modeling.getModelingData(...args);
  }

  getPvModelCurves(...args: Parameters<Modeling["getPvModelCurves"]>): ReturnType<Modeling["getPvModelCurves"]> {
    return this.modeling.getPvModelCurves(...args);
  }

  getPvsystModules(...args: Parameters<Modeling["getPvsystModules"]>): ReturnType<Modeling["getPvsystModules"]> {
    return this.modeling.getPvsystModules(...args);
  }

  uploadPanData(...args: Parameters<Modeling["uploadPanData"]>): ReturnType<Modeling["uploadPanData"]> {
    return this.modeling.uploadPanData(...args);
  }

  // `client.reports` (Reports): the seed-named methods below delegate to it.
  getReportingCapabilities(...args: Parameters<Reports["getReportingCapabilities"]>): ReturnType<Reports["getReportingCapabilities"]> {
    return this.reports.getReportingCapabilities(...args);
  }

  getReportConfigs(...args: Parameters<Reports["getReportConfigs"]>): ReturnType<Reports["getReportConfigs"]> {
    return this.reports.getReportConfigs(...args);
  }

  startReport(...args: Parameters<Reports["startReport"]>): ReturnType<Reports["startReport"]> {
    return this.reports.startReport(...args);
  }

  getReportConfigTemplate(...args: Parameters<Reports["getReportConfigTemplate"]>): ReturnType<Reports["getReportConfigTemplate"]> {
    return this.reports.getReportConfigTemplate(...args);
  }

  createReportConfig(...args: Parameters<Reports["createReportConfig"]>): ReturnType<Reports["createReportConfig"]> {
    return this.reports.createReportConfig(...args);
  }

  // `client.account` (Account): the seed-named methods below delegate to it.
  getUserPreferences(...args: Parameters<Account["getUserPreferences"]>): ReturnType<Account["getUserPreferences"]> {
    return this.account.getUserPreferences(...args);
  }

  getAuditLog(...args: Parameters<Account["getAuditLog"]>): ReturnType<Account["getAuditLog"]> {
    return this.account.getAuditLog(...args);
  }

  // `client.edits` (Edits): the seed-named methods below delegate to it.
  planEdit(...args: Parameters<Edits["planEdit"]>): ReturnType<Edits["planEdit"]> {
    return this.edits.planEdit(...args);
  }

  applyEdit(...args: Parameters<Edits["applyEdit"]>): ReturnType<Edits["applyEdit"]> {
    return this.edits.applyEdit(...args);
  }

  updateSiteConfig(...args: Parameters<Edits["updateSiteConfig"]>): ReturnType<Edits["updateSiteConfig"]> {
    return this.edits.updateSiteConfig(...args);
  }

  updateSiteHardware(...args: Parameters<Edits["updateSiteHardware"]>): ReturnType<Edits["updateSiteHardware"]> {
    return this.edits.updateSiteHardware(...args);
  }

  updateHardwareConfig(...args: Parameters<Edits["updateHardwareConfig"]>): ReturnType<Edits["updateHardwareConfig"]> {
    return this.edits.updateHardwareConfig(...args);
  }

  updateHardwareDriver(...args: Parameters<Edits["updateHardwareDriver"]>): ReturnType<Edits["updateHardwareDriver"]> {
    return this.edits.updateHardwareDriver(...args);
  }

  updateAlertTriggers(...args: Parameters<Edits["updateAlertTriggers"]>): ReturnType<Edits["updateAlertTriggers"]> {
    return this.edits.updateAlertTriggers(...args);
  }

  addAlertTrigger(...args: Parameters<Edits["addAlertTrigger"]>): ReturnType<Edits["addAlertTrigger"]> {
    return this.edits.addAlertTrigger(...args);
  }

  deleteAlertTrigger(...args: Parameters<Edits["deleteAlertTrigger"]>): ReturnType<Edits["deleteAlertTrigger"]> {
    return this.edits.deleteAlertTrigger(...args);
  }

  updateModelingData(...args: Parameters<Edits["updateModelingData"]>): ReturnType<Edits["updateModelingData"]> {
    return this.edits.updateModelingData(...args);
  }

  updateInverterModel(...args: Parameters<Edits["updateInverterModel"]>): ReturnType<Edits["updateInverterModel"]> {
    return this.edits.updateInverterModel(...args);
  }

  updateBifacialSettings(...args: Parameters<Edits["updateBifacialSettings"]>): ReturnType<Edits["updateBifacialSettings"]> {
    return this.edits.updateBifacialSettings(...args);
  }

  bulkUpdateHardware(...args: Parameters<Edits["bulkUpdateHardware"]>): ReturnType<Edits["bulkUpdateHardware"]> {
    return this.edits.bulkUpdateHardware(...args);
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

  /** True once this client, or the client it was derived from, is closed. */
  get closed(): boolean {
    return this.#closed || (this.#parent?.closed ?? false);
  }

  #abortSignal(): AbortSignal {
    return this.#parent ? AbortSignal.any([this.#abort.signal, this.#parent.#abortSignal()]) : this.#abort.signal;
  }
}

export type { SiteKey, HardwareKey, AlertTrigger };
export {
  FULL_PAYLOAD,
  type PowerTrackClientOptions,
  type WriteOptions,
  type UpdateResult,
  type PartialFailure,
  type SiteData,
  type SiteHardwareProduction,
  type DateInput,
} from "./client-types.js";
