import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRateLimitHeaders, parseRateLimitPolicy, parseRetryAfter } from "./headers.js";

const NOW = Date.UTC(2026, 10, 22, 3, 0, 0);

describe("parseRetryAfter", () => {
  it("reads delta seconds", () => {
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter("0", NOW)).toBe(0);
  });
  it("reads an HTTP date relative to now", () => {
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfter(new Date(NOW - 30_000).toUTCString(), NOW)).toBe(0);
  });
  it("ignores garbage and negatives", () => {
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter("-5", NOW)).toBeUndefined();
    expect(parseRetryAfter("", NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
  it("never throws and never returns a negative wait", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const v = parseRetryAfter(s, NOW);
        return v === undefined || v >= 0;
      }),
    );
  });
});

describe("parseRateLimitHeaders", () => {
  it("reads Amber's four IETF headers (case-insensitively)", () => {
    const headers = new Headers({
      "RateLimit-Limit": "50",
      "RateLimit-Remaining": "42",
      "RateLimit-Reset": "180",
      "RateLimit-Policy": "50;w=300",
    });
    expect(parseRateLimitHeaders(headers, NOW)).toEqual({
      limit: 50,
      remaining: 42,
      resetAfterMs: 180_000,
      windowMs: 300_000,
      policy: "50;w=300",
    });
  });

  it("reads the combined RateLimit field of later drafts", () => {
    expect(parseRateLimitHeaders({ RateLimit: "limit=100, remaining=3, reset=20" }, NOW)).toEqual({
      limit: 100,
      remaining: 3,
      resetAfterMs: 20_000,
    });
  });

  it("reads Retry-After next to the others", () => {
    expect(parseRateLimitHeaders(new Headers({ "retry-after": "7" }), NOW)).toEqual({ retryAfterMs: 7000 });
  });

  it("is empty when there are no hints", () => {
    expect(parseRateLimitHeaders(new Headers({ "content-type": "application/json" }), NOW)).toEqual({});
  });

  it("parses policies", () => {
    expect(parseRateLimitPolicy("50;w=300")).toEqual({ limit: 50, windowMs: 300_000 });
    expect(parseRateLimitPolicy("10;w=1, 50;w=300")).toEqual({ limit: 10, windowMs: 1000 });
    expect(parseRateLimitPolicy(undefined)).toEqual({});
  });
});
