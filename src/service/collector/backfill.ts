import type { Logger } from "../../core/logger.js";
import { eachDay } from "../../core/time/calendar-date.js";
import { localDate, systemTimeZone } from "../../core/time/zoned.js";
import { isEnergyMeter, isPowerHistory } from "../../model/capabilities.js";
import type { EnergySystem } from "../../model/types.js";
import type { Storage } from "../storage/types.js";
import { energyRow, sampleRow } from "./convert.js";

export interface BackfillProgress {
  system: string;
  date: string;
  done: number;
  total: number;
  added: number;
}

/**
 * Fills [from, to] of one system from the vendor's history, a local day at a time (AlphaESS day power
 * and energy, SEMS plant chart, PowerTrack chart where the site offers it). Rows already stored are
 * ignored by the storage, so a retried or overlapping backfill never duplicates. A source that keeps no
 * history (a GoodWe inverter: today's counters only) gets the gap recorded as a gap.
 */
/**
 * The zone a system counts its days in. A system that reads its zone on demand (a PowerTrack site's `tz`)
 * is asked first: the machine's zone would request the wrong local days for a gap across the site's midnight.
 */
async function zoneOf(system: EnergySystem, signal: AbortSignal): Promise<string> {
  const lookup = (system as { getTimeZone?: (o: { signal?: AbortSignal }) => Promise<string> }).getTimeZone;
  if (!system.timeZone && typeof lookup === "function") return lookup.call(system, { signal });
  return system.timeZone ?? systemTimeZone();
}

export async function backfillSystem(
  storage: Storage,
  key: string,
  system: EnergySystem,
  range: { from: number; to: number; zone?: string },
  options: { signal: AbortSignal; logger?: Logger; now: number; onProgress?: (p: BackfillProgress) => void },
): Promise<{ added: number; gap: boolean }> {
  const zone = range.zone ?? (await zoneOf(system, options.signal));
  const dates = eachDay(localDate(range.from, zone), localDate(range.to, zone));
  if (!isPowerHistory(system)) {
    await storage.recordGap({
      system: key,
      from: range.from,
      to: range.to,
      reason: "the source keeps no power history (GoodWe local: today only)",
    });
    options.logger?.info("gap recorded: no history to fill it from", {
      system: key,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
    });
    return { added: 0, gap: true };
  }
  // Until every vendor carries the data member, an energy meter that does not say "today only" has history.
  const energyHistory = isEnergyMeter(system) && system.energyTotalsHistory !== false;
  let added = 0;
  for (const [i, date] of dates.entries()) {
    const flows = await system.getPowerHistory(date, { signal: options.signal });
    added += await storage.insertSamples(flows.map((f) => sampleRow(key, f)).filter((r) => r.t > range.from && r.t < range.to));
    if (energyHistory)
      await storage.upsertEnergy([energyRow(key, await system.getEnergyTotals(date, { signal: options.signal }), options.now)]);
    const progress = { system: key, date, done: i + 1, total: dates.length, added };
    options.logger?.info("backfill progress", { ...progress });
    options.onProgress?.(progress);
  }
  return { added, gap: false };
}
