import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numberOrNull, parseCalendarDay, parseJsonString, parseTimestamp, splitTimestamp } from "./values.js";

describe("NaN strings and numbers", () => {
  it('reads "NaN" (and null, missing, non-numbers) as null, never NaN or 0', () => {
    expect(numberOrNull("NaN")).toBeNull();
    expect(numberOrNull(Number.NaN)).toBeNull();
    expect(numberOrNull(null)).toBeNull();
    expect(numberOrNull(undefined)).toBeNull();
    expect(numberOrNull("abc")).toBeNull();
    expect(numberOrNull(Infinity)).toBeNull();
    expect(numberOrNull("0.001")).toBe(0.001);
    expect(numberOrNull(-0.9147747755050659)).toBe(-0.9147747755050659);
  });

  it("reads every finite number back from its JSON text (property)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(numberOrNull(JSON.stringify(x))).toBe(x === 0 ? 0 : x);
      }),
    );
  });
});

describe("mixed date formats", () => {
  it("parses every format seen on the real server", () => {
    expect(parseTimestamp("2025-12-19T19:47:32Z")?.toISOString()).toBe("2025-12-19T19:47:32.000Z");
    // 7 fractional digits (.NET): milliseconds truncated.
    expect(parseTimestamp("2025-12-19T16:54:44.2211496Z")?.toISOString()).toBe("2025-12-19T16:54:44.221Z");
    expect(parseTimestamp("2025-12-01T19:50:14.449826Z")?.toISOString()).toBe("2025-12-01T19:50:14.449Z");
    // Zone-less: UTC unless the site's zone is given.
    expect(parseTimestamp("2030-08-30T00:00:00")?.toISOString()).toBe("2030-08-30T00:00:00.000Z");
    expect(parseTimestamp("2030-08-30T00:00:00", "US/Eastern")?.toISOString()).toBe("2030-08-30T04:00:00.000Z");
    expect(parseTimestamp("2017-02-03", "US/Pacific")?.toISOString()).toBe("2017-02-03T08:00:00.000Z");
    expect(parseTimestamp("2025-06-01T10:00:00+02:00")?.toISOString()).toBe("2025-06-01T08:00:00.000Z");
  });

  it("turns the .NET sentinels, empty and junk into null", () => {
    for (const v of [
      "0001-01-01T00:00:00",
      "9999-12-31T23:59:59.9999999",
      "",
      "   ",
      "12/19/2025 1:20:44 PM",
      "2025-02-30",
      "2025-13-01T00:00:00Z",
      null,
      undefined,
      5,
    ]) {
      expect(parseTimestamp(v)).toBeNull();
      expect(parseCalendarDay(v)).toBeNull();
    }
  });

  it("takes a calendar day as written, whatever zone suffix it carries", () => {
    expect(parseCalendarDay("2027-06-30")).toBe("2027-06-30");
    expect(parseCalendarDay("2027-06-30T00:00:00Z")).toBe("2027-06-30");
    expect(parseCalendarDay("2030-08-30T00:00:00")).toBe("2030-08-30");
  });

  it("round-trips any instant through each server format (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }), fc.integer({ min: 0, max: 9999 }), (ms, extra) => {
        const iso = new Date(ms).toISOString();
        expect(parseTimestamp(iso)?.getTime()).toBe(ms);
        const seven = `${iso.slice(0, 23)}${String(extra).padStart(4, "0")}Z`;
        expect(parseTimestamp(seven)?.getTime()).toBe(ms);
        const whole = Math.floor(ms / 1000) * 1000;
        expect(parseTimestamp(iso.slice(0, 19))?.getTime()).toBe(whole);
        expect(parseCalendarDay(iso)).toBe(iso.slice(0, 10));
        expect(splitTimestamp(iso)?.offsetMinutes).toBe(0);
      }),
    );
  });

  it("reads JSON held in strings", () => {
    expect(parseJsonString('{"ancestorKey":"H504058","isRecursive":false}')).toEqual({ ancestorKey: "H504058", isRecursive: false });
    expect(parseJsonString("not json")).toBeNull();
    expect(parseJsonString(null)).toBeNull();
  });
});
