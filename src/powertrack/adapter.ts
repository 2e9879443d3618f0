import type { EnergyTotals, PowerFlow } from "../model/types.js";
import { localDate } from "../core/time/zoned.js";
import { FUNCTION_CODE } from "./function-codes.js";
import type { ChartData, ChartSeries } from "./models/chart.js";
import type { Hardware } from "./models/hardware.js";

/**
 * PowerTrack readings in the model's units (W, kWh): what a site can say, and null for the rest.
 * - `pvW`: the sum of the production meters' kW registers (function code 2) × 1000; when no meter
 *   reports, the inverters' (code 1). PowerTrack monitors commercial PV fleets: production is
 *   what every site has.
 * - `gridW`, `loadW`, `batteryW`, `soc`: null. Grid meters (code 4) and BESS devices (25, 37)
 *   exist on some sites, but their register sign conventions are not documented, and guessing a
 *   sign would be worse than saying nothing.
 * - `observedAt`: the newest `lastSuccess` of the devices used (when the gateway last read them).
 * - Energy totals: PV only, from the daily bins of the energy chart (kWh).
 * - Power history: PV only, the mean power of each chart bin (kWh × 60 / minutes × 1000 W), stamped
 *   at the bin's start.
 */

const KW_UNIT = 10;
const KWH_UNIT = 11;
const POWER_NAMES = /^(kw|kwac|acpower|power|activepower)$/i;

/** A device's live AC power in kW from its registers (a "KW"-like register in kW), or null. */
export function powerKwOf(hardware: Hardware): number | null {
  const inKw = hardware.dataRegisters.filter((r) => r.unit === KW_UNIT);
  const named = inKw.find((r) => r.name !== null && POWER_NAMES.test(r.name.replace(/[\s_-]/g, "")));
  return (named ?? inKw[0])?.value ?? null;
}

export function toPowerFlow(production: { hardware: Hardware[]; raw: unknown }, device: string, now: number): PowerFlow {
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
    observedAt: new Date(times.length > 0 ? Math.max(...times) : now),
    source: { vendor: "powertrack", device },
    raw: production.raw,
  };
}

/** The chart's energy series in kWh (the `Energy_…` one when there are several). */
function energySeries(series: readonly ChartSeries[]): ChartSeries | undefined {
  return series.find((s) => s.units === KWH_UNIT && (s.key ?? "").startsWith("Energy_")) ?? series.find((s) => s.units === KWH_UNIT);
}

export function toEnergyTotals(chart: ChartData, date: string, timeZone: string, device: string): EnergyTotals {
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
    source: { vendor: "powertrack", device },
    raw: chart.raw,
  };
}

export function toPowerHistory(chart: ChartData, date: string, timeZone: string, device: string, stepMinutes: number): PowerFlow[] {
  const series = energySeries(chart.series);
  if (!series) return [];
  const wattsPerKwh = (60 / stepMinutes) * 1000;
  return series.dataXy
    .filter((p) => localDate(p.x, timeZone) === date)
    .sort((a, b) => a.x - b.x)
    .map((p) => ({
      pvW: p.y !== null && Number.isFinite(p.y) ? Math.max(0, p.y * wattsPerKwh) : null,
      loadW: null,
      gridW: null,
      batteryW: null,
      soc: null,
      observedAt: new Date(p.at.getTime()),
      source: { vendor: "powertrack" as const, device },
    }));
}
