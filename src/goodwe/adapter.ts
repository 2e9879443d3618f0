import { localDate } from "../core/time/zoned.js";
import { percentToFraction } from "../core/units.js";
import type { EnergyTotals, PowerFlow } from "../model/types.js";
import type { RuntimeData } from "./types.js";

/**
 * Pure conversions from GoodWe readings to the unified model. GoodWe's signs: grid (ET
 * `active_power`, DT `meter_active_power`, ES `pgrid`) is + export, so `gridW = −value`; battery
 * power is + discharge, as ours. SOC percent becomes a fraction. Load is the house consumption
 * computed from the same reading, so the flow balances: pv + grid + battery = load.
 */

const neg = (v: number | null): number | null => (v === null ? null : v === 0 ? 0 : -v);

/** The power flow of one poll. `device` is the serial number (or host when unknown). */
export function toPowerFlow(data: RuntimeData, device: string): PowerFlow {
  const source = { vendor: "goodwe" as const, device };
  if (data.family === "ET") {
    const r = data.running;
    const hasBattery = r.batteryMode !== null && r.batteryMode !== 0;
    const gridW = neg(r.activePower);
    const batteryW = hasBattery ? r.pbattery1 : null;
    const pvW = r.ppv; // Σ max(0, ppvN): never negative
    const loadW = pvW === null || gridW === null ? null : pvW + gridW + (batteryW ?? 0);
    return {
      pvW,
      loadW,
      gridW,
      batteryW,
      soc: hasBattery && data.battery ? percentToFraction(data.battery.batterySoc) : null,
      observedAt: data.observedAt,
      source,
      raw: data,
    };
  }
  if (data.family === "DT") {
    const pvW = data.running.ppv; // Σ round(V × I) of unsigned readings
    const gridW = data.meter ? neg(data.meter.meterActivePower) : null;
    return {
      pvW,
      loadW: pvW === null || gridW === null ? null : pvW + gridW,
      gridW,
      batteryW: null,
      soc: null,
      observedAt: data.observedAt,
      source,
      raw: data,
    };
  }
  const r = data.running;
  const hasBattery = r.batteryMode !== null && r.batteryMode !== 0;
  const pvW = r.ppv; // Σ round(V × I) of unsigned readings
  const gridW = neg(r.pgrid);
  const batteryW = hasBattery ? r.pbattery1 : null;
  return {
    pvW,
    loadW: pvW === null || gridW === null ? null : pvW + gridW + (batteryW ?? 0),
    gridW,
    batteryW,
    soc: hasBattery ? percentToFraction(r.batterySoc) : null,
    observedAt: data.observedAt,
    source,
    raw: data,
  };
}

/**
 * Today's energy counters (the inverter keeps day counters only for its current local day).
 * `date` is the local date of `observedAt` in `timeZone`. Counters the family lacks are null.
 */
export function toEnergyTotals(data: RuntimeData, device: string, timeZone: string): EnergyTotals {
  const source = { vendor: "goodwe" as const, device };
  const date = localDate(data.observedAt, timeZone);
  if (data.family === "ET") {
    const r = data.running;
    return {
      date,
      pvKwh: r.eDay,
      loadKwh: r.eLoadDay,
      importKwh: r.eDayImp,
      exportKwh: r.eDayExp,
      chargeKwh: r.eBatChargeDay,
      dischargeKwh: r.eBatDischargeDay,
      source,
      raw: data,
    };
  }
  if (data.family === "DT") {
    return {
      date,
      pvKwh: data.running.eDay,
      loadKwh: null,
      importKwh: null,
      exportKwh: null,
      chargeKwh: null,
      dischargeKwh: null,
      source,
      raw: data,
    };
  }
  return {
    date,
    pvKwh: data.running.eDay,
    loadKwh: data.running.eLoadDay,
    importKwh: null,
    exportKwh: null,
    chargeKwh: null,
    dischargeKwh: null,
    source,
    raw: data,
  };
}
