import { anyObject, bool, list, num, str, z } from "./common.js";

/** One row of `GET /api/view/portfolio/{C}` `sites[]` (about 70 members; unknown ones are kept). */
export const siteOverviewRow = z.looseObject({
  key: z.string(),
  id: num,
  name: str,
  parentKey: str,
  status: num,
  type: num,
  timeZone: str,
  alertName: str,
  alertSeverity: num,
  availability: num,
  availabilityLoss: num,
  calculatedInverterAvailability: num,
  energyAvailability: num,
  energyAvailabilityLoss: num,
  capacityDc: num,
  pvCapacityAc: num,
  pvCapacityDc: num,
  sizeKW: num,
  sizeDC: num,
  systemSize: num,
  ratedPower: num,
  energyCapacity: num,
  stateOfCharge: num,
  chargeDischarge: num,
  availableEnergy: num,
  energyRatio: num,
  energyLoss: num,
  revenueLoss: num,
  downtimeLoss: num,
  soilingLoss: num,
  performanceIndex: num,
  performanceTestStatus: num,
  performanceTestValue: num,
  performanceTestDelta: num,
  kwPercent: num,
  kwhPercent: num,
  power: num,
  power24: num,
  power24Est: num,
  powerAvg15: num,
  powerAvg15Exp: num,
  irradiance: num,
  insolation: num,
  inverterCount: num,
  inverterFaults: num,
  gridOffline: num,
  kiosks: num,
  kioskStatus: num,
  today: num,
  todayEstimated: num,
  todayPercent: num,
  thisMonth: num,
  lastMonth: num,
  thisYear: num,
  lastYear: num,
  lifetime: num,
  lastDataUTC: str,
  lastUpload: str,
  estimatedCommissioningDate: str,
  expirationDate: str,
  message: str,
  paymentStatus: num,
  monitoredSiteType: num,
  customColumnData0: str,
  customColumnData1: str,
  customColumnData2: str,
  customColumnData3: str,
  customColumnData4: str,
  customColumnData5: str,
  ruleToolSummary: z
    .looseObject({ communication: num, configuration: num, data: num, performance: num, message: str, timestamp: str })
    .nullish()
    .transform((v) => v ?? null),
  todayAnd7DayAverageKw: z
    .looseObject({ plotActual: list(num), plotAverage: list(num), plotIdx: num, solarNoon: str })
    .nullish()
    .transform((v) => v ?? null),
});
export type SiteOverviewRow = z.output<typeof siteOverviewRow>;

/** `GET /api/view/portfolio/{C}`: rows are validated one by one, so one odd row cannot hide the others. */
export const portfolioEnvelope = z.looseObject({
  key: str,
  lastChanged: str,
  merge: bool,
  mergeHash: str,
  customColumnNames: list(z.string().nullable()),
  sites: list(z.unknown()),
});

export const alertSummaryBody = z.looseObject({
  hardwareSummary: anyObject,
  siteSummary: anyObject,
  total: num,
});

export const alertSummaryEntry = z.looseObject({
  maxSeverity: num.optional(),
  max_severity: num.optional(),
  count: num.optional(),
  cnt: num.optional(),
});
