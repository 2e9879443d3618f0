import type { EnergyMeter, PowerHistory, PowerMeter } from "../model/capabilities.js";
import type { EnergySystem, EnergyTotals, PowerFlow } from "../model/types.js";
import { assertCalendarDate } from "../core/time/calendar-date.js";
import { localDate } from "../core/time/zoned.js";
import type { PowerTrackClient } from "./client.js";
import { FUNCTION_CODE } from "./function-codes.js";
import { parseSiteKey, type SiteKey } from "./keys.js";
import type { Hardware } from "./models/hardware.js";

export interface PowerTrackSiteOptions {
  /** Chart type whose daily bins hold the site's energy (1 = the energy/losses KPI chart). Default 1. */
  energyChartType?: number;
  /** The site's IANA zone; read from the site configuration (`tz`) when not given. */
  timeZone?: string;
}

const KW_UNIT = 10;
const HISTORY_STEP_MINUTES = 15;
const KWH_UNIT = 11;
const POWER_NAMES = /^(kw|kwac|acpower|power|activepower)$/i;

/** A device's live AC power in kW from its registers (a "KW"-like register in kW), or null. */
export function powerKwOf(hardware: Hardware): number | null {
  const inKw = hardware.dataRegisters.filter((r) => r.unit === KW_UNIT);
  const named = inKw.find((r) => r.name !== null && POWER_NAMES.test(r.name.replace(/[\s_-]/g, "")));
  return (named ?? inKw[0])?.value ?? null;
}

/**
 * A PowerTrack site as a unified `EnergySystem`, for monitoring (a scoped view sharing the
 * client's transport and rate-limit budget).
 *
 * What it can say, and why the rest is null:
 * - `pvW`: the sum of the production meters' kW registers (function code 2) × 1000; when no meter
 *   reports, the inverters' (code 1). PowerTrack monitors commercial PV fleets: production is
 *   what every site has.
 * - `gridW`, `loadW`, `batteryW`, `soc`: null. Grid meters (code 4) and BESS devices (25, 37)
 *   exist on some sites, but their register sign conventions are not documented, and guessing a
 *   sign would be worse than saying nothing.
 * - `observedAt`: the newest `lastSuccess` of the devices used (when the gateway last read them).
 * - Energy totals: PV only, from the daily bins of the energy chart (`getChartData`, kWh), any past day.
 * - Power history: PV only, the mean power of each 15-minute bin of the same chart (kWh × 4 × 1000 W),
 *   stamped at the bin's start.
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
    const reading = (code: number) =>
      production.hardware
        .filter((h) => h.functionCode === code && h.outOfService !== true)
        .map((h) => ({ h, kw: powerKwOf(h) }))
        .filter((x): x is { h: Hardware; kw: number } => x.kw !== null);
    const meters = reading(FUNCTION_CODE.productionMeter);
    const used = meters.length > 0 ? meters : reading(FUNCTION_CODE.inverter);
    const pvW = used.length > 0 ? Math.max(0, used.reduce((a, x) => a + x.kw, 0) * 1000) : null;
    const times = used.map((x) => x.h.lastSuccess?.getTime()).filter((t): t is number => t !== undefined);
    return {
      pvW,
      loadW: null,
      gridW: null,
      batteryW: null,
      soc: null,
      observedAt: new Date(times.length > 0 ? Math.max(...times) : this.client.clock.now()),
      source: { vendor: "powertrack", device: this.id },
      raw: production.raw,
    };
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
    const series = energySeries(chart.series);
    let pvKwh: number | null = null;
    if (series) {
      const ys = series.dataXy.filter((p) => localDate(p.x, timeZone) === date && p.y !== null).map((p) => p.y!);
      pvKwh = ys.length > 0 ? ys.reduce((a, b) => a + b, 0) : null;
    }
    if (pvKwh === null) pvKwh = chart.energyProduction;
    if (pvKwh !== null && !Number.isFinite(pvKwh)) pvKwh = null;
    return {
      date,
      pvKwh,
      loadKwh: null,
      importKwh: null,
      exportKwh: null,
      chargeKwh: null,
      dischargeKwh: null,
      source: { vendor: "powertrack", device: this.id },
      raw: chart.raw,
    };
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
    const series = energySeries(chart.series);
    if (!series) return [];
    const perKwh = (60 / HISTORY_STEP_MINUTES) * 1000;
    return series.dataXy
      .filter((p) => localDate(p.x, timeZone) === date)
      .sort((a, b) => a.x - b.x)
      .map((p) => ({
        pvW: p.y !== null && Number.isFinite(p.y) ? Math.max(0, p.y * perKwh) : null,
        loadW: null,
        gridW: null,
        batteryW: null,
        soc: null,
        observedAt: new Date(p.at.getTime()),
        source: { vendor: "powertrack" as const, device: this.id },
      }));
  }
}

/** The chart's energy series in kWh (the `Energy_…` one when there are several). */
function energySeries<S extends { units: number | null; key: string | null }>(series: readonly S[]): S | undefined {
  return series.find((s) => s.units === KWH_UNIT && (s.key ?? "").startsWith("Energy_")) ?? series.find((s) => s.units === KWH_UNIT);
}
