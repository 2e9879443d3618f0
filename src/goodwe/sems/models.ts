import { nullableNumber, parseWith, z } from "../../core/validation.js";

/**
 * SEMS response shapes, validated at the boundary: tolerant of extra fields (the real
 * `invert_full` has ~190), strict about the fields openpower uses. GoodWe's misspellings
 * (`bettery`, `tempperature`, `energeStatistics…`) are kept in the wire names only.
 */

const CONTEXT = { vendor: "goodwe-sems" };

/** "64%", "1197(W)", "236.8V" → the number; "" or "--" → null. */
export function leadingNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  const match = /^\s*(-?\d+(?:\.\d+)?)/.exec(value);
  return match ? Number(match[1]) : null;
}

const looseNumber = z.unknown().transform((v) => leadingNumber(v));
const optionalString = z.unknown().transform((v) => (typeof v === "string" ? v : v === null || v === undefined ? null : String(v)));

// ---- login ----

export const loginDataSchema = z.looseObject({
  uid: z.string().min(1),
  timestamp: z.union([z.number(), z.string()]),
  token: z.string().min(1),
  client: z.string().optional(),
  version: z.string().optional(),
  language: z.string().optional(),
});

// ---- GetMonitorDetailByPowerstationId ----

const infoSchema = z.looseObject({
  powerstation_id: z.string(),
  time: optionalString,
  stationname: optionalString,
  address: optionalString,
  capacity: nullableNumber,
  battery_capacity: nullableNumber,
  status: nullableNumber,
  is_stored: z.boolean().nullish(),
  powerstation_type: optionalString,
});

const kpiSchema = z.looseObject({
  month_generation: nullableNumber,
  pac: nullableNumber,
  power: nullableNumber,
  total_power: nullableNumber,
  day_income: nullableNumber,
  total_income: nullableNumber,
  yield_rate: nullableNumber,
  currency: optionalString,
});

const inverterSchema = z.looseObject({
  sn: z.string(),
  name: optionalString,
  type: optionalString,
  status: nullableNumber,
  capacity: nullableNumber,
  eday: nullableNumber,
  emonth: nullableNumber,
  etotal: nullableNumber,
  tempperature: nullableNumber,
  soc: looseNumber,
  battery_power: nullableNumber,
  last_refresh_time: optionalString,
  invert_full: z.record(z.string(), z.unknown()).nullish(),
});

const powerflowSchema = z.looseObject({
  pv: optionalString,
  pvStatus: nullableNumber,
  bettery: optionalString,
  betteryStatus: nullableNumber,
  load: optionalString,
  loadStatus: nullableNumber,
  grid: optionalString,
  gridStatus: nullableNumber,
  soc: nullableNumber,
  genset: optionalString,
});

const statisticsSchema = z.looseObject({
  sum: nullableNumber,
  buy: nullableNumber,
  sell: nullableNumber,
  selfUseOfPv: nullableNumber,
  consumptionOfLoad: nullableNumber,
  charge: nullableNumber,
  disCharge: nullableNumber,
  contributingRate: nullableNumber,
  selfUseRate: nullableNumber,
});

export const monitorDetailDataSchema = z.looseObject({
  info: infoSchema,
  kpi: kpiSchema.nullish(),
  inverter: z.array(inverterSchema).nullish(),
  powerflow: powerflowSchema.nullish(),
  hasPowerflow: z.boolean().nullish(),
  soc: z.looseObject({ power: nullableNumber, status: nullableNumber }).nullish(),
  energeStatisticsCharts: statisticsSchema.nullish(),
  energeStatisticsTotals: statisticsSchema.nullish(),
});

/** Direction flag of a powerflow value: −1, 0 or 1 (null when absent). */
export type FlowStatus = number | null;

export interface SemsPowerflow {
  /** Unsigned magnitudes in W as SEMS sends them ("N(W)"); null when the string is empty (inverter offline). */
  pvW: number | null;
  batteryW: number | null;
  loadW: number | null;
  gridW: number | null;
  pvStatus: FlowStatus;
  batteryStatus: FlowStatus;
  loadStatus: FlowStatus;
  gridStatus: FlowStatus;
  /** SOC in percent as sent. */
  socPercent: number | null;
}

export interface SemsStatistics {
  /** kWh. */
  generation: number | null;
  buy: number | null;
  sell: number | null;
  selfUseOfPv: number | null;
  consumptionOfLoad: number | null;
  charge: number | null;
  discharge: number | null;
}

export interface SemsInverterSummary {
  sn: string;
  name: string | null;
  model: string | null;
  /** −1 offline, 0 waiting, 1 normal, 2 fault. */
  status: number | null;
  capacityKw: number | null;
  todayKwh: number | null;
  totalKwh: number | null;
  temperatureC: number | null;
  /** Percent, from "64%". */
  socPercent: number | null;
  batteryPowerW: number | null;
  lastRefreshTime: string | null;
  /** `invert_full` as sent (~190 raw fields; 6553.5 and 655.35 mean "absent"). */
  full: Record<string, unknown> | null;
}

export interface MonitorDetail {
  powerStationId: string;
  stationName: string | null;
  /** Local wall time of the last upload, "MM/dd/yyyy HH:mm:ss" as sent (spaces around colons removed). */
  time: string | null;
  capacityKwp: number | null;
  batteryCapacityKwh: number | null;
  /** −1 offline, 0 waiting, 1 normal, 2 fault. */
  status: number | null;
  hasBattery: boolean | null;
  kpi: {
    /** W. */
    pac: number | null;
    /** Today's generation, kWh. */
    todayKwh: number | null;
    monthKwh: number | null;
    totalKwh: number | null;
    dayIncome: number | null;
    totalIncome: number | null;
    currency: string | null;
  } | null;
  inverters: SemsInverterSummary[];
  powerflow: SemsPowerflow | null;
  /** SOC percent (`soc.power`), else the powerflow's. */
  socPercent: number | null;
  today: SemsStatistics | null;
  lifetime: SemsStatistics | null;
  raw: unknown;
}

function statistics(s: z.output<typeof statisticsSchema> | null | undefined): SemsStatistics | null {
  if (!s) return null;
  return {
    generation: s.sum,
    buy: s.buy,
    sell: s.sell,
    selfUseOfPv: s.selfUseOfPv,
    consumptionOfLoad: s.consumptionOfLoad,
    charge: s.charge,
    discharge: s.disCharge,
  };
}

/** Parses the `data` object of GetMonitorDetailByPowerstationId (the caller handles `data: {}`). */
export function parseMonitorDetail(data: unknown, raw: unknown, operation = "GetMonitorDetailByPowerstationId"): MonitorDetail {
  const d = parseWith(monitorDetailDataSchema, data, { ...CONTEXT, operation, pathPrefix: "data" });
  const pf = d.powerflow;
  const powerflow: SemsPowerflow | null = pf
    ? {
        pvW: leadingNumber(pf.pv),
        batteryW: leadingNumber(pf.bettery),
        loadW: leadingNumber(pf.load),
        gridW: leadingNumber(pf.grid),
        pvStatus: pf.pvStatus,
        batteryStatus: pf.betteryStatus,
        loadStatus: pf.loadStatus,
        gridStatus: pf.gridStatus,
        socPercent: pf.soc,
      }
    : null;
  return {
    powerStationId: d.info.powerstation_id,
    stationName: d.info.stationname,
    time: d.info.time === null ? null : d.info.time.replace(/\s*:\s*/g, ":").trim(),
    capacityKwp: d.info.capacity,
    batteryCapacityKwh: d.info.battery_capacity,
    status: d.info.status,
    hasBattery: d.info.is_stored ?? null,
    kpi: d.kpi
      ? {
          pac: d.kpi.pac,
          todayKwh: d.kpi.power,
          monthKwh: d.kpi.month_generation,
          totalKwh: d.kpi.total_power,
          dayIncome: d.kpi.day_income,
          totalIncome: d.kpi.total_income,
          currency: d.kpi.currency,
        }
      : null,
    inverters: (d.inverter ?? []).map((i) => ({
      sn: i.sn,
      name: i.name,
      model: i.type,
      status: i.status,
      capacityKw: i.capacity,
      todayKwh: i.eday,
      totalKwh: i.etotal,
      temperatureC: i.tempperature,
      socPercent: i.soc,
      batteryPowerW: i.battery_power,
      lastRefreshTime: i.last_refresh_time,
      full: i.invert_full ?? null,
    })),
    powerflow,
    socPercent: d.soc?.power ?? powerflow?.socPercent ?? null,
    today: statistics(d.energeStatisticsCharts),
    lifetime: statistics(d.energeStatisticsTotals),
    raw,
  };
}

// ---- Charts/GetPlantPowerChart ----

export const plantPowerChartDataSchema = z.looseObject({
  generateData: z.array(z.looseObject({ key: z.string(), value: nullableNumber, unit_Key: optionalString })).nullish(),
  lines: z
    .array(
      z.looseObject({
        key: z.string(),
        unit: optionalString,
        xy: z.array(z.looseObject({ x: z.string(), y: nullableNumber })).nullish(),
      }),
    )
    .nullish(),
});

export interface ChartLine {
  /** E.g. "PCurve_Power_PV", "PCurve_Power_Battery", "PCurve_Power_Meter", "PCurve_Power_Load", "PCurve_Power_SOC". */
  key: string;
  unit: string | null;
  /** Points oldest first: local "HH:mm" and the value (W, or % for SOC). */
  points: Array<{ time: string; value: number | null }>;
}

export interface PlantPowerChart {
  /** The local date asked for. */
  date: string;
  /** "Generation" from `generateData`, kWh. */
  generationKwh: number | null;
  lines: ChartLine[];
  raw: unknown;
}

export function parsePlantPowerChart(data: unknown, date: string, raw: unknown): PlantPowerChart {
  const d = parseWith(plantPowerChartDataSchema, data, { ...CONTEXT, operation: "GetPlantPowerChart", pathPrefix: "data" });
  return {
    date,
    generationKwh: d.generateData?.find((g) => g.key === "Generation")?.value ?? null,
    lines: (d.lines ?? []).map((l) => ({ key: l.key, unit: l.unit, points: (l.xy ?? []).map((p) => ({ time: p.x.trim(), value: p.y })) })),
    raw,
  };
}
