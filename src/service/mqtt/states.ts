import { earningsPerKwhCents } from "../../model/helpers.js";
import { SAMPLE_FIELDS, type EnergyRow, type PriceRow, type SampleRow } from "../storage/types.js";
import {
  DESCRIPTOR_ENTITY,
  ENERGY_ENTITIES,
  priceEntity,
  RENEWABLES_ENTITY,
  SAMPLE_ENTITIES,
  SPIKE_ENTITY,
  type EntitySpec,
  type EnergyField,
} from "./entities.js";

/** Home Assistant's MQTT sensor reads this payload as "unknown" (a missing reading is never 0). */
export const UNKNOWN = "None";

export type StateUpdate = [EntitySpec, string];

const round = (v: number, digits: number) => String(Math.round(v * 10 ** digits) / 10 ** digits);

/** A power-flow sample as states: W as read, SOC (a fraction in the model) in %. */
export function sampleStates(row: SampleRow): StateUpdate[] {
  return SAMPLE_FIELDS.map((f): StateUpdate => {
    const v = row[f];
    if (v === null) return [SAMPLE_ENTITIES[f], UNKNOWN];
    return [SAMPLE_ENTITIES[f], f === "soc" ? round(v * 100, 1) : round(v, 0)];
  });
}

const ENERGY_FIELDS = Object.keys(ENERGY_ENTITIES) as EnergyField[];

/**
 * Today's totals as `total_increasing` states. Only the newest local day is published (the
 * collector also re-reads yesterday's final totals after midnight: publishing those would look like
 * a jump back), and within a day a total never goes down (a vendor's revision downwards would read as
 * a meter reset and count the day twice). A new day may start lower: that is the daily reset.
 */
export class DailyTotals {
  private readonly days = new Map<string, { date: string; values: Partial<Record<EnergyField, number>> }>();

  accept(row: EnergyRow): StateUpdate[] {
    const seen = this.days.get(row.system);
    if (seen && row.date < seen.date) return [];
    const day = seen && seen.date === row.date ? seen : { date: row.date, values: {} };
    this.days.set(row.system, day);
    const out: StateUpdate[] = [];
    for (const f of ENERGY_FIELDS) {
      const v = row[f];
      if (v === null) continue;
      const kept = Math.max(v, day.values[f] ?? -Infinity);
      day.values[f] = kept;
      out.push([ENERGY_ENTITIES[f], round(kept, 3)]);
    }
    return out;
  }
}

/** Each channel's interval at `now` (the `current` one when the vintage has it) from one price vintage. */
export function currentIntervals(rows: readonly PriceRow[], now: number): PriceRow[] {
  const byChannel = new Map<string, PriceRow>();
  for (const r of rows) {
    const at = r.kind === "current" || (r.start <= now && now < r.end);
    if (!at) continue;
    const had = byChannel.get(r.channel);
    if (!had || (r.kind === "current" && had.kind !== "current")) byChannel.set(r.channel, r);
  }
  return [...byChannel.values()];
}

/** Prices in currency/kWh (the model keeps cents); feed-in as what exporting earns. Renewables and descriptor from the general channel. */
export function priceStates(current: readonly PriceRow[], currency: string): StateUpdate[] {
  const out: StateUpdate[] = [];
  for (const r of current) {
    const cents = r.channel === "feedIn" ? earningsPerKwhCents(r) : r.perKwhCents;
    out.push([priceEntity(r.channel, currency), round(cents / 100, 5)]);
  }
  const general = current.find((r) => r.channel === "general") ?? current[0];
  if (general) {
    out.push([RENEWABLES_ENTITY, round(general.renewablesPct, 1)]);
    out.push([DESCRIPTOR_ENTITY, general.descriptor]);
    out.push([SPIKE_ENTITY, general.spike]);
  }
  return out;
}
