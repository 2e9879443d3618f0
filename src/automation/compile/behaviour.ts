import { windowContains } from "../../core/time/schedule-grid.js";
import type { BatterySchedule, ScheduleWindow } from "../../model/types.js";

/** Which device's schedule semantics to follow. */
export type DeviceKind = "alphaess" | "goodwe";

/** The battery as the behaviour simulator sees it (model units). */
export interface SimBattery {
  capacityKwh: number;
  maxChargeW: number;
  maxDischargeW: number;
  chargeEfficiency: number;
  dischargeEfficiency: number;
  /** Hardware/BMS floor, fraction. */
  minSoc: number;
  maxSoc: number;
  cycleCostCentsPerKwh: number;
}

/** One step to simulate: what the house did and what energy cost. */
export interface SimStep {
  startMs: number;
  minutes: number;
  loadW: number;
  pvW: number;
  importCentsPerKwh: number;
  exportCentsPerKwh: number;
}

export interface SimOutcome {
  batteryW: number[];
  gridW: number[];
  socEnd: number[];
  /** Energy bought − sold + cycle cost, cents (the end value is the caller's). */
  costCents: number;
  endKwh: number;
}

/**
 * How a battery in self-consumption mode behaves with a schedule's windows, step by step. Shared
 * behaviour (both vendors, and the house simulator): outside windows the battery absorbs surplus
 * PV up to maxSoc and covers the house's deficit down to the floor, never exporting from the
 * battery. Per vendor:
 * - AlphaESS: in a charge window the battery does not discharge and charges (from the grid at full
 *   power when `fromGrid`, else from surplus PV) up to `charge.stopLevel`; with `timeControl` it
 *   discharges only inside discharge windows, down to `discharge.stopLevel`.
 * - GoodWe eco mode: a charge group charges at its `powerW` (PV first, then the grid) up to
 *   `charge.stopLevel` and never discharges; a discharge group discharges at its `powerW` whatever
 *   the load (the rest is exported), down to `discharge.stopLevel`; elsewhere self-use down to it.
 */
export function simulateSchedule(
  schedule: BatterySchedule | null,
  kind: DeviceKind,
  battery: SimBattery,
  steps: readonly SimStep[],
  startSoc: number,
  utcOffsetMinutes: number,
): SimOutcome {
  let kwh = startSoc * battery.capacityKwh;
  let cost = 0;
  const batteryW: number[] = [];
  const gridW: number[] = [];
  const socEnd: number[] = [];
  for (const step of steps) {
    const h = step.minutes / 60;
    const minute = (((Math.floor((step.startMs + utcOffsetMinutes * 60_000) / 60_000) % 1440) + 1440) % 1440) as number;
    const surplusW = step.pvW - step.loadW;
    const soc = battery.capacityKwh > 0 ? kwh / battery.capacityKwh : 0;
    const wantW = decide(schedule, kind, battery, soc, surplusW, minute);
    // Limit by power and by the energy room in this step.
    let w = wantW;
    if (w < 0) {
      const roomKwh = Math.max(0, chargeCeiling(schedule, kind, battery, minute) * battery.capacityKwh - kwh);
      w = -Math.min(-w, battery.maxChargeW, (roomKwh / (h * battery.chargeEfficiency)) * 1000);
    } else if (w > 0) {
      const floor = dischargeFloor(schedule, battery);
      const availableKwh = Math.max(0, kwh - floor * battery.capacityKwh);
      w = Math.min(w, battery.maxDischargeW, ((availableKwh * battery.dischargeEfficiency) / h) * 1000);
    }
    const grid = step.loadW - step.pvW - w;
    const drawn = w > 0 ? ((w / 1000) * h) / battery.dischargeEfficiency : 0;
    kwh += w < 0 ? (-w / 1000) * h * battery.chargeEfficiency : -drawn;
    cost += (grid / 1000) * h * (grid >= 0 ? step.importCentsPerKwh : step.exportCentsPerKwh) + drawn * battery.cycleCostCentsPerKwh;
    batteryW.push(w);
    gridW.push(grid);
    socEnd.push(battery.capacityKwh > 0 ? kwh / battery.capacityKwh : startSoc);
  }
  return { batteryW, gridW, socEnd, costCents: cost, endKwh: kwh };
}

/** The battery power the device asks for before energy limits, W (+ discharge). */
function decide(
  schedule: BatterySchedule | null,
  kind: DeviceKind,
  battery: SimBattery,
  soc: number,
  surplusW: number,
  minute: number,
): number {
  // Self-use: surplus PV charges, a deficit is covered (the energy limits are applied by the caller).
  if (!schedule) return -surplusW;
  const charge = active(schedule.charge.windows, minute);
  if (charge) {
    if (kind === "goodwe") return -Math.max(charge.powerW ?? battery.maxChargeW, Math.max(0, surplusW));
    return schedule.charge.fromGrid ? -battery.maxChargeW : -Math.max(0, surplusW);
  }
  const discharge = active(schedule.discharge.windows, minute);
  if (kind === "goodwe" && discharge) return discharge.powerW ?? battery.maxDischargeW;
  if (surplusW > 0) return -surplusW;
  if (schedule.discharge.timeControl && !discharge) return 0;
  return -surplusW;
}

function chargeCeiling(schedule: BatterySchedule | null, kind: DeviceKind, battery: SimBattery, minute: number): number {
  if (schedule && active(schedule.charge.windows, minute)) return Math.min(battery.maxSoc, schedule.charge.stopLevel);
  return battery.maxSoc;
}

function dischargeFloor(schedule: BatterySchedule | null, battery: SimBattery): number {
  return Math.max(battery.minSoc, schedule?.discharge.stopLevel ?? 0);
}

function active(windows: readonly ScheduleWindow[], minute: number): ScheduleWindow | undefined {
  return windows.find((w) => windowContains(w, minute));
}
