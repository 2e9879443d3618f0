import type { TimeWindow } from "../../core/time/index.js";
import type { EvChargerState } from "./ev-charger.js";

/** A simulated house: where it is, and what is installed. Units: W, kWh, fractions 0..1. */
export interface HouseConfig {
  /** Seed of every random input (weather, load, car arrivals). Same seed, same house. */
  seed: number;
  /** IANA time zone of the house, e.g. "Australia/Sydney": load habits and windows follow its wall clock. */
  timeZone: string;
  /** Degrees, south negative. */
  latitude: number;
  /** Degrees, west negative. */
  longitude: number;
  pv: {
    /** DC nameplate in W; AC output is clipped to it. */
    capacityW: number;
    /** Number of strings (MPPT inputs) the output is split over, 1..4. Default 2. */
    strings?: number;
    /** Panel tilt from horizontal in degrees, 0..90. Default 20. */
    tiltDeg?: number;
    /**
     * Compass bearing the panels face, degrees clockwise from true north: 0 north, 90 east,
     * 180 south, 270 west. Default: facing the equator (0 in the southern hemisphere, 180 in the northern).
     */
    azimuthDeg?: number;
  };
  load: {
    /** Long-run average household consumption in kWh per day (EV charging excluded). */
    dailyKwh: number;
    /** Always-on consumption in W (fridge, standby). Default 30 % of the average power. */
    baseW?: number;
  };
  battery: {
    /** Usable capacity in kWh. */
    capacityKwh: number;
    /** AC charge power limit in W. */
    maxChargeW: number;
    /** AC discharge power limit in W. */
    maxDischargeW: number;
    /** AC-to-AC round-trip efficiency, e.g. 0.9; √η is lost on each of charge and discharge. */
    roundTripEfficiency: number;
    /** Hardware floor of the state of charge (fraction). */
    minSoc: number;
    /** Hardware ceiling of the state of charge (fraction). */
    maxSoc: number;
    /** State of charge at the simulation start (fraction), clamped to [minSoc, maxSoc]. */
    initialSoc: number;
  };
  /** An EV charger, or none. */
  ev?: {
    /** Highest current the charger can be set to, per phase (A). */
    maxCurrentA: number;
    /** Lowest current at which it can charge (A); a lower limit suspends charging. Default 6. */
    minCurrentA?: number;
    phases: 1 | 3;
    /** Phase voltage. Default 230. */
    voltage?: number;
    /** The visiting car's battery size. Default 60. */
    carBatteryKwh?: number;
    /**
     * Extension: start charging as soon as a car plugs in (a free-vend charger). Default false:
     * a plugged car waits in "preparing" until `start()`.
     */
    autoStart?: boolean;
  } | null;
  grid?: {
    /** Number of grid phases (affects `gridPhasesW`). Default 1. */
    phases?: 1 | 3;
    /** Export limit imposed on the site in W (e.g. by the network), or null for none. Default null. */
    exportLimitW?: number | null;
  };
  /** Integration step in seconds; must divide 900. Default 60. */
  stepSeconds?: number;
  /** Days of per-step history kept for `at`/`history`. Default 8. */
  historyRetentionDays?: number;
}

/** A charge period of the battery schedule. */
export interface ChargeWindow {
  window: TimeWindow;
  /** true: charge from the grid (at `powerW` or the maximum) up to `stopSoc`; false: from surplus PV only. */
  fromGrid: boolean;
  /** Charging stops at this state of charge (fraction). */
  stopSoc: number;
  /** Charge power in W. Default: the battery's maximum. */
  powerW?: number;
  /** ISO weekdays (1 = Monday .. 7 = Sunday) the window applies on; absent = every day. */
  weekdays?: number[];
}

/** A discharge period of the battery schedule. */
export interface DischargeWindow {
  window: TimeWindow;
  /** Discharging stops at this state of charge (fraction). */
  stopSoc: number;
  /** Discharge power cap in W. Default: the battery's maximum. */
  powerW?: number;
  /** ISO weekdays (1 = Monday .. 7 = Sunday) the window applies on; absent = every day. */
  weekdays?: number[];
}

/** How the battery is dispatched. Set with `HouseModel.setControl`. */
export interface BatteryControl {
  /** Forced modes override the schedule: "forceX" at `forcePowerW` (default the maximum), "idle" holds. */
  mode: "selfUse" | "forceCharge" | "forceDischarge" | "idle";
  forcePowerW?: number;
  /**
   * In an active window the battery does not discharge and charges no higher than `stopSoc`:
   * from the grid at `powerW` (or max) when `fromGrid`, otherwise from surplus PV only.
   */
  chargeWindows: ChargeWindow[];
  dischargeWindows: DischargeWindow[];
  /** true: the battery discharges only inside `dischargeWindows` (down to their `stopSoc`). */
  dischargeTimeControl: boolean;
  /** Floor for discharging in selfUse (depth of discharge), as a fraction. */
  minSoc: number;
  /** PV is curtailed so export never exceeds this (W); null = no limit beyond `config.grid.exportLimitW`. */
  exportLimitW: number | null;
}

/** What the house did during one integration step. */
export interface HouseSnapshot {
  /** Start of the step this describes. */
  at: Date;
  /** PV output after curtailment (W). */
  pvW: number;
  /** `pvW` per string (sums to `pvW`). */
  pvStringsW: number[];
  /** Household consumption, EV excluded (W). */
  loadW: number;
  /** EV charger draw (W). */
  evW: number;
  /** + discharge, − charge (W, AC side). */
  batteryW: number;
  /** + import, − export (W). */
  gridW: number;
  /** `gridW` per phase (sums to `gridW`). */
  gridPhasesW: number[];
  /** State of charge at the end of the step (fraction). */
  soc: number;
  /** PV power thrown away to respect the export limit (W). */
  curtailedW: number;
  /** The charger at the end of the step, or null without one. */
  ev: EvChargerState | null;
}

/** Energy over a period, in kWh. Balance: pv + import + discharge = load + ev + export + charge. */
export interface EnergyCounters {
  pvKwh: number;
  loadKwh: number;
  importKwh: number;
  exportKwh: number;
  /** Energy into the battery, AC side. */
  chargeKwh: number;
  /** Energy out of the battery, AC side. */
  dischargeKwh: number;
  /** The part of `chargeKwh` drawn from the grid. */
  gridChargeKwh: number;
  evKwh: number;
}

/** Options of `new HouseModel(config, clock, options)`. */
export interface HouseModelOptions {
  /** First simulated instant (rounded down to the step grid). Default: the clock's now. */
  start?: Date | number;
}
