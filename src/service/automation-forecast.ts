import { blendPv, openMeteoScale } from "../automation/forecast/blend.js";
import { forecastLoadPv, type HistorySample, type LoadPvForecast } from "../automation/forecast/history.js";
import type { OpenMeteo } from "../automation/forecast/open-meteo.js";
import { pvForecastFromIrradiance, type PvArrayConfig, type PvForecastInterval } from "../automation/forecast/open-meteo-pv.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { offsetMinutes } from "../core/time/index.js";
import type { ForecastRow, Storage } from "./storage/types.js";

/** Open-Meteo for the service: the client and the array it forecasts. */
export interface PvForecastSettings {
  client: OpenMeteo;
  array: PvArrayConfig;
}

const HISTORY_DAYS = 7;
const DAY_MS = 86_400_000;
/** Open-Meteo's models update hourly; asking more often only spends the free budget. */
const REFRESH_MS = 3_600_000;

/**
 * The load and PV forecast of one system in the service: the history profile of its stored samples,
 * blended with Open-Meteo's PV forecast when a location is configured (docs/automation.md). Each
 * forecast is stored once per planning interval with its issue time and source (history, open-meteo,
 * blend), so `openpower forecast accuracy` can measure it later.
 */
export class ServiceForecaster {
  private weather: { fetchedAt: number; intervals: PvForecastInterval[] } | undefined;
  private storedFor = -1;

  constructor(
    private readonly o: { storage: Storage; system: string; timeZone: string; clock: Clock; logger: Logger; pv?: PvForecastSettings },
  ) {}

  async forecast(from: Date, count: number, minutes: number): Promise<LoadPvForecast[]> {
    const now = this.o.clock.now();
    const samples = await this.history(now);
    const history = forecastLoadPv(samples, from, count, minutes, {
      utcOffsetMinutes: offsetMinutes(from, this.o.timeZone),
      days: HISTORY_DAYS,
    });
    const weather = await this.openMeteo(now);
    const blended = weather ? blendPv(history, weather, openMeteoScale(samples, weather, now)) : undefined;
    const plan = blended?.blend ?? history;
    if (from.getTime() !== this.storedFor) {
      this.storedFor = from.getTime();
      await this.store(now, history, plan, blended?.openMeteoPvW);
    }
    return plan;
  }

  private async store(issuedAt: number, history: LoadPvForecast[], plan: LoadPvForecast[], openMeteo?: (number | null)[]) {
    const rows: ForecastRow[] = [];
    const base = (f: LoadPvForecast) => ({ system: this.o.system, issuedAt, start: f.start.getTime(), minutes: f.minutes });
    for (const [i, h] of history.entries()) {
      rows.push({ ...base(h), quantity: "loadW", source: "history", value: h.loadW });
      rows.push({ ...base(h), quantity: "pvW", source: "history", value: h.pvW });
      if (openMeteo) {
        rows.push({ ...base(h), quantity: "pvW", source: "open-meteo", value: openMeteo[i] ?? null });
        rows.push({ ...base(h), quantity: "pvW", source: "blend", value: plan[i]!.pvW });
      }
    }
    try {
      await this.o.storage.recordForecast(rows);
    } catch (error) {
      this.o.logger.warn("forecast not stored", { system: this.o.system, errorClass: error instanceof Error ? error.name : typeof error });
    }
  }

  private async history(now: number): Promise<HistorySample[]> {
    const cols = await this.o.storage.samples(this.o.system, now - HISTORY_DAYS * DAY_MS, now);
    return cols.t.map((t, i) => ({ observedAt: new Date(t), loadW: cols.loadW[i] ?? null, pvW: cols.pvW[i] ?? null }));
  }

  /** Open-Meteo's PV for yesterday (to scale it) and the next two days, fetched at most hourly; undefined when unavailable. */
  private async openMeteo(now: number): Promise<PvForecastInterval[] | undefined> {
    const pv = this.o.pv;
    if (!pv) return undefined;
    if (this.weather && now - this.weather.fetchedAt < REFRESH_MS) return this.weather.intervals;
    try {
      const irradiance = await pv.client.getIrradiance({
        latitude: pv.array.latitude,
        longitude: pv.array.longitude,
        tiltDeg: pv.array.tiltDeg,
        azimuthDeg: pv.array.azimuthDeg,
        pastDays: 1,
        forecastDays: 2,
      });
      this.weather = { fetchedAt: now, intervals: pvForecastFromIrradiance(irradiance, pv.array).intervals };
    } catch (error) {
      // Kept: the last answer while it still covers the hours ahead; else the history profile alone.
      this.o.logger.warn("Open-Meteo PV forecast unavailable: using the history profile", {
        system: this.o.system,
        errorClass: error instanceof Error ? error.name : typeof error,
      });
      if (this.weather && now - this.weather.fetchedAt < DAY_MS) return this.weather.intervals;
      return undefined;
    }
    return this.weather.intervals;
  }
}
