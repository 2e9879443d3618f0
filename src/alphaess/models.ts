import type { TimeWindow } from "../core/time/schedule-grid.js";
import type { FieldChange, WriteResult } from "../model/types.js";
import type { AlphaEssWriteEndpoint } from "./endpoints.js";

/**
 * Typed results of the AlphaESS client. Units are explicit in the names: power W, energy kWh,
 * rated power kW, current A; state of charge and levels are fractions 0..1 (the API sends
 * percent 0..100 and we divide by 100). Signs: `gridW` + importing / − exporting, `batteryW`
 * + discharging / − charging (the API's own convention, spec §2.2). A missing reading is `null`.
 * Every result keeps the vendor's `data` object unchanged in `raw`.
 */

/** One system bound to the AppID (`getEssList`). */
export interface AlphaEssSystemInfo {
  serialNumber: string;
  /** Inverter model, e.g. "SMILE5-INV", "Storion-S5". */
  inverterModel: string | null;
  /** Inverter nominal power, kW. */
  inverterRatedKw: number | null;
  /** PV nominal power, kW. */
  pvRatedKw: number | null;
  /** Battery model, e.g. "SMILE-BAT-13.3P". */
  batteryModel: string | null;
  /** Installed battery capacity, kWh. */
  batteryCapacityKwh: number | null;
  /** Remaining usable battery capacity, kWh. */
  batteryRemainingCapacityKwh: number | null;
  /** Usable share of the battery, fraction 0..1 (`usCapacity` ÷ 100). */
  usableCapacity: number | null;
  /** EMS status, e.g. "Normal", "Protection". */
  emsStatus: string | null;
  raw: unknown;
}

/** Real-time power (`getLastPowerData`). */
export interface AlphaEssRealtimePower {
  serialNumber: string;
  /**
   * When the reading was taken. The API does not say; this is when the answer arrived (the
   * system uploads about every 10-30 s), so it can be that much later than the measurement.
   */
  observedAt: Date;
  /** True when every reading is null (Storion-S5 and some others since late 2024): data, not an error. */
  allNull: boolean;
  /** Total PV power, W (`ppv`). */
  pvW: number | null;
  /** Per-string PV power, W (`ppv1`..`ppv4`); null when the detail is missing. */
  pvStringsW: [number | null, number | null, number | null, number | null] | null;
  /** DC-coupled PV meter power, W (`pmeterDc`). */
  pvDcMeterW: number | null;
  /** House load, W (`pload`). */
  loadW: number | null;
  /** Battery state of charge, fraction 0..1 (`soc` ÷ 100). */
  soc: number | null;
  /** Grid power, W: + importing, − exporting (`pgrid`). */
  gridW: number | null;
  /** Per-phase grid meter power, W, same sign as `gridW` (`pmeterL1`..`L3`). */
  gridPhasesW: [number | null, number | null, number | null] | null;
  /** Battery power, W: + discharging, − charging (`pbat`). */
  batteryW: number | null;
  /** Per-phase inverter output, W (`prealL1`..`L3`). */
  inverterPhasesW: [number | null, number | null, number | null];
  /** Total EV charger power, W (`pev`). */
  evW: number | null;
  /** Per-charger power, W (`ev1Power`..`ev4Power`); null when no charger is fitted. */
  evChargersW: [number | null, number | null, number | null, number | null] | null;
  raw: unknown;
}

/** Today and lifetime counters (`getSumDataForCustomer`). "Today" is the server's day, which rolls over at UTC midnight. */
export interface AlphaEssSystemSummary {
  serialNumber: string;
  /** Today's PV generation, kWh (`epvtoday`). */
  pvTodayKwh: number | null;
  /** Lifetime PV generation, kWh (`epvtotal`); null without a tariff. */
  pvTotalKwh: number | null;
  /** Today's load, kWh (`eload`). */
  loadTodayKwh: number | null;
  /** Today's feed-in, kWh (`eoutput`). */
  exportTodayKwh: number | null;
  /** Today's grid import, kWh (`einput`). */
  importTodayKwh: number | null;
  /** Today's battery charge, kWh (`echarge`). */
  chargeTodayKwh: number | null;
  /** Today's battery discharge, kWh (`edischarge`). */
  dischargeTodayKwh: number | null;
  /** Today's income in `currency` (`todayIncome`). */
  incomeToday: number | null;
  /** Lifetime income in `currency` (`totalIncome`). */
  incomeTotal: number | null;
  /** ISO currency code (`moneyType`), null without a tariff. */
  currency: string | null;
  /** Self-consumption, fraction 0..1 (the API already sends a fraction); null when outside 0..1. */
  selfConsumption: number | null;
  /** Self-sufficiency, fraction 0..1; null when outside 0..1 (a VT1000 sent −6.1). */
  selfSufficiency: number | null;
  /** Trees-planted equivalent (`treeNum`). */
  treesPlanted: number | null;
  /** CO₂ saved, kg (`carbonNum`). */
  co2SavedKg: number | null;
  raw: unknown;
}

/** One sample of the day series (`getOneDayPowerBySn`), about every 5 minutes. */
export interface AlphaEssPowerSample {
  /** `uploadTime` parsed as wall time in the system's time zone. */
  at: Date;
  /** `uploadTime` as sent: "yyyy-MM-dd HH:mm:ss", no zone. */
  uploadTime: string;
  /** PV power, W. */
  pvW: number | null;
  /** Load, W. */
  loadW: number | null;
  /** State of charge, fraction 0..1 (`cbat` ÷ 100). */
  soc: number | null;
  /** Export power, W, >= 0 (`feedIn`). */
  feedInW: number | null;
  /** Import power, W, >= 0 (`gridCharge`: "grid purchase real-time power", not only battery charging). */
  importW: number | null;
  /** Grid power, W: + importing, − exporting (`importW − feedInW`). */
  gridW: number | null;
  /** EV charger power, W (`pchargingPile`). */
  evW: number | null;
  raw: unknown;
}

/** One local day of samples, oldest first. */
export interface AlphaEssPowerHistory {
  serialNumber: string;
  /** The local date asked for, "YYYY-MM-DD" in the system's time zone. */
  date: string;
  timeZone: string;
  samples: AlphaEssPowerSample[];
}

/** Energy of one local day (`getOneDateEnergyBySn`), kWh. */
export interface AlphaEssDailyEnergy {
  serialNumber: string;
  date: string;
  /** False when the server has not aggregated the day yet (`data: null`): every value is then null. */
  aggregated: boolean;
  pvKwh: number | null;
  chargeKwh: number | null;
  dischargeKwh: number | null;
  /** The part of `chargeKwh` drawn from the grid. */
  gridChargeKwh: number | null;
  importKwh: number | null;
  exportKwh: number | null;
  evKwh: number | null;
  /**
   * House load, derived from the balance pv + import + discharge − export − charge − ev (the API
   * has no load field here; the result matches `getSumDataForCustomer.eload` on live data).
   */
  loadKwh: number | null;
  raw: unknown;
}

/** A time period "HH:mm" to "HH:mm" on the 15-minute grid; start === end means disabled. */
export type Period = TimeWindow;

/** Grid-charge settings (`getChargeConfigInfo`). */
export interface ChargingSettings {
  /** Stop charging at this state of charge, fraction 0..1 (`batHighCap` ÷ 100). */
  stopLevel: number;
  /** Charge from the grid inside the periods (`gridCharge`). */
  useGrid: boolean;
  /** `timeChaf1`..`timeChae1`. */
  firstPeriod: Period;
  /** `timeChaf2`..`timeChae2`. */
  secondPeriod: Period;
}

/** Discharge settings (`getDisChargeConfigInfo`). */
export interface DischargingSettings {
  /** Stop discharging at this state of charge, fraction 0..1 (`batUseCap` ÷ 100). */
  stopLevel: number;
  /** Discharge only inside the periods (`ctrDis`). */
  enableTimeControl: boolean;
  firstPeriod: Period;
  secondPeriod: Period;
}

export type ChargingSettingsResult = ChargingSettings & { serialNumber: string; raw: unknown };
export type DischargingSettingsResult = DischargingSettings & { serialNumber: string; raw: unknown };

/** One period of the weekly ("periodic") schedule. */
export interface SchedulePeriod {
  start: string;
  end: string;
  /** ISO weekdays 1 = Monday .. 7 = Sunday; required for a weekly schedule, ignored for daily. */
  weekdays?: number[];
  /** Power setpoint, W (`chargePower`). */
  powerW?: number;
  /** Stop level, fraction 0.1..1 (`chargeLimit` ÷ 100): charge up to it, or discharge down to it. */
  limit: number;
}

/** What `setWeeklySchedule` takes. A full replacement: both lists are required and non-empty. */
export interface WeeklyScheduleInput {
  /** "daily" (every day) or "weekly" (per weekday) — `executeCycleType` 0 / 1. */
  cycle: "daily" | "weekly";
  /** Enable periodic grid charging (`gridChargeCycle`); omitted when undefined. */
  gridCharge?: boolean;
  /** Enable periodic discharge control (`ctrDisCycle`); omitted when undefined. */
  dischargeTimeControl?: boolean;
  charge: SchedulePeriod[];
  discharge: SchedulePeriod[];
}

/** What `getWeeklySchedule` returns. */
export interface WeeklySchedule {
  serialNumber: string;
  cycle: "daily" | "weekly";
  /**
   * The read always answers `gridChargeCycle: 0` whatever the real state (spec §2.10), so a 0 is
   * reported as `null` (unknown) and only a 1 as `true`.
   */
  gridCharge: boolean | null;
  /** Same caveat as `gridCharge` for `ctrDisCycle`. */
  dischargeTimeControl: boolean | null;
  charge: SchedulePeriod[];
  discharge: SchedulePeriod[];
  raw: unknown;
}

export interface EvCharger {
  serialNumber: string;
  model: string | null;
  raw: unknown;
}

export interface EvChargerCurrentSettings {
  serialNumber: string;
  /** Household (mains) current limit the chargers share, A (`currentsetting`). */
  currentLimitA: number | null;
  raw: unknown;
}

export type EvChargerState = "available" | "preparing" | "charging" | "suspendedEVSE" | "suspendedEV" | "finishing" | "faulted" | "unknown";

export interface EvChargerStatus {
  serialNumber: string;
  chargerSerialNumber: string;
  /** The vendor's code: 1 Available .. 6 Finishing, 9 Faulted (7 and 8 undocumented). */
  code: number;
  state: EvChargerState;
  /** Whether a start makes sense now (Preparing, SuspendedEVSE, SuspendedEV — as the HA integration does). */
  canStart: boolean;
  /** Whether a stop makes sense now (Charging, SuspendedEVSE, SuspendedEV). */
  canStop: boolean;
  raw: unknown;
}

/** Result of `getVerificationCode`. */
export interface VerificationCodeResult {
  serialNumber: string;
  /** True when AlphaESS e-mailed a code to the system's owner. */
  sent: boolean;
  /** True when the system is already bound to this AppID (code 6003): nothing was e-mailed, nothing to do. */
  alreadyBound: boolean;
}

/** Result of `bindSystem` / `unbindSystem`. */
export interface BindingResult {
  serialNumber: string;
  /** True when the server made the change. */
  changed: boolean;
  /** True when it was already so (6003 on bind, 6005 on unbind): the call is treated as done. */
  alreadyDone: boolean;
}

/** Options every write takes. */
export interface WriteOptions {
  /** Validate and build the payload, but send nothing. */
  dryRun?: boolean;
  /** Read back after writing and report whether the device took the change. Default false. */
  verify?: boolean;
  signal?: AbortSignal;
}

/**
 * The AlphaESS detail of a write, in `WriteResult.detail` (the model's one write vocabulary says
 * `sent`, `taken`, `readBack`, `mismatches` and `error`; this says what exactly was written).
 */
export interface AlphaEssWriteDetail<T = unknown> {
  serialNumber: string;
  endpoint: AlphaEssWriteEndpoint;
  dryRun: boolean;
  /** What was in place before, when it was read (partial updates read first). */
  before: T | null;
  /** The complete settings written (full replacement). */
  requested: T;
  /** The exact body sent (or that would be sent). */
  payload: Record<string, unknown>;
}

/** What a client write returns: the model's `WriteResult` with the AlphaESS detail always present. */
export type AlphaEssWrite<T = unknown> = WriteResult<AlphaEssWriteDetail<T>> & {
  detail: AlphaEssWriteDetail<T>;
  mismatches: FieldChange[];
};
