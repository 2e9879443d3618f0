import { bool, list, num, str, z } from "./common.js";

/** One inverter of `pvConfig.inverters[]` (modeling). */
export const modelingInverter = z.looseObject({
  inverterKw: num,
  inverterKva: num,
  inverterName: str,
  azimuth: num,
  tilt: num,
  tracking: num,
  trackingAngle: num,
  derate: num,
  bifacialRatio: num,
  dcSize: num,
  wattsPerPanel: num,
  panelsPerString: num,
  numOfStrings: num,
  tempCoefficient: num,
  pvSystModuleId: num,
});

/** `GET /api/edit/modeling/{S|H}`, and the `PUT /api/edit/modeling` body. */
export const modelingBody = z.looseObject({
  key: z.string(),
  ts: str,
  latitude: num,
  longitude: num,
  dcRating: num,
  groupKey: str,
  outputKey: str,
  siteDcShare: num,
  siteHasInverterGroups: bool,
  weatherStationKey1: str,
  weatherStationKey2: str,
  selectedHardware: list(z.looseObject({ key: z.string(), name: str, selected: bool, sortIndex: num })),
  pvConfig: z
    .looseObject({
      pvModelType: num,
      acDcType: num,
      acInfo: num,
      degrade: num,
      inverters: list(modelingInverter),
      monthlyDerate: z.record(z.string(), num).nullish(),
      monthlyOutput: z.record(z.string(), num).nullish(),
    })
    .nullish()
    .transform((v) => v ?? null),
});
export type ModelingBody = z.output<typeof modelingBody>;
