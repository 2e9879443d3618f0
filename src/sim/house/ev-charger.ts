import { hash01ab, subSeed } from "../random.js";

/** OCPP-style connector status (AlphaESS uses the same set). */
export type EvChargerStatus = "available" | "preparing" | "charging" | "suspendedEVSE" | "suspendedEV" | "finishing" | "faulted";

/** What the charger reports. */
export interface EvChargerState {
  status: EvChargerStatus;
  /** A car is connected. */
  plugged: boolean;
  /** The current limit set on the charger, per phase (A). */
  currentLimitA: number;
  /** Power drawn during the current step (W). */
  powerW: number;
  /** Energy delivered since the car plugged in (kWh); kept after it leaves until the next plug-in. */
  sessionKwh: number;
  /** The connected car's state of charge (fraction), or null with no car. */
  carSoc: number | null;
}

/** The charger as configured, after defaults. */
export interface EvChargerSpec {
  maxCurrentA: number;
  minCurrentA: number;
  phases: 1 | 3;
  voltage: number;
  carBatteryKwh: number;
  autoStart: boolean;
}

/** Mutable charger + car state inside the simulation (cloned for look-ahead). @internal */
export interface EvSessionState {
  plugged: boolean;
  /** Charging is authorised (start() or autoStart) and not stopped. */
  active: boolean;
  /** stop() was called during this plug-in. */
  stopped: boolean;
  /** The car filled up during an active session. */
  finished: boolean;
  faulted: boolean;
  currentLimitA: number;
  /** NaN with no car. */
  carSoc: number;
  sessionKwh: number;
  powerW: number;
  status: EvChargerStatus;
}

/** Share of AC energy that ends up in the car's battery. */
const CAR_CHARGE_EFFICIENCY = 0.9;
const STATUS_CODES: EvChargerStatus[] = ["available", "preparing", "charging", "suspendedEVSE", "suspendedEV", "finishing", "faulted"];

/** Compact numeric code of a status, for the history buffer. @internal */
export function evStatusCode(status: EvChargerStatus): number {
  return STATUS_CODES.indexOf(status);
}

/** Inverse of `evStatusCode`. @internal */
export function evStatusFromCode(code: number): EvChargerStatus {
  return STATUS_CODES[code] ?? "faulted";
}

/** A fresh, unplugged charger. @internal */
export function initialEvSession(spec: EvChargerSpec): EvSessionState {
  return {
    plugged: false,
    active: false,
    stopped: false,
    finished: false,
    faulted: false,
    currentLimitA: spec.maxCurrentA,
    carSoc: Number.NaN,
    sessionKwh: 0,
    powerW: 0,
    status: "available",
  };
}

/** The status implied by the flags. @internal */
export function deriveEvStatus(s: EvSessionState, spec: EvChargerSpec): EvChargerStatus {
  if (s.faulted) return "faulted";
  if (!s.plugged) return "available";
  if (!s.active) return s.finished ? "finishing" : s.stopped ? "suspendedEVSE" : "preparing";
  if (s.carSoc >= 1) return "suspendedEV";
  if (s.currentLimitA < spec.minCurrentA) return "suspendedEVSE";
  return "charging";
}

/** The public view of the state. @internal */
export function evPublicState(s: EvSessionState): EvChargerState {
  return {
    status: s.status,
    plugged: s.plugged,
    currentLimitA: s.currentLimitA,
    powerW: s.powerW,
    sessionKwh: s.sessionKwh,
    carSoc: s.plugged && Number.isFinite(s.carSoc) ? s.carSoc : null,
  };
}

/**
 * When the car comes and goes. Per local day (hash noise): on 55 % of evenings (when it is not
 * already there) a car arrives between 17:00 and 21:00 with 45-85 % charge; a connected car
 * leaves between 07:00 and 09:00 on 80 % of weekday mornings and 35 % of weekend mornings, so it
 * sometimes stays for days. About 8 kWh a day on average with a 60 kWh car. @internal
 */
export class EvArrivals {
  private readonly seed: number;
  // One-day memo: the hashes are asked about on every step of the day.
  private memoDay = Number.NaN;
  private memoArrival = -1;
  private memoLeaveDraw = 1;
  private memoLeaveAt = -1;

  constructor(seed: number) {
    this.seed = subSeed(seed, "ev.arrivals");
  }

  private memo(localDay: number): void {
    if (localDay === this.memoDay) return;
    this.memoDay = localDay;
    this.memoArrival = hash01ab(this.seed, localDay, 0) < 0.55 ? 17 * 60 + Math.floor(hash01ab(this.seed, localDay, 1) * 240) : -1;
    this.memoLeaveDraw = hash01ab(this.seed, localDay, 2);
    this.memoLeaveAt = 7 * 60 + Math.floor(hash01ab(this.seed, localDay, 3) * 120);
  }

  /** Minute of the local day a car arrives on `localDay`, or -1 for none. */
  arrivalMinute(localDay: number): number {
    this.memo(localDay);
    return this.memoArrival;
  }

  /** Minute of the local day a connected car leaves on `localDay`, or -1 if it stays. */
  departureMinute(localDay: number, weekend: boolean): number {
    this.memo(localDay);
    return this.memoLeaveDraw < (weekend ? 0.35 : 0.8) ? this.memoLeaveAt : -1;
  }

  /** State of charge of the car arriving on `localDay`. */
  arrivalSoc(localDay: number): number {
    return 0.45 + 0.4 * hash01ab(this.seed, localDay, 4);
  }
}

/**
 * Advances the charger by one step starting at local minute `minuteOfDay` of `localDay`; returns
 * the power drawn (W). @internal
 */
export function stepEvSession(
  s: EvSessionState,
  spec: EvChargerSpec,
  arrivals: EvArrivals,
  localDay: number,
  minuteOfDay: number,
  weekend: boolean,
  stepMinutes: number,
  stepHours: number,
): number {
  const end = minuteOfDay + stepMinutes;
  if (s.plugged) {
    const leave = arrivals.departureMinute(localDay, weekend);
    if (leave >= minuteOfDay && leave < end) {
      s.plugged = false;
      s.active = false;
      s.stopped = false;
      s.finished = false;
      s.carSoc = Number.NaN;
    }
  } else if (arrivals.arrivalMinute(localDay) >= minuteOfDay && arrivals.arrivalMinute(localDay) < end) {
    s.plugged = true;
    s.active = spec.autoStart;
    s.stopped = false;
    s.finished = false;
    s.carSoc = arrivals.arrivalSoc(localDay);
    s.sessionKwh = 0;
  }

  let powerW = 0;
  if (!s.faulted && s.plugged && s.active && s.carSoc < 1 && s.currentLimitA >= spec.minCurrentA) {
    powerW = Math.min(s.currentLimitA, spec.maxCurrentA) * spec.voltage * spec.phases;
    const needKwh = ((1 - s.carSoc) * spec.carBatteryKwh) / CAR_CHARGE_EFFICIENCY;
    if ((powerW * stepHours) / 1000 >= needKwh) {
      powerW = (needKwh * 1000) / stepHours;
      s.carSoc = 1;
      s.active = false;
      s.finished = true;
    } else {
      s.carSoc += (powerW * stepHours * CAR_CHARGE_EFFICIENCY) / 1000 / spec.carBatteryKwh;
    }
    s.sessionKwh += (powerW * stepHours) / 1000;
  }
  s.powerW = powerW;
  s.status = deriveEvStatus(s, spec);
  return powerW;
}

/** How an `EvCharger` reaches the house it belongs to. @internal */
export interface EvChargerHost {
  /** Brings the simulation up to the clock's now and returns the live state. */
  read(): EvSessionState;
  /** Brings the simulation up to now, applies `change` from the next step on, and recomputes the status. */
  command(change: (s: EvSessionState) => void): void;
}

/**
 * The house's EV charger. Commands change the status at once; the power follows from the next
 * integration step (like a real charger ramping). A car arrives on some evenings and leaves on
 * some mornings; a plugged car waits in "preparing" until `start()` (unless `autoStart`),
 * charges at min(limit, max) × voltage × phases until full, then shows "finishing" until it leaves.
 */
export class EvCharger {
  /** @internal Created by `HouseModel`. */
  constructor(
    private readonly host: EvChargerHost,
    /** The charger as configured. */
    readonly spec: Readonly<EvChargerSpec>,
  ) {}

  /** The charger now. */
  state(): EvChargerState {
    return evPublicState(this.host.read());
  }

  /**
   * Sets the per-phase current limit (0..maxCurrentA). Below `minCurrentA` an active session
   * shows "suspendedEVSE" and draws nothing. Throws a RangeError outside 0..maxCurrentA.
   */
  setCurrentLimit(a: number): void {
    if (typeof a !== "number" || !Number.isFinite(a) || a < 0 || a > this.spec.maxCurrentA) {
      throw new RangeError(`EV current limit must be from 0 to ${this.spec.maxCurrentA} A, got ${String(a)}.`);
    }
    this.host.command((s) => {
      s.currentLimitA = a;
    });
  }

  /**
   * Authorises charging of the connected car: "preparing"/"suspendedEVSE"/"finishing" → "charging"
   * (or "suspendedEV" if the car is full). Ignored with no car or while faulted.
   */
  start(): void {
    this.host.command((s) => {
      if (!s.plugged || s.faulted) return;
      s.active = true;
      s.stopped = false;
      s.finished = false;
    });
  }

  /** Stops charging: an active session goes to "suspendedEVSE". Ignored with no car. */
  stop(): void {
    this.host.command((s) => {
      if (!s.plugged) return;
      if (s.active || !s.finished) s.stopped = true;
      s.active = false;
    });
  }

  /** Puts the charger into (or out of) "faulted"; a faulted charger draws nothing. */
  setFault(faulted: boolean): void {
    this.host.command((s) => {
      s.faulted = faulted;
      if (faulted) s.active = false;
    });
  }
}
