import { describe, expect, it } from "vitest";
import { earningsPerKwhCents } from "../model/helpers.js";
import { toPriceIntervals } from "./adapter.js";
import { parseIntervals } from "./intervals.js";
import { fixture } from "./test-support/fixtures.js";

describe("toPriceIntervals", () => {
  const raw = fixture<Array<Record<string, unknown>>>("prices-2day-30min-general-feedin.json");
  const amber = parseIntervals(raw);
  const unified = toPriceIntervals(amber);

  it("converts the real 192-interval response, one unified interval each", () => {
    expect(unified).toHaveLength(192);
    expect(unified.map((p) => p.raw)).toEqual(amber);
  });

  it("tiles time without Amber's one-second gap, per channel", () => {
    for (const channel of ["general", "feedIn"] as const) {
      const series = unified.filter((p) => p.channel === channel);
      expect(series[0]!.start.toISOString()).toBe("2024-09-03T14:00:00.000Z"); // 00:00 NEM on 2024-09-04
      expect(series.at(-1)!.end.toISOString()).toBe("2024-09-05T14:00:00.000Z"); // 24:00 NEM on 2024-09-05
      for (let i = 1; i < series.length; i++) expect(series[i]!.start.getTime()).toBe(series[i - 1]!.end.getTime());
      for (const p of series) {
        expect(p.durationMin).toBe(30);
        expect(p.end.getTime() - p.start.getTime()).toBe(30 * 60_000);
      }
    }
  });

  it("keeps Amber's 'what you pay' sign: feed-in negative = paid; spot and range never inverted", () => {
    const at = (channel: string, endTime: string) =>
      unified.find((p) => p.channel === channel && (p.raw as { endTime: string }).endTime === endTime)!;
    // First interval: general pays 15.63 c; feed-in earns 7.67 c (perKwh -7.66765); same spot on both.
    const general = at("general", "2024-09-03T14:30:00Z");
    const feedIn = at("feedIn", "2024-09-03T14:30:00Z");
    expect(general.perKwhCents).toBe(15.63436);
    expect(feedIn.perKwhCents).toBe(-7.66765);
    expect(earningsPerKwhCents(feedIn)).toBe(7.66765);
    expect(feedIn.spotPerKwhCents).toBe(general.spotPerKwhCents);
    // Negative spot: exporting costs money (feed-in perKwh +2.09587) in the current interval.
    const currentFeedIn = unified.find((p) => p.channel === "feedIn" && p.kind === "current")!;
    expect(currentFeedIn.spotPerKwhCents).toBe(-0.93933);
    expect(currentFeedIn.perKwhCents).toBe(2.09587);
    expect(currentFeedIn.advanced).toEqual({ lowCents: 4.23034, predictedCents: 3.72819, highCents: 3.20744 });
    const last = at("feedIn", "2024-09-05T14:00:00Z");
    expect(last.spotRange).toEqual({ minCents: 4.59729, maxCents: 7.58 });
    expect(at("general", "2024-09-05T14:00:00Z").spotRange).toEqual(last.spotRange);
    for (const p of unified) expect(p.perKwhCents).toBe((p.raw as { perKwh: number }).perKwh);
  });

  it("sets kind, estimate, nemDate, descriptor and spike from the interval", () => {
    const kinds = unified.map((p) => p.kind);
    expect(kinds.filter((k) => k === "actual")).toHaveLength(56);
    expect(kinds.filter((k) => k === "current")).toHaveLength(2);
    expect(kinds.filter((k) => k === "forecast")).toHaveLength(134);
    for (const p of unified) {
      expect(p.estimate).toBe(p.kind === "actual" ? false : p.kind === "forecast" ? true : (p.raw as { estimate: boolean }).estimate);
      expect(p.nemDate).toBe((p.raw as { date: string }).date);
      if (p.kind === "actual") expect(p.advanced === undefined && p.spotRange === undefined).toBe(true);
    }
    const locked = toPriceIntervals(parseIntervals(fixture("current-interval-5min-issue222.json")))[0]!;
    expect(locked).toMatchObject({
      kind: "current",
      estimate: false,
      durationMin: 5,
      descriptor: "veryLow",
      spike: "none",
      nemDate: "2024-09-12",
    });
  });

  it("converts the evcc feed-in forecast: advanced band keeps the inverted sign", () => {
    const [p] = toPriceIntervals(parseIntervals(fixture("forecast-interval-feedin-evcc22405.json")));
    expect(p).toMatchObject({
      channel: "feedIn",
      perKwhCents: -8.30172,
      spotPerKwhCents: 8.71696,
      advanced: { lowCents: -7.13763, predictedCents: -11.13379, highCents: -14.92346 },
    });
    expect(p!.advanced!.lowCents).toBeGreaterThan(p!.advanced!.highCents);
  });

  it("keeps channel types it does not know (a new Amber channel is never dropped), and can leave out raw", () => {
    const withUnknown = parseIntervals(
      fixture<Array<Record<string, unknown>>>("prices-current-default-general-only-issue168.json").flatMap((i) => [
        i,
        { ...i, channelType: "battery" },
      ]),
    );
    const out = toPriceIntervals(withUnknown, { includeRaw: false });
    expect(out.map((i) => i.channel)).toEqual(["general", "battery"]);
    expect(out[0]!.raw).toBeUndefined();
  });
});
