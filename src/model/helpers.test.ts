import { describe, expect, it } from "vitest";
import { diffFields, earningsPerKwhCents, powerBalanceW } from "./helpers.js";

describe("model helpers", () => {
  it("diffs nested objects field by field", () => {
    expect(diffFields({ a: 1, b: { c: "x", d: [1, 2] }, e: true }, { a: 1, b: { c: "y", d: [1, 3] }, f: 2 })).toEqual([
      { field: "b.c", before: "x", after: "y" },
      { field: "b.d[1]", before: 2, after: 3 },
      { field: "e", before: true, after: undefined },
      { field: "f", before: undefined, after: 2 },
    ]);
    expect(diffFields({ a: 1 }, { a: 1 })).toEqual([]);
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
