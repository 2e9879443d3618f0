import type { ApplyOptions, ApplyResult, BatterySchedule, ControlPlan, EnergyTotals, PowerFlow, PriceInterval, Vendor } from "./types.js";

/**
 * Capability interfaces: each says one thing a system can do, with its limits as data. A vendor
 * class states at compile time which ones it implements (`implements PowerMeter, BatteryController`);
 * callers test with the guards below and never use `!`. A capability that one instance of a class
 * lacks (a GoodWe DT has no battery) is absent on that instance: its data member is `undefined`,
 * so the guard says false.
 */

export interface ReadOptions {
  signal?: AbortSignal;
}

/** Instantaneous power flow. */
export interface PowerMeter {
  getPowerFlow(options?: ReadOptions): Promise<PowerFlow>;
}

/** Daily energy totals of a local calendar day ("YYYY-MM-DD" in the system's zone). */
export interface EnergyMeter {
  /** False when only today's totals can be read (a GoodWe inverter keeps today's counters only). */
  readonly energyTotalsHistory: boolean;
  getEnergyTotals(date: string, options?: ReadOptions): Promise<EnergyTotals>;
}

/** Power samples of a past local day, oldest first. */
export interface PowerHistory {
  /** The vendor's sample spacing, minutes (AlphaESS 5, PowerTrack 15). */
  readonly historyStepMinutes: number;
  getPowerHistory(date: string, options?: ReadOptions): Promise<PowerFlow[]>;
}

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** What a battery controller can take; a plan outside these limits is refused before sending. */
export interface BatteryControlLimits {
  maxChargeWindows: number;
  maxDischargeWindows: number;
  /** When charge and discharge windows share one pool (GoodWe: 4 eco groups in all), its size. */
  maxWindowsTotal?: number;
  gridMinutes: 15;
  /** Minimum seconds between two writes the vendor tolerates. */
  minWriteIntervalS: number;
  /** Whether a window's `powerW` is honoured (else a window with `powerW` is refused). */
  windowPower: boolean;
  /** Largest `powerW` a window may ask for, W, when known. */
  maxPowerW?: number;
  /** Whether a window's `weekdays` is honoured (else a window limited to some days is refused). */
  weekdays: boolean;
  /** Which backend this is, for messages ("AlphaESS AU/NZ/UK weekly schedule", "GoodWe ET eco mode"). */
  backend: string;
}

/** Reads, plans and applies a battery schedule. */
export interface BatteryController {
  readonly batteryControl: BatteryControlLimits;
  getBatterySchedule(options?: ReadOptions): Promise<BatterySchedule>;
  /** Reads the current schedule and plans the writes; never writes. Refuses what the backend cannot do. */
  planBatterySchedule(desired: BatterySchedule, options?: ReadOptions): Promise<ControlPlan>;
  applyPlan(plan: ControlPlan, options?: ApplyOptions): Promise<ApplyResult>;
}

/** An EV charger as every vendor reports it. */
export interface EvChargerInfo {
  vendor: Vendor;
  /** The charger's id (AlphaESS charger serial number). */
  id: string;
  /** The system the charger belongs to. */
  system: string;
  model: string | null;
  /** The vendor's status, normalised to lower camel case ("available", "charging", ...). */
  status: string | null;
  /** Configured current limit, A. */
  currentLimitA: number | null;
  raw?: unknown;
}

export interface EvChargerLimits {
  minCurrentA: number;
  maxCurrentA: number;
  /** Minimum seconds between two writes the vendor tolerates. */
  minWriteIntervalS: number;
}

/** EV chargers attached to a system: status, start, stop and current limit. Writes go through plan/apply. */
export interface EvCharger {
  readonly evCharger: EvChargerLimits;
  listEvChargers(options?: ReadOptions): Promise<EvChargerInfo[]>;
  getEvCharger(id: string, options?: ReadOptions): Promise<EvChargerInfo>;
  planEvCharging(id: string, action: { start: boolean } | { currentLimitA: number }, options?: ReadOptions): Promise<ControlPlan>;
  applyPlan(plan: ControlPlan, options?: ApplyOptions): Promise<ApplyResult>;
}

export interface ExportLimits {
  minW: number;
  maxW: number;
}

/** A grid export limit, W. */
export interface ExportLimiter {
  readonly exportLimit: ExportLimits;
  getExportLimit(options?: ReadOptions): Promise<number | null>;
  planExportLimit(watts: number, options?: ReadOptions): Promise<ControlPlan>;
  applyPlan(plan: ControlPlan, options?: ApplyOptions): Promise<ApplyResult>;
}

export interface PriceQuery extends ReadOptions {
  from?: Date;
  to?: Date;
  next?: number;
  previous?: number;
  /** Interval length, minutes, where the source offers a choice (Amber: default the site's billing interval). */
  resolution?: 5 | 30;
}

/** A retailer price feed (an Amber site). */
export interface PriceSource {
  readonly vendor: Vendor;
  readonly id: string;
  getPriceIntervals(options?: PriceQuery): Promise<PriceInterval[]>;
}

function hasMethods(value: unknown, ...names: string[]): boolean {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === "function");
}

function hasData(value: unknown, name: string): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[name] != null;
}

export function isPowerMeter<T>(system: T): system is T & PowerMeter {
  return hasMethods(system, "getPowerFlow");
}

export function isEnergyMeter<T>(system: T): system is T & EnergyMeter {
  return hasMethods(system, "getEnergyTotals") && typeof (system as { energyTotalsHistory?: unknown }).energyTotalsHistory === "boolean";
}

export function isPowerHistory<T>(system: T): system is T & PowerHistory {
  return hasMethods(system, "getPowerHistory") && hasData(system, "historyStepMinutes");
}

export function isBatteryController<T>(system: T): system is T & BatteryController {
  return hasData(system, "batteryControl") && hasMethods(system, "getBatterySchedule", "planBatterySchedule", "applyPlan");
}

export function isEvCharger<T>(system: T): system is T & EvCharger {
  return hasData(system, "evCharger") && hasMethods(system, "listEvChargers", "getEvCharger", "planEvCharging", "applyPlan");
}

export function isExportLimiter<T>(system: T): system is T & ExportLimiter {
  return hasData(system, "exportLimit") && hasMethods(system, "getExportLimit", "planExportLimit", "applyPlan");
}

export function isPriceSource<T>(value: T): value is T & PriceSource {
  return hasMethods(value, "getPriceIntervals");
}

/** Names of the capabilities a system has, for listings (CLI `status`, the API's `/systems`). */
export type CapabilityName = "powerFlow" | "energyTotals" | "powerHistory" | "batterySchedule" | "evCharger" | "exportLimit" | "prices";

export function capabilityNames(system: unknown): CapabilityName[] {
  const names: CapabilityName[] = [];
  if (isPowerMeter(system)) names.push("powerFlow");
  if (isEnergyMeter(system)) names.push("energyTotals");
  if (isPowerHistory(system)) names.push("powerHistory");
  if (isBatteryController(system)) names.push("batterySchedule");
  if (isEvCharger(system)) names.push("evCharger");
  if (isExportLimiter(system)) names.push("exportLimit");
  if (isPriceSource(system)) names.push("prices");
  return names;
}
