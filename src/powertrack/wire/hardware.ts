import { bool, list, num, str, z } from "./common.js";

/** A data register on a hardware production row: `value` may be a number, "NaN" or text. */
export const dataRegister = z.looseObject({
  name: str,
  value: z.union([z.number(), z.string(), z.null()]).optional(),
  unit: num,
  dataType: num,
  formattedValue: str,
});

/** One row of `GET /api/view/sitehardwareproduction/{S}` `hardware[]`. */
export const hardwareProductionRow = z.looseObject({
  key: z.string(),
  name: str,
  description: str,
  functionCode: num,
  hardwareStatus: num,
  installDate: str,
  serialNum: str,
  capacityKW: num,
  inverterKw: num,
  outOfService: bool,
  lastAttempt: str,
  lastSuccess: str,
  lastChanged: str,
  lastData: str,
  primaryMetric: str,
  communicationResult: num,
  dataRegisters: list(dataRegister),
  sortOrder: num,
  units: num,
  unitsScale: num,
});
export type HardwareProductionRow = z.output<typeof hardwareProductionRow>;

export const siteHardwareProductionBody = z.looseObject({
  key: str,
  lastChanged: str,
  timeZone: str,
  hardware: z.array(z.unknown()).optional(),
});

/** `GET /api/edit/hardware/{H}`: the display name is `description`; there is no `name`. */
export const hardwareDetailsBody = z.looseObject({
  key: z.string(),
  parentKey: str,
  description: str,
  hardwareId: str,
  functionCode: num,
  functionId: str,
  instance: num,
  hardwareStatus: num,
  capacityKw: num,
  inverterKw: num,
  driverId: num,
  driverName: str,
  driverDescription: str,
  gatewayKey: str,
  gatewayId: str,
  address: str,
  port: num,
  unitId: num,
  isTcp: bool,
  baud: z.union([z.string(), z.number()]).nullish(),
  serialNum: str,
  modelNum: str,
  installDate: str,
  outOfService: bool,
  outOfServiceNote: str,
  outOfServiceUntil: str,
  latitude: num,
  longitude: num,
  ts: str,
  settings: list(z.looseObject({ index: num, name: str, value: z.unknown(), originalValue: z.unknown(), type: num })),
});
export type HardwareDetailsBody = z.output<typeof hardwareDetailsBody>;

/** `GET /api/view/hardwarestatus/{H}` (register values are strings). */
export const hardwareStatusBody = z.looseObject({
  key: z.string(),
  hardwareName: str,
  parentKey: str,
  lastAttempt: str,
  lastSuccess: str,
  lastChanged: str,
  lastCommunication: num,
  outOfService: bool,
  outOfServiceNote: str,
  outOfServiceUntil: str,
  readOnly: bool,
  timeZone: str,
  unitId: num,
  gatewayType: num,
  isTcp: bool,
  registerSets: list(
    z.looseObject({
      name: str,
      brokenRegisters: list(z.unknown()),
      registers: list(
        z.looseObject({
          address: z.union([z.string(), z.number()]).nullish(),
          name: str,
          localizedName: str,
          standardDataName: str,
          legacyDataName: str,
          value: z.union([z.string(), z.number(), z.null()]).optional(),
          units: str,
          register: z.union([z.string(), z.number()]).nullish(),
          scale: str,
          identifier: str,
          ipAddress: z.union([z.string(), z.number()]).nullish(),
          canModify: bool,
          hide: bool,
          isIgnored: bool,
          isStored: bool,
          pingCommand: str,
          bustestCommand: str,
          modpollCommand: str,
          standardAlertMessage: list(z.unknown()),
          writeFunction: str,
        }),
      ),
    }),
  ),
});
export type HardwareStatusBody = z.output<typeof hardwareStatusBody>;

export const driverSettingsBody = z.looseObject({
  key: str,
  lastChanged: str,
  driverSettings: list(z.looseObject({ name: z.string(), type: num, value: z.unknown() })),
});

export const registerOffsetsBody = z.looseObject({
  key: str,
  lastChanged: str,
  registerOffsets: list(z.looseObject({ index: num, name: str, registerAddress: num, registerModbusName: str, value: num })),
});

/** `POST /api/node` */
export const nodeBody = z.looseObject({
  key: str,
  lastChanged: str,
  nodes: list(
    z.looseObject({
      key: z.string(),
      kind: str,
      subKind: num,
      name: str,
      parentKey: str,
      path: list(z.string()),
      isHidden: bool,
      lastChanged: str,
    }),
  ),
});
