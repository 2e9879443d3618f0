import type { OptimizeInput } from "./input.js";

/**
 * The optimisation problem in solver units (kW, kWh, hours), derived once from a validated input.
 * Both the LP and the plan costing read these, so they agree on what is feasible.
 */
export interface Problem {
  count: number;
  hours: number[];
  /** load − PV, kW (+ the house needs power). */
  netLoadKw: number[];
  importPrice: number[];
  exportPrice: number[];
  pvKw: number[];
  /** Largest charge power the battery and the import cap allow, kW. */
  maxChargeKw: number[];
  /** Largest discharge power the battery and the export cap allow, kW. */
  maxDischargeKw: number[];
  /** Import cap, kW: never below what the house needs with the battery idle (the cap limits grid charging, it never sheds load). */
  importCapKw: number[];
  exportCapKw: number;
  etaCharge: number;
  etaDischarge: number;
  cycleCost: number;
  endValue: number;
  startKwh: number;
  /** Stored energy bounds at the end of each interval, kWh. */
  lowerKwh: number[];
  upperKwh: number[];
}

/**
 * A start SOC outside minSoc..maxSoc moves back inside at the fastest rate the battery and the grid
 * caps allow, as a BMS does, and never strays further: the bound at the end of interval t is the
 * limit or the start energy moved towards it at full power, whichever is nearer the start.
 */
export function buildProblem(input: OptimizeInput, options: { batteryExport?: boolean } = {}): Problem {
  const { battery, grid, intervals } = input;
  const capacity = battery.capacityKwh;
  const hours = intervals.map((i) => i.minutes / 60);
  const netLoadKw = intervals.map((i) => (i.loadW - i.pvW) / 1000);
  const importCapKw = netLoadKw.map((n) => Math.max(grid.maxImportW / 1000, n));
  const exportCapKw = grid.maxExportW / 1000;
  const usable = capacity > 0;
  const maxChargeKw = netLoadKw.map((n, t) => (usable ? Math.min(battery.maxChargeW / 1000, Math.max(0, importCapKw[t]! - n)) : 0));
  // A device whose battery only covers the house (AlphaESS self-use) never discharges beyond load − PV.
  const maxDischargeKw = intervals.map((i) =>
    !usable
      ? 0
      : Math.min(
          battery.maxDischargeW / 1000,
          options.batteryExport === false ? Math.max(0, (i.loadW - i.pvW) / 1000) : exportCapKw + i.loadW / 1000,
        ),
  );
  const startKwh = battery.soc * capacity;
  const minKwh = battery.minSoc * capacity;
  const maxKwh = battery.maxSoc * capacity;
  const lowerKwh: number[] = [];
  const upperKwh: number[] = [];
  // A hair under full power, so the forced recovery is never infeasible by rounding.
  const margin = 1 - 1e-9;
  let up = startKwh;
  let down = startKwh;
  for (let t = 0; t < intervals.length; t++) {
    up += hours[t]! * maxChargeKw[t]! * battery.chargeEfficiency * margin;
    down -= ((hours[t]! * maxDischargeKw[t]!) / battery.dischargeEfficiency) * margin;
    lowerKwh.push(startKwh < minKwh ? Math.min(minKwh, up) : minKwh);
    upperKwh.push(startKwh > maxKwh ? Math.max(maxKwh, down) : maxKwh);
  }
  return {
    count: intervals.length,
    hours,
    netLoadKw,
    importPrice: intervals.map((i) => i.importCentsPerKwh),
    exportPrice: intervals.map((i) => i.exportCentsPerKwh),
    pvKw: intervals.map((i) => i.pvW / 1000),
    maxChargeKw,
    maxDischargeKw,
    importCapKw,
    exportCapKw,
    etaCharge: battery.chargeEfficiency,
    etaDischarge: battery.dischargeEfficiency,
    cycleCost: battery.cycleCostCentsPerKwh,
    endValue: input.endValueCentsPerKwh,
    startKwh,
    lowerKwh,
    upperKwh,
  };
}

/** What one interval costs with the battery at `batteryKw` (+ discharge), cents, and the grid and curtailment that follow. */
export function intervalCost(p: Problem, t: number, batteryKw: number): { cents: number; gridKw: number; curtailedKw: number } {
  const h = p.hours[t]!;
  let gridKw = p.netLoadKw[t]! - batteryKw;
  let curtailedKw = 0;
  if (gridKw < -p.exportCapKw) {
    curtailedKw = Math.min(p.pvKw[t]!, -p.exportCapKw - gridKw);
    gridKw += curtailedKw;
  }
  const energy = gridKw >= 0 ? gridKw * h * p.importPrice[t]! : gridKw * h * p.exportPrice[t]!;
  const cycle = batteryKw > 0 ? ((batteryKw * h) / p.etaDischarge) * p.cycleCost : 0;
  return { cents: energy + cycle, gridKw, curtailedKw };
}

/** Stored energy after interval t with the battery at `batteryKw`. */
export function nextKwh(p: Problem, t: number, kwh: number, batteryKw: number): number {
  const h = p.hours[t]!;
  return batteryKw >= 0 ? kwh - (batteryKw * h) / p.etaDischarge : kwh - batteryKw * h * p.etaCharge;
}
