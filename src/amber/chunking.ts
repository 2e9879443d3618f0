import { ValidationError } from "../core/errors/index.js";
import { addDays, assertCalendarDate, daysBetween, type CalendarDate } from "../core/time/calendar-date.js";
import { nemDate } from "../core/time/nem.js";
import { groupByChannel, groupByChannelIdentifier, type AmberInterval, type UsageRecord } from "./intervals.js";

/**
 * Amber refuses `/prices` and `/usage` ranges whose `endDate − startDate` exceeds 7 days (422).
 * Whether exactly 7 (eight calendar days) is allowed is not documented, so we take the safe
 * reading: **at most 7 calendar days per request** (`endDate − startDate <= 6`). Longer ranges are
 * split into consecutive, non-overlapping chunks that cover the range exactly.
 */
export const MAX_DAYS_PER_REQUEST = 7;

/**
 * The longest range one `getPrices`/`getUsage` call accepts: 366 days (a leap year), the same
 * cap as the CLI's `history`. That is 53 requests, about a quarter of an hour of Amber's budget
 * (50 per 5 minutes); a longer range is refused before anything is sent, so a typo such as
 * 1900-01-01 cannot start thousands of requests. Go further with one call per year.
 */
export const MAX_RANGE_DAYS = 366;

/** A NEM date ("YYYY-MM-DD", UTC+10) or an instant, converted to the NEM date containing it. */
export type DateInput = CalendarDate | Date;

/** Converts a date argument to a NEM date; never via `toISOString()`, which would give the UTC date. */
export function toNemDate(value: DateInput, field: string): CalendarDate {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new ValidationError(`${field} is an invalid Date; pass a valid Date or a NEM date "YYYY-MM-DD".`, { field, vendor: "amber" });
    return nemDate(value);
  }
  return assertCalendarDate(value, field);
}

export interface DateChunk {
  /** First NEM date of the chunk, inclusive. */
  start: CalendarDate;
  /** Last NEM date of the chunk, inclusive. */
  end: CalendarDate;
  /** 0-based position. */
  index: number;
  total: number;
}

/**
 * Splits an inclusive NEM date range into chunks of at most `maxDays` calendar days. `start` and
 * `end` are NEM dates or instants (converted with `toNemDate`); a reversed range is a
 * `ValidationError`. This is the one place the client checks its date arguments.
 */
export function splitDateRange(
  start: DateInput,
  end: DateInput,
  maxDays = MAX_DAYS_PER_REQUEST,
  limit: { maxRangeDays?: number; operation?: string } = {},
): DateChunk[] {
  const first = toNemDate(start, "start");
  const last = toNemDate(end, "end");
  if (!Number.isInteger(maxDays) || maxDays < 1)
    throw new ValidationError(`maxDays must be a positive integer, got ${maxDays}.`, { field: "maxDays" });
  const days = daysBetween(first, last) + 1;
  if (days < 1) {
    throw new ValidationError(
      `start ${first} is after end ${last} (both inclusive NEM dates): swap them, or pass the same date twice for one day. Nothing was sent.`,
      {
        field: "start",
        vendor: "amber",
      },
    );
  }
  if (limit.maxRangeDays !== undefined && days > limit.maxRangeDays) {
    const what = limit.operation ?? "A call";
    throw new ValidationError(
      `${what} covers at most ${limit.maxRangeDays} days per call, asked for ${days} days (${first}..${last}). ` +
        `Split the range into calls of at most ${limit.maxRangeDays} days (e.g. one per year). Nothing was sent.`,
      { field: "end", vendor: "amber", operation: limit.operation },
    );
  }
  const total = Math.ceil(days / maxDays);
  const chunks: DateChunk[] = [];
  for (let index = 0; index < total; index++) {
    const chunkStart = addDays(first, index * maxDays);
    const chunkEnd = index === total - 1 ? last : addDays(chunkStart, maxDays - 1);
    chunks.push({ start: chunkStart, end: chunkEnd, index, total });
  }
  return chunks;
}

export interface ChunkProgress {
  /** Chunks fetched so far, including this one. */
  done: number;
  total: number;
  /** done / total, 0..1. */
  fraction: number;
  /** Records received so far, including this chunk's. */
  records: number;
}

/** One fetched chunk of a long range. */
export interface Chunk<T> extends DateChunk {
  records: T[];
  progress: ChunkProgress;
}

/** Fetches the chunks one after another (each through the shared rate-limit budget) and yields each as it arrives. */
export async function* fetchChunks<T>(
  chunks: readonly DateChunk[],
  fetchOne: (chunk: DateChunk) => Promise<T[]>,
  onProgress?: (progress: ChunkProgress & { start: CalendarDate; end: CalendarDate }) => void,
): AsyncGenerator<Chunk<T>, void, undefined> {
  let records = 0;
  for (const chunk of chunks) {
    const got = await fetchOne(chunk);
    records += got.length;
    const done = chunk.index + 1;
    const progress: ChunkProgress = { done, total: chunk.total, fraction: done / chunk.total, records };
    onProgress?.({ ...progress, start: chunk.start, end: chunk.end });
    yield { ...chunk, records: got, progress };
  }
}

/**
 * Merges the chunks of a long range (see `getPrices`) into Amber's documented order (general,
 * controlledLoad, feedIn; chronological within each channel). An interval that appears twice
 * (same channel, end and duration) is kept once, the later fetch winning.
 */
export function mergeIntervals(chunks: readonly (readonly AmberInterval[])[]): AmberInterval[] {
  const unique = dedupe(chunks, (r) => `${r.channelType}|${r.end.getTime()}|${r.duration}`);
  return [...groupByChannel(unique).values()].flat();
}

/** Merges usage chunks: channel type order, then channel identifier, chronological within each; duplicates kept once. */
export function mergeUsage(chunks: readonly (readonly UsageRecord[])[]): UsageRecord[] {
  const unique = dedupe(chunks, (r) => `${r.channelIdentifier}|${r.channelType}|${r.end.getTime()}|${r.duration}`);
  return [...groupByChannelIdentifier(unique).values()].flat();
}

function dedupe<T>(chunks: readonly (readonly T[])[], key: (record: T) => string): T[] {
  const byKey = new Map<string, T>();
  let duplicates = false;
  for (const chunk of chunks) {
    for (const record of chunk) {
      const k = key(record);
      if (byKey.has(k)) duplicates = true;
      byKey.set(k, record);
    }
  }
  return duplicates ? [...byKey.values()] : chunks.flat();
}
