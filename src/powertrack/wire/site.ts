import { bool, list, num, str, z } from "./common.js";

/** `GET /api/view/site/{S}`. Note the key case: `preferredWSForEstimatedInsolation`. */
export const siteDetailedInfoBody = z.looseObject({
  key: z.string(),
  name: str,
  parentKey: str,
  address: z
    .looseObject({ address1: str, address2: str, city: str, stateProvince: str, postalCode: str, country: str })
    .nullish()
    .transform((v) => v ?? null),
  latitude: num,
  longitude: num,
  elevation: num,
  status: num,
  siteType: num,
  isMonitored: bool,
  capacityAc: num,
  capacityAcUnit: num,
  capacityDc: num,
  capacityDcUnit: num,
  energyCapacity: num,
  energyCapacityUnit: num,
  ratedPower: num,
  ratedPowerUnit: num,
  dailyProductionEstimate: num,
  monthlyProductionEstimate: num,
  preferredWSForEstimatedInsolation: num,
  overviewChart1: str,
  overviewChart2: str,
  paymentStatus: num,
  weatherMode: num,
  workingStatus: str,
  customerLogo: str,
  estimatedCommissioningDate: str,
  actualCommissioningDate: str,
  validDataDate: str,
  lastChanged: str,
  estimatedLosses: z.record(z.string(), z.unknown()).nullish(),
  monitoringContractStartDate: str,
  monitoringContractEndDate: str,
  monitoringContractWarnDate: str,
  monitoringContractTerminateDate: str,
  monitoringContractStatus: num,
  monitoringContractWillNotRenew: bool,
  monitoringContractIsManual: bool,
  cellModemContractStartDate: str,
  cellModemContractEndDate: str,
  cellModemContractWarnDate: str,
  cellModemContractTerminateDate: str,
  cellModemContractStatus: num,
  cellModemContractWillNotRenew: bool,
  cellModemContractIsManual: bool,
});
export type SiteDetailedInfoBody = z.output<typeof siteDetailedInfoBody>;

/** `GET /api/edit/site/{S}`: about 200 members; location is nested and the zone is `tz`. */
export const siteConfigBody = z.looseObject({
  key: z.string(),
  name: str,
  parentKey: str,
  tz: str,
  description: str,
  installDate: str,
  turnOnDate: str,
  estimatedCommissioningDate: str,
  capacityAc: num,
  capacityAcUnit: num,
  capacityDc: num,
  capacityDcUnit: num,
  ts: str,
  location: z
    .looseObject({
      address1: str,
      address2: str,
      city: str,
      state: str,
      postalCode: str,
      country: str,
      latitude: num,
      longitude: num,
      elevation: num,
      elevationUnit: num,
      timeZone: num,
    })
    .nullish()
    .transform((v) => v ?? null),
  monthlyOutput: z.record(z.string(), num).nullish(),
  tags: z.looseObject({}).nullish(),
});
export type SiteConfigBody = z.output<typeof siteConfigBody>;

export const siteLinksBody = z.looseObject({
  key: str,
  lastChanged: str,
  list: list(z.looseObject({ key: z.string(), kind: str, name: str })),
});

export const siteSharesBody = z.looseObject({
  key: str,
  lastChanged: str,
  rows: list(
    z.looseObject({
      siteKey: str,
      siteName: str,
      ownerCustomerKey: str,
      ownerCustomerName: str,
      sharedToCustomerKey: str,
      sharedToCustomerName: str,
      direction: num,
      canView: bool,
      canEdit: bool,
      canManage: bool,
      canControl: bool,
    }),
  ),
});

/** `GET /api/edit/sitehardware/{S}`: rows are identified by `hardwareKey`. */
export const siteHardwareBody = z.looseObject({
  key: z.string(),
  ts: str,
  readOnly: bool,
  hardware: list(
    z.looseObject({ hardwareKey: z.string(), description: str, functionCode: num, functionId: str, index: num, outOfService: bool }),
  ),
});
