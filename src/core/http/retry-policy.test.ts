import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, backoffDelay, resolveRetryPolicy, retryDelay } from "./retry-policy.js";

describe("backoffDelay", () => {
  it("grows exponentially up to the cap without jitter", () => {
    const policy = resolveRetryPolicy({ jitter: "none", baseDelayMs: 100, factor: 2, maxDelayMs: 1000 });
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("full jitter stays within [0, step] for any retry and random value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (retry, r) => {
        const step = Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** (retry - 1));
        const delay = backoffDelay(DEFAULT_RETRY_POLICY, retry, () => r);
        return delay >= 0 && delay <= step;
      }),
    );
  });
});

describe("retryDelay", () => {
  const base = { retriesSoFar: 0, retryable: true, sent: true };

  it("retries a retryable GET", () => {
    expect(retryDelay(DEFAULT_RETRY_POLICY, { ...base, method: "GET" }, () => 0.5)).toBe(150);
  });

  it("never retries a POST that may have been sent", () => {
    expect(retryDelay(DEFAULT_RETRY_POLICY, { ...base, method: "POST" })).toBeNull();
    expect(retryDelay(DEFAULT_RETRY_POLICY, { ...base, method: "PUT" })).toBeNull();
  });

  it("retries a POST that provably never left", () => {
    expect(retryDelay(DEFAULT_RETRY_POLICY, { ...base, method: "POST", sent: false }, () => 0)).toBe(0);
  });

  it("respects an explicit idempotency flag both ways", () => {
    expect(retryDelay(DEFAULT_RETRY_POLICY, { ...base, method: "POST", idempotent: true }, () => 0)).toBe(0);
    expect(retryDelay(DEFAULT_RETRY_POLICY, { ...base, method: "GET", idempotent: false })).toBeNull();
  });

  it("stops at the limit and for permanent errors", () => {
    expect(retryDelay(DEFAULT_RETRY_POLICY, { ...base, method: "GET", retriesSoFar: DEFAULT_RETRY_POLICY.limit })).toBeNull();
    expect(retryDelay(DEFAULT_RETRY_POLICY, { ...base, method: "GET", retryable: false })).toBeNull();
  });

  it("waits at least what the server asked, and gives up when it asks too much", () => {
    expect(retryDelay(DEFAULT_RETRY_POLICY, { ...base, method: "GET", retryAfterMs: 5000 }, () => 0)).toBe(5000);
    expect(retryDelay(DEFAULT_RETRY_POLICY, { ...base, method: "GET", retryAfterMs: 120_000 })).toBeNull();
    const ignoring = resolveRetryPolicy({ respectRetryAfter: false, jitter: "none" });
    expect(retryDelay(ignoring, { ...base, method: "GET", retryAfterMs: 5000 })).toBe(300);
  });
});
