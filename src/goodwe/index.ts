/**
 * openpower/goodwe: GoodWe inverters on the local network (Modbus RTU over UDP 8899, Modbus/TCP
 * on 502, the legacy AA55 protocol of ES/EM/BP, discovery) and the unofficial SEMS Portal cloud.
 *
 * The public surface: the clients (`GoodWeInverter`, `SemsClient`, `discover`), the façades
 * (`GoodWeSystem`, `SemsStation`), the errors and their guard, and the types their methods take
 * and return. Register maps, decoders and the wire protocol are internal.
 */

// Clients and façades.
export { GoodWeInverter, type EsBatteryReading, type EsGridReading, type GoodWeInverterOptions } from "./inverter.js";
export { GoodWeSystem, type GoodWeSystemOptions, type GoodWeWritePayload, type GoodWeScheduleReading } from "./system.js";
export { discover, type DiscoverOptions, type DiscoveredDongle, type DongleKind } from "./discovery.js";
export { SemsClient, type SemsClientOptions, type RemoteControlResult } from "./sems/client.js";
export { SemsStation, type SemsStationOptions } from "./sems/station.js";

// Errors and their codes.
export { ModbusExceptionError, isIllegalAddress } from "./errors.js";
export { CODE_MIGRATED, CODE_AUTH_EXPIRED, CODE_RATE_LIMITED } from "./sems/errors.js";

// Types of the methods' arguments and results.
export type { ControlOptions, ControlResult, GoodWeWriteDetail } from "./control.js";
export type { EcoModeEncoding, EcoModeGroup, EcoModeGroupInput, EcoScheduleType, WeekdayName } from "./eco-mode.js";
export type {
  DeviceInfo,
  DtCalculated,
  DtRuntimeData,
  EmsMode,
  EsCalculated,
  EsRuntimeData,
  EsSettings,
  EtCalculated,
  EtRuntimeData,
  Family,
  Labels,
  OperationMode,
  RuntimeData,
} from "./types.js";
export type { DtMeterValues, DtRunningValues } from "./registers/dt.js";
export type { EsRunningValues, EsSettingsValues } from "./registers/es.js";
export type { EtBattery2Values, EtBatteryValues, EtMeterValues, EtRunningValues } from "./registers/et.js";
export type { PowerflowSigns, ChartSigns } from "./sems/adapter.js";
export type { MonitorDetail, PlantPowerChart, ChartLine, SemsPowerflow, SemsStatistics, SemsInverterSummary } from "./sems/models.js";
export type { SemsSession } from "./sems/token.js";
