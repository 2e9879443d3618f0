import { describe, expect, it } from "vitest";
import { diffFields, earningsPerKwhCents, powerBalanceW } from "./helpers.js";
import { diffFields as coreDiffFields } from "../core/diff.js";

describe("model helpers", () => {
  it("re-exports the core deep diff", () => {
    expect(diffFields).toBe(coreDiffFields);
  });

  it("checks a power flow's balance", () => {
    expect(powerBalanceW({ pvW: 3000, gridW: -500, batteryW: -1000, loadW: 1500, evW: 0 })).toBe(0);
    expect(powerBalanceW({ pvW: null, gridW: 0, batteryW: 0, loadW: 0 })).toBeNull();
  });

  it("states feed-in earnings plainly", () => {
    expect(earningsPerKwhCents({ perKwhCents: -8.3 })).toBe(8.3);
    expect(earningsPerKwhCents({ perKwhCents: 2.1 })).toBe(-2.1);
  });
});
