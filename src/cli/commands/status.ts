import { earningsPerKwhCents } from "../../model/helpers.js";
import type { PriceInterval } from "../../model/types.js";
import type { CommandContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { describeCause, ExitCode, PartialFailure } from "../errors.js";
import type { Colors } from "../output/color.js";
import { formatAge, formatCents, formatFraction, formatWatts } from "../output/format.js";
import { shortenMiddle, type Column } from "../output/output.js";
import { parseVendorList } from "./config.js";
import type { VendorSession } from "../vendors/types.js";
import { failureRow, listSystems, readFlow, type FlowRow } from "./systems.js";

export const FLOW_COLUMNS: readonly Column<FlowRow>[] = [
  { header: "system", key: "system", value: (r) => `${r.vendor}:${r.device}`, shorten: shortenId },
  { header: "pv", key: "pvW", value: (r) => wholeWatts(r.flow?.pvW), show: (r) => formatWatts(r.flow?.pvW), align: "right" },
  {
    header: "load",
    key: "loadW",
    drop: 2,
    value: (r) => wholeWatts(r.flow?.loadW),
    show: (r) => formatWatts(r.flow?.loadW),
    align: "right",
  },
  {
    header: "grid (+imp)",
    key: "gridW",
    value: (r) => wholeWatts(r.flow?.gridW),
    show: (r, c) => signed(r.flow?.gridW, c, "import"),
    align: "right",
  },
  {
    header: "battery (+dis)",
    key: "batteryW",
    value: (r) => wholeWatts(r.flow?.batteryW),
    show: (r, c) => signed(r.flow?.batteryW, c, "discharge"),
    align: "right",
  },
  { header: "soc", key: "soc", value: (r) => r.flow?.soc ?? null, show: (r) => formatFraction(r.flow?.soc), align: "right" },
  { header: "ev", key: "evW", drop: 4, value: (r) => wholeWatts(r.flow?.evW), show: (r) => formatWatts(r.flow?.evW), align: "right" },
  {
    header: "observed",
    key: "observedAt",
    drop: 5,
    value: (r) => r.flow?.observedAt ?? null,
    show: (r) => (r.flow ? r.flow.observedAt.toLocaleTimeString("en-GB", { hour12: false }) : "–"),
  },
  {
    header: "age",
    key: "ageS",
    value: (r) => (r.ageMs === null ? null : Math.round(r.ageMs / 1000)),
    show: (r, c) =>
      r.error
        ? c.red(`error: ${r.error}`)
        : r.ageMs === null
          ? "–"
          : r.stale
            ? c.yellow(`${formatAge(r.ageMs)} STALE`)
            : formatAge(r.ageMs),
  },
];

/** Power for CSV: whole watts (a PowerTrack kW reading converts to 31946.240225210844 W). */
export function wholeWatts(w: number | null | undefined): number | null {
  return w === null || w === undefined || !Number.isFinite(w) ? null : Math.round(w);
}

/** A system id cut to fit: the vendor and the end of the id (where serials differ) stay. */
export function shortenId(text: string, width: number): string {
  return shortenMiddle(text, width, Math.max(0, Math.min(text.indexOf(":") + 1, width - 8)));
}

function signed(w: number | null | undefined, c: Colors, positive: "import" | "discharge"): string {
  const text = formatWatts(w);
  if (w === null || w === undefined || w === 0) return text;
  return positive === "import" ? (w > 0 ? c.red(text) : c.green(text)) : w > 0 ? c.cyan(text) : c.green(text);
}

/**
 * The JSON shape of one row (`status --json` and each line of `watch --json`): the unified
 * PowerFlow, with `evW` always present (null when the vendor has no charger reading), plus age
 * and staleness.
 */
export function flowJson(r: FlowRow): Record<string, unknown> {
  return {
    vendor: r.vendor,
    device: r.device,
    ok: r.error === null,
    flow: r.flow ? { ...r.flow, evW: r.flow.evW ?? null } : null,
    ageS: r.ageMs === null ? null : Math.round(r.ageMs / 1000),
    stale: r.stale,
    error: r.error,
  };
}

/** The current buy and feed-in intervals (Amber's sign: feed-in negative = paid). */
export interface PriceNow {
  general: PriceInterval | null;
  feedIn: PriceInterval | null;
}

/** The price now from a price feed, or what went wrong; one request. */
export async function readPriceNow(session: VendorSession): Promise<{ price: PriceNow | null; priceError: string | null }> {
  try {
    const now = await session.pricesAhead!(0.5);
    const current = (channel: string) =>
      now.find((i) => i.channel === channel && i.kind === "current") ?? now.find((i) => i.channel === channel) ?? null;
    return { price: { general: current("general"), feedIn: current("feedIn") }, priceError: null };
  } catch (error) {
    return { price: null, priceError: describeCause(error) };
  }
}

/** One line for people about the price now (status and watch), or null when there is none. */
export function priceLine(price: PriceNow | null, priceError: string | null, c: Colors): string | null {
  if (priceError) return c.red(`Amber: ${priceError}`);
  const g = price?.general;
  if (!g) return price ? "Amber: no current price" : null;
  const f = price.feedIn;
  return `Amber now: buy ${formatCents(g.perKwhCents)}/kWh (${g.descriptor})${f ? `, feed-in earns ${formatCents(earningsPerKwhCents(f))}/kWh` : ""}, renewables ${Math.round(g.renewablesPct)} %${g.spike !== "none" ? c.red(` spike: ${g.spike}`) : ""}`;
}

export async function status(ctx: CommandContext, opts: { vendor?: string; staleAfter?: string }): Promise<number> {
  const only = parseVendorList(opts.vendor, "--vendor");
  const staleAfterMs = parseDuration(opts.staleAfter ?? "15m", "--stale-after");
  const { entries, failures } = await listSystems(ctx, only, "systems");
  const rows = [...(await Promise.all(entries.map((e) => readFlow(e, staleAfterMs)))), ...failures.map(failureRow)];
  const { sessions, failures: priceFailures } = await ctx.sessions(only, "prices");
  const amber = sessions.find((s) => s.pricesAhead);
  const { price, priceError } = amber
    ? await readPriceNow(amber)
    : { price: null, priceError: priceFailures[0] ? describeCause(priceFailures[0].error) : null };

  if (ctx.out.isJson) {
    ctx.out.json({ systems: rows.map(flowJson), price, priceError });
  } else if (ctx.out.format === "csv") {
    ctx.out.csv(FLOW_COLUMNS, rows);
  } else {
    if (rows.length > 0) ctx.out.table(FLOW_COLUMNS, rows);
    else ctx.out.print("No systems (only a price feed is configured).");
    const line = priceLine(price, priceError, ctx.out.c);
    if (line) ctx.out.print(line);
    ctx.out.print(ctx.out.c.dim("grid + import / − export; battery + discharge / − charge"));
  }
  const failed = rows.filter((r) => r.error !== null).length + (priceError ? 1 : 0);
  const total = rows.length + (amber || priceError ? 1 : 0);
  if (failed === 0) return ExitCode.ok;
  if (failed === total) {
    ctx.out.note(`error: every reading failed (${failed}); the first: ${rows.find((r) => r.error)?.error ?? priceError}`);
    return ExitCode.error;
  }
  throw new PartialFailure(`${failed} of ${total} readings failed (see above).`);
}
