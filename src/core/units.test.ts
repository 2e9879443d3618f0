import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors/index.js";
import { assertFraction, assertInteger, energyKwh, fractionToPercent, percentToFraction } from "./units.js";
import { VERSION } from "./version.js";

describe("units", () => {
  it("converts percent and fractions without float noise", () => {
    expect(percentToFraction(56)).toBe(0.56);
    expect(percentToFraction(null)).toBeNull();
    expect(fractionToPercent(0.9)).toBe(90);
    expect(fractionToPercent(0.07)).toBe(7);
  });

  it("rejects levels outside 0..1 and hints at percent mistakes", () => {
    expect(assertFraction(0.9, "stopLevel")).toBe(0.9);
    expect(() => assertFraction(90, "stopLevel")).toThrow(/write 0.9 for 90 %/);
    expect(() => assertFraction(Number.NaN, "stopLevel")).toThrow(ValidationError);
    expect(() => assertFraction(-0.1, "stopLevel")).toThrow(ValidationError);
  });

  it("enforces a step and whole numbers when asked", () => {
    expect(assertFraction(0.07, "soc", { step: 0.01 })).toBe(0.07);
    expect(() => assertFraction(0.075, "soc", { step: 0.01 })).toThrow(/multiple of 0.01/);
    expect(assertInteger(47000, "register", 0, 65535)).toBe(47000);
    expect(() => assertInteger(1.5, "register", 0, 65535)).toThrow(ValidationError);
    expect(() => assertInteger(Number.NaN, "retries", 0, 10)).toThrow(ValidationError);
  });

  it("computes energy", () => {
    expect(energyKwh(1000, 3_600_000)).toBe(1);
  });

  it("keeps VERSION equal to package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
