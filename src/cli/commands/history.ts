import { compareDates, eachDay, isCalendarDate } from "../../core/time/calendar-date.js";
import { localDate, systemTimeZone } from "../../core/time/zoned.js";
import { isEnergyMeter, isPowerHistory } from "../../model/capabilities.js";
import type { EnergySystem, EnergyTotals, PowerFlow } from "../../model/types.js";
import type { CommandContext } from "../context.js";
import { describeCause, ExitCode, PartialFailure, UsageError } from "../errors.js";
import { formatFraction, formatKwh, formatWatts } from "../output/format.js";
import type { Column } from "../output/output.js";
import { createProgress } from "../output/progress.js";
import { selectSystem } from "./systems.js";
import { assertRangeCap, MAX_RANGE_DAYS, parseDay } from "../day.js";
import { wholeWatts } from "./status.js";

/** Longest range fetched in one command (a day at a time): a year. */
export const MAX_HISTORY_DAYS = MAX_RANGE_DAYS;

export { parseDay };

interface DayResult {
  date: string;
  totals: EnergyTotals | null;
  samples: PowerFlow[] | null;
  error: string | null;
}

interface SampleRow {
  date: string;
  flow: PowerFlow;
}

const SAMPLE_COLUMNS: readonly Column<SampleRow>[] = [
  { header: "time", value: (r) => r.flow.observedAt },
  { header: "date", value: (r) => r.date },
  { header: "pvW", value: (r) => wholeWatts(r.flow.pvW) },
  { header: "loadW", value: (r) => wholeWatts(r.flow.loadW) },
  { header: "gridW", value: (r) => wholeWatts(r.flow.gridW) },
  { header: "batteryW", value: (r) => wholeWatts(r.flow.batteryW) },
  { header: "soc", value: (r) => r.flow.soc },
  { header: "evW", value: (r) => wholeWatts(r.flow.evW) },
];

export const ENERGY_COLUMNS: readonly Column<DayResult>[] = [
  { header: "date", value: (r) => r.date },
  { header: "pvKwh", value: (r) => r.totals?.pvKwh ?? null, show: (r) => formatKwh(r.totals?.pvKwh), align: "right" },
  { header: "loadKwh", value: (r) => r.totals?.loadKwh ?? null, show: (r) => formatKwh(r.totals?.loadKwh), align: "right" },
  { header: "importKwh", value: (r) => r.totals?.importKwh ?? null, show: (r) => formatKwh(r.totals?.importKwh), align: "right" },
  { header: "exportKwh", value: (r) => r.totals?.exportKwh ?? null, show: (r) => formatKwh(r.totals?.exportKwh), align: "right" },
  { header: "chargeKwh", drop: 2, value: (r) => r.totals?.chargeKwh ?? null, show: (r) => formatKwh(r.totals?.chargeKwh), align: "right" },
  {
    header: "dischargeKwh",
    drop: 2,
    value: (r) => r.totals?.dischargeKwh ?? null,
    show: (r) => formatKwh(r.totals?.dischargeKwh),
    align: "right",
  },
  { header: "samples", drop: 5, value: (r) => r.samples?.length ?? null, align: "right" },
  {
    header: "peak pv",
    key: "peakPvW",
    drop: 4,
    value: (r) => wholeWatts(peak(r.samples, "pvW")),
    show: (r) => formatWatts(peak(r.samples, "pvW")),
    align: "right",
  },
  { header: "min soc", key: "minSoc", drop: 3, value: (r) => low(r.samples), show: (r) => formatFraction(low(r.samples)), align: "right" },
  { header: "error", value: (r) => r.error },
];

function peak(samples: PowerFlow[] | null, key: "pvW"): number | null {
  const values = (samples ?? []).map((s) => s[key]).filter((v): v is number => v !== null);
  return values.length === 0 ? null : Math.max(...values);
}

function low(samples: PowerFlow[] | null): number | null {
  const values = (samples ?? []).map((s) => s.soc).filter((v): v is number => v !== null);
  return values.length === 0 ? null : Math.min(...values);
}

/**
 * The system's own zone (`EnergySystem.timeZone`); a PowerTrack site learns it from its
 * configuration on first use, so ask it once when it is not known yet.
 */
async function zoneOf(system: EnergySystem): Promise<string | undefined> {
  if (system.timeZone) return system.timeZone;
  const reader = (system as { getTimeZone?: () => Promise<string> }).getTimeZone;
  return reader ? reader.call(system) : undefined;
}

/** Checks a --from/--to value before anything is sent (relative days need the device's zone, later). */
function checkDayArg(text: string, option: string): void {
  const t = text.trim();
  if (!/^(today|yesterday)$/i.test(t) && !isCalendarDate(t)) {
    throw new UsageError(`${option} must be a date YYYY-MM-DD, "today" or "yesterday", got ${JSON.stringify(text)}.`, { field: option });
  }
}

export async function history(ctx: CommandContext, device: string, opts: { from: string; to?: string; energy?: boolean }): Promise<number> {
  checkDayArg(opts.from, "--from");
  if (opts.to !== undefined) checkDayArg(opts.to, "--to");
  const entry = await selectSystem(ctx, device, {
    label: "report history",
    can: (s) => isEnergyMeter(s) || isPowerHistory(s),
  });
  const { system, session } = entry;
  const timeZone = (await zoneOf(system)) ?? session.timeZone ?? systemTimeZone();
  const now = session.now();
  const from = parseDay(opts.from, "--from", timeZone, now);
  const to = parseDay(opts.to ?? opts.from, "--to", timeZone, now);
  if (compareDates(from, to) > 0) throw new UsageError(`--from ${from} is after --to ${to}.`, { field: "--from" });
  const today = localDate(now, timeZone);
  // Days that have not begun have no data: say so rather than print an empty table.
  if (compareDates(from, today) > 0)
    throw new UsageError(`--from ${from} is in the future (today is ${today} in ${timeZone}): nothing to report.`, { field: "--from" });
  if (compareDates(to, today) > 0)
    throw new UsageError(`--to ${to} is in the future (today is ${today} in ${timeZone}): use --to today.`, { field: "--to" });
  assertRangeCap(from, to, { fromFlag: "--from", toFlag: "--to" });
  const history = opts.energy !== true && isPowerHistory(system) ? system : null;
  const withSamples = history !== null;
  const meter = isEnergyMeter(system) ? system : null;
  // A device that keeps today's counters only (a GoodWe inverter) cannot answer for other days:
  // say so before asking it day after day.
  const totalsOnlyToday = meter !== null && !meter.energyTotalsHistory;
  if (totalsOnlyToday && !withSamples && (from !== today || to !== today)) {
    throw new UsageError(
      `${system.vendor}:${system.id} keeps today's energy counters only (today is ${today} in ${timeZone}): use --from today${system.vendor === "goodwe" ? ", or the SEMS station (goodwe:<station id>) for other days" : ""}.`,
      { field: "--from" },
    );
  }
  const days = eachDay(from, to);
  const progress = createProgress(ctx.io.stderr, { total: days.length, title: `${system.vendor}:${system.id}` });
  const results: DayResult[] = [];
  try {
    for (const date of days) {
      const result: DayResult = { date, totals: null, samples: null, error: null };
      // Totals and samples are paced separately by the clients: ask for both at once.
      const wantTotals = meter !== null && (!totalsOnlyToday || date === today);
      const [totals, samples] = await Promise.allSettled([
        wantTotals ? meter.getEnergyTotals(date) : null,
        history ? history.getPowerHistory(date) : null,
      ]);
      if (totals.status === "fulfilled") result.totals = totals.value;
      if (samples.status === "fulfilled") result.samples = samples.value;
      const failed = [totals, samples].find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) result.error = describeCause(failed.reason);
      results.push(result);
      progress.tick(1, date);
    }
  } finally {
    progress.stop();
  }

  if (ctx.out.isJson) {
    ctx.out.json({ vendor: system.vendor, device: system.id, timeZone, from, to, days: results });
  } else if (ctx.out.format === "csv") {
    if (withSamples)
      ctx.out.csv(
        SAMPLE_COLUMNS,
        results.flatMap((r) => (r.samples ?? []).map((flow) => ({ date: r.date, flow }))),
      );
    else ctx.out.csv(ENERGY_COLUMNS, results);
  } else {
    ctx.out.table(ENERGY_COLUMNS, results, { title: `${system.vendor}:${system.id}, ${from} to ${to} (${timeZone})` });
    if (withSamples) ctx.out.print(ctx.out.c.dim("Every sample: add --csv or --json."));
  }
  const failed = results.filter((r) => r.error !== null);
  if (failed.length === 0) return ExitCode.ok;
  if (failed.length === results.length) {
    ctx.out.note(`error: no day could be read; the first error: ${failed[0]!.error}`);
    return ExitCode.error;
  }
  throw new PartialFailure(`${failed.length} of ${results.length} days could not be read (${failed.map((f) => f.date).join(", ")}).`);
}
