import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../core/rate-limit/limiter.js";
import { FakeClock } from "../core/test-support/fake-clock.js";
import { startTestServer } from "../core/test-support/test-server.js";
import { AlphaESS } from "./client.js";
import { EndpointLimiter } from "./endpoint-limiter.js";

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("EndpointLimiter", () => {
  it("lets one request at a time wait between its grant and its send, each counting from the previous send", async () => {
    const clock = new FakeClock(0);
    const endpoint = new EndpointLimiter({ clock, minIntervalMs: 1000 });
    const account = new RateLimiter({ clock, concurrency: 1 });
    const busy = account.tryAcquire()!; // another endpoint's request holds the only account slot

    const sent: number[] = [];
    // What the transport does when a limiter is not free at once: each slot in turn, then restamp all.
    const request = async () => {
      const releases = [await endpoint.acquire(), await account.acquire()];
      for (const r of releases) r.restamp?.();
      sent.push(clock.now());
      for (const r of releases) r();
    };
    const a = request();
    const b = request();
    await settle();
    expect(endpoint.state().queued).toBe(1); // b waits behind a's hold, not for an account slot
    await clock.advance(1500); // a's interval would have let b through at 1000 without the hold
    expect(sent).toEqual([]);
    busy();
    await a;
    expect(sent).toEqual([1500]);
    await clock.advance(999);
    await settle();
    expect(sent).toEqual([1500]);
    await clock.advance(1);
    await b;
    expect(sent).toEqual([1500, 2500]);
  });

  it("gives the hold back when the holder gives up, and drops an aborted waiter", async () => {
    const clock = new FakeClock(0);
    const endpoint = new EndpointLimiter({ clock, minIntervalMs: 1000 });
    const first = await endpoint.acquire();
    expect(endpoint.canAcquire()).toBe(false);
    expect(endpoint.tryAcquire()).toBeNull();
    const controller = new AbortController();
    const aborted = endpoint.acquire({ signal: controller.signal });
    const next = endpoint.acquire();
    await settle();
    expect(endpoint.state().queued).toBe(2);
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    expect(endpoint.state().queued).toBe(1);
    first(); // released without a send: the interval still counts from its grant at 0
    await clock.advance(1000);
    const release = await next;
    release.restamp?.();
    release();
    await clock.advance(1000);
    expect(endpoint.canAcquire()).toBe(true);
  });

  it("adds one abort listener to a signal shared by every request waiting for the hold", async () => {
    const clock = new FakeClock(0);
    const endpoint = new EndpointLimiter({ clock, minIntervalMs: 1000 });
    const first = await endpoint.acquire();
    const controller = new AbortController();
    const waiting = Array.from({ length: 499 }, () => endpoint.acquire({ signal: controller.signal }));
    for (const p of waiting) p.catch(() => {});
    await settle();
    expect(getEventListeners(controller.signal, "abort").length).toBeLessThanOrEqual(1);
    controller.abort(new Error("stop"));
    await Promise.all(waiting.map((p) => expect(p).rejects.toThrow("stop")));
    expect(endpoint.state().queued).toBe(0);
    first();
  });
});

describe("AlphaESS pacing on a cold start (issue 12 item 24)", () => {
  it("spaces requests by their arrival at the server when the first connection is slow to open", async () => {
    const arrivals: number[] = [];
    const server = await startTestServer(
      (_req, res) => {
        arrivals.push(Date.now());
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"code":200,"msg":"Success","expMsg":null,"data":[],"extra":null}');
      },
      { firstConnectionDelayMs: 300 },
    );
    try {
      const api = new AlphaESS({
        appId: "alpha0123456789abcdef",
        appSecret: "fedcba9876543210fedcba9876543210",
        baseUrl: `${server.url}/api`,
        pacing: { minIntervalMs: 200, jitterMarginMs: 0 },
      });
      for (let i = 0; i < 3; i++) await api.listSystems();
      // A lower bound that follows from the order of events (the arrival comes before the response
      // that marks the send), not a timing measurement: slowness only widens the gaps.
      expect(arrivals).toHaveLength(3);
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(200);
      expect(arrivals[2]! - arrivals[1]!).toBeGreaterThanOrEqual(200);
    } finally {
      await server.close();
    }
  });
});
