import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../core/clock.js";
import { ApiError, ConfigurationError, ConnectionError, RateLimitError, ResponseFormatError, TimeoutError } from "../core/errors/index.js";
import { RateLimiter } from "../core/rate-limit/limiter.js";
import { VirtualClock } from "../sim/kernel.js";
import { startAmberSimulator, type AmberSimulator, type AmberSimulatorOptions } from "../sim/amber/index.js";
import { Amber, type AmberOptions } from "./client.js";
import { State } from "./regions.js";

const T0 = Date.parse("2025-03-10T04:07:40Z");
const SITE = "01GM47PZ7VYRDP071ED43M47TX";

const sims: AmberSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setup(simOptions: AmberSimulatorOptions = {}, clientOptions: AmberOptions = {}) {
  const clock = (simOptions.clock as VirtualClock | undefined) ?? new VirtualClock({ mode: "manual", start: T0 });
  const sim = await startAmberSimulator({ clock, ...simOptions });
  sims.push(sim);
  const amber = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE, timeoutMs: 2000, ...clientOptions });
  return { sim, amber, clock: clock as VirtualClock };
}

/** Waits (in real time) until `check` holds; for code parked on a manual clock. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(check()).toBe(true);
}

/** The outcome of `promise`, which must settle without anything sleeping on the (manual) clock. */
async function settledAtOnce(promise: Promise<unknown>, clock: VirtualClock): Promise<unknown> {
  let done = false;
  let outcome: unknown;
  promise.then(
    (value) => ((done = true), (outcome = value)),
    (error: unknown) => ((done = true), (outcome = error)),
  );
  await until(() => done || clock.pendingSleeps > 0);
  expect(done, "settled without waiting on the clock").toBe(true);
  return outcome;
}

describe("pacing by the budget", () => {
  it("never sends a request the server would refuse: it throws locally (onLimit throw) once Amber says none remain", async () => {
    const { sim, amber } = await setup({ rateLimit: { limit: 3, windowMs: 60_000 } }, { onLimit: "throw" });
    for (let i = 0; i < 3; i++) await amber.getCurrentPrices();
    expect(amber.getRatelimits()).toMatchObject({ remaining: 0, policy: "3;w=60" });
    const error = await amber.getCurrentPrices().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ local: true });
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(59_000);
    expect(sim.http.requests).toHaveLength(3);
    expect(sim.stats().rateLimited).toBe(0);
  });

  it("waits for the window to reset (onLimit wait), then sends", async () => {
    const { sim, amber, clock } = await setup({ rateLimit: { limit: 2, windowMs: 60_000 } });
    await amber.getCurrentPrices();
    await amber.getCurrentPrices();
    let done = false;
    const third = amber.getCurrentPrices().then(() => (done = true));
    await until(() => clock.pendingSleeps > 0);
    expect(done).toBe(false);
    expect(sim.http.requests).toHaveLength(2);
    await clock.advance(62_000);
    await third;
    expect(sim.http.requests).toHaveLength(3);
    expect(sim.http.requests[2]!.at - sim.http.requests[0]!.at).toBeGreaterThanOrEqual(60_000);
    expect(sim.stats().rateLimited).toBe(0);
  });

  it("gives up a queued request when its signal aborts, without sending it", async () => {
    const { sim, amber, clock } = await setup({ rateLimit: { limit: 1, windowMs: 60_000 } });
    await amber.getCurrentPrices();
    const controller = new AbortController();
    const queued = amber.getCurrentPrices({ signal: controller.signal });
    await until(() => clock.pendingSleeps > 0);
    controller.abort(new Error("user gave up"));
    await expect(queued).rejects.toThrow("user gave up");
    await clock.advance(120_000);
    expect(sim.http.requests).toHaveLength(1);
  });

  it("also paces by its own window before any header was seen (50 per 300 s by default)", async () => {
    const { sim, amber } = await setup({ rateLimit: false }, { onLimit: "throw", budget: { limit: 4, windowMs: 10_000 } });
    await Promise.all([1, 2, 3, 4].map(() => amber.getCurrentPrices()));
    await expect(amber.getCurrentPrices()).rejects.toMatchObject({ name: "RateLimitError", local: true });
    expect(sim.http.requests).toHaveLength(4);
  });

  it("turns Amber's 429 (with headers) into RateLimitError when another program used the budget", async () => {
    const { sim, amber } = await setup({ rateLimit: { limit: 3, windowMs: 60_000 } }, { onLimit: "throw" });
    const other = new Amber({ token: sim.token, baseUrl: sim.url, clock: sim.clock, site: SITE });
    for (let i = 0; i < 3; i++) await other.getCurrentPrices();
    const error = (await amber.getCurrentPrices().catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: "RATE_LIMITED", local: false, retryAfterMs: 60_000 });
    expect(amber.getRatelimits()).toMatchObject({ remaining: 0, reset: 60 });
    expect(sim.stats().rateLimited).toBe(1);
    // Blocked locally now: nothing more is sent until the reset.
    await expect(amber.getCurrentPrices()).rejects.toMatchObject({ local: true });
    expect(sim.http.requests).toHaveLength(4);
  });

  it("in wait mode, recovers from Amber's 429 by waiting for the reset", async () => {
    const { sim, amber, clock } = await setup({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const other = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE });
    for (let i = 0; i < 3; i++) await other.getCurrentPrices();
    const pending = amber.getCurrentPrices();
    await until(() => sim.stats().rateLimited === 1 && clock.pendingSleeps > 0);
    await clock.advance(70_000);
    await expect(pending).resolves.toHaveLength(2);
    expect(sim.stats().rateLimited).toBe(1);
  });

  it("sends a cold burst one request first, so it meets no 429 when another program has used most of the budget", async () => {
    const { sim, amber, clock } = await setup();
    const other = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE });
    for (let i = 0; i < 40; i++) await other.listSites();
    // Ten left on the account; this client has not heard from Amber yet.
    const burst = Promise.all(Array.from({ length: 15 }, () => amber.forSite(SITE).getCurrentPrices()));
    await until(() => sim.http.requests.length === 50 && clock.pendingSleeps > 0);
    expect(sim.stats().rateLimited).toBe(0);
    await clock.advance(301_000);
    await expect(burst).resolves.toHaveLength(15);
    expect(sim.http.requests).toHaveLength(55);
    expect(sim.stats().rateLimited).toBe(0);
  });

  it("lets a request waiting behind the first one give up when its signal aborts", async () => {
    const { sim } = await setup({ rateLimit: false });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = new Amber({
      token: sim.token,
      baseUrl: sim.url,
      site: SITE,
      fetch: async (input, init) => {
        await gate;
        return fetch(input, init);
      },
    });
    const first = slow.getCurrentPrices();
    const controller = new AbortController();
    const second = slow.getCurrentPrices({ signal: controller.signal });
    controller.abort(new Error("user gave up"));
    await expect(second).rejects.toThrow("user gave up");
    release();
    await expect(first).resolves.toHaveLength(2);
    expect(sim.http.requests).toHaveLength(1);
  });
});

describe("Amber's RateLimit-Policy", () => {
  it("replaces the assumed 50 per 300 s with the policy Amber sends", async () => {
    const { sim, amber } = await setup({ rateLimit: { limit: 100, windowMs: 60_000 } }, { onLimit: "throw" });
    expect(amber.rateLimitState()).toMatchObject({ limit: 50, windowMs: 300_000 });
    for (let i = 0; i < 60; i++) await amber.listSites();
    expect(sim.http.requests).toHaveLength(60);
    expect(amber.rateLimitState()).toMatchObject({ limit: 100, windowMs: 60_000, remaining: 40 });
  });

  it("keeps a budget the caller configured, whatever the policy", async () => {
    const { sim, amber } = await setup(
      { rateLimit: { limit: 100, windowMs: 60_000 } },
      { onLimit: "throw", budget: { limit: 4, windowMs: 10_000 } },
    );
    for (let i = 0; i < 4; i++) await amber.listSites();
    await expect(amber.listSites()).rejects.toMatchObject({ name: "RateLimitError", local: true });
    expect(sim.http.requests).toHaveLength(4);
    expect(amber.rateLimitState()).toMatchObject({ limit: 4, windowMs: 10_000 });
  });
});

describe("maxWaitMs", () => {
  it("throws at once, sending nothing, when the budget frees up later than maxWaitMs", async () => {
    const { sim, amber, clock } = await setup({ rateLimit: { limit: 2, windowMs: 60_000 } }, { maxWaitMs: 5_000 });
    await amber.getCurrentPrices();
    await amber.getCurrentPrices();
    const error = await settledAtOnce(amber.getCurrentPrices(), clock);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ local: true });
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(5_000);
    expect(sim.http.requests).toHaveLength(2);
  });

  it("after Amber's 429, does not wait out a reset longer than maxWaitMs", async () => {
    const { sim, amber, clock } = await setup({ rateLimit: { limit: 3, windowMs: 60_000 } }, { maxWaitMs: 5_000 });
    const other = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE });
    for (let i = 0; i < 3; i++) await other.getCurrentPrices();
    const pending = amber.getCurrentPrices().catch((e: unknown) => e);
    // The retry's short back-off runs on the clock; the limiter then refuses the 61 s wait.
    await until(() => sim.stats().rateLimited === 1 && clock.pendingSleeps > 0);
    await clock.advance(1_000);
    const error = await pending;
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(5_000);
    expect(clock.now() - T0).toBeLessThanOrEqual(1_000);
    expect(sim.http.requests).toHaveLength(4);
  });
});

describe("a shared limiter", () => {
  it("refuses onLimit, maxWaitMs, budget and gatewayBackoff next to it", () => {
    const limiter = new RateLimiter({ onLimit: "throw" });
    expect(() => new Amber({ rateLimit: limiter, onLimit: "wait" })).toThrow(ConfigurationError);
    expect(() => new Amber({ rateLimit: limiter, maxWaitMs: 1000 })).toThrow(/maxWaitMs cannot be combined with a shared RateLimiter/);
    expect(() => new Amber({ rateLimit: limiter, budget: { limit: 1, windowMs: 1 } })).toThrow(ConfigurationError);
    expect(() => new Amber({ rateLimit: limiter, gatewayBackoff: { baseMs: 1 } })).toThrow(ConfigurationError);
    expect(() => new Amber({ limiter, onLimit: "wait" })).toThrow(ConfigurationError); // the deprecated name, the same rules
    expect(() => new Amber({ limiter, rateLimit: limiter })).toThrow(/not both/);
    expect(() => new Amber({ rateLimit: limiter })).not.toThrow();
    expect(() => new Amber({ limiter })).not.toThrow();
  });

  it("shares its budget through rateLimit (the ClientOptions name) as through limiter", async () => {
    const { sim, clock } = await setup({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const limiter = new RateLimiter({ onLimit: "throw", clock });
    const a = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE, rateLimit: limiter });
    const b = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE, limiter });
    await a.listSites();
    expect(b.getRatelimits()).toMatchObject({ remaining: 2 });
  });

  it("rateLimit: null keeps no local budget, but Amber's headers still pace it", async () => {
    const { sim, clock } = await setup({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const amber = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE, rateLimit: null, onLimit: "throw" });
    for (let i = 0; i < 3; i++) await amber.getCurrentPrices();
    expect(amber.rateLimitState()).toMatchObject({ limit: null, remaining: 0 });
    await expect(amber.getCurrentPrices()).rejects.toMatchObject({ name: "RateLimitError", local: true });
    expect(sim.http.requests).toHaveLength(3);
  });

  it("takes its throw mode: Amber's 429 is reported at once, not slept on", async () => {
    const { sim, clock } = await setup({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const limiter = new RateLimiter({ name: "amber", limit: 50, windowMs: 300_000, onLimit: "throw", clock });
    const amber = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE, limiter });
    const other = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE });
    for (let i = 0; i < 3; i++) await other.getCurrentPrices();
    const error = await settledAtOnce(amber.getCurrentPrices(), clock);
    expect(error).toMatchObject({ name: "RateLimitError", code: "RATE_LIMITED", local: false, retryAfterMs: 60_000 });
    expect(sim.http.requests).toHaveLength(4);
  });

  it("is one budget for several clients: they share getRatelimits, pacing and the edge back-off", async () => {
    const { sim, clock } = await setup({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const limiter = new RateLimiter({ name: "amber", limit: 50, windowMs: 300_000, onLimit: "throw", clock });
    const a = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE, limiter });
    const b = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: SITE, limiter });
    await a.listSites();
    expect(b.getRatelimits()).toMatchObject({ remaining: 2, policy: "3;w=60" });
    sim.setGatewayThrottle(1);
    await expect(a.listSites()).rejects.toMatchObject({ code: "GATEWAY_THROTTLED", retryAfterMs: 1_000 });
    // b is held back by a's edge 429, without sending.
    await expect(b.listSites()).rejects.toMatchObject({ local: true });
    await clock.advance(1_000);
    await b.listSites();
    expect(a.getRatelimits()).toMatchObject({ remaining: 1 });
    await b.listSites();
    // The budget a and b used together is gone: neither sends a fourth request.
    await expect(a.listSites()).rejects.toMatchObject({ local: true });
    expect(sim.stats()).toMatchObject({ requests: 4, gatewayThrottled: 1, rateLimited: 0 });
  });
});

describe("the edge throttle (429 without rate-limit headers)", () => {
  it("backs off exponentially, blocks the budget and retries (wait mode)", async () => {
    const { sim, amber, clock } = await setup({ gatewayThrottle: 2 });
    const pending = amber.getCurrentPrices();
    await until(() => sim.stats().gatewayThrottled === 1 && clock.pendingSleeps > 0);
    await clock.advance(1_000);
    await until(() => sim.stats().gatewayThrottled === 2 && clock.pendingSleeps > 0);
    await clock.advance(1_000);
    expect(sim.http.requests).toHaveLength(2);
    await clock.advance(1_000);
    await expect(pending).resolves.toHaveLength(2);
    const at = sim.http.requests.map((r) => r.at - T0);
    expect(at[1]).toBeGreaterThanOrEqual(1_000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(2_000);
    expect(amber.getRatelimits()).toMatchObject({ remaining: 49 });
  });

  it("throws GATEWAY_THROTTLED in throw mode and keeps getRatelimits unchanged", async () => {
    const { sim, amber, clock } = await setup({}, { onLimit: "throw" });
    await amber.getCurrentPrices();
    const before = amber.getRatelimits();
    sim.setGatewayThrottle(true);
    const error = await amber.getCurrentPrices().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "RateLimitError", code: "GATEWAY_THROTTLED", status: 429, retryAfterMs: 1000 });
    expect(amber.getRatelimits()).toBe(before);
    await expect(amber.getCurrentPrices()).rejects.toMatchObject({ local: true });
    expect(sim.http.requests).toHaveLength(2);
    await clock.advance(1_000);
    const second = await amber.getCurrentPrices().catch((e: unknown) => e);
    expect(second).toMatchObject({ code: "GATEWAY_THROTTLED", retryAfterMs: 2000 });
    sim.setGatewayThrottle(false);
    await clock.advance(2_000);
    await expect(amber.getCurrentPrices()).resolves.toHaveLength(2);
  });
});

describe("gatewayBackoff", () => {
  it("sets the edge back-off: baseMs doubling up to maxMs, reset by a success", async () => {
    const { sim, amber, clock } = await setup({}, { onLimit: "throw", gatewayBackoff: { baseMs: 5_000, maxMs: 8_000 } });
    sim.setGatewayThrottle(true);
    const waits: unknown[] = [];
    for (const step of [5_000, 8_000, 8_000]) {
      const error = (await amber.listSites().catch((e: unknown) => e)) as RateLimitError;
      waits.push(error.retryAfterMs);
      await expect(amber.listSites()).rejects.toMatchObject({ local: true });
      await clock.advance(step);
    }
    expect(waits).toEqual([5_000, 8_000, 8_000]);
    sim.setGatewayThrottle(false);
    await expect(amber.listSites()).resolves.toHaveLength(3);
    // After the success the next edge 429 starts again from baseMs.
    sim.setGatewayThrottle(1);
    await expect(amber.listSites()).rejects.toMatchObject({ code: "GATEWAY_THROTTLED", retryAfterMs: 5_000 });
  });
});

describe("renewables and the edge throttle", () => {
  it("backs off after an edge 429 too, without touching the account's budget (throw mode)", async () => {
    const { sim, amber, clock } = await setup({}, { onLimit: "throw" });
    sim.setGatewayThrottle(true);
    await expect(amber.getCurrentRenewables(State.VIC)).rejects.toMatchObject({
      name: "RateLimitError",
      code: "GATEWAY_THROTTLED",
      retryAfterMs: 1_000,
    });
    // Held back locally: the second call is not sent.
    await expect(amber.getCurrentRenewables(State.VIC)).rejects.toMatchObject({ name: "RateLimitError", local: true });
    expect(sim.stats().gatewayThrottled).toBe(1);
    await clock.advance(1_000);
    await expect(amber.getCurrentRenewables(State.VIC)).rejects.toMatchObject({ code: "GATEWAY_THROTTLED", retryAfterMs: 2_000 });
    sim.setGatewayThrottle(false);
    // The account's budget is not blocked by the renewables back-off.
    await expect(amber.listSites()).resolves.toHaveLength(3);
    await expect(amber.getCurrentRenewables(State.VIC)).rejects.toMatchObject({ local: true });
    await clock.advance(2_000);
    await expect(amber.getCurrentRenewables(State.VIC)).resolves.toHaveLength(1);
  });

  it("waits out the back-off and retries (wait mode)", async () => {
    const { sim, clock } = await setup({ gatewayThrottle: 2 });
    const anonymous = new Amber({ baseUrl: sim.url, clock });
    const pending = anonymous.getCurrentRenewables(State.NSW);
    await until(() => sim.stats().gatewayThrottled === 1 && clock.pendingSleeps > 0);
    await clock.advance(1_000);
    await until(() => sim.stats().gatewayThrottled === 2 && clock.pendingSleeps > 0);
    await clock.advance(2_000);
    await expect(pending).resolves.toHaveLength(1);
    const at = sim.http.requests.map((r) => r.at - T0);
    expect(at[1]).toBeGreaterThanOrEqual(1_000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(2_000);
  });
});

describe("faults", () => {
  // A fast real-time clock: retries back off in simulated time.
  const fast = () => new VirtualClock({ mode: "accelerated", speed: 200, start: T0 });

  it("retries a 500 and a reset connection, then succeeds", async () => {
    const { sim, amber } = await setup({
      clock: fast(),
      faults: [
        { path: "/v1/sites/*", kinds: ["http500"], times: 1 },
        { kinds: ["reset"], times: 1 },
      ],
    });
    await expect(amber.getCurrentPrices()).resolves.toHaveLength(2);
    expect(sim.http.requests.map((r) => r.faulted)).toEqual(["http500", "reset", undefined]);
  });

  it("gives up after the retry limit with a retryable ApiError (503) or ConnectionError (reset)", async () => {
    const { sim, amber } = await setup({ clock: fast(), faults: [{ kinds: ["http503"], times: 3 }] });
    await expect(amber.getCurrentPrices()).rejects.toMatchObject({ name: "ApiError", status: 503, retryable: true });
    expect(sim.http.requests).toHaveLength(3);
    sim.http.faults.add({ kinds: ["reset"] });
    await expect(amber.listSites()).rejects.toBeInstanceOf(ConnectionError);
  });

  it("times out a hanging request", async () => {
    const { amber } = await setup({ clock: fast(), faults: [{ kinds: ["timeout"] }] }, { timeoutMs: 100, retry: { limit: 0 } });
    await expect(amber.getCurrentPrices()).rejects.toBeInstanceOf(TimeoutError);
  });

  it("reports malformed and truncated bodies as typed errors", async () => {
    const { sim, amber } = await setup({ clock: fast(), faults: [{ kinds: ["malformed"] }] }, { retry: { limit: 1 } });
    await expect(amber.getCurrentPrices()).rejects.toBeInstanceOf(ResponseFormatError);
    sim.http.faults.clear();
    sim.http.faults.add({ kinds: ["truncate"] });
    const error = await amber.getCurrentPrices().catch((e: unknown) => e);
    expect(error instanceof ConnectionError || error instanceof ResponseFormatError).toBe(true);
    sim.http.faults.clear();
    await expect(amber.getCurrentPrices()).resolves.toHaveLength(2);
  });

  it("does not retry a 5xx forever, and says what to do", async () => {
    const { amber } = await setup({ clock: fast(), faults: [{ kinds: ["http502"] }] }, { retry: { limit: 1 } });
    const error = (await amber.listSites().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toMatch(/try again later/i);
  });
});

describe("polling on the accelerated clock", () => {
  it("polls for one simulated hour without a single 429, using at least 95 % of the budget", async () => {
    // 1500 simulated ms per real ms: the hour's ~3600 s of waiting takes ~2.4 s. A wake-up that is late
    // by d real ms costs 1.5·d simulated seconds; 12 windows still fit while d stays under ~15 ms.
    const speed = 1500;
    const clock = new VirtualClock({ mode: "accelerated", speed: 0, start: T0 });
    const sim = await startAmberSimulator({ clock });
    sims.push(sim);
    // Simulated time runs (accelerated) only while the client waits on its clock: for the budget, or
    // to back off. Real work (HTTP on localhost, parsing: 1-10 ms, more on a loaded machine) would
    // otherwise cost 5-50 simulated seconds per request at this speed, which a real network
    // (~0.1 s against a 300 s window) never costs, and the result would depend on machine load.
    let waiting = 0;
    const pacedClock: Clock = {
      now: () => clock.now(),
      sleep: async (ms, signal) => {
        if (waiting++ === 0) clock.setSpeed(speed);
        try {
          await clock.sleep(ms, signal);
        } finally {
          if (--waiting === 0) clock.setSpeed(0);
        }
      },
    };
    const amber = new Amber({ token: sim.token, baseUrl: sim.url, clock: pacedClock, site: SITE });
    const end = T0 + 3_600_000;
    let polls = 0;
    while (clock.now() < end) {
      await amber.getCurrentPrices({ next: 12 });
      polls++;
    }
    const stats = sim.stats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.byStatus[429]).toBeUndefined();
    expect(polls).toBe(stats.requests);
    // An hour holds 12 fixed windows of 50 (each opened by its first request): at most 600 requests.
    // (The last poll may have waited past the hour for the next window: count what was sent within it.)
    const inHour = sim.http.requests.filter((r) => r.at < end).length;
    expect(inHour).toBeGreaterThanOrEqual(0.95 * 600);
    expect(inHour).toBeLessThanOrEqual(600);
  }, 30_000);
});
