import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigurationError, ValidationError } from "../errors/index.js";
import { addDays, assertCalendarDate, daysBetween, eachDay, isoWeekday } from "./calendar-date.js";
import { formatNemTime, nemDate, nemDateOfIntervalEnd, nemDayEnd, nemDayStart, nemIntervalEnd, nemMinuteOfDay } from "./nem.js";
import { assertTimeZone, localDate, localTimeOfDay, offsetMinutes, parseLocalTimestamp, wallTimeOf, zonedTimeToInstant } from "./zoned.js";

const SYD = "Australia/Sydney";

describe("calendar dates", () => {
  it("validates strictly", () => {
    expect(assertCalendarDate("2024-02-29")).toBe("2024-02-29");
    for (const bad of ["2023-02-29", "2024-13-01", "2024-1-01", "20240101", "2024-01-01T00:00", 20240101, null]) {
      expect(() => assertCalendarDate(bad)).toThrow(ValidationError);
    }
  });

  it("does arithmetic on the date, across months, years and leap days", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2024-12-31", 1)).toBe("2025-01-01");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(daysBetween("2024-01-01", "2024-12-31")).toBe(365);
    expect(eachDay("2024-02-27", "2024-03-02")).toEqual(["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02"]);
    expect(isoWeekday("2026-11-22")).toBe(7);
    expect(isoWeekday("2026-11-23")).toBe(1);
  });
});

describe("zoned time", () => {
  it("gives the local date, not the UTC date", () => {
    // 2026-11-22T14:30Z is already the 23rd in Sydney (UTC+11 in summer).
    const instant = new Date("2026-11-22T14:30:00Z");
    expect(instant.toISOString().slice(0, 10)).toBe("2026-11-22");
    expect(localDate(instant, SYD)).toBe("2026-11-23");
    expect(localTimeOfDay(instant, SYD)).toBe("01:30");
    expect(localDate(instant, "America/Los_Angeles")).toBe("2026-11-22");
  });

  it("rejects unknown zones with a ConfigurationError", () => {
    expect(() => assertTimeZone("Mars/Olympus")).toThrow(ConfigurationError);
    expect(assertTimeZone(SYD)).toBe(SYD);
  });

  it("handles the Sydney DST start gap (02:00 → 03:00 on 2024-10-06)", () => {
    expect(offsetMinutes(new Date("2024-10-05T15:59:00Z"), SYD)).toBe(600);
    expect(offsetMinutes(new Date("2024-10-05T16:00:00Z"), SYD)).toBe(660);
    expect(zonedTimeToInstant("2024-10-06", "01:59", SYD).toISOString()).toBe("2024-10-05T15:59:00.000Z");
    expect(zonedTimeToInstant("2024-10-06", "03:00", SYD).toISOString()).toBe("2024-10-05T16:00:00.000Z");
    // 02:30 does not exist: compatible/later shift forward to 03:30, earlier lands at 01:30.
    expect(zonedTimeToInstant("2024-10-06", "02:30", SYD).toISOString()).toBe("2024-10-05T16:30:00.000Z");
    expect(zonedTimeToInstant("2024-10-06", "02:30", SYD, "earlier").toISOString()).toBe("2024-10-05T15:30:00.000Z");
    expect(() => zonedTimeToInstant("2024-10-06", "02:30", SYD, "reject")).toThrow(/does not exist/);
  });

  it("handles the Sydney DST end overlap (03:00 → 02:00 on 2024-04-07)", () => {
    // 02:30 happens twice: at 15:30Z (+11) and 16:30Z (+10).
    expect(zonedTimeToInstant("2024-04-07", "02:30", SYD).toISOString()).toBe("2024-04-06T15:30:00.000Z");
    expect(zonedTimeToInstant("2024-04-07", "02:30", SYD, "later").toISOString()).toBe("2024-04-06T16:30:00.000Z");
    expect(() => zonedTimeToInstant("2024-04-07", "02:30", SYD, "reject")).toThrow(/twice/);
    // The local day is 25 hours long.
    const start = zonedTimeToInstant("2024-04-07", "00:00", SYD).getTime();
    const next = zonedTimeToInstant("2024-04-08", "00:00", SYD).getTime();
    expect((next - start) / 3_600_000).toBe(25);
  });

  it("parses zone-less vendor timestamps in the system's zone", () => {
    expect(parseLocalTimestamp("2024-01-15 23:57:34", SYD)?.toISOString()).toBe("2024-01-15T12:57:34.000Z");
    expect(parseLocalTimestamp("2024-07-15 23:57:34", SYD)?.toISOString()).toBe("2024-07-15T13:57:34.000Z");
    expect(parseLocalTimestamp("garbage", SYD)).toBeNull();
  });

  it("round-trips instants through wall time in many zones (property)", () => {
    const zones = [SYD, "Europe/Berlin", "America/New_York", "Australia/Adelaide", "Asia/Kolkata", "Pacific/Chatham", "UTC"];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        const t = Math.floor(ms / 1000) * 1000;
        const w = wallTimeOf(t, zone);
        const pad = (n: number) => String(n).padStart(2, "0");
        const earlier = zonedTimeToInstant(
          `${w.year}-${pad(w.month)}-${pad(w.day)}`,
          `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`,
          zone,
          "earlier",
        ).getTime();
        const later = zonedTimeToInstant(
          `${w.year}-${pad(w.month)}-${pad(w.day)}`,
          `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`,
          zone,
          "later",
        ).getTime();
        return earlier === t || later === t;
      }),
      { numRuns: 500 },
    );
  });
});

describe("NEM time (fixed UTC+10)", () => {
  it("cuts days at 00:00+10:00 with no daylight saving", () => {
    expect(nemDate(new Date("2024-09-03T13:59:59Z"))).toBe("2024-09-03");
    expect(nemDate(new Date("2024-09-03T14:00:00Z"))).toBe("2024-09-04");
    // In Sydney summer the local date changes an hour earlier than the NEM date.
    expect(nemDate(new Date("2026-01-10T13:30:00Z"))).toBe("2026-01-10");
    expect(localDate(new Date("2026-01-10T13:30:00Z"), SYD)).toBe("2026-01-11");
  });

  it("assigns the interval ending at 24:00 to the previous trading day", () => {
    const end = new Date("2024-09-05T14:00:00Z");
    expect(formatNemTime(end)).toBe("2024-09-06T00:00:00+10:00");
    expect(nemDateOfIntervalEnd(end)).toBe("2024-09-05");
    expect(nemDateOfIntervalEnd(new Date("2024-09-05T14:30:00Z"))).toBe("2024-09-06");
  });

  it("gives day bounds and interval ends", () => {
    expect(nemDayStart("2024-09-04").toISOString()).toBe("2024-09-03T14:00:00.000Z");
    expect(nemDayEnd("2024-09-04").toISOString()).toBe("2024-09-04T14:00:00.000Z");
    expect(nemIntervalEnd(new Date("2024-09-04T04:31:10Z"), 30).toISOString()).toBe("2024-09-04T05:00:00.000Z");
    expect(nemIntervalEnd(new Date("2024-09-04T04:31:10Z"), 5).toISOString()).toBe("2024-09-04T04:35:00.000Z");
    expect(nemMinuteOfDay(new Date("2024-09-04T04:31:10Z"))).toBe(14 * 60 + 31);
  });
});
