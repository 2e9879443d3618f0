import { isValidTimeZone } from "../../core/time/zoned.js";
import { parseWith } from "../../core/validation.js";
import { hardwareTypeName, UNIT_CODES } from "../function-codes.js";
import { keyKind, numericId, parseLegacyHardwareId, type LegacyHardwareId } from "../keys.js";
import { numberOrNull, parseCalendarDay, parseTimestamp } from "../values.js";
import {
  driverSettingsBody,
  hardwareDetailsBody,
  hardwareProductionRow,
  hardwareStatusBody,
  nodeBody,
  registerOffsetsBody,
} from "../wire/hardware.js";

const ctx = (operation: string) => ({ vendor: "powertrack", operation });

/** A live reading on a hardware row. `value` is a number, or null for "NaN"; `text` keeps a non-numeric value. */
export interface DataRegister {
  name: string | null;
  value: number | null;
  text: string | null;
  /** Unit code and its symbol when known (10 → "kW"). */
  unit: number | null;
  unitName: string | null;
  formattedValue: string | null;
}

/**
 * One device of a site. `capacityKw`/`inverterKw` in kW. From the primary source
 * (`view/sitehardwareproduction`) every member is filled; from the `/api/node` fallback only
 * key, name, functionCode and hid are known and the rest is null.
 */
export interface Hardware {
  key: string;
  /** Display name. */
  name: string;
  functionCode: number | null;
  /** "Inverter", "Production Meter", … ("Type N" when unknown). */
  typeName: string;
  /** Numeric id of the key (`H504061` → 504061); null when the key is not an H key. */
  hid: number | null;
  serialNum: string | null;
  installDate: string | null;
  hardwareStatus: number | null;
  capacityKw: number | null;
  inverterKw: number | null;
  outOfService: boolean | null;
  enabled: boolean;
  lastAttempt: Date | null;
  lastSuccess: Date | null;
  lastChanged: Date | null;
  /** The device's headline reading as text, e.g. "56.9 kW". */
  primaryMetric: string | null;
  dataRegisters: DataRegister[];
  /**
   * The SDK's remaining `Hardware` members, null when the source does not carry them: the
   * production view and `/api/node` rarely do; `edit/hardware` (`getHardwareDetails().summary`)
   * gives the connection (`address` as `deviceAddress`, `port`, `unitId`, `baud`), `gatewayId`,
   * `driverName` and `modelNum` as `mfrModel`. `enableBool` is `enabled`.
   */
  shortName: string | null;
  mfrModel: string | null;
  deviceId: string | number | null;
  deviceAddress: string | null;
  port: number | null;
  unitId: number | null;
  baud: number | null;
  gatewayId: string | null;
  driverName: string | null;
  enableBool: boolean;
  /** Where the summary was read: the production view, the `/api/node` fallback, or `edit/hardware` (`getHardwareDetails`). */
  source: "sitehardwareproduction" | "node" | "edithardware";
  raw: unknown;
}

type SdkMembers = Pick<
  Hardware,
  "shortName" | "mfrModel" | "deviceId" | "deviceAddress" | "port" | "unitId" | "baud" | "gatewayId" | "driverName" | "enableBool"
>;

/** The SDK's extra members from whatever the row carries (its spellings `unitID`/`gatewayID` too); empty text is null. */
function sdkMembers(row: unknown, enabled: boolean): SdkMembers {
  const r = typeof row === "object" && row !== null && !Array.isArray(row) ? (row as Record<string, unknown>) : {};
  const text = (...names: string[]) => {
    for (const n of names) if (typeof r[n] === "string" && (r[n] as string).trim() !== "") return r[n] as string;
    return null;
  };
  const number = (...names: string[]) => {
    for (const n of names) {
      const v = typeof r[n] === "string" && (r[n] as string).trim() === "" ? null : numberOrNull(r[n]);
      if (v !== null) return v;
    }
    return null;
  };
  const deviceId = typeof r.deviceId === "number" ? r.deviceId : text("deviceId");
  return {
    shortName: text("shortName"),
    mfrModel: text("mfrModel", "modelNum"),
    deviceId,
    deviceAddress: text("deviceAddress", "address"),
    port: number("port"),
    unitId: number("unitId", "unitID"),
    baud: number("baud"),
    gatewayId: text("gatewayId", "gatewayID"),
    driverName: text("driverName"),
    enableBool: typeof r.enableBool === "boolean" ? r.enableBool : enabled,
  };
}

export function toDataRegister(r: {
  name: string | null;
  value?: unknown;
  unit: number | null;
  formattedValue: string | null;
}): DataRegister {
  const value = numberOrNull(r.value);
  return {
    name: r.name,
    value,
    text: value === null && typeof r.value === "string" && r.value !== "NaN" ? r.value : null,
    unit: r.unit,
    unitName: r.unit === null ? null : (UNIT_CODES[r.unit] ?? null),
    formattedValue: r.formattedValue,
  };
}

export function toHardware(row: unknown, timeZone = "UTC"): Hardware {
  const w = parseWith(hardwareProductionRow, row, ctx("getHardwareList"));
  return {
    key: w.key,
    name: w.name ?? w.description ?? w.key,
    functionCode: w.functionCode,
    typeName: hardwareTypeName(w.functionCode),
    hid: safeNumericId(w.key),
    serialNum: w.serialNum,
    installDate: parseCalendarDay(w.installDate),
    hardwareStatus: w.hardwareStatus,
    capacityKw: w.capacityKW,
    inverterKw: w.inverterKw,
    outOfService: w.outOfService,
    enabled: w.outOfService !== true,
    lastAttempt: parseTimestamp(w.lastAttempt, timeZone),
    lastSuccess: parseTimestamp(w.lastSuccess, timeZone),
    lastChanged: parseTimestamp(w.lastChanged, timeZone),
    primaryMetric: w.primaryMetric || null,
    dataRegisters: w.dataRegisters.map(toDataRegister),
    ...sdkMembers(row, w.outOfService !== true),
    source: "sitehardwareproduction",
    raw: row,
  };
}

function safeNumericId(key: string): number | null {
  return keyKind(key) === "hardware" ? numericId(key) : null;
}

/** `POST /api/node` entries. Hardware nodes carry the function code in `subKind`. */
export interface PowerTrackNode {
  key: string;
  kind: string | null;
  subKind: number | null;
  name: string | null;
  parentKey: string | null;
  /** Ancestor keys, root first. */
  path: string[];
}

export function toNodes(body: unknown): PowerTrackNode[] {
  return parseWith(nodeBody, body, ctx("getNodes")).nodes.map((n) => ({
    key: n.key,
    kind: n.kind,
    subKind: n.subKind,
    name: n.name,
    parentKey: n.parentKey,
    path: n.path,
  }));
}

export function hardwareFromNode(node: PowerTrackNode): Hardware {
  return {
    key: node.key,
    name: node.name ?? node.key,
    functionCode: node.subKind,
    typeName: hardwareTypeName(node.subKind),
    hid: safeNumericId(node.key),
    serialNum: null,
    installDate: null,
    hardwareStatus: null,
    capacityKw: null,
    inverterKw: null,
    outOfService: null,
    enabled: true,
    lastAttempt: null,
    lastSuccess: null,
    lastChanged: null,
    primaryMetric: null,
    dataRegisters: [],
    ...sdkMembers(null, true),
    source: "node",
    raw: node,
  };
}

/**
 * `GET /api/edit/hardware/{H}`: the full configuration. `summary.name` comes from `description`
 * (the API has no `name`; the SDK always showed ""). `hardwareId` is the legacy composite id
 * (`C44418_S70513_PV9`) and is never rewritten by openpower.
 */
export interface HardwareDetails {
  key: string;
  summary: Hardware;
  /** The site. */
  parentKey: string | null;
  hardwareId: string | null;
  legacyId: LegacyHardwareId | null;
  functionId: string | null;
  driverId: number | null;
  driverName: string | null;
  gatewayKey: string | null;
  serialNum: string | null;
  modelNum: string | null;
  capacityKw: number | null;
  inverterKw: number | null;
  outOfService: boolean | null;
  outOfServiceUntil: Date | null;
  settings: Array<{ index: number | null; name: string | null; value: unknown; originalValue: unknown; type: number | null }>;
  ts: string | null;
  /** The whole object, for GET-modify-PUT. */
  details: Record<string, unknown>;
}

export function toHardwareDetails(body: unknown): HardwareDetails {
  const w = parseWith(hardwareDetailsBody, body, ctx("getHardwareDetails"));
  const summary: Hardware = {
    key: w.key,
    name: w.description ?? w.key,
    functionCode: w.functionCode,
    typeName: hardwareTypeName(w.functionCode),
    hid: safeNumericId(w.key),
    serialNum: w.serialNum,
    installDate: parseCalendarDay(w.installDate),
    hardwareStatus: w.hardwareStatus,
    capacityKw: w.capacityKw,
    inverterKw: w.inverterKw,
    outOfService: w.outOfService,
    enabled: w.outOfService !== true,
    lastAttempt: null,
    lastSuccess: null,
    lastChanged: parseTimestamp(w.ts),
    primaryMetric: null,
    dataRegisters: [],
    ...sdkMembers(body, w.outOfService !== true),
    source: "edithardware",
    raw: body,
  };
  return {
    key: w.key,
    summary,
    parentKey: w.parentKey,
    hardwareId: w.hardwareId,
    legacyId: w.hardwareId ? parseLegacyHardwareId(w.hardwareId) : null,
    functionId: w.functionId,
    driverId: w.driverId,
    driverName: w.driverName,
    gatewayKey: w.gatewayKey,
    serialNum: w.serialNum,
    modelNum: w.modelNum,
    capacityKw: w.capacityKw,
    inverterKw: w.inverterKw,
    outOfService: w.outOfService,
    outOfServiceUntil: parseTimestamp(w.outOfServiceUntil),
    settings: w.settings.map((s) => ({ index: s.index, name: s.name, value: s.value, originalValue: s.originalValue, type: s.type })),
    ts: w.ts,
    details: body as Record<string, unknown>,
  };
}

/** One register of a diagnostics register set. `value` is the raw text; `numericValue` when it is a number. */
export interface RegisterData {
  set: string | null;
  address: string | null;
  name: string | null;
  localizedName: string | null;
  standardDataName: string | null;
  value: string | null;
  numericValue: number | null;
  units: string | null;
  register: string | null;
  /** A JS-like formula applied by the gateway, e.g. `P2=="W" ? (this*360.0/4095) : 0`. */
  scale: string | null;
  canModify: boolean | null;
  hide: boolean | null;
  isIgnored: boolean | null;
  isStored: boolean | null;
  writeFunction: string | null;
  modpollCommand: string | null;
  bustestCommand: string | null;
}

/** `GET /api/view/hardwarestatus/{H}`. */
export interface HardwareDiagnostics {
  key: string;
  hardwareName: string | null;
  /** The site. */
  parentKey: string | null;
  lastAttempt: Date | null;
  lastSuccess: Date | null;
  lastChanged: Date | null;
  outOfService: boolean | null;
  timeZone: string | null;
  registers: RegisterData[];
  brokenRegisterCount: number;
  /** Last successful read within an hour of `asOf` (the SDK used `lastCommunication`, which is 0 in real data). */
  isOnline: boolean;
  asOf: Date;
  raw: unknown;
}

const ONLINE_WINDOW_MS = 60 * 60 * 1000;

export function toHardwareDiagnostics(body: unknown, now: Date): HardwareDiagnostics {
  const w = parseWith(hardwareStatusBody, body, ctx("getHardwareDiagnostics"));
  const registers: RegisterData[] = [];
  let broken = 0;
  for (const set of w.registerSets) {
    broken += set.brokenRegisters.length;
    for (const r of set.registers) {
      const value = r.value === null || r.value === undefined ? null : String(r.value);
      registers.push({
        set: set.name,
        address: r.address === null || r.address === undefined ? null : String(r.address),
        name: r.name,
        localizedName: r.localizedName,
        standardDataName: r.standardDataName || null,
        value,
        numericValue: numberOrNull(value),
        units: r.units,
        register: r.register === null || r.register === undefined ? null : String(r.register),
        scale: r.scale || null,
        canModify: r.canModify,
        hide: r.hide,
        isIgnored: r.isIgnored,
        isStored: r.isStored,
        writeFunction: r.writeFunction || null,
        modpollCommand: r.modpollCommand,
        bustestCommand: r.bustestCommand,
      });
    }
  }
  // Zone-less times are wall time in the device's zone (sent with the body).
  const zone = w.timeZone && isValidTimeZone(w.timeZone) ? w.timeZone : "UTC";
  const lastSuccess = parseTimestamp(w.lastSuccess, zone);
  return {
    key: w.key,
    hardwareName: w.hardwareName,
    parentKey: w.parentKey,
    lastAttempt: parseTimestamp(w.lastAttempt, zone),
    lastSuccess,
    lastChanged: parseTimestamp(w.lastChanged, zone),
    outOfService: w.outOfService,
    timeZone: w.timeZone,
    registers,
    brokenRegisterCount: broken,
    isOnline: lastSuccess !== null && now.getTime() - lastSuccess.getTime() <= ONLINE_WINDOW_MS,
    asOf: now,
    raw: body,
  };
}

export interface DriverSettings {
  key: string | null;
  lastChanged: Date | null;
  /** Settings such as `dev:ScaleKW`; values are strings as sent. */
  driverSettings: Array<{ name: string; type: number | null; value: unknown }>;
  raw: unknown;
}

export function toDriverSettings(body: unknown): DriverSettings {
  const w = parseWith(driverSettingsBody, body, ctx("getDriverSettings"));
  return {
    key: w.key,
    lastChanged: parseTimestamp(w.lastChanged),
    driverSettings: w.driverSettings.map((s) => ({ name: s.name, type: s.type, value: s.value })),
    raw: body,
  };
}

export interface RegisterOffsets {
  key: string | null;
  lastChanged: Date | null;
  registerOffsets: Array<{
    index: number | null;
    name: string | null;
    registerAddress: number | null;
    registerModbusName: string | null;
    value: number | null;
  }>;
  raw: unknown;
}

export function toRegisterOffsets(body: unknown): RegisterOffsets {
  const w = parseWith(registerOffsetsBody, body, ctx("getRegisterOffsets"));
  return {
    key: w.key,
    lastChanged: parseTimestamp(w.lastChanged),
    registerOffsets: w.registerOffsets.map((o) => ({
      index: o.index,
      name: o.name,
      registerAddress: o.registerAddress,
      registerModbusName: o.registerModbusName,
      value: o.value,
    })),
    raw: body,
  };
}
