import type { TimeWindow } from "../core/time/schedule-grid.js";
import type { PowerMeter, Weekday } from "./capabilities.js";

/**
 * The unified model: the shapes every vendor adapter produces, so the CLI, the service and
 * automation never need to know which vendor they talk to. Conventions (see docs/model.md):
 * power W, energy kWh, prices c/kWh incl. GST, state of charge and levels as fractions 0..1;
 * `gridW` + import / − export; `batteryW` + discharge / − charge; a missing reading is `null`.
 */

export type Vendor = "alphaess" | "amber" | "goodwe" | "powertrack";

export type { TimeWindow };

/** Where a reading came from. `device` is the vendor's id: AlphaESS serial, GoodWe serial, PowerTrack site key, Amber site id. */
export interface Source {
  vendor: Vendor;
  device: string;
}

/** Instantaneous power flow of one system. */
export interface PowerFlow {
  /** PV generation, W, >= 0. */
  pvW: number | null;
  /** Household consumption (excluding the EV charger when the vendor reports it separately), W, >= 0. */
  loadW: number | null;
  /** Grid power, W: + importing, − exporting. */
  gridW: number | null;
  /** Battery power, W: + discharging, − charging. */
  batteryW: number | null;
  /** Battery state of charge, fraction 0..1. */
  soc: number | null;
  /** EV charger power, W, >= 0, when the system has one. */
  evW?: number | null;
  /** When the device measured this (not when we fetched it). */
  observedAt: Date;
  source: Source;
  /** The vendor's body, unchanged. */
  raw?: unknown;
}

/** Energy totals for one local calendar day of one system. */
export interface EnergyTotals {
  /** Local calendar day "YYYY-MM-DD" in the device's time zone. */
  date: string;
  pvKwh: number | null;
  loadKwh: number | null;
  importKwh: number | null;
  exportKwh: number | null;
  /** Energy into the battery. */
  chargeKwh: number | null;
  /** Energy out of the battery. */
  dischargeKwh: number | null;
  /** The part of `chargeKwh` drawn from the grid. */
  gridChargeKwh?: number | null;
  evKwh?: number | null;
  source: Source;
  raw?: unknown;
}

/** Amber's channel types; other strings pass through so that a new channel is never dropped. */
export type PriceChannel = "general" | "controlledLoad" | "feedIn" | (string & {});
export type IntervalKind = "actual" | "current" | "forecast";

/**
 * One retail price interval.
 *
 * `perKwhCents` is what the customer pays per kWh, including GST, on every channel. On the
 * `feedIn` channel a **negative** value means the customer is **paid** for exporting (Amber's own
 * convention, kept unchanged); a positive feed-in value means exporting costs money.
 * `earningsPerKwhCents(interval)` gives the plain "what I earn" number for feed-in.
 */
export interface PriceInterval {
  /** Start of the interval (Amber's startTime minus its one-second offset: intervals tile without gaps). */
  start: Date;
  /** End of the interval, exclusive. */
  end: Date;
  durationMin: 5 | 15 | 30;
  channel: PriceChannel;
  kind: IntervalKind;
  /** True while the price may still change (current estimates and all forecasts). */
  estimate: boolean;
  perKwhCents: number;
  /** Wholesale spot price, c/kWh incl. GST. Never sign-inverted. */
  spotPerKwhCents: number;
  /** Share of renewables in the region's grid, percent 0..100. */
  renewablesPct: number;
  /** The vendor's descriptor: "extremelyLow" | "veryLow" | "low" | "neutral" | "high" | "spike" | ... */
  descriptor: string;
  spike: "none" | "potential" | "spike" | (string & {});
  /** The retailer's own forecast band, same sign convention as `perKwhCents`. */
  advanced?: { lowCents: number; predictedCents: number; highCents: number };
  /** Possible range of the spot price, when volatile. */
  spotRange?: { minCents: number; maxCents: number };
  /** The NEM trading day (UTC+10) the interval belongs to. */
  nemDate?: string;
  raw?: unknown;
}

/**
 * One window of a battery schedule, on the 15-minute grid. `powerW` caps the charge (or discharge)
 * power inside the window, W > 0; absent means the device's maximum. `weekdays` limits the window
 * to those days; absent means every day. A backend that cannot honour either refuses the plan
 * before anything is sent (see `BatteryControlLimits.windowPower` / `.weekdays`).
 */
export interface ScheduleWindow extends TimeWindow {
  powerW?: number;
  weekdays?: Weekday[];
}

/** Charge and discharge windows on the 15-minute grid; levels are fractions 0..1. */
export interface BatterySchedule {
  charge: {
    /** Whether the battery may charge from the grid inside the windows. */
    fromGrid: boolean;
    /** Stop charging at this state of charge. */
    stopLevel: number;
    windows: ScheduleWindow[];
  };
  discharge: {
    /** Whether discharging is limited to the windows. */
    timeControl: boolean;
    /** Stop discharging at this state of charge. */
    stopLevel: number;
    windows: ScheduleWindow[];
  };
}

/** One field that a write changes. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** A check made while planning (grid, range, number of windows, cool-down). */
export interface ConstraintCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** One vendor write that a plan will perform. */
export interface PlannedWrite {
  /** The endpoint or register written, e.g. "POST updateChargeConfigInfo" or "register 47511". */
  target: string;
  description: string;
  /** The vendor-level value before and after (the whole object for full-replacement endpoints). */
  before: unknown;
  after: unknown;
  /** The fields that differ. */
  changes: FieldChange[];
  constraints: ConstraintCheck[];
  /** The exact vendor payload to send. */
  payload: unknown;
}

/** The vendor writes needed to reach a desired state. Planning reads but never writes. */
export interface ControlPlan {
  vendor: Vendor;
  device: string;
  createdAt: Date;
  /** What the caller asked for. */
  desired: unknown;
  /** The state read while planning (for a battery schedule plan, the current `BatterySchedule`). */
  current?: unknown;
  writes: PlannedWrite[];
  /** Things the caller should know (vendor caveats, rounding applied). */
  warnings: string[];
}

/**
 * The outcome of one write: the one vocabulary of every vendor, the CLI, the service and the audit.
 * `writeStatus(result)` derives a one-word status from these fields, so it can never disagree with them.
 */
export interface WriteResult<Detail = unknown> {
  write: PlannedWrite;
  /**
   * Whether the write was sent: false in a dry run, after an earlier write failed, or when it was
   * refused before sending (validation, local rate limit, connection refused); null when unknown
   * (the connection broke or timed out after the request may have reached the device).
   */
  sent: boolean | null;
  /** Whether reading back showed the change: null when not verified. */
  taken: boolean | null;
  /** What was read back. */
  readBack?: unknown;
  /** Fields that did not take: `before` is what was written, `after` what was read back. */
  mismatches?: FieldChange[];
  /** Error message when the write failed. */
  error?: string;
  /** The typed error's class and vendor code when the write failed, for programs. */
  errorCode?: string;
  /** Vendor detail (an AlphaESS envelope code, a PowerTrack edit key, GoodWe registers), typed by the vendor. */
  detail?: Detail;
}

export interface ApplyResult<Detail = unknown> {
  vendor: Vendor;
  device: string;
  appliedAt: Date;
  dryRun: boolean;
  results: WriteResult<Detail>[];
  /**
   * True when every write was sent and (when verified) taken. In a dry run, true when every
   * planned write passed its constraint checks (nothing was sent).
   */
  ok: boolean;
}

export interface ApplyOptions {
  /** Read back after writing and report whether the device took the change. Default true. */
  verify?: boolean;
  /** Plan and report without sending anything. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

/**
 * A device-scoped handle: an AlphaESS system, a GoodWe inverter, a PowerTrack site. What else it
 * can do is said by the capability interfaces in `capabilities.ts` and tested with their guards.
 */
export interface EnergySystem extends PowerMeter {
  readonly vendor: Vendor;
  readonly id: string;
  /** A name for people, when the vendor has one. */
  readonly name?: string;
  /** The device's IANA time zone, in which its local dates ("YYYY-MM-DD") are counted, when known. */
  readonly timeZone?: string;
}

export type { PriceSource } from "./capabilities.js";
