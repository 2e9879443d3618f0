import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { FakeClock, flushMicrotasks } from "../test-support/fake-clock.js";
import { RateLimiter } from "./limiter.js";

// Issue 12 item 28: one abort listener per signal, however many requests wait on it.
describe("RateLimiter abort listeners", () => {
  it("adds one listener to a signal shared by 499 queued requests, and removes it when they are through", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, minIntervalMs: 10 });
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const first = await limiter.acquire({ signal: controller.signal });
      first();
      const queued = Array.from({ length: 499 }, () => limiter.acquire({ signal: controller.signal }).then((release) => release()));
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      expect(limiter.state().queued).toBe(499);
      await clock.advance(10 * 499);
      await Promise.all(queued);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      await flushMicrotasks();
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("an abort rejects every request waiting on that signal, and only those", async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ clock, minIntervalMs: 1000 });
    (await limiter.acquire())();
    const a = new AbortController();
    const b = new AbortController();
    const onA = [limiter.acquire({ signal: a.signal }), limiter.acquire({ signal: a.signal })];
    const onB = limiter.acquire({ signal: b.signal });
    for (const p of onA) p.catch(() => {});
    a.abort(new Error("stop a"));
    await Promise.all(onA.map((p) => expect(p).rejects.toThrow("stop a")));
    expect(limiter.state().queued).toBe(1);
    expect(getEventListeners(a.signal, "abort")).toHaveLength(0);
    await clock.advance(1000);
    const release = await onB;
    expect(getEventListeners(b.signal, "abort")).toHaveLength(0);
    release();
  });
});
