import type { EvSessionState } from "./ev-charger.js";
import type { EnergyCounters } from "./types.js";

// Per-step history is kept column-wise in a Float64Array ring: no objects per step, so a simulated
// year costs little more than its arithmetic.
export const COL_PV = 0;
export const COL_STRINGS = 1; // 4 columns
export const COL_LOAD = 5;
export const COL_EV = 6;
export const COL_BATTERY = 7;
export const COL_GRID = 8;
export const COL_PHASES = 9; // 3 columns
export const COL_SOC = 12;
export const COL_CURTAILED = 13;
export const COL_EV_STATUS = 14;
export const COL_EV_PLUGGED = 15;
export const COL_EV_LIMIT = 16;
export const COL_EV_SESSION = 17;
export const COL_EV_CAR_SOC = 18;
export const STRIDE = 19;

// Energy counter slots.
export const E_PV = 0;
export const E_LOAD = 1;
export const E_IMPORT = 2;
export const E_EXPORT = 3;
export const E_CHARGE = 4;
export const E_DISCHARGE = 5;
export const E_GRID_CHARGE = 6;
export const E_EV = 7;
export const COUNTERS = 8;

export const MS_PER_DAY = 86_400_000;

export class StepRing {
  readonly data: Float64Array;
  constructor(readonly capacity: number) {
    this.data = new Float64Array(capacity * STRIDE);
  }
  offset(step: number): number {
    return (((step % this.capacity) + this.capacity) % this.capacity) * STRIDE;
  }
}

export interface SimState {
  /** Last simulated step index (step k covers [k·step, (k+1)·step)). */
  step: number;
  storedKwh: number;
  ev: EvSessionState | null;
}

/** A look-ahead copy of the simulation, discarded when a control changes. */
export interface Branch {
  state: SimState;
  ring: StepRing;
  /** First step this branch simulated. */
  first: number;
}

export function cloneState(s: SimState): SimState {
  return { step: s.step, storedKwh: s.storedKwh, ev: s.ev ? { ...s.ev } : null };
}

export function countersFrom(values: Float64Array | undefined): EnergyCounters {
  const v = (i: number) => values?.[i] ?? 0;
  return {
    pvKwh: v(E_PV),
    loadKwh: v(E_LOAD),
    importKwh: v(E_IMPORT),
    exportKwh: v(E_EXPORT),
    chargeKwh: v(E_CHARGE),
    dischargeKwh: v(E_DISCHARGE),
    gridChargeKwh: v(E_GRID_CHARGE),
    evKwh: v(E_EV),
  };
}

export function accumulate(
  acc: Float64Array,
  pvW: number,
  loadW: number,
  evW: number,
  chargeW: number,
  dischargeW: number,
  gridChargeW: number,
  gridW: number,
  toKwh: number,
): void {
  acc[E_PV]! += pvW * toKwh;
  acc[E_LOAD]! += loadW * toKwh;
  acc[E_EV]! += evW * toKwh;
  acc[E_CHARGE]! += chargeW * toKwh;
  acc[E_DISCHARGE]! += dischargeW * toKwh;
  acc[E_GRID_CHARGE]! += gridChargeW * toKwh;
  if (gridW > 0) acc[E_IMPORT]! += gridW * toKwh;
  else acc[E_EXPORT]! -= gridW * toKwh;
}
