import type { Amber, UsageRecord } from "../../amber/index.js";
import type { RateLimitState } from "../../core/rate-limit/limiter.js";
import { addDays, compareDates, daysBetween, type CalendarDate } from "../../core/time/calendar-date.js";
import { localDate } from "../../core/time/zoned.js";
import type { UsageRow } from "../storage/types.js";

/** Amber's dates are NEM dates (UTC+10 all year). */
export const NEM_ZONE = "Australia/Brisbane";
/** Amber serves at most 7 days of usage per request. */
export const USAGE_DAYS_PER_REQUEST = 7;
/** Usage requests of one pass: a long gap is filled over several passes, leaving the price loop its share. */
export const USAGE_REQUESTS_PER_PASS = 4;
/** A pass waits while fewer than this many requests are left in Amber's window (50 per 5 minutes per token). */
export const USAGE_BUDGET_RESERVE = 15;

/** What the collector needs of an Amber client for usage; undefined for any other session. */
export interface UsageReader {
  read(start: CalendarDate, end: CalendarDate, signal: AbortSignal): Promise<UsageRecord[]>;
  budget(): RateLimitState;
}

export function usageReaderOf(client: unknown, site: string): UsageReader | undefined {
  const amber = client as Partial<Pick<Amber, "getUsage" | "rateLimitState">> | null;
  if (typeof amber?.getUsage !== "function" || typeof amber.rateLimitState !== "function") return undefined;
  const { getUsage, rateLimitState } = amber as Pick<Amber, "getUsage" | "rateLimitState">;
  return {
    read: (start, end, signal) => getUsage.call(client as Amber, { site, start, end, signal }),
    budget: () => rateLimitState.call(client as Amber),
  };
}

export function usageRow(source: string, r: UsageRecord): UsageRow {
  return {
    source,
    channel: r.channelIdentifier,
    channelType: r.channelType,
    start: r.start.getTime(),
    end: r.end.getTime(),
    kwh: r.kwh,
    costCents: r.cost,
    quality: r.quality,
  };
}

/**
 * The NEM date ranges one pass reads, a request each: from the day of the latest stored interval (its day may
 * have been partial or estimated) or the initial backfill's start, to yesterday (meter data lags a day).
 */
export function usagePlan(now: number, latestStart: number | undefined, initialFrom: number): { start: CalendarDate; end: CalendarDate }[] {
  const yesterday = addDays(localDate(now, NEM_ZONE), -1);
  let start = localDate(latestStart ?? initialFrom, NEM_ZONE);
  const plan: { start: CalendarDate; end: CalendarDate }[] = [];
  while (compareDates(start, yesterday) <= 0) {
    const end = daysBetween(start, yesterday) >= USAGE_DAYS_PER_REQUEST ? addDays(start, USAGE_DAYS_PER_REQUEST - 1) : yesterday;
    plan.push({ start, end });
    start = addDays(end, 1);
  }
  return plan;
}

/** The next pass: its requests and the whole plan; false when nothing is due, true to retry soon (Amber's window is low). */
export function nextUsagePass(
  reader: UsageReader,
  now: number,
  latestStart: number | undefined,
  initialFrom: number,
): boolean | { plan: ReturnType<typeof usagePlan>; pass: ReturnType<typeof usagePlan> } {
  const plan = usagePlan(now, latestStart, initialFrom);
  if (plan.length === 0) return false;
  const remaining = reader.budget().remaining;
  if (remaining !== null && remaining < USAGE_BUDGET_RESERVE) return true;
  return { plan, pass: plan.slice(0, USAGE_REQUESTS_PER_PASS) };
}
