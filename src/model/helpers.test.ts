import { describe, expect, it } from "vitest";
import { applyOk, diffFields, earningsPerKwhCents, powerBalanceW } from "./helpers.js";
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

describe("applyOk", () => {
  const write = (ok: boolean) => ({
    target: "t",
    description: "d",
    before: null,
    after: null,
    changes: [],
    constraints: [{ name: "grid", ok, detail: "" }],
    payload: null,
  });
  it("a dry run is ok when every check passed and nothing failed", () => {
    expect(applyOk({ dryRun: true, results: [{ write: write(true), sent: false, taken: null }] })).toBe(true);
    expect(applyOk({ dryRun: true, results: [{ write: write(false), sent: false, taken: null }] })).toBe(false);
    expect(applyOk({ dryRun: true, results: [{ write: write(true), sent: false, taken: null, error: "x" }] })).toBe(false);
  });
  it("an apply is ok when every write was sent and none read back different; requireTaken asks for confirmation", () => {
    const sentUnverified = { dryRun: false, results: [{ write: write(true), sent: true, taken: null }] };
    expect(applyOk(sentUnverified)).toBe(true);
    expect(applyOk(sentUnverified, { requireTaken: true })).toBe(false);
    expect(applyOk({ dryRun: false, results: [{ write: write(true), sent: null, taken: true }] })).toBe(false);
    expect(applyOk({ dryRun: false, results: [{ write: write(true), sent: true, taken: false }] })).toBe(false);
  });
});
