import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResponseFormatError } from "../core/errors/index.js";
import { formatNemTime, nemDateOfIntervalEnd } from "../core/time/nem.js";
import {
  groupByChannel,
  groupByChannelIdentifier,
  intervalAt,
  isEstimate,
  kindOf,
  parseIntervals,
  parseRenewables,
  parseSites,
  parseUsage,
  type AmberInterval,
} from "./intervals.js";
import { fixture, fixtureNames } from "./test-support/fixtures.js";

const PRICE_FIXTURES = [
  "prices-2day-30min-general-feedin.json",
  "prices-current-5min-issue247-excerpt.json",
  "current-interval-5min-tou-estimate-issue272.json",
  "current-interval-5min-issue222.json",
  "prices-current-default-general-only-issue168.json",
  "forecast-interval-feedin-evcc22405.json",
  "actual-interval-demandwindow-true-issue161.json",
];

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** A wire interval as Amber would send it, for property tests. */
function wireInterval(
  endMs: number,
  duration: 5 | 30,
  channelType: string,
  type: AmberInterval["type"],
  perKwh = 10,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type,
    date: nemDateOfIntervalEnd(endMs),
    duration,
    startTime: iso(endMs - duration * 60_000 + 1000),
    endTime: iso(endMs),
    nemTime: formatNemTime(endMs),
    perKwh,
    renewables: 40.1,
    spotPerKwh: 5,
    channelType,
    spikeStatus: "none",
    descriptor: "low",
  };
  if (type === "CurrentInterval") out.estimate = true;
  return out;
}

describe("parsing the fixtures", () => {
  it("covers every JSON fixture with a parser (no fixture left untested)", () => {
    const covered = new Set([
      ...PRICE_FIXTURES,
      "usage-5min-issue256-excerpt.json",
      "renewables-nsw-default.json",
      "renewables-vic-next1-previous1.json",
      "sites.json",
      "sites-spec-examples.json",
      "error-401-missing-token.json",
      "error-429-gateway-inferred.json",
      "error-500.json",
      "ratelimit-headers-200.json",
      "ratelimit-headers-429-gateway-observed.json",
    ]);
    expect(fixtureNames().filter((f) => !covered.has(f))).toEqual([]);
  });

  it.each(PRICE_FIXTURES)("%s parses into typed intervals whose times follow the spec", (name) => {
    const raw = fixture<Array<Record<string, unknown>>>(name);
    const intervals = parseIntervals(raw);
    expect(intervals).toHaveLength(raw.length);
    for (const [i, interval] of intervals.entries()) {
      // Every wire field is kept unchanged.
      for (const [key, value] of Object.entries(raw[i]!)) expect(interval[key as keyof AmberInterval]).toEqual(value);
      expect(interval.end.getTime()).toBe(Date.parse(interval.endTime));
      expect(interval.end.getTime() - interval.start.getTime()).toBe(interval.duration * 60_000);
      // startTime is one second after the start; nemTime is the end at +10:00; date is the NEM day of (end - 1 s).
      expect(Date.parse(interval.startTime) - interval.start.getTime()).toBe(1000);
      expect(interval.nemTime).toBe(formatNemTime(interval.end));
      expect(interval.date).toBe(nemDateOfIntervalEnd(interval.end));
    }
  });

  it("reads the real 192-interval response: 2 channels × (28 actual + 1 current + 67 forecast)", () => {
    const intervals = parseIntervals(fixture("prices-2day-30min-general-feedin.json"));
    const groups = groupByChannel(intervals);
    expect([...groups.keys()]).toEqual(["general", "feedIn"]);
    for (const group of groups.values()) {
      expect(group.map(kindOf).filter((k) => k === "actual")).toHaveLength(28);
      expect(group.map(kindOf).filter((k) => k === "current")).toHaveLength(1);
      expect(group.map(kindOf).filter((k) => k === "forecast")).toHaveLength(67);
    }
    const last = groups.get("general")!.at(-1)!;
    // The last interval of 09-05 ends at 24:00, i.e. nemTime on 09-06, date 09-05.
    expect(last.date).toBe("2024-09-05");
    expect(last.nemTime).toBe("2024-09-06T00:00:00+10:00");
    const current = intervals.find((i) => i.type === "CurrentInterval" && i.channelType === "general")!;
    expect(current.type === "CurrentInterval" && current.estimate).toBe(true);
    expect(isEstimate(current)).toBe(true);
  });

  it("keeps optional advancedPrice, range and tariffInformation only where sent", () => {
    const intervals = parseIntervals(fixture("prices-2day-30min-general-feedin.json"));
    const withRange = intervals.filter((i) => i.type !== "ActualInterval" && i.range);
    const withAdvanced = intervals.filter((i) => i.type !== "ActualInterval" && i.advancedPrice);
    expect(withRange).toHaveLength(54);
    expect(withAdvanced.length).toBeGreaterThan(0);
    expect(intervals.filter((i) => i.type === "ActualInterval").every((i) => !("advancedPrice" in i) && !("range" in i))).toBe(true);
    expect(intervals.filter((i) => i.channelType === "feedIn").every((i) => i.tariffInformation === undefined)).toBe(true);
    const tou = parseIntervals(fixture("current-interval-5min-tou-estimate-issue272.json"))[0]!;
    expect(tou.tariffInformation).toEqual({ period: "shoulder", season: "default" });
    expect(parseIntervals(fixture("actual-interval-demandwindow-true-issue161.json"))[0]!.tariffInformation).toEqual({
      demandWindow: true,
    });
  });

  it("parses usage, renewables and sites", () => {
    const usage = parseUsage(fixture("usage-5min-issue256-excerpt.json"));
    expect(usage[0]).toMatchObject({ channelIdentifier: "E1", kwh: 0.025, cost: 0.4762, quality: "billable", duration: 5 });
    expect(usage[0]!.start.toISOString()).toBe("2025-07-13T14:00:00.000Z");
    const vic = parseRenewables(fixture("renewables-vic-next1-previous1.json"));
    expect(vic.map((r) => r.type)).toEqual(["ActualRenewable", "CurrentRenewable", "ForecastRenewable"]);
    expect(vic[1]!.renewables).toBeCloseTo(55.267, 6);
    expect(parseRenewables(fixture("renewables-nsw-default.json"))).toHaveLength(1);
    const sites = parseSites(fixture("sites.json"));
    expect(sites[0]).toMatchObject({ id: "01GM47PZ7VYRDP071ED43M47TX", intervalLength: 5, status: "active" });
    const spec = parseSites(fixture("sites-spec-examples.json"));
    expect(spec.map((s) => s.status)).toEqual(["active", "closed"]);
    expect(spec[1]!.closedOn).toBe("2022-05-01");
  });
});

describe("tolerance and strictness", () => {
  const base = () => wireInterval(Date.UTC(2025, 0, 1, 0, 30), 30, "general", "ForecastInterval");

  it("tolerates unknown fields and unknown enum values", () => {
    const [parsed] = parseIntervals([
      { ...base(), descriptor: "ultraLow", spikeStatus: "maybe", channelType: "battery", brandNew: { x: 1 } },
    ]);
    expect(parsed).toMatchObject({ descriptor: "ultraLow", spikeStatus: "maybe", channelType: "battery", brandNew: { x: 1 } });
    const [tou] = parseIntervals([{ ...base(), tariffInformation: { period: "superOffPeak", season: "monsoon", block: 2 } }]);
    expect(tou!.tariffInformation).toEqual({ period: "superOffPeak", season: "monsoon", block: 2 });
    const [nulls] = parseIntervals([{ ...base(), range: null, advancedPrice: null, tariffInformation: null }]);
    expect(nulls!.type === "ForecastInterval" && nulls!.range).toBeNull();
  });

  it.each([
    ["an unknown interval type", { type: "PredictedInterval" }, "body[0].type"],
    ["a missing perKwh", { perKwh: undefined }, "body[0].perKwh"],
    ["a string price", { perKwh: "12.3" }, "body[0].perKwh"],
    ["an unknown duration", { duration: 60 }, "body[0].duration"],
    ["a malformed endTime", { endTime: "2025-01-01 00:30" }, "body[0].endTime"],
    ["a startTime that disagrees with endTime and duration", { startTime: "2025-01-01T00:05:01Z" }, "body[0].startTime"],
    ["a malformed date", { date: "20250101" }, "body[0].date"],
  ])("rejects %s with a ResponseFormatError naming the path", (_name, patch, path) => {
    let error: unknown;
    try {
      parseIntervals([{ ...base(), ...patch }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect(error).toMatchObject({ path, vendor: "amber" });
  });

  it("requires estimate on a CurrentInterval and rejects a body that is not an array", () => {
    const current = wireInterval(Date.UTC(2025, 0, 1, 0, 30), 30, "general", "CurrentInterval");
    delete current.estimate;
    expect(() => parseIntervals([current])).toThrow(ResponseFormatError);
    expect(() => parseIntervals({ message: "Internal server error" })).toThrow(ResponseFormatError);
  });
});

describe("grouping and lookup", () => {
  it("groups by channelType whatever the array order, chronological within each channel", () => {
    const real = parseIntervals(fixture("prices-2day-30min-general-feedin.json"));
    fc.assert(
      fc.property(fc.shuffledSubarray(real, { minLength: real.length, maxLength: real.length }), (shuffled) => {
        const groups = groupByChannel(shuffled);
        expect([...groups.keys()]).toEqual(["general", "feedIn"]);
        for (const [channel, group] of groups) {
          expect(group.every((i) => i.channelType === channel)).toBe(true);
          expect(group).toHaveLength(96);
          for (let i = 1; i < group.length; i++) expect(group[i]!.end.getTime()).toBeGreaterThan(group[i - 1]!.end.getTime());
        }
      }),
      { numRuns: 30 },
    );
  });

  it("orders channels general, controlledLoad, feedIn, then unknown types", () => {
    const t = Date.UTC(2025, 0, 1, 0, 30);
    const groups = groupByChannel(
      parseIntervals(["mystery", "feedIn", "controlledLoad", "general"].map((c) => wireInterval(t, 30, c, "ActualInterval"))),
    );
    expect([...groups.keys()]).toEqual(["general", "controlledLoad", "feedIn", "mystery"]);
    const usage = parseUsage(
      [
        ["B1", "feedIn"],
        ["E2", "general"],
        ["E1", "general"],
      ].map(([id, type]) => ({
        ...wireInterval(t, 30, type!, "ActualInterval"),
        type: "Usage",
        channelIdentifier: id,
        kwh: 1,
        cost: 1,
        quality: "billable",
      })),
    );
    expect([...groupByChannelIdentifier(usage).keys()]).toEqual(["E2", "E1", "B1"]);
  });

  it("finds the interval at any instant, including the second between endTime and the next startTime", () => {
    const intervals = parseIntervals(fixture("prices-2day-30min-general-feedin.json"));
    const boundary = Date.parse("2024-09-04T04:00:00Z");
    // In the one-second gap (04:00:00.500Z) the 04:00-04:30 interval applies; startTime is 04:00:01Z.
    const inGap = intervalAt(intervals, boundary + 500, "feedIn")!;
    expect(inGap.startTime).toBe("2024-09-04T04:00:01Z");
    expect(inGap.channelType).toBe("feedIn");
    // Exactly at the boundary, the earlier interval has ended (end is exclusive).
    expect(intervalAt(intervals, boundary)!.endTime).toBe("2024-09-04T04:30:00Z");
    expect(intervalAt(intervals, boundary - 1)!.endTime).toBe("2024-09-04T04:00:00Z");
    expect(intervalAt(intervals, Date.parse("2024-09-06T00:00:00Z"))).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: Date.parse("2024-09-03T14:00:00Z"), max: Date.parse("2024-09-05T13:59:59.999Z") }), (t) => {
        const found = intervalAt(intervals, t, "general")!;
        expect(found.start.getTime()).toBeLessThanOrEqual(t);
        expect(found.end.getTime()).toBeGreaterThan(t);
      }),
    );
  });

  it("handles mixed 5- and 30-minute forecasts: tiles, and the shorter interval wins an overlap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (fives, thirties, halfHour) => {
          const base = Date.UTC(2025, 0, 1) + halfHour * 1_800_000;
          const wire = [];
          for (let i = 1; i <= fives; i++)
            wire.push(wireInterval(base + i * 300_000, 5, "general", i === 1 ? "CurrentInterval" : "ForecastInterval"));
          // 30-minute forecasts start at the next half-hour boundary after the 5-minute ones.
          const firstThirty = Math.ceil((base + fives * 300_000) / 1_800_000) * 1_800_000;
          for (let i = 1; i <= thirties; i++) wire.push(wireInterval(firstThirty + i * 1_800_000, 30, "general", "ForecastInterval"));
          const intervals = parseIntervals(wire);
          for (let i = 0; i < fives; i++) expect(intervalAt(intervals, base + i * 300_000 + 299_999)!.duration).toBe(5);
          expect(intervalAt(intervals, firstThirty + 1_800_000 * thirties - 1)!.duration).toBe(30);
        },
      ),
      { numRuns: 50 },
    );
    const overlapping = parseIntervals([
      wireInterval(Date.UTC(2025, 0, 1, 0, 30), 30, "general", "ForecastInterval"),
      wireInterval(Date.UTC(2025, 0, 1, 0, 10), 5, "general", "CurrentInterval"),
    ]);
    expect(intervalAt(overlapping, Date.UTC(2025, 0, 1, 0, 7))!.duration).toBe(5);
    expect(intervalAt(overlapping, Date.UTC(2025, 0, 1, 0, 12))!.duration).toBe(30);
  });

  it("round-trips any aligned interval: start/end from endTime and duration, date and nemTime per the spec", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_000_000 }),
        fc.constantFrom<5 | 30>(5, 30),
        fc.constantFrom("general", "feedIn", "controlledLoad"),
        (n, duration, channel) => {
          const end = Date.UTC(2020, 0, 1) + n * duration * 60_000;
          const [parsed] = parseIntervals([wireInterval(end, duration, channel, "ActualInterval")]);
          expect(parsed!.end.getTime()).toBe(end);
          expect(parsed!.start.getTime()).toBe(end - duration * 60_000);
          expect(parsed!.nemTime.endsWith("+10:00")).toBe(true);
          expect(Date.parse(parsed!.nemTime)).toBe(end);
        },
      ),
    );
  });
});
