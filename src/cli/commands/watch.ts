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

/** How often the view is redrawn on a terminal between refreshes, so that ages tick. */
const TICK_MS = 1_000;

/** One system, refreshed at its own cadence. */
interface SystemTrack {
  entry: SystemEntry;
  intervalMs: number;
  dueAt: number;
  row: FlowRow | null;
}

interface VendorTrack {
  vendor: Vendor;
  session: VendorSession | null;
  /** The vendor's systems, once listed (null: not yet, or listing failed). */
  systems: SystemTrack[] | null;
  /** When the vendor itself is due: connecting or listing again, or its price feed. */
  intervalMs: number;
  dueAt: number;
  /** A failure to connect or to list, shown instead of the systems. */
  failure: FlowRow | null;
  /** Whether this vendor is the price feed. */
  prices: boolean;
}

/** A row with its age as of `now` (ages tick between refreshes). */
function aged(row: FlowRow, now: number): FlowRow {
  if (!row.flow) return row;
  const ageMs = now - row.flow.observedAt.getTime();
  return { ...row, ageMs, stale: ageMs > STALE_AFTER_MS };
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
  // Without --interval each source refreshes as fast as its own budget allows.
  const requestedMs = opts.interval === undefined ? 0 : parseDuration(opts.interval, "--interval");
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
      systems: null,
      intervalMs: requestedMs,
      dueAt: 0,
      failure: null,
      prices: false,
    })),
    ...failures.map((f) => ({
      vendor: f.vendor,
      session: null,
      systems: null,
      intervalMs: retryMs,
      dueAt: Date.now() + retryMs,
      failure: failureRow(f),
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

  /** Connects (again) and lists (again) one vendor, and reads its price feed; never throws unless interrupted. */
  const refreshVendor = async (t: VendorTrack): Promise<void> => {
    if (!t.session) {
      const again = await ctx.sessions([t.vendor]).catch((error: unknown) => ({ sessions: [], failures: [{ vendor: t.vendor, error }] }));
      t.session = again.sessions[0] ?? null;
      if (!t.session) {
        t.failure = again.failures.map(failureRow)[0] ?? null;
        t.dueAt = Date.now() + retryMs;
        return;
      }
    }
    const session = t.session;
    if (!t.systems) {
      try {
        t.systems = (await session.systems()).map((system) => ({
          entry: { session, system },
          intervalMs: requestedMs,
          dueAt: 0,
          row: null,
        }));
        t.failure = null;
      } catch (error) {
        if (abort.signal.aborted) throw error;
        t.failure = failureRow({ vendor: t.vendor, error });
        t.dueAt = Date.now() + retryMs;
        return;
      }
    }
    if (t.prices) ({ price, priceError } = await readPriceNow(session));
    // The budget after this refresh (Amber's limiter knows its window only from responses).
    t.intervalMs = Math.max(requestedMs, session.refreshIntervalMs(t.systems.length));
    t.dueAt = t.prices || t.systems.length === 0 ? Date.now() + t.intervalMs : Infinity;
  };

  /** Reads one system and schedules its next read at its own cadence. */
  const refreshSystem = async (t: VendorTrack, s: SystemTrack): Promise<void> => {
    s.row = await readFlow(s.entry, STALE_AFTER_MS, abort.signal);
    const session = s.entry.session;
    const own = session.systemRefreshMs?.(s.entry.system) ?? session.refreshIntervalMs(t.systems?.length ?? 1);
    s.intervalMs = Math.max(requestedMs, own);
    s.dueAt = Date.now() + s.intervalMs;
  };

  const nextDue = () => Math.min(...tracks.flatMap((t) => [t.dueAt, ...(t.systems ?? []).map((s) => s.dueAt)]));

  if (tty) ctx.out.write(HIDE_CURSOR);
  let draws = 0;
  try {
    while (draws < maxDraws && !abort.signal.aborted) {
      const now = Date.now();
      const dueVendors = tracks.filter((t) => t.dueAt <= now);
      let refreshed = false;
      try {
        await Promise.all(dueVendors.map(refreshVendor));
        const dueSystems = tracks.flatMap((t) => (t.systems ?? []).filter((s) => s.dueAt <= Date.now()).map((s) => ({ t, s })));
        await Promise.all(dueSystems.map(({ t, s }) => refreshSystem(t, s)));
        refreshed = dueVendors.length > 0 || dueSystems.length > 0;
      } catch (error) {
        // readFlow only throws when interrupted: Ctrl-C during a refresh.
        if (abort.signal.aborted) break;
        throw error;
      }
      if (abort.signal.aborted) break;
      const drawnAt = Date.now();
      const rows = tracks.flatMap((t) =>
        t.failure ? [t.failure] : (t.systems ?? []).flatMap((s) => (s.row ? [aged(s.row, s.entry.session.now())] : [])),
      );
      const line = priceLine(price, priceError, ctx.out.c);
      // Ticks between refreshes redraw the terminal view only (ages move); logs and JSON get refreshes.
      if (refreshed || draws === 0) draws++;
      else if (!tty) {
        await sleepUntil(Math.min(nextDue(), drawnAt + TICK_MS), abort.signal);
        continue;
      }
      if (ctx.out.isJson) {
        ctx.out.jsonLine({ at: new Date().toISOString(), systems: rows.map(flowJson), price, priceError });
      } else if (tty) {
        const budget = tracks
          .map((t) =>
            t.session
              ? `${t.session.budgetNote?.() ?? t.vendor}; refresh every ${cadence(t)}`
              : `${t.vendor}: not connected; trying again every ${formatAge(retryMs)}`,
          )
          .join("\n");
        ctx.out.write(
          `${HOME_CLEAR}${ctx.out.c.bold(`openpower watch — ${new Date().toLocaleTimeString("en-GB", { hour12: false })}`)}  (Ctrl-C to quit)\n${renderTable(FLOW_COLUMNS, rows, ctx.out.c, ctx.io.stdout.columns)}\n${line ?? ""}\n${ctx.out.c.dim(budget)}\n`,
        );
      } else if (refreshed || draws === 1) {
        const stamp = new Date().toISOString();
        for (const r of rows) ctx.out.print(`${stamp} ${plainLine(r)}`);
        if (line) ctx.out.print(`${stamp} ${line}`);
      }
      if (draws >= maxDraws) break;
      if (!(await sleepUntil(tty ? Math.min(nextDue(), Date.now() + TICK_MS) : nextDue(), abort.signal))) break;
    }
  } finally {
    removeHandler();
    if (tty) ctx.out.write(`${SHOW_CURSOR}\n`);
  }
  return ExitCode.ok;
}

/** Sleeps until `at` (at least 200 ms); false when interrupted. */
async function sleepUntil(at: number, signal: AbortSignal): Promise<boolean> {
  try {
    await realSleep(Math.max(200, at - Date.now()), signal);
    return true;
  } catch {
    return false;
  }
}

/** "5 s" or, when the vendor's systems differ, each: "5 s / 1 min". */
function cadence(t: VendorTrack): string {
  const own = [...new Set((t.systems ?? []).map((s) => s.intervalMs))];
  return (own.length > 0 ? own : [t.intervalMs]).map(formatAge).join(" / ");
}

/** One line per system for logs: "alphaess:SN pv=1.20 kW load=850 W grid=-350 W battery=0 W soc=85 % age=12 s". */
export function plainLine(r: FlowRow): string {
  if (r.error) return `${r.vendor}:${r.device} error: ${r.error}`;
  const f = r.flow!;
  return `${r.vendor}:${r.device} pv=${formatWatts(f.pvW)} load=${formatWatts(f.loadW)} grid=${formatWatts(f.gridW)} battery=${formatWatts(f.batteryW)} soc=${formatFraction(f.soc)}${f.evW !== undefined ? ` ev=${formatWatts(f.evW)}` : ""} age=${r.ageMs === null ? "–" : formatAge(r.ageMs)}`;
}
