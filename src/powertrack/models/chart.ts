import { parseWith } from "../../core/validation.js";
import { UNIT_CODES } from "../function-codes.js";
import { numberOrNull, parseTimestamp } from "../values.js";
import { chartBody } from "../wire/chart.js";

/** One chart point: `x` epoch **milliseconds** (the start of the bin), `y` in the series' unit (null for "NaN"). */
export interface ChartPoint {
  x: number;
  y: number | null;
  at: Date;
}

export interface ChartSeries {
  name: string | null;
  key: string | null;
  header: string | null;
  /** Unit code (10 kW, 11 kWh, 57 W/m²) and its symbol when known. */
  units: number | null;
  unitName: string | null;
  customUnit: string | null;
  color: string | null;
  lineWidth: number | null;
  visible: boolean | null;
  yMin: number | null;
  yMax: number | null;
  dataMin: number | null;
  dataMax: number | null;
  dataXy: ChartPoint[];
  dataPoints: number;
}

export const LOSS_KEYS = ["ageAC", "clipping", "downtime", "inverter", "inverterLimit", "snow", "soiling"] as const;

/** `POST /api/view/chart`. Energy in kWh (`namedResults`), `performanceRatio` a fraction. */
export interface ChartData {
  chartType: number;
  siteId: string;
  /** As requested, "YYYY-MM-DD" (site-local days). */
  startDate: string;
  endDate: string;
  binSize: number | null;
  series: ChartSeries[];
  namedResults: Record<string, number | null>;
  /** namedResults.energy, kWh. */
  energyProduction: number | null;
  /** namedResults.expEnergy, kWh. */
  expectedEnergy: number | null;
  /** energy ÷ expEnergy, fraction; null when either is missing or expected is 0. */
  performanceRatio: number | null;
  /** kWh per loss category; null when the chart does not report the category. */
  losses: Record<(typeof LOSS_KEYS)[number], number | null>;
  summaryTable: Array<[string, string]>;
  /** Hardware behind the series; may contain "BAD" placeholders. */
  hardwareKeys: string[];
  lastDataDatetime: Date | null;
  dataNotAvailable: boolean | null;
  errorString: string | null;
  raw: unknown;
}

export function toChartData(
  body: unknown,
  request: { chartType: number; siteId: string; startDate: string; endDate: string; timeZone?: string },
): ChartData {
  const w = parseWith(chartBody, body, { vendor: "powertrack", operation: "getChartData" });
  const named: Record<string, number | null> = { ...(w.namedResults ?? {}) };
  const energy = named.energy ?? null;
  const expected = named.expEnergy ?? null;
  const losses = Object.fromEntries(LOSS_KEYS.map((k) => [k, named[k] ?? null])) as ChartData["losses"];
  return {
    chartType: request.chartType,
    siteId: request.siteId,
    startDate: request.startDate,
    endDate: request.endDate,
    binSize: w.binSize,
    series: w.series.map((s) => {
      const points: ChartPoint[] = [];
      for (const p of s.dataXy) {
        if (!p || typeof p !== "object") continue;
        const x = numberOrNull((p as { x?: unknown }).x);
        if (x === null) continue;
        points.push({ x, y: numberOrNull((p as { y?: unknown }).y), at: new Date(x) });
      }
      return {
        name: s.name,
        key: s.key,
        header: s.header,
        units: s.units,
        unitName: s.units === null ? null : (UNIT_CODES[s.units] ?? null),
        customUnit: s.customUnit,
        color: s.color,
        lineWidth: s.lineWidth,
        visible: s.visible,
        yMin: s.yMin,
        yMax: s.yMax,
        dataMin: s.dataMin,
        dataMax: s.dataMax,
        dataXy: points,
        dataPoints: points.length,
      };
    }),
    namedResults: named,
    energyProduction: energy,
    expectedEnergy: expected,
    performanceRatio: energy !== null && expected !== null && expected !== 0 ? energy / expected : null,
    losses,
    summaryTable: w.summaryTable.map((row) => [String(row[0] ?? ""), String(row[1] ?? "")] as [string, string]),
    hardwareKeys: w.hardwareKeys,
    lastDataDatetime: parseTimestamp(w.lastDataDatetime, request.timeZone),
    dataNotAvailable: w.dataNotAvailable,
    errorString: w.errorString,
    raw: body,
  };
}
