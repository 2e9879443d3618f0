/**
 * Seeded randomness for the simulators.
 *
 * Two kinds: a sequential PRNG (`createRng`) for code that consumes numbers in a fixed order, and
 * stateless hash noise (`hash01`, `valueNoise1D`, `gaussianFromHash`) whose value depends only on
 * (seed, key). The models use the stateless kind so that a value at a given time never depends on
 * which other times were asked about first.
 */

const TWO_POW_32 = 4_294_967_296;

/**
 * A mulberry32 generator: fast, 32-bit state, good enough for simulation (not for cryptography).
 * Returns numbers in [0, 1); the same seed always gives the same sequence.
 */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

// MurmurHash3's 32-bit block mix and finaliser: cheap, and every input bit affects every output bit.
function mixBlock(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixInt(h: number, v: number): number {
  // Epoch milliseconds exceed 32 bits: hash the high word too, so such keys do not collide modulo 2^32.
  h = mixBlock(h, v >>> 0);
  return mixBlock(h, Math.floor(v / TWO_POW_32) | 0);
}

/**
 * A 32-bit unsigned hash of (seed, ...ints). Inputs are integers (fractions are truncated); any
 * safe integer works, including negatives and epoch milliseconds.
 */
export function hash32(seed: number, ...ints: number[]): number {
  let h = seed >>> 0;
  for (let i = 0; i < ints.length; i++) h = mixInt(h, ints[i]!);
  return finalise(h ^ ints.length);
}

/** A uniform value in [0, 1) that depends only on (seed, ...ints). */
export function hash01(seed: number, ...ints: number[]): number {
  return hash32(seed, ...ints) / TWO_POW_32;
}

/** `hash01(seed, a)` without the rest-parameter allocation, for per-step hot paths. */
export function hash01a(seed: number, a: number): number {
  return finalise(mixInt(seed >>> 0, a) ^ 1) / TWO_POW_32;
}

/** `hash01(seed, a, b)` without the rest-parameter allocation, for per-step hot paths. */
export function hash01ab(seed: number, a: number, b: number): number {
  return finalise(mixInt(mixInt(seed >>> 0, a), b) ^ 2) / TWO_POW_32;
}

/**
 * Smooth 1-D value noise in [0, 1): hashed values at the integer lattice points, joined by
 * smoothstep interpolation. Neighbouring x give neighbouring values; the mean is 0.5; the value at
 * x depends only on (seed, x). Scale x to choose the correlation length (x in days: day-to-day weather).
 */
export function valueNoise1D(seed: number, x: number): number {
  const i = Math.floor(x);
  const f = x - i;
  const a = hash01a(seed, i);
  const b = hash01a(seed, i + 1);
  const u = f * f * (3 - 2 * f);
  return a + (b - a) * u;
}

/**
 * A standard normal value (mean 0, standard deviation 1) that depends only on (seed, ...ints),
 * by the Box-Muller transform of two hashed uniforms.
 */
export function gaussianFromHash(seed: number, ...ints: number[]): number {
  const u1 = hash01(seed, ...ints, 0x51ed);
  const u2 = hash01(seed, ...ints, 0x27d4);
  // 1 - u1 is in (0, 1], so the logarithm is finite.
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/** Derives an independent sub-seed for one purpose (e.g. "cloud", "load") from a model seed. */
export function subSeed(seed: number, purpose: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < purpose.length; i++) h = mixBlock(h, purpose.charCodeAt(i));
  return finalise(h ^ purpose.length);
}
