import { realSleep } from "../../core/clock.js";
import type { Vendor } from "../../model/types.js";
import type { CommandContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { ExitCode } from "../errors.js";
import { formatAge, formatFraction, formatWatts } from "../output/format.js";
import { renderTable } from "../output/output.js";
import type { VendorSession } from "../vendors/types.js";
import { parseVendorList } from "./config.js";
import { FLOW_COLUMNS, flowJson, priceLine, readPriceNow, type PriceNow } from "./status.js";
import { failureRow, readFlow, type FlowRow, type SystemEntry } from "./systems.js";

const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";
const HOME_CLEAR = "\x1b[H\x1b[2J";
/** How often a vendor that could not connect or list its systems is tried again. */
const RETRY_MS = 60_000;
const STALE_AFTER_MS = 15 * 60_000;

interface VendorTrack {
  vendor: Vendor;
  session: VendorSession | null;
  /** The vendor's systems, once listed (null: not yet, or listing failed). */
  entries: SystemEntry[] | null;
  intervalMs: number;
  dueAt: number;
  rows: FlowRow[];
  /** Whether this vendor is the price feed. */
  prices: boolean;
}

/**
 * A live view. Each vendor refreshes on its own schedule: never faster than `--interval`, and
 * never faster than its rate budget allows for the number of systems it has (AlphaESS pacing,
 * Amber's 50 requests per 300 s). The budget is asked again after every refresh (Amber's limiter
 * learns the window from the responses). A vendor that failed to connect or to list its systems
 * is tried again once a minute. On a terminal the view is redrawn in place with the cursor
 * hidden; otherwise each refresh prints plain lines. Ctrl-C exits with code 0 and the cursor back.
 */
export async function watch(
  ctx: CommandContext,
  opts: { interval?: string; once?: boolean; count?: number; vendor?: string; /** Not a flag: tests retry sooner. */ retryMs?: number },
): Promise<number> {
  const only = parseVendorList(opts.vendor, "--vendor");
  const requestedMs = parseDuration(opts.interval ?? "30s", "--interval");
  const maxDraws = opts.once ? 1 : (opts.count ?? Infinity);
  const retryMs = opts.retryMs ?? RETRY_MS;
  const { sessions, failures } = await ctx.sessions(only);
  const tty = ctx.io.stdout.isTTY === true && ctx.out.format === "table";
  const plugins = await ctx.plugins();
  const isPriceFeed = (vendor: Vendor) => plugins.find((p) => p.name === vendor)?.provides.prices === true;
  const tracks: VendorTrack[] = [
    ...sessions.map((session) => ({
      vendor: session.vendor,
      session,
      entries: null,
      intervalMs: requestedMs,
      dueAt: 0,
      rows: [],
      prices: false,
    })),
    ...failures.map((f) => ({
      vendor: f.vendor,
      session: null,
      entries: null,
      intervalMs: retryMs,
      dueAt: Date.now() + retryMs,
      rows: [failureRow(f)],
      prices: false,
    })),
  ];
  // One price feed: the first one.
  const feed = tracks.find((t) => isPriceFeed(t.vendor));
  if (feed) feed.prices = true;
  let price: PriceNow | null = null;
  let priceError: string | null = null;

  const abort = new AbortController();
  const removeHandler = ctx.io.onInterrupt(() => abort.abort());

  /** Connects (again), lists (again) and reads one vendor; never throws unless interrupted. */
  const refresh = async (t: VendorTrack): Promise<void> => {
    if (!t.session) {
      const again = await ctx.sessions([t.vendor]).catch((error: unknown) => ({ sessions: [], failures: [{ vendor: t.vendor, error }] }));
      t.session = again.sessions[0] ?? null;
      if (!t.session) {
        t.rows = again.failures.map(failureRow);
        t.dueAt = Date.now() + retryMs;
        return;
      }
    }
    const session = t.session;
    if (!t.entries) {
      try {
        t.entries = (await session.systems()).map((system) => ({ session, system }));
      } catch (error) {
        if (abort.signal.aborted) throw error;
        t.rows = [failureRow({ vendor: t.vendor, error })];
        t.dueAt = Date.now() + retryMs;
        return;
      }
    }
    t.rows = await Promise.all(t.entries.map((e) => readFlow(e, STALE_AFTER_MS, abort.signal)));
    if (t.prices) ({ price, priceError } = await readPriceNow(session));
    // The budget after this refresh (Amber's limiter knows its window only from responses).
    t.intervalMs = Math.max(requestedMs, session.refreshIntervalMs(t.entries.length));
    t.dueAt = Date.now() + t.intervalMs;
  };

  if (tty) ctx.out.write(HIDE_CURSOR);
  let draws = 0;
  try {
    while (draws < maxDraws && !abort.signal.aborted) {
      const now = Date.now();
      try {
        await Promise.all(tracks.filter((t) => t.dueAt <= now).map(refresh));
      } catch (error) {
        // readFlow only throws when interrupted: Ctrl-C during a refresh.
        if (abort.signal.aborted) break;
        throw error;
      }
      if (abort.signal.aborted) break;
      draws++;
      const rows = tracks.flatMap((t) => t.rows);
      const line = priceLine(price, priceError, ctx.out.c);
      if (ctx.out.isJson) {
        ctx.out.jsonLine({ at: new Date().toISOString(), systems: rows.map(flowJson), price, priceError });
      } else if (tty) {
        const budget = tracks
          .map((t) =>
            t.session
              ? `${t.session.budgetNote?.() ?? t.vendor}; refresh every ${formatAge(t.intervalMs)}`
              : `${t.vendor}: not connected; trying again every ${formatAge(retryMs)}`,
          )
          .join("\n");
        ctx.out.write(
          `${HOME_CLEAR}${ctx.out.c.bold(`openpower watch — ${new Date().toLocaleTimeString("en-GB", { hour12: false })}`)}  (Ctrl-C to quit)\n${renderTable(FLOW_COLUMNS, rows, ctx.out.c, ctx.io.stdout.columns)}\n${line ?? ""}\n${ctx.out.c.dim(budget)}\n`,
        );
      } else {
        const stamp = new Date().toISOString();
        for (const r of rows) ctx.out.print(`${stamp} ${plainLine(r)}`);
        if (line) ctx.out.print(`${stamp} ${line}`);
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
    if (tty) ctx.out.write(`${SHOW_CURSOR}\n`);
  }
  return ExitCode.ok;
}

/** One line per system for logs: "alphaess:SN pv=1.20 kW load=850 W grid=-350 W battery=0 W soc=85 % age=12 s". */
export function plainLine(r: FlowRow): string {
  if (r.error) return `${r.vendor}:${r.device} error: ${r.error}`;
  const f = r.flow!;
  return `${r.vendor}:${r.device} pv=${formatWatts(f.pvW)} load=${formatWatts(f.loadW)} grid=${formatWatts(f.gridW)} battery=${formatWatts(f.batteryW)} soc=${formatFraction(f.soc)}${f.evW !== undefined ? ` ev=${formatWatts(f.evW)}` : ""} age=${r.ageMs === null ? "–" : formatAge(r.ageMs)}`;
}
