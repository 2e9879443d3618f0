import type { EnergyMeter, PowerHistory, PowerMeter } from "../model/capabilities.js";
import type { EnergySystem, EnergyTotals, PowerFlow } from "../model/types.js";
import { assertCalendarDate } from "../core/time/calendar-date.js";
import { toEnergyTotals, toPowerFlow, toPowerHistory } from "./adapter.js";
import type { PowerTrackClient } from "./client.js";
import { parseSiteKey, type SiteKey } from "./keys.js";

export { powerKwOf } from "./adapter.js";

export interface PowerTrackSiteOptions {
  /** Chart type whose daily bins hold the site's energy (1 = the energy/losses KPI chart). Default 1. */
  energyChartType?: number;
  /** The site's IANA zone; read from the site configuration (`tz`) when not given. */
  timeZone?: string;
}

const HISTORY_STEP_MINUTES = 15;

/**
 * A PowerTrack site as a unified `EnergySystem`, for monitoring (a scoped view sharing the
 * client's transport and rate-limit budget).
 * What it can say, and why the rest is null, is in `adapter.ts`: PV power, PV energy totals of any
 * past day, and PV power history in 15-minute steps.
 */
export class PowerTrackSite implements EnergySystem, PowerMeter, EnergyMeter, PowerHistory {
  readonly vendor = "powertrack" as const;
  readonly id: SiteKey;
  /** Any past day's totals can be read (the chart keeps the site's whole history). */
  readonly energyTotalsHistory = true;
  /** The chart's bin for a day's power samples, minutes. */
  readonly historyStepMinutes = HISTORY_STEP_MINUTES;
  #timeZone: string | undefined;

  constructor(
    readonly client: PowerTrackClient,
    siteId: string | number,
    private readonly options: PowerTrackSiteOptions = {},
  ) {
    this.id = parseSiteKey(siteId);
    this.#timeZone = options.timeZone;
  }

  /** The site's time zone once known (given, or read by `getTimeZone`). */
  get timeZone(): string | undefined {
    return this.#timeZone;
  }

  /** The site's time zone (`tz` of its configuration, read once). */
  async getTimeZone(options: { signal?: AbortSignal } = {}): Promise<string> {
    if (!this.#timeZone) {
      const config = await this.client.getSiteConfig(this.id, options);
      this.#timeZone = config.timeZone ?? "UTC";
    }
    return this.#timeZone;
  }

  async getPowerFlow(options: { signal?: AbortSignal } = {}): Promise<PowerFlow> {
    const production = await this.client.getSiteHardwareProduction(this.id, options);
    return toPowerFlow(production, this.id, this.client.clock.now());
  }

  async getEnergyTotals(date: string, options: { signal?: AbortSignal } = {}): Promise<EnergyTotals> {
    assertCalendarDate(date);
    const timeZone = await this.getTimeZone(options);
    const chart = await this.client.getChartData(this.options.energyChartType ?? 1, this.id, {
      startDate: date,
      endDate: date,
      binSize: 1440,
      timeZone,
      signal: options.signal,
    });
    return toEnergyTotals(chart, date, timeZone, this.id);
  }

  /**
   * PV power of one local day, one sample per 15-minute chart bin (the bin's mean power, W, at its
   * start), oldest first; bins not yet reached are absent.
   */
  async getPowerHistory(date: string, options: { signal?: AbortSignal } = {}): Promise<PowerFlow[]> {
    assertCalendarDate(date);
    const timeZone = await this.getTimeZone(options);
    const chart = await this.client.getChartData(this.options.energyChartType ?? 1, this.id, {
      startDate: date,
      endDate: date,
      binSize: HISTORY_STEP_MINUTES,
      timeZone,
      signal: options.signal,
    });
    return toPowerHistory(chart, date, timeZone, this.id, HISTORY_STEP_MINUTES);
  }
}
