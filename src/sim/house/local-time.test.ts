import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoWeekday, localDate, localMinuteOfDay } from "../../core/time/index.js";
import { LocalTimeCache, type LocalInstant } from "./local-time.js";

describe("LocalTimeCache", () => {
  it("agrees with Intl for any instant, across DST changes and half-hour zones", () => {
    const zones = [
      "Australia/Sydney",
      "Australia/Adelaide",
      "Australia/Lord_Howe",
      "Australia/Brisbane",
      "Europe/London",
      "America/St_Johns",
      "Asia/Kathmandu",
    ];
    const caches = new Map(zones.map((z) => [z, new LocalTimeCache(z)]));
    const out: LocalInstant = { localDay: 0, minuteOfDay: 0, weekday: 0, dayOfYear: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2020, 0, 1) / 60_000, max: Date.UTC(2030, 0, 1) / 60_000 }),
        (zone, minute) => {
          const ms = minute * 60_000;
          caches.get(zone)!.describe(ms, out);
          expect(out.minuteOfDay).toBe(localMinuteOfDay(ms, zone));
          const date = localDate(ms, zone);
          expect(new Date(out.localDay * 86_400_000).toISOString().slice(0, 10)).toBe(date);
          expect(out.weekday).toBe(isoWeekday(date));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("steps through a DST change minute by minute", () => {
    const cache = new LocalTimeCache("Australia/Sydney");
    const out: LocalInstant = { localDay: 0, minuteOfDay: 0, weekday: 0, dayOfYear: 0 };
    // Daylight saving starts 2024-10-06 02:00 local (15:00 UTC the day before).
    for (let ms = Date.UTC(2024, 9, 5, 14); ms < Date.UTC(2024, 9, 5, 16); ms += 60_000) {
      cache.describe(ms, out);
      expect(out.minuteOfDay).toBe(localMinuteOfDay(ms, "Australia/Sydney"));
    }
  });
});
