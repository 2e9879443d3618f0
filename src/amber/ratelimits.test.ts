import { describe, expect, it } from "vitest";
import { parseRateLimitHeaders } from "../core/rate-limit/headers.js";
import { ratelimitsFromObservation } from "./ratelimits.js";
import { fixture } from "./test-support/fixtures.js";

describe("Ratelimits", () => {
  const at = Date.UTC(2026, 1, 25, 0, 55, 30);
  const fromHeaders = (headers: Record<string, string>) => ratelimitsFromObservation(parseRateLimitHeaders(new Headers(headers), at), at);

  it("reads the four RateLimit-* headers of a 200", () => {
    const limits = fromHeaders(fixture<Record<string, string>>("ratelimit-headers-200.json"))!;
    expect(limits).toMatchObject({ limit: 50, remaining: 42, reset: 180, policy: "50;w=300" });
    expect(limits.refreshed.getTime()).toBe(at);
    expect(limits.estimatedReset()!.getTime()).toBe(at + 180_000);
    expect(limits.timeWindow()).toBe(300);
    expect(JSON.parse(JSON.stringify(limits))).toMatchObject({ limit: 50, refreshed: new Date(at).toISOString() });
    expect(Object.isFrozen(limits)).toBe(true);
  });

  it("is null for the edge 429 that carries no rate-limit headers", () => {
    expect(fromHeaders(fixture<Record<string, string>>("ratelimit-headers-429-gateway-observed.json"))).toBeNull();
  });

  it("copes with partial headers and policies without a window", () => {
    const limits = fromHeaders({ "ratelimit-remaining": "3", "ratelimit-policy": "50" })!;
    // The limit comes from the policy when RateLimit-Limit is absent.
    expect(limits).toMatchObject({ limit: 50, remaining: 3, reset: null, policy: "50" });
    expect(limits.estimatedReset()).toBeNull();
    expect(limits.timeWindow()).toBeNull();
    expect(fromHeaders({ "ratelimit-reset": "soon" })).toBeNull();
    expect(fromHeaders({ "retry-after": "5" })).toBeNull();
  });
});
