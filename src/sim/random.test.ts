import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng, gaussianFromHash, hash01, hash01a, hash01ab, hash32, subSeed, valueNoise1D } from "./random.js";

describe("createRng", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 50 }, a);
    expect(Array.from({ length: 50 }, b)).toEqual(seqA);
    expect(Array.from({ length: 50 }, c)).not.toEqual(seqA);
    for (const v of seqA) expect(v >= 0 && v < 1).toBe(true);
  });

  it("is roughly uniform", () => {
    const rng = createRng(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(rng() * 10)]!++;
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });
});

describe("hash noise", () => {
  it("depends only on (seed, key), in [0, 1)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer({ min: -1e12, max: 1e12 }), { maxLength: 4 }), (seed, ints) => {
        const v = hash01(seed, ...ints);
        expect(v).toBe(hash01(seed, ...ints));
        expect(v >= 0 && v < 1).toBe(true);
      }),
    );
  });

  it("matches the fixed-arity fast paths", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1e13, max: 1e13 }), fc.integer(), (seed, a, b) => {
        expect(hash01a(seed, a)).toBe(hash01(seed, a));
        expect(hash01ab(seed, a, b)).toBe(hash01(seed, a, b));
      }),
    );
  });

  it("separates keys that agree modulo 2^32, and keys of different lengths", () => {
    const ms = Date.UTC(2025, 0, 1);
    expect(hash32(1, ms)).not.toBe(hash32(1, ms + 2 ** 32));
    expect(hash32(1, 5)).not.toBe(hash32(1, 5, 0));
    expect(hash32(1, 5)).not.toBe(hash32(2, 5));
    expect(subSeed(1, "cloud")).not.toBe(subSeed(1, "load"));
  });

  it("valueNoise1D is continuous, hits the lattice values, and averages 0.5", () => {
    let sum = 0;
    let maxJump = 0;
    let outOfRange = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const x = i * 0.37;
      const v = valueNoise1D(9, x);
      if (!(v >= 0 && v < 1)) outOfRange++;
      maxJump = Math.max(maxJump, Math.abs(valueNoise1D(9, x + 1e-6) - v));
      sum += v;
    }
    expect(outOfRange).toBe(0);
    expect(maxJump).toBeLessThan(1e-4);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.02);
    expect(valueNoise1D(9, 12)).toBe(hash01(9, 12));
  });

  it("gaussianFromHash has mean 0 and variance 1", () => {
    let sum = 0;
    let sq = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const g = gaussianFromHash(3, i);
      sum += g;
      sq += g * g;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.03);
    expect(gaussianFromHash(3, 17)).toBe(gaussianFromHash(3, 17));
  });
});
