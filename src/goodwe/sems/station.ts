import { inspect } from "node:util";
import { ValidationError } from "../../core/errors/index.js";
import { assertCalendarDate } from "../../core/time/calendar-date.js";
import { assertTimeZone, localDate, systemTimeZone } from "../../core/time/zoned.js";
import type { EnergyMeter, PowerHistory, PowerMeter } from "../../model/capabilities.js";
import type { EnergySystem, EnergyTotals, PowerFlow } from "../../model/types.js";
import { chartToEnergyTotals, toPowerFlow, toPowerHistory, toTodayTotals, type ChartSigns, type PowerflowSigns } from "./adapter.js";
import type { SemsClient } from "./client.js";
import type { MonitorDetail } from "./models.js";

export interface SemsStationOptions {
  /** The plant's IANA time zone (SEMS times are local wall time). Default: this machine's zone. */
  timeZone?: string;
  /** Direction-flag table for the powerflow (see DEFAULT_POWERFLOW_SIGNS). */
  signs?: PowerflowSigns;
  /** Sign multipliers of the day chart (see DEFAULT_CHART_SIGNS). */
  chartSigns?: ChartSigns;
}

/**
 * One SEMS plant as an `EnergySystem` (monitoring only). Power flow from the monitor detail;
 * today's totals from its statistics, other days integrated from the 5-minute day chart; history
 * from the chart. Shares the client's login, transport and rate-limit budget.
 */
export class SemsStation implements EnergySystem, PowerMeter, EnergyMeter, PowerHistory {
  readonly vendor = "goodwe" as const;
  readonly id: string;
  readonly timeZone: string;
  readonly #client: SemsClient;
  private readonly options: SemsStationOptions;

  constructor(client: SemsClient, powerStationId: string, options: SemsStationOptions = {}) {
    this.#client = client;
    this.id = powerStationId;
    this.timeZone = assertTimeZone(options.timeZone ?? systemTimeZone(), "timeZone");
    this.options = options;
  }

  /** Other days' totals are integrated from the day chart. */
  readonly energyTotalsHistory = true;
  /** The day chart's sample spacing. */
  readonly historyStepMinutes = 5;

  /** What `console.log(station)` shows: the plant, never the account's secrets. */
  [inspect.custom](): string {
    return `SemsStation ${inspect(this.toJSON())}`;
  }

  toJSON(): Record<string, unknown> {
    return { vendor: this.vendor, id: this.id, timeZone: this.timeZone };
  }

  getMonitorDetail(options: { signal?: AbortSignal } = {}): Promise<MonitorDetail> {
    return this.#client.getMonitorDetailByPowerstationId(this.id, options);
  }

  async getPowerFlow(options: { signal?: AbortSignal } = {}): Promise<PowerFlow> {
    const detail = await this.getMonitorDetail(options);
    return toPowerFlow(detail, { timeZone: this.timeZone, fallback: new Date(this.#client.clock.now()), signs: this.options.signs });
  }

  async getEnergyTotals(date: string, options: { signal?: AbortSignal } = {}): Promise<EnergyTotals> {
    assertCalendarDate(date, "date");
    const today = localDate(this.#client.clock.now(), this.timeZone);
    if (date > today)
      throw new ValidationError(`${date} is in the future (today is ${today} in ${this.timeZone}).`, {
        field: "date",
        vendor: "goodwe-sems",
      });
    if (date === today) return toTodayTotals(await this.getMonitorDetail(options), date);
    const chart = await this.#client.getPlantPowerChart(this.id, date, options);
    return chartToEnergyTotals(chart, { timeZone: this.timeZone, device: this.id, signs: this.options.chartSigns });
  }

  async getPowerHistory(date: string, options: { signal?: AbortSignal } = {}): Promise<PowerFlow[]> {
    const chart = await this.#client.getPlantPowerChart(this.id, date, options);
    return toPowerHistory(chart, { timeZone: this.timeZone, device: this.id, signs: this.options.chartSigns });
  }
}
