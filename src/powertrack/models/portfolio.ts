import { percentToFraction } from "../../core/units.js";
import { isValidTimeZone } from "../../core/time/zoned.js";
import { parseWith } from "../../core/validation.js";
import { parseCalendarDay, parseTimestamp } from "../values.js";
import { portfolioEnvelope, siteOverviewRow, type SiteOverviewRow } from "../wire/portfolio.js";

/** The SDK's performance bands, applied to `energyRatio` **as a percent** (the API sends 64.5, not 0.645). */
export type PerformanceStatus = "excellent" | "good" | "fair" | "poor" | "unknown";

export function performanceStatus(energyRatioPct: number | null): PerformanceStatus {
  if (energyRatioPct === null) return "unknown";
  if (energyRatioPct >= 95) return "excellent";
  if (energyRatioPct >= 85) return "good";
  if (energyRatioPct >= 75) return "fair";
  return "poor";
}

/** Site status code meaning "online" in portfolio rows and `view/site`. */
export const SITE_STATUS_ONLINE = 8;

/**
 * One site of the portfolio view. Units as the API sends them: power in **kW**, energy in **kWh**,
 * capacities in **kW** (AC) / **kW DC**, irradiance W/m², insolation kWh/m², ratios and
 * availabilities in **percent 0..100**; `performanceIndex` is a fraction. `null` = not reported
 * (including the string "NaN").
 */
export interface SiteOverview {
  key: string;
  id: number | null;
  name: string | null;
  /** As sent; in portfolio rows this is the site itself, not the customer. */
  parentKey: string | null;
  status: number | null;
  timeZone: string | null;
  alertName: string | null;
  alertSeverity: number | null;
  /** Percent 0..100. */
  availability: number | null;
  /** Percent 0..100. */
  energyAvailability: number | null;
  /** Percent 0..100. */
  calculatedInverterAvailability: number | null;
  /** Actual vs expected energy, **percent** (64.5 = 64.5 %). */
  energyRatio: number | null;
  /** Fraction (0.645). */
  performanceIndex: number | null;
  /** Percent of expected power now. */
  kwPercent: number | null;
  /** Percent of expected energy. */
  kwhPercent: number | null;
  /** kW now. */
  power: number | null;
  powerAvg15: number | null;
  powerAvg15Exp: number | null;
  /** kW AC. */
  pvCapacityAc: number | null;
  /** kW DC. */
  pvCapacityDc: number | null;
  capacityDc: number | null;
  sizeKW: number | null;
  sizeDC: number | null;
  systemSize: number | null;
  /** kWh. */
  today: number | null;
  todayEstimated: number | null;
  /** Percent of the day's estimate. */
  todayPercent: number | null;
  thisMonth: number | null;
  lastMonth: number | null;
  thisYear: number | null;
  lastYear: number | null;
  lifetime: number | null;
  /** W/m². */
  irradiance: number | null;
  /** kWh/m² today. */
  insolation: number | null;
  inverterCount: number | null;
  inverterFaults: number | null;
  /** kWh lost today. */
  energyLoss: number | null;
  /** Currency units, as configured on the site. */
  revenueLoss: number | null;
  /** Battery state of charge as a **fraction 0..1** (the row sends percent), for storage sites; null otherwise. */
  stateOfCharge: number | null;
  /** A zone-less value is read as UTC, as the member's name says. */
  lastDataUtc: Date | null;
  /** A zone-less value is read as wall time in the row's `timeZone`. */
  lastUpload: Date | null;
  /** Calendar day "YYYY-MM-DD". */
  estimatedCommissioningDate: string | null;
  /** Contract expiry, calendar day "YYYY-MM-DD". */
  expirationDate: string | null;
  /** `customColumnData0..5` folded into one list. */
  customColumnData: string[];
  ruleToolSummary: SiteOverviewRow["ruleToolSummary"];
  todayAnd7DayAverageKw: SiteOverviewRow["todayAnd7DayAverageKw"];
  message: string | null;
  /** status === 8. */
  isOnline: boolean;
  /** inverterFaults > 0. */
  hasAlerts: boolean;
  performanceStatus: PerformanceStatus;
  raw: unknown;
}

export function toSiteOverview(row: unknown): SiteOverview {
  const w = parseWith(siteOverviewRow, row, { vendor: "powertrack", operation: "getPortfolioOverview" });
  const zone = w.timeZone && isValidTimeZone(w.timeZone) ? w.timeZone : "UTC";
  return {
    key: w.key,
    id: w.id,
    name: w.name,
    parentKey: w.parentKey,
    status: w.status,
    timeZone: w.timeZone,
    alertName: w.alertName,
    alertSeverity: w.alertSeverity,
    availability: w.availability,
    energyAvailability: w.energyAvailability,
    calculatedInverterAvailability: w.calculatedInverterAvailability,
    energyRatio: w.energyRatio,
    performanceIndex: w.performanceIndex,
    kwPercent: w.kwPercent,
    kwhPercent: w.kwhPercent,
    power: w.power,
    powerAvg15: w.powerAvg15,
    powerAvg15Exp: w.powerAvg15Exp,
    pvCapacityAc: w.pvCapacityAc,
    pvCapacityDc: w.pvCapacityDc,
    capacityDc: w.capacityDc,
    sizeKW: w.sizeKW,
    sizeDC: w.sizeDC,
    systemSize: w.systemSize,
    today: w.today,
    todayEstimated: w.todayEstimated,
    todayPercent: w.todayPercent,
    thisMonth: w.thisMonth,
    lastMonth: w.lastMonth,
    thisYear: w.thisYear,
    lastYear: w.lastYear,
    lifetime: w.lifetime,
    irradiance: w.irradiance,
    insolation: w.insolation,
    inverterCount: w.inverterCount,
    inverterFaults: w.inverterFaults,
    energyLoss: w.energyLoss,
    revenueLoss: w.revenueLoss,
    stateOfCharge: percentToFraction(w.stateOfCharge),
    lastDataUtc: parseTimestamp(w.lastDataUTC),
    lastUpload: parseTimestamp(w.lastUpload, zone),
    estimatedCommissioningDate: parseCalendarDay(w.estimatedCommissioningDate),
    expirationDate: parseCalendarDay(w.expirationDate),
    customColumnData: [
      w.customColumnData0,
      w.customColumnData1,
      w.customColumnData2,
      w.customColumnData3,
      w.customColumnData4,
      w.customColumnData5,
    ].map((v) => v ?? ""),
    ruleToolSummary: w.ruleToolSummary,
    todayAnd7DayAverageKw: w.todayAnd7DayAverageKw,
    message: w.message,
    isOnline: w.status === SITE_STATUS_ONLINE,
    hasAlerts: (w.inverterFaults ?? 0) > 0,
    performanceStatus: performanceStatus(w.energyRatio),
    raw: row,
  };
}

/** A portfolio row that could not be read; reported, never silently dropped. */
export interface InvalidRow {
  index: number;
  key: string | null;
  reason: string;
}

/** `GET /api/view/portfolio/{C}` with the SDK's totals (kW, kWh, percent). */
export interface PortfolioMetrics {
  customerId: string;
  sites: SiteOverview[];
  /** Rows that failed validation (with the failing path). */
  invalidRows: InvalidRow[];
  customColumnNames: Array<string | null>;
  lastChanged: Date | null;
  merge: boolean | null;
  mergeHash: string | null;
  totalSites: number;
  /** Sum of `pvCapacityAc`, kW. */
  totalCapacityAc: number;
  /** Sum of `pvCapacityDc`, kW DC. */
  totalCapacityDc: number;
  /** Mean of `availability` over sites that report it, percent; null when none does. */
  averageAvailability: number | null;
  /** Sum of `today`, kWh. */
  totalEnergyToday: number;
  /** Sum of `power`, kW. */
  totalPower: number;
  sitesWithAlerts: SiteOverview[];
  onlineSites: SiteOverview[];
  raw: unknown;
}

export function toPortfolioMetrics(customerId: string, body: unknown): PortfolioMetrics {
  const env = parseWith(portfolioEnvelope, body, { vendor: "powertrack", operation: "getPortfolioOverview" });
  const sites: SiteOverview[] = [];
  const invalidRows: InvalidRow[] = [];
  env.sites.forEach((row, index) => {
    try {
      sites.push(toSiteOverview(row));
    } catch (error) {
      const key =
        row && typeof row === "object" && typeof (row as { key?: unknown }).key === "string" ? (row as { key: string }).key : null;
      invalidRows.push({ index, key, reason: error instanceof Error ? error.message : String(error) });
    }
  });
  const sum = (pick: (s: SiteOverview) => number | null) => sites.reduce((acc, s) => acc + (pick(s) ?? 0), 0);
  const availabilities = sites.map((s) => s.availability).filter((v): v is number => v !== null);
  return {
    customerId,
    sites,
    invalidRows,
    customColumnNames: env.customColumnNames,
    lastChanged: parseTimestamp(env.lastChanged),
    merge: env.merge,
    mergeHash: env.mergeHash,
    totalSites: sites.length,
    totalCapacityAc: sum((s) => s.pvCapacityAc),
    totalCapacityDc: sum((s) => s.pvCapacityDc),
    averageAvailability: availabilities.length ? availabilities.reduce((a, b) => a + b, 0) / availabilities.length : null,
    totalEnergyToday: sum((s) => s.today),
    totalPower: sum((s) => s.power),
    sitesWithAlerts: sites.filter((s) => s.hasAlerts),
    onlineSites: sites.filter((s) => s.isOnline),
    raw: body,
  };
}
