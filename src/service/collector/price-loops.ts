import type { Clock } from "../../core/clock.js";
import type { PriceSource } from "../../model/types.js";
import type { PriceRow, Storage } from "../storage/types.js";
import type { BackfillProgress } from "./backfill.js";
import { FIVE_MIN_MS, priceRow, vintageOf } from "./convert.js";
import type { Ownership } from "./ownership.js";
import { sleepOn } from "./pool.js";
import type { SourceState } from "./state.js";
import { nextUsagePass, usageRow, type UsageReader } from "./usage.js";

const HOUR_MS = 3_600_000;

/** What the price and usage loops need of their collector. */
export interface PriceLoopContext {
  clock: Clock;
  storage: Storage;
  signal: AbortSignal;
  ownership: Ownership;
  initialBackfillMs: number;
  log: { info(message: string, fields?: Record<string, unknown>): void };
  newState(source: string, vendor: string, cadenceMs: number): SourceState;
  request<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T>;
  finish(state: SourceState, kind: "poll" | "backfill", started: number, items: number, error: unknown): Promise<void>;
  emitPrices(source: string, rows: PriceRow[]): void;
  emitBackfill(progress: BackfillProgress): void;
}

/** Amber: right after each 5-minute boundary, and again while the interval just ended is still an estimate. */
export async function priceLoop(ctx: PriceLoopContext, ps: PriceSource): Promise<void> {
  const { clock, signal } = ctx;
  const source = `${ps.vendor}:${ps.id}`;
  const state = ctx.newState(source, ps.vendor, FIVE_MIN_MS);
  const resolution: { value?: 5 | 30 } = {};
  const lastGood = async () => (await ctx.storage.runSummary()).find((r) => r.source === source)?.lastOk?.startedAt;
  // Covered up to here; the first round fills from it (a restart: the last good read; new: the initial backfill).
  let covered = (await lastGood()) ?? clock.now() - ctx.initialBackfillMs;
  let retries = 0;
  while (!signal.aborted) {
    const started = clock.now();
    const hold = ctx.ownership.begin(source);
    let unfirm: boolean | null = false;
    if (hold) {
      try {
        // Taken over from another worker: it covered up to its last good read.
        if (hold.fresh) covered = (await lastGood()) ?? covered;
        const gap = started - covered > 2 * FIVE_MIN_MS;
        // The current read first: it tells the site's interval length, which the history read then asks for.
        unfirm = await readPrices(ctx, ps, state, resolution, { previous: 6, next: 288 });
        // Polls missed (new, vendor down, machine asleep): the actuals of the gap come from the history endpoint.
        if (
          unfirm !== null &&
          (!gap ||
            (await readPrices(ctx, ps, state, resolution, {
              from: new Date(covered - FIVE_MIN_MS),
              to: new Date(started),
              resolution: resolution.value,
            })) !== null)
        )
          covered = started;
      } finally {
        hold.end();
      }
    }
    const now = clock.now();
    const boundary = Math.floor(now / FIVE_MIN_MS) * FIVE_MIN_MS + FIVE_MIN_MS + 2_000;
    const again = unfirm === true && retries < 4 && boundary - now > 60_000;
    retries = again ? retries + 1 : 0;
    if (!(await sleepOn(clock, again ? 30_000 : boundary - now, signal))) break;
  }
}

/** Reads and stores one vintage; true when an interval that has ended is still an estimate, null when the read failed. */
async function readPrices(
  ctx: PriceLoopContext,
  ps: PriceSource,
  state: SourceState,
  resolution: { value?: 5 | 30 },
  query: { from?: Date; to?: Date; previous?: number; next?: number; resolution?: 5 | 30 },
): Promise<boolean | null> {
  const started = ctx.clock.now();
  state.lastAttempt = started;
  try {
    const intervals = await ctx.request((signal) => ps.getPriceIntervals({ ...query, signal }));
    const issuedAt = vintageOf(started);
    const rows = intervals.map((p) => priceRow(state.source, p, issuedAt));
    const items = await ctx.storage.upsertPrices(rows);
    if (items > 0) ctx.emitPrices(state.source, rows);
    const current = intervals.find((p) => p.kind === "current");
    if (current) {
      state.lastObservedAt = current.start.getTime();
      // A 5-minute site's current interval is 5 minutes long: its history is read at that resolution too.
      resolution.value = current.end.getTime() - current.start.getTime() <= FIVE_MIN_MS ? 5 : 30;
    }
    await ctx.finish(state, query.from ? "backfill" : "poll", started, items, null);
    return intervals.some((p) => p.estimate && p.end.getTime() <= started);
  } catch (error) {
    if (!ctx.signal.aborted) await ctx.finish(state, query.from ? "backfill" : "poll", started, 0, error);
    return null;
  }
}

/**
 * Amber usage: hourly, yesterday's meter data (and the day before the latest stored, which may have been partial);
 * after a gap every missing day, a few requests a pass and only while Amber's window has room to spare for prices.
 */
export async function usageLoop(ctx: PriceLoopContext, ps: PriceSource, reader: UsageReader): Promise<void> {
  const source = `${ps.vendor}:${ps.id}`;
  const state = ctx.newState(`${source}/usage`, ps.vendor, HOUR_MS);
  let wait: number;
  do {
    const hold = ctx.ownership.begin(source);
    let more = false;
    if (hold) {
      try {
        more = await readUsage(ctx, source, state, reader);
      } finally {
        hold.end();
      }
    }
    wait = more ? FIVE_MIN_MS : HOUR_MS;
  } while (await sleepOn(ctx.clock, wait, ctx.signal));
}

/** One pass; true when days are left for the next one. */
async function readUsage(ctx: PriceLoopContext, source: string, state: SourceState, reader: UsageReader): Promise<boolean> {
  const { storage } = ctx;
  const started = ctx.clock.now();
  const next = nextUsagePass(reader, started, await storage.latestUsageStart(source), started - ctx.initialBackfillMs);
  if (typeof next === "boolean") return next;
  const { plan, pass } = next;
  const kind = plan.length > 1 ? "backfill" : "poll";
  state.lastAttempt = started;
  let added = 0;
  try {
    for (const [i, range] of pass.entries()) {
      const records = await ctx.request((signal) => reader.read(range.start, range.end, signal));
      added += await storage.upsertUsage(records.map((r) => usageRow(source, r)));
      for (const r of records) state.lastObservedAt = Math.max(state.lastObservedAt ?? -Infinity, r.end.getTime());
      if (kind === "backfill") {
        const progress = { system: state.source, date: range.end, done: i + 1, total: plan.length, added };
        state.backfill = { running: i + 1 < plan.length, done: progress.done, total: progress.total, added };
        ctx.log.info("usage backfill progress", { ...progress });
        ctx.emitBackfill(progress);
      }
    }
    if (kind === "backfill") Object.assign(state, { state: "ok", lastSuccess: ctx.clock.now(), consecutiveFailures: 0 });
    // The last pass of a backfill reads what was left: the progress says done.
    if (plan.length <= pass.length && state.backfill.total > 0)
      state.backfill = { ...state.backfill, running: false, done: state.backfill.total };
    await ctx.finish(state, kind, started, added, null);
  } catch (error) {
    if (ctx.signal.aborted) return false;
    await ctx.finish(state, kind, started, added, error);
    return true;
  }
  return plan.length > pass.length;
}
