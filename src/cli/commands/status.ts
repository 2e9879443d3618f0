import type { PriceInterval } from "../../model/types.js";
import type { CommandContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { describeError, ExitCode, PartialFailure } from "../errors.js";
import type { Colors } from "../output/color.js";
import { formatAge, formatCents, formatFraction, formatWatts } from "../output/format.js";
import type { Column } from "../output/output.js";
import { parseVendorList } from "./config.js";
import { failureRow, listSystems, readFlow, type FlowRow } from "./systems.js";

export const FLOW_COLUMNS: readonly Column<FlowRow>[] = [
  { header: "system", value: (r) => `${r.vendor}:${r.device}` },
  { header: "pv", value: (r) => r.flow?.pvW ?? null, show: (r) => formatWatts(r.flow?.pvW), align: "right" },
  { header: "load", value: (r) => r.flow?.loadW ?? null, show: (r) => formatWatts(r.flow?.loadW), align: "right" },
  { header: "grid (+imp)", value: (r) => r.flow?.gridW ?? null, show: (r, c) => signed(r.flow?.gridW, c, "import"), align: "right" },
  { header: "battery (+dis)", value: (r) => r.flow?.batteryW ?? null, show: (r, c) => signed(r.flow?.batteryW, c, "discharge"), align: "right" },
  { header: "soc", value: (r) => r.flow?.soc ?? null, show: (r) => formatFraction(r.flow?.soc), align: "right" },
  { header: "ev", value: (r) => r.flow?.evW ?? null, show: (r) => formatWatts(r.flow?.evW), align: "right" },
  { header: "observed", value: (r) => r.flow?.observedAt ?? null, show: (r) => (r.flow ? r.flow.observedAt.toLocaleTimeString("en-GB", { hour12: false }) : "–") },
  {
    header: "age",
    value: (r) => (r.ageMs === null ? null : Math.round(r.ageMs / 1000)),
    show: (r, c) => (r.error ? c.red(`error: ${r.error}`) : r.ageMs === null ? "–" : r.stale ? c.yellow(`${formatAge(r.ageMs)} STALE`) : formatAge(r.ageMs)),
  },
];

function signed(w: number | null | undefined, c: Colors, positive: "import" | "discharge"): string {
  const text = formatWatts(w);
  if (w === null || w === undefined || w === 0) return text;
  return positive === "import" ? (w > 0 ? c.red(text) : c.green(text)) : w > 0 ? c.cyan(text) : c.green(text);
}

/** The JSON shape of one row: the unified PowerFlow plus age and staleness. */
export function flowJson(r: FlowRow): Record<string, unknown> {
  return { vendor: r.vendor, device: r.device, ok: r.error === null, flow: r.flow, ageS: r.ageMs === null ? null : Math.round(r.ageMs / 1000), stale: r.stale, error: r.error };
}

export async function status(ctx: CommandContext, opts: { vendor?: string; staleAfter?: string }): Promise<number> {
  const only = parseVendorList(opts.vendor, "--vendor");
  const staleAfterMs = parseDuration(opts.staleAfter ?? "15m", "--stale-after");
  const { entries, failures } = await listSystems(ctx, only);
  const rows = [...(await Promise.all(entries.map((e) => readFlow(e, staleAfterMs)))), ...failures.map(failureRow)];
  const { sessions } = await ctx.sessions(only);
  const amber = sessions.find((s) => s.pricesAhead);
  let price: { general: PriceInterval | null; feedIn: PriceInterval | null } | null = null;
  let priceError: string | null = null;
  if (amber?.pricesAhead) {
    try {
      const now = await amber.pricesAhead(0.5);
      const current = (channel: string) => now.find((i) => i.channel === channel && i.kind === "current") ?? now.find((i) => i.channel === channel) ?? null;
      price = { general: current("general"), feedIn: current("feedIn") };
    } catch (error) {
      priceError = describeError(error).replace(/^error: /, "");
    }
  }

  if (ctx.out.isJson) {
    ctx.out.json({ systems: rows.map(flowJson), price, priceError });
  } else if (ctx.out.format === "csv") {
    ctx.out.csv(FLOW_COLUMNS, rows);
  } else {
    if (rows.length > 0) ctx.out.table(FLOW_COLUMNS, rows);
    else ctx.out.print("No systems (only a price feed is configured).");
    if (price?.general) {
      const g = price.general;
      const f = price.feedIn;
      ctx.out.print(
        `Amber now: buy ${formatCents(g.perKwhCents)}/kWh (${g.descriptor})${f ? `, feed-in earns ${formatCents(f.perKwhCents === 0 ? 0 : -f.perKwhCents)}/kWh` : ""}, renewables ${Math.round(g.renewablesPct)} %${g.spike !== "none" ? ctx.out.c.red(` spike: ${g.spike}`) : ""}`,
      );
    }
    if (priceError) ctx.out.print(ctx.out.c.red(`Amber: ${priceError}`));
    ctx.out.print(ctx.out.c.dim("grid + import / − export; battery + discharge / − charge"));
  }
  const failed = rows.filter((r) => r.error !== null).length + (priceError ? 1 : 0);
  const total = rows.length + (amber ? 1 : 0);
  if (failed === 0) return ExitCode.ok;
  if (failed === total) {
    ctx.out.note(`error: every reading failed (${failed}); the first: ${rows.find((r) => r.error)?.error ?? priceError}`);
    return ExitCode.error;
  }
  throw new PartialFailure(`${failed} of ${total} readings failed (see above).`);
}
