import { describe, expect, it } from "vitest";
import { FakeClock, flushMicrotasks } from "../test-support/fake-clock.js";
import { RateLimiter } from "./limiter.js";

// Issue 12 item 24: with holdUntilSent, the interval counts from when the request was sent (the
// transport's `release.sent()`), not from the grant: a request that spends 300 ms opening a
// connection does not let the next one reach the server 300 ms early.
describe("RateLimiter holdUntilSent", () => {
  async function nextGrantAt(limiter: RateLimiter, clock: FakeClock): Promise<number> {
    let at: number | null = null;
    void limiter.acquire().then((release) => {
      at = clock.now();
      release();
    });
    for (let i = 0; i < 2_000 && at === null; i++) await clock.advance(1);
    return at ?? Number.NaN;
  }

  it("spaces the next request from the send, not from the grant", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, minIntervalMs: 100, holdUntilSent: true });
    const first = limiter.tryAcquire()!;
    expect(limiter.canAcquire()).toBe(false);
    await clock.advance(300); // the first connection takes 300 ms
    expect(limiter.canAcquire()).toBe(false); // still not known to be sent
    first.sent?.();
    first();
    expect(await nextGrantAt(limiter, clock)).toBe(400);
  });

  it("counts from the grant without the option (the old behaviour, for contrast)", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, minIntervalMs: 100 });
    const first = limiter.tryAcquire()!;
    await clock.advance(300);
    first.sent?.();
    first();
    expect(limiter.canAcquire()).toBe(true);
  });

  it("a release without a send counts from the release, and a waiter queued during the hold is granted once the interval has passed", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, minIntervalMs: 100, holdUntilSent: true });
    const first = await limiter.acquire();
    let grantedAt: number | null = null;
    void limiter.acquire().then((release) => {
      grantedAt = clock.now();
      release();
    });
    await clock.advance(250);
    expect(grantedAt).toBeNull();
    first(); // failed before or while sending: count from now
    await clock.advance(99);
    await flushMicrotasks();
    expect(grantedAt).toBeNull();
    await clock.advance(1);
    expect(grantedAt).toBe(350);
  });

  it("in throw mode, a request during the hold is refused locally with the interval as its wait", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, minIntervalMs: 100, holdUntilSent: true, onLimit: "throw" });
    const first = limiter.tryAcquire()!;
    await expect(limiter.acquire()).rejects.toMatchObject({ name: "RateLimitError", local: true, retryAfterMs: 100 });
    first.sent?.();
    first();
  });
});
