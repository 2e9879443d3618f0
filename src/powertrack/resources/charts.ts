import { ResponseFormatError, ValidationError } from "../../core/errors/index.js";
import { addDays } from "../../core/time/calendar-date.js";
import { isValidTimeZone } from "../../core/time/zoned.js";
import { parseWith } from "../../core/validation.js";
import { parseSiteKey, type SiteKey } from "../keys.js";
import { toChartData, type ChartData } from "../models/chart.js";
import { chartDefinitionsBody } from "../wire/misc.js";
import { PowerTrackResource } from "./resource.js";
import { LAST_CHANGED, dateInput, safeZone } from "./shared.js";
import type { DateInput } from "../client-types.js";

/** Charts of a site (energy, irradiance, losses) and the predefined chart list. */
export class Charts extends PowerTrackResource {
  /** Site time zones read for chart defaults, by site key. */
  readonly #siteZones = new Map<string, Promise<string>>();

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
    const endDate = options.endDate === undefined ? this.client.today(tz) : dateInput(options.endDate, tz ?? "UTC", "endDate");
    const startDate = options.startDate === undefined ? addDays(endDate, -7) : dateInput(options.startDate, tz ?? "UTC", "startDate");
    if (startDate > endDate)
      throw new ValidationError(`startDate ${startDate} is after endDate ${endDate}.`, { field: "startDate", vendor: "powertrack" });
    const binSize = binSizeIn;
    const body = { chartType, context: "site", source: [key], binSize, sectionCode: -1, query: null, start: startDate, end: endDate };
    const data = await this.client.postJson("/api/view/chart", body, {
      query: LAST_CHANGED,
      referer: this.client.referer(key, "overview/dashboard"),
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
      zone = this.client.getSiteConfig(key, { signal }).then((c) => safeZone(c.timeZone ?? "UTC"));
      this.#siteZones.set(key, zone);
      zone.catch(() => this.#siteZones.delete(key));
    }
    return zone;
  }

  /** `GET /api/view/chart/builtin`: the predefined charts (a bare list or `chartMenuSections[].predefinedCharts[]`, flattened). */
  async getChartDefinitions(options: { signal?: AbortSignal } = {}): Promise<unknown[]> {
    const body = parseWith(
      chartDefinitionsBody,
      await this.client.readJson("/api/view/chart/builtin", "getChartDefinitions", { signal: options.signal }),
      { vendor: "powertrack", operation: "getChartDefinitions" },
    );
    return Array.isArray(body) ? body : body.chartMenuSections.flatMap((s) => s.predefinedCharts);
  }
}
