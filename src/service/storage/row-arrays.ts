import type { EnergyRow, SampleColumns } from "./types.js";

/** Both backends read rows as arrays (cheap for a year of samples); these turn them into the interface's shapes. */
type Num = number | null;

/** `[t, pv, load, grid, battery, soc, ev]` rows into columns. */
export function toColumns(rows: Num[][]): SampleColumns {
  const n = rows.length;
  const c: SampleColumns = {
    t: new Array<number>(n),
    pvW: new Array<Num>(n),
    loadW: new Array<Num>(n),
    gridW: new Array<Num>(n),
    batteryW: new Array<Num>(n),
    soc: new Array<Num>(n),
    evW: new Array<Num>(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    c.t[i] = r[0]!;
    c.pvW[i] = r[1]!;
    c.loadW[i] = r[2]!;
    c.gridW[i] = r[3]!;
    c.batteryW[i] = r[4]!;
    c.soc[i] = r[5]!;
    c.evW[i] = r[6]!;
  }
  return c;
}

/** `[system, date, pv, load, import, export, charge, discharge, readAt]` into an EnergyRow. */
export function energyRow(r: readonly (string | Num)[]): EnergyRow {
  return {
    system: r[0] as string,
    date: r[1] as string,
    pvKwh: r[2] as Num,
    loadKwh: r[3] as Num,
    importKwh: r[4] as Num,
    exportKwh: r[5] as Num,
    chargeKwh: r[6] as Num,
    dischargeKwh: r[7] as Num,
    readAt: r[8] as number,
  };
}
