/**
 * openpower/goodwe: GoodWe inverters on the local network (Modbus RTU over UDP 8899, Modbus/TCP
 * on 502, the legacy AA55 protocol of ES/EM/BP, discovery) and the unofficial SEMS Portal cloud.
 */
export {
  GoodWeInverter,
  DEFAULT_TCP_PORT,
  DEFAULT_UDP_PORT,
  type GoodWeInverterOptions,
  type EsBatteryReading,
  type EsGridReading,
} from "./inverter.js";
export {
  GoodWeSystem,
  scheduleFromGroups,
  readScheduleFromGroups,
  type GoodWeSystemOptions,
  type GoodWeWritePayload,
  type GoodWeScheduleReading,
} from "./system.js";
export { toPowerFlow, toEnergyTotals } from "./adapter.js";
export {
  discover,
  parseDiscoveryReply,
  dtlsNotSupported,
  DISCOVERY_MESSAGE,
  DISCOVERY_PORT,
  type DiscoverOptions,
  type DiscoveredDongle,
  type DongleKind,
} from "./discovery.js";
export { familyFromSerial, is745Platform, ET_TAGS, ES_TAGS, DT_TAGS, PLATFORM_745_TAGS } from "./detect.js";
export { ModbusExceptionError, isIllegalAddress } from "./errors.js";
export type { ControlOptions, ControlResult, GoodWeWriteDetail } from "./control.js";
export {
  ALL_DAYS,
  ECO_GROUPS,
  WEEKDAY_NAMES,
  SCHEDULE_TYPES,
  daysMask,
  dayNames,
  decodeEcoModeGroup,
  encodeEcoModeGroup,
  encodeEcoModeOff,
  ecoScheduleTypeFor,
  groupRegister,
  type EcoModeEncoding,
  type EcoScheduleType,
  type EcoModeGroup,
  type EcoModeGroupInput,
  type WeekdayName,
} from "./eco-mode.js";
export {
  EMS_MODES,
  OPERATION_MODE_CODES,
  operationModeOf,
  type DeviceInfo,
  type DtCalculated,
  type DtRuntimeData,
  type EmsMode,
  type EsCalculated,
  type EsRuntimeData,
  type EsSettings,
  type EtCalculated,
  type EtRuntimeData,
  type Family,
  type Labels,
  type OperationMode,
  type RuntimeData,
} from "./types.js";

// Register maps (sensor tables) and decoders, for callers who poll blocks themselves.
export * from "./registers/et.js";
export * from "./registers/dt.js";
export * from "./registers/es.js";
export type { SensorDef, SensorType, SensorValues, Unit } from "./registers/types.js";
export { decodeRegisterBlock, decodePayload, decodeSensor, decodeDateTime, decodeString } from "./decode.js";
export { decodeEtDeviceInfo, decodeEtRunning, decodeEtBattery, decodeEtMeter } from "./families/et.js";
export { decodeDtDeviceInfo, decodeDtRunning, decodeDtMeter } from "./families/dt.js";
export { decodeEsDeviceInfo, decodeEsRunning, decodeEsSettings } from "./families/es.js";

// Wire protocol (framing and checksums).
export { crc16Modbus } from "./protocol/crc16.js";
export { encodeRtuRequest, assessRtuReply, COMM_ADDRESS_DT, COMM_ADDRESS_ET } from "./protocol/rtu.js";
export { encodeMbapRequest, assessMbapReply } from "./protocol/mbap.js";
export { encodeAa55Request, assessAa55Reply, aa55Checksum, type Aa55Command, type Aa55Reply } from "./protocol/aa55.js";
export {
  FN_READ_HOLDING,
  FN_WRITE_SINGLE,
  FN_WRITE_MULTIPLE,
  exceptionName,
  type ModbusRequest,
  type ModbusReply,
} from "./protocol/pdu.js";
export { toHex, fromHex } from "./protocol/bytes.js";
export type { FrameAssessment } from "./protocol/frame.js";

// SEMS cloud (unofficial).
export { SemsClient, DEFAULT_SEMS_LOGIN_URL, type SemsClientOptions, type RemoteControlResult } from "./sems/client.js";
export { SemsStation, type SemsStationOptions } from "./sems/station.js";
export {
  DEFAULT_POWERFLOW_SIGNS,
  DEFAULT_CHART_SIGNS,
  toPowerFlow as semsToPowerFlow,
  toTodayTotals as semsTodayTotals,
  toPowerHistory as semsToPowerHistory,
  chartToEnergyTotals as semsChartToEnergyTotals,
  parseSemsTime,
  type PowerflowSigns,
  type ChartSigns,
} from "./sems/adapter.js";
export {
  parseMonitorDetail,
  parsePlantPowerChart,
  type MonitorDetail,
  type PlantPowerChart,
  type ChartLine,
  type SemsPowerflow,
  type SemsStatistics,
  type SemsInverterSummary,
} from "./sems/models.js";
export { semsPlusPassword, semsPlusSignature } from "./sems/crypto.js";
export { CODE_MIGRATED, CODE_AUTH_EXPIRED, CODE_RATE_LIMITED } from "./sems/errors.js";
export type { SemsSession } from "./sems/token.js";
