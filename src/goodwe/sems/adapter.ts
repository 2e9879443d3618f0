import { zonedTimeToInstant } from "../../core/time/zoned.js";
import { percentToFraction } from "../../core/units.js";
import type { EnergyTotals, PowerFlow } from "../../model/types.js";
import type { ChartLine, MonitorDetail, PlantPowerChart } from "./models.js";

/**
 * SEMS → unified model. The powerflow values are unsigned; their direction sits in `*Status`
 * flags whose meaning is not documented. The default table follows the one recorded sample and
 * the synthesized fixtures: grid −1 = importing, 1 = exporting; battery 1 = discharging, −1 =
 * charging. Override it with `signs` if your plant shows otherwise. The day chart is assumed to
 * carry meter + import and battery + discharge (`chartSigns`).
 */

export interface PowerflowSigns {
  /** gridW = magnitude × grid[gridStatus] (+ import). */
  grid: Readonly<Record<string, 1 | -1 | 0>>;
  /** batteryW = magnitude × battery[betteryStatus] (+ discharge). */
  battery: Readonly<Record<string, 1 | -1 | 0>>;
}

export const DEFAULT_POWERFLOW_SIGNS: PowerflowSigns = Object.freeze({
  grid: Object.freeze({ "-1": 1, "0": 0, "1": -1 }),
  battery: Object.freeze({ "-1": -1, "0": 0, "1": 1 }),
});

export interface ChartSigns {
  /** Multiplier giving gridW (+ import) from PCurve_Power_Meter. Default 1. */
  meter: 1 | -1;
  /** Multiplier giving batteryW (+ discharge) from PCurve_Power_Battery. Default 1. */
  battery: 1 | -1;
}

export const DEFAULT_CHART_SIGNS: ChartSigns = Object.freeze({ meter: 1, battery: 1 });

/** A magnitude with a direction flag → signed W; null when the flag is unknown or contradicts the value. */
function signed(magnitude: number | null, status: number | null, table: Readonly<Record<string, 1 | -1 | 0>>): number | null {
  if (magnitude === null) return null;
  if (magnitude === 0) return 0;
  if (status === null) return null;
  const sign = table[String(status)];
  if (sign === undefined || sign === 0) return null;
  return sign * magnitude;
}

/** "MM/dd/yyyy HH:mm:ss" (local) → instant, or null. */
export function parseSemsTime(value: string | null, timeZone: string): Date | null {
  if (!value) return null;
  const match = /^(\d{2})\/(\d{2})\/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) return null;
  const [, mm, dd, yyyy, hh, mi, ss] = match;
  try {
    return zonedTimeToInstant(`${yyyy}-${mm}-${dd}`, `${hh!.padStart(2, "0")}:${mi}:${ss ?? "00"}`, timeZone);
  } catch {
    return null;
  }
}

/** The plant's power flow from a monitor detail. `observedAt` is the upload time (`info.time`), else `fallback`. */
export function toPowerFlow(detail: MonitorDetail, options: { timeZone: string; fallback: Date; signs?: PowerflowSigns }): PowerFlow {
  const signs = options.signs ?? DEFAULT_POWERFLOW_SIGNS;
  const pf = detail.powerflow;
  const observedAt = parseSemsTime(detail.time, options.timeZone) ?? options.fallback;
  const source = { vendor: "goodwe" as const, device: detail.powerStationId };
  if (!pf)
    return {
      pvW: null,
      loadW: null,
      gridW: null,
      batteryW: null,
      soc: percentToFraction(detail.socPercent),
      observedAt,
      source,
      raw: detail.raw,
    };
  return {
    pvW: pf.pvW,
    loadW: pf.loadW,
    gridW: signed(pf.gridW, pf.gridStatus, signs.grid),
    batteryW: detail.hasBattery === false ? null : signed(pf.batteryW, pf.batteryStatus, signs.battery),
    soc: detail.hasBattery === false ? null : percentToFraction(detail.socPercent),
    observedAt,
    source,
    raw: detail.raw,
  };
}

/** Today's totals from the monitor detail's `energeStatisticsCharts`. */
export function toTodayTotals(detail: MonitorDetail, date: string): EnergyTotals {
  const t = detail.today;
  return {
    date,
    pvKwh: t?.generation ?? detail.kpi?.todayKwh ?? null,
    loadKwh: t?.consumptionOfLoad ?? null,
    importKwh: t?.buy ?? null,
    exportKwh: t?.sell ?? null,
    chargeKwh: t?.charge ?? null,
    dischargeKwh: t?.discharge ?? null,
    source: { vendor: "goodwe", device: detail.powerStationId },
    raw: detail.raw,
  };
}

function line(chart: PlantPowerChart, suffix: string): ChartLine | undefined {
  return chart.lines.find((l) => l.key.toLowerCase() === `pcurve_power_${suffix}`);
}

/** The day chart as power samples, oldest first (one per chart point). */
export function toPowerHistory(chart: PlantPowerChart, options: { timeZone: string; device: string; signs?: ChartSigns }): PowerFlow[] {
  const signs = options.signs ?? DEFAULT_CHART_SIGNS;
  const pv = line(chart, "pv");
  const battery = line(chart, "battery");
  const meter = line(chart, "meter");
  const load = line(chart, "load");
  const soc = line(chart, "soc");
  // One lookup table per line: the first point of each time, as a linear search would find it.
  const byTime = (l: ChartLine | undefined): Map<string, number | null> => {
    const map = new Map<string, number | null>();
    for (const p of l?.points ?? []) if (!map.has(p.time)) map.set(p.time, p.value);
    return map;
  };
  const pvAt = byTime(pv);
  const batteryAt = byTime(battery);
  const meterAt = byTime(meter);
  const loadAt = byTime(load);
  const socAt = byTime(soc);
  const times = [...new Set([pvAt, batteryAt, meterAt, loadAt, socAt].flatMap((m) => [...m.keys()]))]
    .filter((t) => /^\d{2}:\d{2}$/.test(t))
    .sort();
  return times.map((time) => {
    const m = meterAt.get(time) ?? null;
    const b = batteryAt.get(time) ?? null;
    const s = socAt.get(time) ?? null;
    return {
      pvW: pvAt.get(time) ?? null,
      loadW: loadAt.get(time) ?? null,
      gridW: m === null ? null : m * signs.meter || 0,
      batteryW: b === null ? null : b * signs.battery || 0,
      soc: s === null ? null : percentToFraction(s),
      observedAt: zonedTimeToInstant(chart.date, time, options.timeZone),
      source: { vendor: "goodwe" as const, device: options.device },
    };
  });
}

/**
 * A day's totals integrated from the chart (each point's power held until the next point; the last
 * for the median step). PV uses the chart's own "Generation" figure when present. Approximate:
 * 5-minute averages, not meter counters.
 */
export function chartToEnergyTotals(
  chart: PlantPowerChart,
  options: { timeZone: string; device: string; signs?: ChartSigns },
): EnergyTotals {
  const samples = toPowerHistory(chart, options);
  const sums = { pv: 0, load: 0, imp: 0, exp: 0, charge: 0, discharge: 0 };
  const seen = { pv: false, load: false, grid: false, battery: false };
  const steps = samples.slice(1).map((s, i) => s.observedAt.getTime() - samples[i]!.observedAt.getTime());
  const median = steps.length ? [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)]! : 300_000;
  samples.forEach((s, i) => {
    const hours = (i + 1 < samples.length ? samples[i + 1]!.observedAt.getTime() - s.observedAt.getTime() : median) / 3_600_000;
    if (s.pvW !== null) {
      sums.pv += s.pvW * hours;
      seen.pv = true;
    }
    if (s.loadW !== null) {
      sums.load += s.loadW * hours;
      seen.load = true;
    }
    if (s.gridW !== null) {
      sums.imp += Math.max(0, s.gridW) * hours;
      sums.exp += Math.max(0, -s.gridW) * hours;
      seen.grid = true;
    }
    if (s.batteryW !== null) {
      sums.discharge += Math.max(0, s.batteryW) * hours;
      sums.charge += Math.max(0, -s.batteryW) * hours;
      seen.battery = true;
    }
  });
  const kwh = (v: number, ok: boolean) => (ok ? Math.round(v) / 1000 : null);
  // A day with no chart points at all (before the plant reported, or not yet synced) still comes
  // with "Generation" 0: that is no reading, not a day without sun.
  const generation = samples.length === 0 && chart.generationKwh === 0 ? null : chart.generationKwh;
  return {
    date: chart.date,
    pvKwh: generation ?? kwh(sums.pv, seen.pv),
    loadKwh: kwh(sums.load, seen.load),
    importKwh: kwh(sums.imp, seen.grid),
    exportKwh: kwh(sums.exp, seen.grid),
    chargeKwh: kwh(sums.charge, seen.battery),
    dischargeKwh: kwh(sums.discharge, seen.battery),
    source: { vendor: "goodwe", device: options.device },
    raw: chart.raw,
  };
}
