import { bool, list, num, str, z } from "./common.js";

/** One alert trigger (`triggers[]`, `defaultTriggers[]`, and the PUT/POST body). */
export const alertTriggerBody = z.looseObject({
  key: z
    .string()
    .nullish()
    .transform((v) => v ?? ""),
  id: num,
  alertTypeKey: str,
  parentKey: str,
  name: str,
  description: str,
  isActive: bool,
  priorityLevel: num,
  checkSun: bool,
  checkTime: bool,
  checkNoSnow: bool,
  hasImpact: bool,
  impact: num,
  delayHoursTrigger: num,
  delayHoursResolve: num,
  startTime: num,
  endTime: num,
  sunMinElevation: num,
  sunMinAzimuth: num,
  sunMaxAzimuth: num,
  parameters: list(z.looseObject({ index: num, name: str, info: str, value: z.unknown(), type: num, source: num, readOnly: bool })),
  ownerKey: str,
  sharing: num,
  lastChanged: str,
});
export type AlertTriggerBody = z.output<typeof alertTriggerBody>;

/** `GET /api/alerttrigger/{H}` */
export const alertTriggersBody = z.looseObject({
  key: str,
  lastChanged: str,
  assetCode: num,
  calculatedCapacity: num,
  capacity: num,
  triggers: list(z.unknown()),
  defaultTriggers: list(z.unknown()),
});
