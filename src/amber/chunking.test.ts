import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { addDays, daysBetween } from "../core/time/calendar-date.js";
import { fetchChunks, mergeIntervals, mergeUsage, splitDateRange, toNemDate, type ChunkProgress } from "./chunking.js";
import { parseIntervals, parseUsage } from "./intervals.js";
import { fixture } from "./test-support/fixtures.js";

describe("splitDateRange", () => {
  it("covers any range exactly with contiguous chunks of at most 7 calendar days", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 400 }), (offset, length) => {
        const start = addDays("2000-01-01", offset);
        const end = addDays(start, length);
        const chunks = splitDateRange(start, end);
        expect(chunks[0]!.start).toBe(start);
        expect(chunks.at(-1)!.end).toBe(end);
        expect(chunks).toHaveLength(Math.ceil((length + 1) / 7));
        for (const [i, chunk] of chunks.entries()) {
          expect(chunk.index).toBe(i);
          expect(chunk.total).toBe(chunks.length);
          const days = daysBetween(chunk.start, chunk.end);
          expect(days).toBeGreaterThanOrEqual(0);
          expect(days).toBeLessThanOrEqual(6);
          if (i > 0) expect(daysBetween(chunks[i - 1]!.end, chunk.start)).toBe(1);
        }
      }),
    );
  });

  it("splits 90 days into 13 requests and one day into one", () => {
    expect(splitDateRange("2025-01-01", addDays("2025-01-01", 89))).toHaveLength(13);
    expect(splitDateRange("2025-01-01", "2025-01-01")).toEqual([{ start: "2025-01-01", end: "2025-01-01", index: 0, total: 1 }]);
    expect(splitDateRange("2025-01-01", "2025-01-07")).toHaveLength(1);
    expect(splitDateRange("2025-01-01", "2025-01-08")).toHaveLength(2);
  });

  it("rejects reversed ranges and bad dates, naming the argument", () => {
    expect(() => splitDateRange("2025-01-02", "2025-01-01")).toThrow(/start 2025-01-02 is after end 2025-01-01/);
    expect(() => splitDateRange("2025-02-30", "2025-03-01")).toThrow(expect.objectContaining({ name: "ValidationError", field: "start" }));
    expect(() => splitDateRange("2025-03-01", new Date(Number.NaN))).toThrow(
      expect.objectContaining({ name: "ValidationError", field: "end" }),
    );
  });

  it("takes instants too, as the NEM dates containing them", () => {
    // 14:00Z is midnight NEM: the next NEM day.
    expect(splitDateRange(new Date("2025-01-01T14:00:00Z"), new Date("2025-01-02T13:59:59Z"))).toEqual([
      { start: "2025-01-02", end: "2025-01-02", index: 0, total: 1 },
    ]);
  });
});

describe("toNemDate", () => {
  it("converts instants to the NEM (UTC+10) date, never the UTC date", () => {
    expect(toNemDate(new Date("2024-09-03T14:00:00Z"), "start")).toBe("2024-09-04");
    expect(toNemDate(new Date("2024-09-03T13:59:59Z"), "start")).toBe("2024-09-03");
    expect(toNemDate("2024-09-03", "start")).toBe("2024-09-03");
    expect(() => toNemDate(new Date("nope"), "start")).toThrow(ValidationError);
    expect(() => toNemDate("20240903", "start")).toThrow(/YYYY-MM-DD/);
  });
});

describe("merging chunks", () => {
  const intervals = parseIntervals(fixture("prices-2day-30min-general-feedin.json"));

  it("merges in Amber's order with no duplicate, whatever the chunk boundaries", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 191 }), fc.integer({ min: 0, max: 20 }), (cut, overlap) => {
        const a = intervals.slice(0, cut);
        const b = intervals.slice(Math.max(0, cut - overlap));
        const merged = mergeIntervals([a, b]);
        expect(merged).toHaveLength(192);
        expect(merged.map((i) => `${i.channelType}${i.endTime}`)).toEqual(intervals.map((i) => `${i.channelType}${i.endTime}`));
      }),
    );
  });

  it("lets the later fetch win for a repeated interval", () => {
    const later = { ...intervals[0]!, perKwh: 99 };
    const merged = mergeIntervals([intervals, [later]]);
    expect(merged).toHaveLength(192);
    expect(merged[0]!.perKwh).toBe(99);
  });

  it("merges usage per channel identifier", () => {
    const usage = parseUsage(fixture("usage-5min-issue256-excerpt.json"));
    expect(mergeUsage([usage, usage])).toHaveLength(1);
  });

  it("fetches chunks in order and reports progress", async () => {
    const chunks = splitDateRange("2025-01-01", "2025-01-20");
    const seen: ChunkProgress[] = [];
    const order: string[] = [];
    for await (const chunk of fetchChunks(
      chunks,
      async (c) => [c.start, c.end],
      (p) => seen.push(p),
    ))
      order.push(`${chunk.start}..${chunk.end}:${chunk.progress.done}/${chunk.progress.total}`);
    expect(order).toEqual(["2025-01-01..2025-01-07:1/3", "2025-01-08..2025-01-14:2/3", "2025-01-15..2025-01-20:3/3"]);
    expect(seen.map((p) => p.fraction)).toEqual([1 / 3, 2 / 3, 1]);
    expect(seen.at(-1)!.records).toBe(6);
  });
});
