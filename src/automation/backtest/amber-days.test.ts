import { describe, expect, it } from "vitest";
import { readFixture } from "../../../test/support/fixtures.js";
import { AmberPriceDays } from "./amber-days.js";
import { runBacktest } from "./backtest.js";

const body = readFixture<unknown>("amber", "prices-2day-30min-general-feedin.json");

describe("AmberPriceDays (the real 2-day capture)", () => {
  const prices = new AmberPriceDays(body);

  it("holds two whole NEM days on the half-hour grid, feed-in sign flipped", () => {
    expect(new Date(prices.startMs).toISOString()).toBe("2024-09-03T14:00:00.000Z"); // 00:00 NEM, 4 Sep
    expect(prices.days).toBe(2);
    expect(prices.endMs - prices.startMs).toBe(2 * 86_400_000);
    // First interval of the file: general 15.63436 c, feedIn −8.x c (Amber: negative = paid).
    const first = prices.actual(prices.startMs);
    expect(first.importCents).toBeCloseTo(15.63436, 5);
    expect(first.exportCents).toBeGreaterThan(0);
    expect(() => prices.actual(prices.endMs)).toThrow(RangeError);
  });

  it("refuses a body without a general channel", () => {
    const feedInOnly = (body as { channelType: string }[]).filter((i) => i.channelType === "feedIn");
    expect(() => new AmberPriceDays(feedInOnly)).toThrow(/general/);
  });
});

describe("backtest on the real Amber price days", () => {
  it("orders the strategies: perfect foresight saves at least what the automation does, costs add up", async () => {
    const prices = new AmberPriceDays(body);
    const result = await runBacktest({ days: prices.days, seed: 1, startMs: prices.startMs, prices });
    expect(result.strategies.map((s) => s.name.slice(0, 3))).toEqual(["(a)", "(b)", "(c)", "(c)", "(c)", "(d)", "(c)", "(d)"]);
    const [selfUse, , alpha, goodwe, ideal, perfect, idealNoExport, perfectNoExport] = result.strategies;
    expect(selfUse!.savingCents).toBe(0);
    for (const s of result.strategies) {
      expect(s.dailyCostCents).toHaveLength(2);
      expect(Number.isFinite(s.costCents)).toBe(true);
      expect(s.savingCents).toBeCloseTo(selfUse!.costCents - s.costCents, 9);
    }
    expect(perfect!.ofPerfectPct).toBeCloseTo(100, 9);
    // (d) >= (c): perfect foresight saves at least what the automation with forecasts does
    // (1 c slack: (d) plans on 30-minute means and is settled per minute).
    expect(perfect!.savingCents).toBeGreaterThan(0);
    expect(perfect!.savingCents + 1).toBeGreaterThanOrEqual(ideal!.savingCents);
    expect(perfect!.savingCents + 1).toBeGreaterThanOrEqual(goodwe!.savingCents);
    expect(perfect!.savingCents + 1).toBeGreaterThanOrEqual(alpha!.savingCents);
    // An AlphaESS battery never exports: its own perfect foresight is the fair reference, and it saves no more than (d).
    expect(perfectNoExport!.savingCents).toBeLessThanOrEqual(perfect!.savingCents + 1);
    expect(perfectNoExport!.savingCents + 1).toBeGreaterThanOrEqual(idealNoExport!.savingCents);
    expect(alpha!.ofDevicePerfectPct).toBeCloseTo((alpha!.savingCents / perfectNoExport!.savingCents) * 100, 9);
    expect(goodwe!.ofDevicePerfectPct).toBeCloseTo(goodwe!.ofPerfectPct!, 9);
    // With the real prices' negative midday feed-in, the automation pays off against self-consumption.
    expect(ideal!.savingCents).toBeGreaterThan(0);
    expect(goodwe!.savingCents).toBeGreaterThan(0);
    expect(result.compilationLossCents.alphaess).toBeCloseTo(alpha!.costCents - idealNoExport!.costCents, 9);
    expect(result.compilationLossCents.goodwe).toBeCloseTo(goodwe!.costCents - ideal!.costCents, 9);
    // Only the compiled strategies write to a device, within the day's budget (the service's default, 6).
    expect(result.dailyWriteBudget).toBe(6);
    for (const s of [alpha!, goodwe!]) {
      expect(s.writesPerDay!).toBeGreaterThan(0);
      expect(s.writesPerDay!).toBeLessThanOrEqual(6);
    }
    for (const s of [selfUse!, ideal!, perfect!, idealNoExport!, perfectNoExport!]) expect(s.writesPerDay).toBeNull();
  }, 300_000);
});
