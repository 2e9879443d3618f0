import { existsSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { AuthenticationError, ConfigurationError, NotFoundError } from "../../core/errors/index.js";
import { mapLimit } from "../../core/concurrency.js";
import { summarizeError } from "../edits.js";
import { parseCustomerKey, parseSiteKey, type HardwareKey } from "../keys.js";
import { type AlertTriggers } from "../models/alerts.js";
import { type Hardware, type HardwareDetails } from "../models/hardware.js";
import { toPortfolioMetrics, type PortfolioMetrics, type SiteOverview } from "../models/portfolio.js";
import {
  toSiteConfig,
  toSiteDetailedInfo,
  toSiteLinks,
  toSiteShares,
  type SiteConfig,
  type SiteDetailedInfo,
  type SiteLink,
  type SiteShare,
} from "../models/site.js";
import { SiteList } from "../portfolio/site-list.js";
import { PowerTrackResource } from "./resource.js";
import { LAST_CHANGED } from "./shared.js";
import type { PartialFailure, SiteData } from "../client-types.js";

/** Portfolio and sites: overviews, configuration, links, shares, and everything about one site. */
export class Sites extends PowerTrackResource {
  /** `GET /api/view/portfolio/{C}`: every site's live metrics, with portfolio totals. */
  async getPortfolioOverview(customerId: string | number, options: { signal?: AbortSignal } = {}): Promise<PortfolioMetrics> {
    const key = parseCustomerKey(customerId);
    const body = await this.client.readJson(`/api/view/portfolio/${key}`, "getPortfolioOverview", {
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
    const info = await this.client.getSiteDetailedInfo(key, options);
    if (!info.parentKey)
      throw new NotFoundError(`Site ${key} has no customer (parentKey) in view/site; its portfolio row cannot be found.`, {
        vendor: "powertrack",
        operation: "getSiteOverview",
      });
    const portfolio = await this.client.getPortfolioOverview(info.parentKey, options);
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
    const body = await this.client.readJson(`/api/view/site/${key}`, "getSiteDetailedInfo", {
      query: LAST_CHANGED,
      referer: this.client.referer(key, "overview/dashboard"),
      signal: options.signal,
    });
    return toSiteDetailedInfo(body, this.client.today());
  }

  /** `GET /api/edit/site/{S}`: the editable configuration (location, `tz`, capacities with units). */
  async getSiteConfig(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<SiteConfig> {
    const key = parseSiteKey(siteId);
    return toSiteConfig(
      await this.client.readJson(`/api/edit/site/${key}`, "getSiteConfig", {
        referer: this.client.referer(key, "administration/config"),
        signal: options.signal,
      }),
    );
  }

  /** `GET /api/edit/sitehardware/{S}`: the editable hardware list (rows keyed by `hardwareKey`), raw. */
  async getSiteHardware(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<Record<string, unknown>> {
    const key = parseSiteKey(siteId);
    return (await this.client.readJson(`/api/edit/sitehardware/${key}`, "getSiteHardware", {
      referer: this.client.referer(key, "administration/hardware/list"),
      signal: options.signal,
    })) as Record<string, unknown>;
  }

  /**
   * A site list: from a SiteList JSON file (`file`, default `portfolio/SiteList.json`), or built
   * from a customer's portfolio (`customerId`).
   */
  async getSites(options: { file?: string; customerId?: string | number; signal?: AbortSignal } = {}): Promise<SiteList> {
    if (options.customerId !== undefined) return SiteList.fromCustomer(this.client, options.customerId, options);
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
    return toSiteLinks(
      await this.client.readJson(`/api/view/sitelinks/${key}`, "getSiteLinks", { query: LAST_CHANGED, signal: options.signal }),
    );
  }

  /** `GET /api/view/siteshares/{S}`: customers the site is shared with (the member is `rows`). */
  async getSiteShares(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<SiteShare[]> {
    const key = parseSiteKey(siteId);
    return toSiteShares(
      await this.client.readJson(`/api/view/siteshares/${key}`, "getSiteShares", { query: LAST_CHANGED, signal: options.signal }),
    );
  }

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
    const limit = options.concurrency ?? this.client.concurrency;
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
    const config = await this.client.getSiteConfig(key, { signal: options.signal });
    let hardwareList: Hardware[] = [];
    if (includeHardware || includeAlerts) {
      try {
        const list = await this.client.hardware.listWithInvalidRows(key, options.signal);
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
        ? mapLimit(devices, limit, (h) => guard(this.client.getHardwareDetails(h, { signal })), { signal: options.signal, shouldStop })
        : Promise.resolve([]),
      includeAlerts
        ? mapLimit(devices, limit, (h) => guard(this.client.getAlertTriggers(h, { signal })), { signal: options.signal, shouldStop })
        : Promise.resolve([]),
      includeModeling
        ? guard(this.client.getModelingData(key, { signal })).catch((error: unknown) =>
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
      fetchedAt: new Date(this.client.clock.now()),
      hardwareCount: hardwareList.length,
      activeAlertsCount: alertList.reduce((a, t) => a + t.activeTriggers.length, 0),
      errors,
    };
  }
}
