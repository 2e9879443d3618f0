import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dateTimeMs, fastInterval } from "./fast-parse.js";
import { parseIntervals } from "./intervals.js";
import { fixture } from "./test-support/fixtures.js";
import { intervalWire } from "./wire/schemas.js";

const real = fixture<Array<Record<string, unknown>>>("prices-2day-30min-general-feedin.json");
const others = [
  "prices-current-5min-issue247-excerpt.json",
  "current-interval-5min-tou-estimate-issue272.json",
  "forecast-interval-feedin-evcc22405.json",
  "actual-interval-demandwindow-true-issue161.json",
].flatMap((f) => fixture<Array<Record<string, unknown>>>(f));
const samples = [...real, ...others];

const KEYS = [
  "type",
  "duration",
  "spotPerKwh",
  "perKwh",
  "date",
  "nemTime",
  "startTime",
  "endTime",
  "renewables",
  "channelType",
  "tariffInformation",
  "spikeStatus",
  "descriptor",
  "estimate",
  "range",
  "advancedPrice",
  "extra",
];
const tricky = fc.constantFrom<unknown>(
  undefined,
  null,
  "",
  "12.5",
  0,
  -1,
  15,
  60,
  Number.POSITIVE_INFINITY,
  true,
  [],
  {},
  "ActualInterval",
  "CurrentInterval",
  "ForecastInterval",
  "Usage",
  "2024-09-04",
  "2024-9-4",
  "2024-02-30",
  "2024-09-03T14:00:01Z",
  "2024-09-03T14:30:00Z",
  "2024-13-03T14:30:00Z",
  "2023-02-29T00:00:00Z",
  "2024-09-03T24:00:00Z",
  "2024-09-03T14:30:00.5Z",
  "2024-09-04T00:30:00+10:00",
  "2024-09-04T00:30:00+25:00",
  { min: 1, max: 2 },
  { min: "1", max: 2 },
  { low: 1, predicted: 2, high: 3 },
  { low: 1, predicted: 2 },
  { demandWindow: "yes" },
  { period: 3 },
  { block: 1, season: "weekend" },
);
const mutation = fc.record({ key: fc.constantFrom(...KEYS), value: fc.oneof(tricky, fc.anything()) });

describe("fast interval parsing", () => {
  it("accepts only what the zod schema accepts, with the same result", () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(mutation, { maxLength: 3 }), (sample, mutations) => {
        const candidate: Record<string, unknown> = { ...sample };
        for (const { key, value } of mutations) candidate[key] = value;
        const fast = fastInterval(candidate);
        const zod = intervalWire.safeParse(candidate);
        if (fast === null) return;
        expect(zod.success).toBe(true);
        const { start, end, ...rest } = fast;
        expect(rest).toEqual(zod.data);
        expect(end.getTime()).toBe(Date.parse(candidate.endTime as string));
        expect(end.getTime() - start.getTime()).toBe((candidate.duration as number) * 60_000);
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts every real interval, and parseIntervals gives the same result on both paths", () => {
    expect(samples.every((s) => fastInterval(s) !== null)).toBe(true);
    const fast = parseIntervals(real);
    // One malformed record sends the whole body through zod, which then names it.
    expect(() => parseIntervals([...real, { ...real[0], perKwh: "1" }])).toThrow(/body\[192\]\.perKwh/);
    const viaZod = intervalWire.array().parse(real);
    expect(fast.map(({ start: _s, end: _e, ...rest }) => rest)).toEqual(viaZod);
  });

  it("does not touch the caller's objects unless asked to", () => {
    const body = structuredClone(real.slice(0, 3));
    parseIntervals(body);
    expect(body[0]).not.toHaveProperty("start");
    const inPlace = parseIntervals(body, "getPrices", { inPlace: true });
    expect(inPlace[0]).toBe(body[0]);
  });

  it("reads date-times exactly as Date.parse does", () => {
    const digits = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, "0"));
    const zone = fc.oneof(
      fc.constant("Z"),
      fc.tuple(fc.constantFrom("+", "-"), digits(2), digits(2)).map(([s, h, m]) => `${s}${h}:${m}`),
    );
    const fraction = fc.oneof(
      fc.constant(""),
      digits(3).map((d) => `.${d}`),
    );
    const text = fc
      .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), fraction, zone)
      .map(([y, mo, d, h, mi, s, f, z]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${f}${z}`);
    fc.assert(
      fc.property(text, (s) => {
        expect(Object.is(dateTimeMs(s), Date.parse(s))).toBe(true);
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
        expect(dateTimeMs(iso)).toBe(Date.parse(iso));
      }),
    );
    expect(dateTimeMs("2024-09-04T00:30:00+10:00")).toBe(Date.parse("2024-09-03T14:30:00Z"));
    expect(dateTimeMs("2024-09-03 14:30:00Z")).toBeNaN();
    expect(dateTimeMs(1725373800000)).toBeNaN();
  });
});
