import { describe, expect, it } from "vitest";
import { RateLimitError } from "../errors/index.js";
import { FakeClock, flushMicrotasks } from "../test-support/fake-clock.js";
import { KeyedRateLimiter, RateLimiter } from "./limiter.js";

/** Starts `n` acquisitions and records when (clock time) each one was granted. */
function startMany(limiter: RateLimiter, clock: FakeClock, n: number) {
  const granted: number[] = [];
  const done = Array.from({ length: n }, () =>
    limiter.acquire().then((release) => {
      granted.push(clock.now());
      release();
    }),
  );
  return { granted, done: Promise.all(done) };
}

describe("RateLimiter", () => {
  it("allows `limit` starts per sliding window and queues the rest in order", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ limit: 3, windowMs: 1000, clock });
    const { granted, done } = startMany(limiter, clock, 7);
    await flushMicrotasks();
    expect(granted).toEqual([0, 0, 0]);
    await clock.advance(1000);
    expect(granted).toEqual([0, 0, 0, 1000, 1000, 1000]);
    await clock.advance(1000);
    await done;
    expect(granted).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
  });

  it("never lets more than `limit` starts into any window", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ limit: 5, windowMs: 300, clock });
    const { granted, done } = startMany(limiter, clock, 40);
    for (let i = 0; i < 80 && granted.length < 40; i++) await clock.advance(37);
    await done;
    expect(granted).toHaveLength(40);
    for (const t of granted) expect(granted.filter((u) => u >= t && u < t + 300).length).toBeLessThanOrEqual(5);
  });

  it("spaces starts by minIntervalMs", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ minIntervalMs: 250, clock });
    const { granted, done } = startMany(limiter, clock, 4);
    await clock.advance(1000);
    await done;
    expect(granted).toEqual([0, 250, 500, 750]);
  });

  it("adds minIntervalMarginMs to the spacing", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ minIntervalMs: 1000, minIntervalMarginMs: 40, clock });
    (await limiter.acquire())();
    expect(limiter.waitMs()).toBe(1040);
  });

  it("caps concurrency until slots are released", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ concurrency: 2, clock });
    const a = await limiter.acquire();
    await limiter.acquire();
    let third = false;
    void limiter.acquire().then(() => (third = true));
    await flushMicrotasks();
    expect(third).toBe(false);
    expect(limiter.state().inFlight).toBe(2);
    expect(limiter.state().queued).toBe(1);
    a();
    await flushMicrotasks();
    expect(third).toBe(true);
  });

  it("waits for the server's reset when the server says the budget is spent", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, safetyMarginMs: 500 });
    const release = await limiter.acquire();
    limiter.observe({ limit: 50, remaining: 0, resetAfterMs: 10_000, windowMs: 300_000 });
    release();
    expect(limiter.state()).toMatchObject({ remaining: 0, limit: 50, windowMs: 300_000 });
    let granted = -1;
    void limiter.acquire().then((r) => {
      granted = clock.now();
      r();
    });
    await clock.advance(10_000);
    expect(granted).toBe(-1);
    await clock.advance(500);
    expect(granted).toBe(10_500);
  });

  it("counts its own requests against the server's remaining budget", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, safetyMarginMs: 0, adoptServerPolicy: false });
    (await limiter.acquire())();
    limiter.observe({ remaining: 2, resetAfterMs: 60_000 });
    (await limiter.acquire())();
    (await limiter.acquire())();
    expect(limiter.state().remaining).toBe(0);
    expect(limiter.waitMs()).toBe(60_000);
  });

  it("honours Retry-After and blockUntil", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, safetyMarginMs: 0 });
    limiter.observe({ retryAfterMs: 3000 });
    expect(limiter.waitMs()).toBe(3000);
    limiter.blockUntil(5000);
    expect(limiter.waitMs()).toBe(5000);
    await clock.advance(5000);
    expect(limiter.waitMs()).toBe(0);
  });

  it("backs off exponentially on refusals without hints, and resets on success", () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, refusalBackoff: { baseMs: 1000, maxMs: 5000 } });
    expect([limiter.observeRefusal(), limiter.observeRefusal(), limiter.observeRefusal(), limiter.observeRefusal()]).toEqual([
      1000, 2000, 4000, 5000,
    ]);
    expect(limiter.waitMs()).toBe(5000);
    limiter.observeSuccess();
    expect(limiter.observeRefusal()).toBe(1000);
  });

  it("caps server-imposed blocks at maxBlockMs", () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, safetyMarginMs: 0, maxBlockMs: 3_600_000 });
    limiter.observe({ retryAfterMs: 7_200_000 });
    expect(limiter.waitMs()).toBe(3_600_000);
    limiter.blockUntil(10 * 3_600_000);
    expect(limiter.waitMs()).toBe(3_600_000);
    limiter.observe({ remaining: 0, resetAfterMs: 9_000_000 });
    expect(limiter.waitMs()).toBe(3_600_000);
  });

  it("throws a local RateLimitError instead of waiting in throw mode", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, onLimit: "throw", clock, vendor: "amber" });
    (await limiter.acquire())();
    const error = await limiter.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ local: true, retryAfterMs: 60_000, vendor: "amber" });
    expect((error as Error).message).toMatch(/Nothing was sent/);
  });

  it("rejects waits longer than maxWaitMs", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, maxWaitMs: 1000, clock });
    (await limiter.acquire())();
    await expect(limiter.acquire()).rejects.toBeInstanceOf(RateLimitError);
  });

  it("removes an aborted waiter from the queue", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ limit: 1, windowMs: 1000, clock });
    (await limiter.acquire())();
    const controller = new AbortController();
    const waiting = limiter.acquire({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    expect(limiter.state().queued).toBe(0);
  });

  it("reports remaining and reset from the local window when the server said nothing", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ limit: 10, windowMs: 1000, clock });
    (await limiter.acquire())();
    await clock.advance(200);
    (await limiter.acquire())();
    expect(limiter.state()).toMatchObject({ remaining: 8, resetAt: new Date(1000), inFlight: 0 });
  });

  it('adopts the server\'s policy over a configured assumption only with "override"', () => {
    const clock = new FakeClock(0);
    const assumed = new RateLimiter({ limit: 50, windowMs: 300_000, clock });
    assumed.observe({ limit: 100, windowMs: 600_000 });
    expect(assumed.state()).toMatchObject({ limit: 50, windowMs: 300_000 });
    const adaptive = new RateLimiter({ limit: 50, windowMs: 300_000, adoptServerPolicy: "override", clock });
    adaptive.observe({ limit: 100, windowMs: 600_000 });
    expect(adaptive.state()).toMatchObject({ limit: 100, windowMs: 600_000 });
  });

  it("canAcquire has no side effects", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ minIntervalMs: 1000, clock });
    expect(limiter.canAcquire()).toBe(true);
    expect(limiter.canAcquire()).toBe(true);
    (await limiter.acquire())();
    expect(limiter.canAcquire()).toBe(false);
    await clock.advance(1000);
    expect(limiter.canAcquire()).toBe(true);
  });

  it("restamp counts spacing and windows from the real send time", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ minIntervalMs: 1000, limit: 2, windowMs: 5000, clock });
    const release = await limiter.acquire();
    await clock.advance(700);
    release.restamp!();
    release();
    expect(limiter.waitMs()).toBe(1000);
    expect(limiter.state().resetAt).toEqual(new Date(700 + 5000));
  });

  it("keyed limiters are created once per key", () => {
    const keyed = new KeyedRateLimiter(() => ({ minIntervalMs: 10 }));
    expect(keyed.get("a")).toBe(keyed.get("a"));
    expect(keyed.get("a")).not.toBe(keyed.get("b"));
    expect(keyed.states().map((s) => s.name)).toEqual(["a", "b"]);
  });
});
