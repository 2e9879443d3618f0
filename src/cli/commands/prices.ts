import { ConfigurationError } from "../../core/errors/index.js";
import { isValidTimeZone, systemTimeZone } from "../../core/time/zoned.js";
import { earningsPerKwhCents } from "../../model/helpers.js";
import type { PriceInterval } from "../../model/types.js";
import type { CommandContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { ExitCode, UsageError } from "../errors.js";
import { priceChart } from "../output/chart.js";
import { formatCents, zonedClock } from "../output/format.js";
import type { Column } from "../output/output.js";

interface PriceRow {
  start: Date;
  end: Date;
  kind: string;
  buy: number | null;
  feedIn: number | null;
  /** What exporting earns, c/kWh (feed-in with Amber's sign flipped: + = paid). */
  earn: number | null;
  spot: number | null;
  renewablesPct: number | null;
  descriptor: string;
  spike: string;
}

const HOUR_MS = 3_600_000;

/** General and feed-in intervals side by side, one row per general interval. */
export function priceRows(intervals: readonly PriceInterval[]): PriceRow[] {
  const general = intervals.filter((i) => i.channel === "general").sort((a, b) => a.start.getTime() - b.start.getTime());
  const feedIn = intervals.filter((i) => i.channel === "feedIn");
  return general.map((g) => {
    const f = feedIn.find((x) => x.start.getTime() === g.start.getTime());
    return {
      start: g.start,
      end: g.end,
      kind: g.kind,
      buy: g.perKwhCents,
      feedIn: f ? f.perKwhCents : null,
      earn: f ? earningsPerKwhCents(f) : null,
      spot: g.spotPerKwhCents,
      renewablesPct: g.renewablesPct,
      descriptor: g.descriptor,
      spike: g.spike,
    };
  });
}

export function columns(timeZone: string): readonly Column<PriceRow>[] {
  const { time, dateTime } = zonedClock(timeZone);
  return [
    { header: "start", key: "start", value: (r) => r.start, show: (r) => dateTime(r.start) },
    { header: "end", key: "end", drop: 3, value: (r) => r.end, show: (r) => time(r.end) },
    { header: "kind", key: "kind", drop: 2, value: (r) => r.kind },
    {
      header: "buy c/kWh",
      key: "buyCents",
      value: (r) => r.buy,
      show: (r, c) => (r.spike !== "none" ? c.red(formatCents(r.buy)) : formatCents(r.buy)),
      align: "right",
    },
    { header: "feed-in c/kWh", key: "feedInCents", drop: 4, value: (r) => r.feedIn, show: (r) => formatCents(r.feedIn), align: "right" },
    { header: "earn c/kWh", key: "earnCents", value: (r) => r.earn, show: (r) => formatCents(r.earn), align: "right" },
    { header: "spot c/kWh", key: "spotCents", drop: 5, value: (r) => r.spot, show: (r) => formatCents(r.spot), align: "right" },
    {
      header: "renewables %",
      key: "renewablesPct",
      drop: 1,
      value: (r) => r.renewablesPct,
      show: (r) => (r.renewablesPct === null ? "–" : `${Math.round(r.renewablesPct)} %`),
      align: "right",
    },
    {
      header: "descriptor",
      key: "descriptor",
      drop: 2,
      value: (r) => r.descriptor,
      show: (r) => (r.spike !== "none" ? `${r.descriptor} (spike: ${r.spike})` : r.descriptor),
    },
  ];
}

export async function prices(ctx: CommandContext, opts: { next?: string; chart?: boolean; timeZone?: string }): Promise<number> {
  const aheadMs = parseDuration(opts.next ?? "12h", "--next");
  if (opts.timeZone !== undefined && !isValidTimeZone(opts.timeZone))
    throw new UsageError(`--time-zone must be an IANA zone such as Australia/Sydney, got ${opts.timeZone}.`, { field: "--time-zone" });
  if (aheadMs > 48 * HOUR_MS)
    throw new UsageError(`--next is at most 48h (Amber forecasts about a day and a half), got ${opts.next}.`, { field: "--next" });
  const session = await ctx.session("amber");
  if (!session.pricesAhead) throw new ConfigurationError("The Amber session cannot read prices.", { vendor: "amber" });
  const intervals = await session.pricesAhead(aheadMs / HOUR_MS);
  await renderPrices(ctx, intervals, { chart: opts.chart !== false, hours: aheadMs / HOUR_MS, timeZone: opts.timeZone });
  return ExitCode.ok;
}

/** Prints prices in the chosen format; shared with `openpower demo`. */
export async function renderPrices(
  ctx: CommandContext,
  intervals: readonly PriceInterval[],
  options: { chart: boolean; hours: number; timeZone?: string },
): Promise<void> {
  const rows = priceRows(intervals);
  const timeZone = options.timeZone ?? systemTimeZone();
  const COLUMNS = columns(timeZone);
  const { time } = zonedClock(timeZone);
  if (ctx.out.isJson) {
    ctx.out.json({ intervals });
    return;
  }
  if (ctx.out.format === "csv") {
    ctx.out.csv(COLUMNS, rows);
    return;
  }
  if (rows.length === 0) {
    ctx.out.print("Amber returned no general-channel prices for this period.");
    return;
  }
  const now = rows.find((r) => r.kind === "current") ?? rows[0]!;
  const cheapest = rows.reduce((a, b) => ((b.buy ?? Infinity) < (a.buy ?? Infinity) ? b : a));
  const dearest = rows.reduce((a, b) => ((b.buy ?? -Infinity) > (a.buy ?? -Infinity) ? b : a));
  const c = ctx.out.c;
  ctx.out.print(c.bold(`Amber prices, now and the next ${options.hours} h (c/kWh incl. GST; times in ${timeZone})`));
  ctx.out.print(
    `now ${formatCents(now.buy)} buy (${now.descriptor})${now.earn === null ? "" : `, feed-in earns ${formatCents(now.earn)}`}, renewables ${now.renewablesPct === null ? "–" : Math.round(now.renewablesPct)} %`,
  );
  ctx.out.print(
    `cheapest ${formatCents(cheapest.buy)} at ${time(cheapest.start)}, dearest ${formatCents(dearest.buy)} at ${time(dearest.start)}`,
  );
  const spikes = rows.filter((r) => r.spike !== "none");
  if (spikes.length > 0) ctx.out.print(c.red(`price spike ${spikes[0]!.spike} from ${time(spikes[0]!.start)}`));
  if (options.chart) {
    const width = Math.max(20, Math.min((ctx.io.stdout.columns ?? 100) - 14, 120));
    ctx.out.print();
    ctx.out.print(priceChart(intervals, { width, height: 10, color: ctx.out.color, timeZone }));
  }
  ctx.out.print();
  // Five-minute forecasts over many hours give hundreds of rows: then show one row per 30 minutes.
  const shown = rows.length > 48 ? thin(rows, 30 * 60_000) : rows;
  ctx.out.table(COLUMNS, shown);
  if (shown.length < rows.length)
    ctx.out.print(c.dim(`(${rows.length - shown.length} shorter intervals not shown; --csv or --json has them all)`));
}

function thin(rows: PriceRow[], stepMs: number): PriceRow[] {
  const out: PriceRow[] = [];
  let last = -Infinity;
  for (const row of rows) {
    if (row.kind === "current" || row.start.getTime() - last >= stepMs) {
      out.push(row);
      last = row.start.getTime();
    }
  }
  return out;
}
