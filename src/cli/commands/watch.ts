import { realSleep } from "../../core/clock.js";
import type { CommandContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { describeError, ExitCode } from "../errors.js";
import { formatAge, formatCents, formatFraction, formatWatts } from "../output/format.js";
import { renderTable } from "../output/output.js";
import type { VendorSession } from "../vendors/types.js";
import { parseVendorList } from "./config.js";
import { FLOW_COLUMNS } from "./status.js";
import { failureRow, listSystems, readFlow, type FlowRow, type SystemEntry } from "./systems.js";

const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";
const HOME_CLEAR = "\x1b[H\x1b[2J";

interface VendorTrack {
  session: VendorSession;
  entries: SystemEntry[];
  intervalMs: number;
  dueAt: number;
  rows: FlowRow[];
}

/**
 * A live view. Each vendor refreshes on its own schedule: never faster than `--interval`, and
 * never faster than its rate budget allows for the number of systems it has (AlphaESS pacing,
 * Amber's 50 requests per 300 s). On a terminal the view is redrawn in place with the cursor
 * hidden; otherwise each refresh prints plain lines. Ctrl-C exits with code 0 and the cursor back.
 */
export async function watch(ctx: CommandContext, opts: { interval?: string; once?: boolean; count?: number; vendor?: string }): Promise<number> {
  const only = parseVendorList(opts.vendor, "--vendor");
  const requestedMs = parseDuration(opts.interval ?? "30s", "--interval");
  const maxDraws = opts.once ? 1 : (opts.count ?? Infinity);
  const { entries, failures } = await listSystems(ctx, only);
  const { sessions } = await ctx.sessions(only);
  const tty = ctx.io.stdout.isTTY === true && ctx.out.format === "table";
  const tracks: VendorTrack[] = sessions.map((session) => {
    const mine = entries.filter((e) => e.session === session);
    return { session, entries: mine, intervalMs: Math.max(requestedMs, session.refreshIntervalMs(mine.length)), dueAt: 0, rows: [] };
  });
  const amber = sessions.find((s) => s.pricesAhead);
  let priceLine = "";

  const abort = new AbortController();
  const removeHandler = ctx.io.onInterrupt(() => abort.abort());
  if (tty) ctx.io.stdout.write(HIDE_CURSOR);
  let draws = 0;
  try {
    while (draws < maxDraws && !abort.signal.aborted) {
      const now = Date.now();
      const due = tracks.filter((t) => t.dueAt <= now);
      await Promise.all(
        due.map(async (t) => {
          t.rows = await Promise.all(t.entries.map((e) => readFlow(e, 15 * 60_000, abort.signal).catch((error: unknown) => errorRow(e, error))));
          if (t.session === amber) priceLine = await readPrice(t.session);
          t.dueAt = Date.now() + t.intervalMs;
        }),
      );
      if (abort.signal.aborted) break;
      draws++;
      const rows = [...tracks.flatMap((t) => t.rows), ...failures.map(failureRow)];
      if (ctx.out.isJson) {
        ctx.out.jsonLine({ at: new Date().toISOString(), systems: rows.map((r) => ({ vendor: r.vendor, device: r.device, flow: r.flow, ageS: r.ageMs === null ? null : Math.round(r.ageMs / 1000), error: r.error })), price: priceLine || null });
      } else if (tty) {
        const budget = tracks.map((t) => `${t.session.budgetNote?.() ?? t.session.vendor}; refresh every ${formatAge(t.intervalMs)}`).join("\n");
        ctx.io.stdout.write(
          `${HOME_CLEAR}${ctx.out.c.bold(`openpower watch — ${new Date().toLocaleTimeString("en-GB", { hour12: false })}`)}  (Ctrl-C to quit)\n${renderTable(FLOW_COLUMNS, rows, ctx.out.c, ctx.io.stdout.columns)}\n${priceLine}\n${ctx.out.c.dim(budget)}\n`,
        );
      } else {
        const stamp = new Date().toISOString();
        for (const r of rows) ctx.out.print(`${stamp} ${plainLine(r)}`);
        if (priceLine) ctx.out.print(`${stamp} ${priceLine}`);
      }
      if (draws >= maxDraws) break;
      const next = Math.min(...tracks.map((t) => t.dueAt));
      try {
        await realSleep(Math.max(200, next - Date.now()), abort.signal);
      } catch {
        break;
      }
    }
  } finally {
    removeHandler();
    if (tty) ctx.io.stdout.write(`${SHOW_CURSOR}\n`);
  }
  return ExitCode.ok;
}

function errorRow(entry: SystemEntry, error: unknown): FlowRow {
  return { vendor: entry.system.vendor, device: entry.system.id, flow: null, ageMs: null, stale: false, error: describeError(error).replace(/^error: /, "") };
}

async function readPrice(session: VendorSession): Promise<string> {
  try {
    const intervals = await session.pricesAhead!(0.5);
    const general = intervals.find((i) => i.channel === "general" && i.kind === "current") ?? intervals.find((i) => i.channel === "general");
    const feedIn = intervals.find((i) => i.channel === "feedIn" && i.kind === "current");
    if (!general) return "amber: no current price";
    return `amber: buy ${formatCents(general.perKwhCents)}/kWh (${general.descriptor})${feedIn ? `, feed-in earns ${formatCents(feedIn.perKwhCents === 0 ? 0 : -feedIn.perKwhCents)}/kWh` : ""}, renewables ${Math.round(general.renewablesPct)} %`;
  } catch (error) {
    return `amber: ${describeError(error).replace(/^error: /, "")}`;
  }
}

/** One line per system for logs: "alphaess:SN pv=1.20 kW load=850 W grid=-350 W battery=0 W soc=85 % age=12 s". */
export function plainLine(r: FlowRow): string {
  if (r.error) return `${r.vendor}:${r.device} error: ${r.error}`;
  const f = r.flow!;
  return `${r.vendor}:${r.device} pv=${formatWatts(f.pvW)} load=${formatWatts(f.loadW)} grid=${formatWatts(f.gridW)} battery=${formatWatts(f.batteryW)} soc=${formatFraction(f.soc)}${f.evW !== undefined ? ` ev=${formatWatts(f.evW)}` : ""} age=${r.ageMs === null ? "–" : formatAge(r.ageMs)}`;
}
