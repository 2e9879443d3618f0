import { describe, expect, it } from "vitest";
import type { Price } from "./api.js";
import { bucketCosts } from "./cost.js";

const HALF_HOUR = 1_800_000;
const t0 = Date.UTC(2026, 0, 1);
const price = (channel: string, start: number, cents: number): Price => ({
  source: "amber:x",
  channel,
  start: new Date(start).toISOString(),
  end: new Date(start + HALF_HOUR).toISOString(),
  issuedAt: new Date(start).toISOString(),
  kind: "actual",
  estimate: false,
  perKwhCents: cents,
  renewablesPct: 30,
  descriptor: "neutral",
  spike: "none",
});

describe("the Day view's grid cost", () => {
  it("prices import at the general price and export at the feed-in price (negative: earned), per bucket", () => {
    const samples = {
      t: [t0, t0 + HALF_HOUR, t0 + 2 * HALF_HOUR, t0 + 3 * HALF_HOUR],
      gridW: [1000, -2000, null, 500],
      pvW: [],
      loadW: [],
      batteryW: [],
      soc: [],
      evW: [],
    };
    const prices = [price("general", t0, 20), price("feedIn", t0 + HALF_HOUR, -8), price("general", t0 + HALF_HOUR, 30)];
    // 1 kW for half an hour at 20 c = 10 c; 2 kW exported for half an hour at -8 c = -8 c; no reading; no price.
    expect(bucketCosts(samples, HALF_HOUR, prices)).toEqual([10, -8, null, null]);
  });
});
