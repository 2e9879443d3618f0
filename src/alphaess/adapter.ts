import { ValidationError } from "../core/errors/index.js";
import { DISABLED_WINDOW, isDisabledWindow, isOnGrid, type TimeWindow } from "../core/time/schedule-grid.js";
import { roundTo } from "../core/units.js";
import type { BatterySchedule, EnergyTotals, PowerFlow } from "../model/types.js";
import type { AlphaEssDailyEnergy, AlphaEssPowerHistory, AlphaEssRealtimePower, ChargingSettings, DischargingSettings } from "./models.js";

/**
 * Pure adapters from AlphaESS results to the unified model (docs/model.md). The API's signs are
 * already ours (`pgrid` + import, `pbat` + discharge) and the client has turned percent into
 * fractions, so this is mostly renaming; nulls stay nulls.
 */

/** Real-time power as a `PowerFlow`. All-null payloads (Storion-S5) give a flow of nulls. */
export function toPowerFlow(power: AlphaEssRealtimePower): PowerFlow {
  return {
    pvW: power.pvW,
    loadW: power.loadW,
    gridW: power.gridW,
    batteryW: power.batteryW,
    soc: power.soc,
    evW: power.evW,
    observedAt: power.observedAt,
    source: { vendor: "alphaess", device: power.serialNumber },
    raw: power.raw,
  };
}

/**
 * The day series as `PowerFlow`s, oldest first. The series has no battery power: it is derived
 * from the balance `load + ev − pv − grid` when every term is present (+ discharge, − charge).
 */
export function toPowerHistory(history: AlphaEssPowerHistory): PowerFlow[] {
  return history.samples.map((s) => {
    const batteryW = s.pvW !== null && s.loadW !== null && s.gridW !== null ? roundTo(s.loadW + (s.evW ?? 0) - s.pvW - s.gridW, 3) : null;
    return {
      pvW: s.pvW,
      loadW: s.loadW,
      gridW: s.gridW,
      batteryW,
      soc: s.soc,
      evW: s.evW,
      observedAt: s.at,
      source: { vendor: "alphaess", device: history.serialNumber },
      raw: s.raw,
    };
  });
}

/** One local day of energy as `EnergyTotals` (load derived from the balance, see `AlphaEssDailyEnergy.loadKwh`). */
export function toEnergyTotals(energy: AlphaEssDailyEnergy): EnergyTotals {
  return {
    date: energy.date,
    pvKwh: energy.pvKwh,
    loadKwh: energy.loadKwh,
    importKwh: energy.importKwh,
    exportKwh: energy.exportKwh,
    chargeKwh: energy.chargeKwh,
    dischargeKwh: energy.dischargeKwh,
    gridChargeKwh: energy.gridChargeKwh,
    evKwh: energy.evKwh,
    source: { vendor: "alphaess", device: energy.serialNumber },
    raw: energy.raw,
  };
}

/** The two legacy configs as a `BatterySchedule`; disabled periods (start === end) are left out. */
export function toBatterySchedule(charging: ChargingSettings, discharging: DischargingSettings): BatterySchedule {
  const enabled = (periods: TimeWindow[]) => periods.filter((w) => !isDisabledWindow(w)).map((w) => ({ start: w.start, end: w.end }));
  return {
    charge: { fromGrid: charging.useGrid, stopLevel: charging.stopLevel, windows: enabled([charging.firstPeriod, charging.secondPeriod]) },
    discharge: {
      timeControl: discharging.enableTimeControl,
      stopLevel: discharging.stopLevel,
      windows: enabled([discharging.firstPeriod, discharging.secondPeriod]),
    },
  };
}

/**
 * A `BatterySchedule` as the two legacy configs: up to two windows each, missing ones written as
 * disabled (00:00-00:00). Throws `ValidationError` for more than two windows. Given the configs the
 * system holds now (`current`), a window the system already holds stays in its slot, new windows
 * take the free slots in order, and a free slot keeps the system's disabled period (any start equal
 * to end) rather than being rewritten as 00:00-00:00: planning what is already there changes nothing.
 */
export function fromBatterySchedule(
  schedule: BatterySchedule,
  current?: {
    charging: Pick<ChargingSettings, "firstPeriod" | "secondPeriod">;
    discharging: Pick<DischargingSettings, "firstPeriod" | "secondPeriod">;
  },
): { charging: ChargingSettings; discharging: DischargingSettings } {
  const slots = (windows: TimeWindow[], field: string, held: [TimeWindow, TimeWindow] | undefined): [TimeWindow, TimeWindow] => {
    if (!Array.isArray(windows))
      throw new ValidationError(`${field} must be a list of { start, end } windows.`, { field, vendor: "alphaess" });
    const active = windows.filter((w) => !(typeof w === "object" && w !== null && w.start === w.end && typeof w.start === "string"));
    if (active.length > 2) {
      throw new ValidationError(
        `${field} has ${active.length} windows; AlphaESS holds at most 2 (use the weekly schedule for more). Nothing was sent.`,
        { field, vendor: "alphaess" },
      );
    }
    if (!held) return [active[0] ?? { ...DISABLED_WINDOW }, active[1] ?? { ...DISABLED_WINDOW }];
    const placed: (TimeWindow | undefined)[] = [undefined, undefined];
    const rest: TimeWindow[] = [];
    for (const w of active) {
      const slot = held.findIndex(
        (h, i) =>
          placed[i] === undefined && !isDisabledWindow(h) && typeof w === "object" && w !== null && w.start === h.start && w.end === h.end,
      );
      if (slot >= 0) placed[slot] = w;
      else rest.push(w);
    }
    const free = (h: TimeWindow): TimeWindow =>
      isDisabledWindow(h) && isOnGrid(h.start) ? { start: h.start, end: h.end } : { ...DISABLED_WINDOW };
    return [placed[0] ?? rest.shift() ?? free(held[0]), placed[1] ?? rest.shift() ?? free(held[1])];
  };
  const [c1, c2] = slots(
    schedule.charge?.windows,
    "charge.windows",
    current && [current.charging.firstPeriod, current.charging.secondPeriod],
  );
  const [d1, d2] = slots(
    schedule.discharge?.windows,
    "discharge.windows",
    current && [current.discharging.firstPeriod, current.discharging.secondPeriod],
  );
  return {
    charging: { stopLevel: schedule.charge.stopLevel, useGrid: schedule.charge.fromGrid, firstPeriod: c1, secondPeriod: c2 },
    discharging: {
      stopLevel: schedule.discharge.stopLevel,
      enableTimeControl: schedule.discharge.timeControl,
      firstPeriod: d1,
      secondPeriod: d2,
    },
  };
}
