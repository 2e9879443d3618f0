import type { EnergyTotals, PowerFlow, PriceInterval } from "../../model/types.js";
import type { EnergyRow, PriceRow, SampleRow } from "../storage/types.js";

export const FIVE_MIN_MS = 300_000;

const num = (v: number | null | undefined): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function systemKey(s: { vendor: string; id: string }): string {
  return `${s.vendor}:${s.id}`;
}

/** A power-flow reading as a row, at the instant the device measured it. */
export function sampleRow(system: string, flow: PowerFlow): SampleRow {
  return {
    system,
    t: flow.observedAt.getTime(),
    pvW: num(flow.pvW),
    loadW: num(flow.loadW),
    gridW: num(flow.gridW),
    batteryW: num(flow.batteryW),
    soc: num(flow.soc),
    evW: num(flow.evW),
  };
}

export function energyRow(system: string, e: EnergyTotals, readAt: number): EnergyRow {
  return {
    system,
    date: e.date,
    pvKwh: num(e.pvKwh),
    loadKwh: num(e.loadKwh),
    importKwh: num(e.importKwh),
    exportKwh: num(e.exportKwh),
    chargeKwh: num(e.chargeKwh),
    dischargeKwh: num(e.dischargeKwh),
    readAt,
  };
}

/** The vintage of a forecast read at `now`: the 5-minute boundary it was published at. */
export function vintageOf(now: number): number {
  return Math.floor(now / FIVE_MIN_MS) * FIVE_MIN_MS;
}

/** A price row as read, with the retailer's forecast band where it sent one (not stored: it is served from memory). */
export type PriceRowWithBand = PriceRow & { advanced?: NonNullable<PriceInterval["advanced"]> };

export function priceRow(source: string, p: PriceInterval, issuedAt: number): PriceRowWithBand {
  return {
    source,
    channel: p.channel,
    start: p.start.getTime(),
    end: p.end.getTime(),
    issuedAt,
    kind: p.kind,
    estimate: p.estimate,
    perKwhCents: p.perKwhCents,
    spotPerKwhCents: p.spotPerKwhCents,
    renewablesPct: p.renewablesPct,
    descriptor: p.descriptor,
    spike: String(p.spike),
    ...(p.advanced ? { advanced: { ...p.advanced } } : {}),
  };
}

/** The class of an error for logs and metrics (never its message, which might carry vendor text). */
export function errorClass(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== "Error" ? error.name : error.constructor.name;
  return typeof error;
}
