import { systemClock, abortReason, type Clock } from "../clock.js";
import { RateLimitError } from "../errors/index.js";
import { AbortWatch } from "./abort-watch.js";
import type { RateLimitObservation } from "./headers.js";

/**
 * A request budget shared by everything that talks to one vendor account: a sliding window
 * (`limit` starts per `windowMs`), a minimum spacing between starts, a concurrency cap, and what
 * the server last told us (`RateLimit-Remaining`/`-Reset`, `Retry-After`). Scoped clones
 * (`forDevice`, `forSite`) hold the same instance, so they draw on one budget.
 *
 * When a request would exceed the budget, `acquire` waits for the earliest moment it is allowed
 * (`onLimit: "wait"`, the default) or throws a local `RateLimitError` (`onLimit: "throw"`), so a
 * request the server would refuse is never sent.
 */
export interface RateLimiterOptions {
  /** Name shown in errors and state, e.g. "amber". */
  name?: string;
  /** Vendor reported on errors. */
  vendor?: string;
  /** Requests allowed per window. Unset: no local window (server hints still apply). */
  limit?: number;
  windowMs?: number;
  /** Minimum milliseconds between request starts. */
  minIntervalMs?: number;
  /**
   * Added to `minIntervalMs` when the server enforces the spacing on arrival: requests reach it
   * with timing noise, and one that lands a few ms inside the interval is refused. Default 0.
   */
  minIntervalMarginMs?: number;
  /**
   * Hold the interval until the request is sent: no other request starts while a granted one is
   * not yet known to have reached the server, and `minIntervalMs` counts from that moment
   * (`release.sent()`, which the transport calls when the response begins; a release without it
   * counts from the release). For servers that enforce the spacing on arrival: a request that spends
   * its first 300 ms opening a connection (DNS, TCP, TLS) otherwise lets the next one in 300 ms early.
   * Default false.
   */
  holdUntilSent?: boolean;
  /** Maximum requests in flight at once. */
  concurrency?: number;
  onLimit?: "wait" | "throw";
  /** Longest wait accepted in "wait" mode; beyond it, throw. Default: no limit. */
  maxWaitMs?: number;
  /** Added to server-reported reset times to absorb clock and rounding differences. Default 1000 ms. */
  safetyMarginMs?: number;
  /**
   * Back-off when the server refuses (429) without saying for how long: the first refusal blocks
   * `baseMs`, each consecutive one doubles it up to `maxMs`; a success resets it.
   * Default `{ baseMs: 1000, maxMs: 300_000 }`.
   */
  refusalBackoff?: { baseMs: number; maxMs: number };
  /**
   * Longest block a server hint (`Retry-After`, an exhausted budget's reset) may impose, in ms.
   * A hint beyond it is capped, so one absurd header cannot stop a client for hours. Default: no cap.
   */
  maxBlockMs?: number;
  /**
   * Learn `limit`/`windowMs` from the server's `RateLimit-Policy`: `true` (default) when they are
   * not configured; `"override"` also replaces configured values, which then act as the assumption
   * until the server says otherwise; `false` never.
   */
  adoptServerPolicy?: boolean | "override";
  clock?: Clock;
}

export interface RateLimitState {
  name: string;
  /** Requests allowed per window, when known. */
  limit: number | null;
  windowMs: number | null;
  /** Requests left before the next reset: from the server when fresh, else from the local window. */
  remaining: number | null;
  /** When the budget next grows. */
  resetAt: Date | null;
  inFlight: number;
  queued: number;
  /** Earliest time a new request may start (now, when not limited). */
  nextAt: Date;
  /** When the server last reported its budget. */
  observedAt: Date | null;
}

/**
 * Frees a slot (call exactly once, when the response is in). `restamp` moves the recorded start
 * to now: a caller that had to wait for other limiters after this grant calls it just before
 * sending, so spacing and windows count from the real send time. `sent` says the request has
 * reached the server (the response has begun): with `holdUntilSent`, the interval counts from then.
 */
export type Release = (() => void) & { restamp?: () => void; sent?: () => void };

interface Waiter {
  resolve: (release: Release) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
}

interface ServerBudget {
  remaining: number;
  resetAt: number;
  observedAt: number;
}

export class RateLimiter {
  readonly name: string;
  private readonly clock: Clock;
  private readonly options: RateLimiterOptions;
  private limit: number | undefined;
  private windowMs: number | undefined;
  private starts: number[] = [];
  private lastStart = Number.NEGATIVE_INFINITY;
  private inFlight = 0;
  private queue: Waiter[] = [];
  private server: ServerBudget | null = null;
  private blockedUntil = 0;
  private observedAt: number | null = null;
  private refusals = 0;
  private wakeAt: number | null = null;
  /** Grants not yet known to be sent (`holdUntilSent`): while any is, the interval has not begun. */
  private held = 0;
  private readonly aborts = new AbortWatch((signal) => {
    const reason = abortReason(signal);
    const gone = this.queue.filter((w) => w.signal === signal);
    this.queue = this.queue.filter((w) => w.signal !== signal);
    for (const waiter of gone) waiter.reject(reason);
  });

  constructor(options: RateLimiterOptions = {}) {
    this.options = options;
    this.name = options.name ?? options.vendor ?? "default";
    this.clock = options.clock ?? systemClock;
    this.limit = options.limit;
    this.windowMs = options.windowMs;
  }

  /**
   * Takes a slot at once if one is free right now, without queueing: the allocation-free fast path
   * the transport tries before `acquire`. Returns null when the caller would have to wait.
   */
  tryAcquire(): Release | null {
    return this.canAcquire() ? this.grant() : null;
  }

  /** Whether `tryAcquire` would succeed right now. Has no side effects. */
  canAcquire(): boolean {
    return this.queue.length === 0 && this.hasCapacity() && this.waitMs(this.clock.now()) <= 0;
  }

  /** Waits for a slot and returns the function that frees it. Call it exactly once, when the response is in. */
  acquire(options: { signal?: AbortSignal } = {}): Promise<Release> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.queue.length === 0 && this.hasCapacity()) {
      const wait = this.waitMs(this.clock.now());
      if (wait <= 0) return Promise.resolve(this.grant());
      const refusal = this.refusal(wait);
      if (refusal) return Promise.reject(refusal);
    } else if (this.mode === "throw" && this.hasCapacity()) {
      const refusal = this.refusal(this.waitMs(this.clock.now()));
      if (refusal) return Promise.reject(refusal);
    }
    return new Promise<Release>((resolve, reject) => {
      if (signal) this.aborts.add(signal);
      this.queue.push({ resolve, reject, signal });
      this.pump();
    });
  }

  /** Feeds what a response said about the budget. Call before releasing that response's slot. */
  observe(observation: RateLimitObservation, at: number = this.clock.now()): void {
    if (Object.keys(observation).length === 0) return;
    const margin = this.options.safetyMarginMs ?? 1000;
    const adopt = this.options.adoptServerPolicy ?? true;
    if (adopt !== false) {
      const override = adopt === "override";
      if ((override || this.options.limit === undefined) && observation.limit !== undefined) this.limit = observation.limit;
      if ((override || this.options.windowMs === undefined) && observation.windowMs !== undefined) this.windowMs = observation.windowMs;
    }
    const cap = this.options.maxBlockMs ?? Number.POSITIVE_INFINITY;
    if (observation.remaining !== undefined && observation.resetAfterMs !== undefined) {
      // Other requests still in flight may already have been counted by the server, or not: assume they were not.
      const othersInFlight = Math.max(0, this.inFlight - 1);
      this.server = {
        remaining: Math.max(0, observation.remaining - othersInFlight),
        resetAt: at + Math.min(observation.resetAfterMs + margin, cap),
        observedAt: at,
      };
    }
    if (observation.retryAfterMs !== undefined) {
      this.blockedUntil = Math.max(this.blockedUntil, at + Math.min(observation.retryAfterMs + margin, cap));
    }
    this.observedAt = at;
    this.pump();
  }

  /** "wait" queues requests until they are allowed; "throw" refuses them at once. */
  get mode(): "wait" | "throw" {
    return this.options.onLimit ?? "wait";
  }

  /**
   * The server refused a request (429) without any hint of how long to wait: block for a back-off
   * that doubles with each consecutive refusal. Returns the block in ms.
   */
  observeRefusal(at: number = this.clock.now()): number {
    const { baseMs, maxMs } = this.options.refusalBackoff ?? { baseMs: 1000, maxMs: 300_000 };
    const wait = Math.min(maxMs, baseMs * 2 ** Math.min(this.refusals, 30));
    this.refusals++;
    this.blockUntil(at + wait);
    return wait;
  }

  /** A request succeeded: the refusal back-off starts again from its base. */
  observeSuccess(): void {
    this.refusals = 0;
  }

  /** Blocks every request until `untilMs` (a 429 without hints, a vendor "too fast" code), within `maxBlockMs`. */
  blockUntil(untilMs: number): void {
    const cap = this.options.maxBlockMs ?? Number.POSITIVE_INFINITY;
    this.blockedUntil = Math.max(this.blockedUntil, Math.min(untilMs, this.clock.now() + cap));
  }

  /** Milliseconds until a new request could start, ignoring the concurrency cap. */
  waitMs(now: number = this.clock.now()): number {
    let until = now;
    const { minIntervalMs } = this.options;
    if (minIntervalMs) {
      const from = this.held > 0 ? now : this.lastStart;
      until = Math.max(until, from + minIntervalMs + (this.options.minIntervalMarginMs ?? 0));
    }
    if (this.limit !== undefined && this.windowMs !== undefined) {
      this.prune(now);
      if (this.starts.length >= this.limit) {
        until = Math.max(until, this.starts[this.starts.length - this.limit]! + this.windowMs);
      }
    }
    if (this.blockedUntil > now) until = Math.max(until, this.blockedUntil);
    const server = this.freshServer(now);
    if (server && server.remaining <= 0) until = Math.max(until, server.resetAt);
    return until - now;
  }

  state(): RateLimitState {
    const now = this.clock.now();
    const wait = Math.max(0, this.waitMs(now));
    const server = this.freshServer(now);
    let remaining: number | null = null;
    let resetAt: number | null = null;
    if (server) {
      remaining = server.remaining;
      resetAt = server.resetAt;
    } else if (this.limit !== undefined && this.windowMs !== undefined) {
      remaining = Math.max(0, this.limit - this.starts.length);
      resetAt = this.starts.length > 0 ? this.starts[0]! + this.windowMs : null;
    }
    return {
      name: this.name,
      limit: this.limit ?? null,
      windowMs: this.windowMs ?? null,
      remaining,
      resetAt: resetAt === null ? null : new Date(resetAt),
      inFlight: this.inFlight,
      queued: this.queue.length,
      nextAt: new Date(now + wait),
      observedAt: this.observedAt === null ? null : new Date(this.observedAt),
    };
  }

  private hasCapacity(): boolean {
    return this.inFlight < (this.options.concurrency ?? Number.POSITIVE_INFINITY);
  }

  private refusal(wait: number): RateLimitError | null {
    if (wait <= 0) return null;
    const maxWait = this.options.maxWaitMs ?? Number.POSITIVE_INFINITY;
    if (this.mode === "wait" && wait <= maxWait) return null;
    const seconds = Math.ceil(wait / 1000);
    return new RateLimitError(
      `The ${this.name} request budget is used up; the next request is allowed in ${seconds} s. ` +
        `Nothing was sent. Wait, or use onLimit: "wait" to queue requests automatically.`,
      { vendor: this.options.vendor, retryAfterMs: wait, resetAt: new Date(this.clock.now() + wait), local: true },
    );
  }

  private freshServer(now: number): ServerBudget | null {
    if (this.server && now >= this.server.resetAt) this.server = null;
    return this.server;
  }

  private prune(now: number): void {
    if (this.windowMs === undefined) return;
    const horizon = now - this.windowMs;
    let drop = 0;
    while (drop < this.starts.length && this.starts[drop]! <= horizon) drop++;
    if (drop > 0) this.starts.splice(0, drop);
  }

  private grant(): Release {
    let at = this.clock.now();
    this.inFlight++;
    this.lastStart = at;
    if (this.windowMs !== undefined) this.starts.push(at);
    if (this.server) this.server.remaining = Math.max(0, this.server.remaining - 1);
    let released = false;
    let holding = this.options.holdUntilSent === true;
    if (holding) this.held++;
    const sent = () => {
      if (!holding) return;
      holding = false;
      this.held--;
      release.restamp!();
      this.lastStart = Math.max(this.lastStart, this.clock.now());
      this.pump();
    };
    const release: Release = () => {
      if (released) return;
      sent();
      released = true;
      this.inFlight--;
      this.pump();
    };
    release.sent = sent;
    release.restamp = () => {
      const now = this.clock.now();
      if (released || now <= at) return;
      if (this.lastStart === at) this.lastStart = now;
      const index = this.starts.lastIndexOf(at);
      if (index >= 0) {
        // Now is later than every recorded start, so moving the entry to the end keeps the list sorted.
        this.starts.splice(index, 1);
        this.starts.push(now);
      }
      at = now;
    };
    return release;
  }

  private pump(): void {
    while (this.queue.length > 0 && this.hasCapacity()) {
      const now = this.clock.now();
      const wait = this.waitMs(now);
      if (wait > 0) {
        const refusal = this.refusal(wait);
        if (refusal) {
          // Everyone queued would wait too long: fail them all now rather than one by one.
          for (const waiter of this.queue.splice(0)) this.settle(waiter, refusal);
          return;
        }
        this.scheduleWake(now + wait);
        return;
      }
      const waiter = this.queue.shift()!;
      if (waiter.signal) this.aborts.remove(waiter.signal);
      waiter.resolve(this.grant());
    }
  }

  private settle(waiter: Waiter, error: unknown): void {
    if (waiter.signal) this.aborts.remove(waiter.signal);
    waiter.reject(error);
  }

  private scheduleWake(at: number): void {
    if (this.wakeAt !== null && this.wakeAt <= at) return;
    this.wakeAt = at;
    void this.clock.sleep(at - this.clock.now()).then(
      () => {
        if (this.wakeAt === at) this.wakeAt = null;
        this.pump();
      },
      () => {
        if (this.wakeAt === at) this.wakeAt = null;
      },
    );
  }
}

/** Limiters created on demand per key (e.g. one per endpoint), all sharing one clock. */
export class KeyedRateLimiter {
  private readonly limiters = new Map<string, RateLimiter>();
  constructor(private readonly factory: (key: string) => RateLimiterOptions) {}

  get(key: string): RateLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiter({ name: key, ...this.factory(key) });
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  states(): RateLimitState[] {
    return [...this.limiters.values()].map((l) => l.state());
  }
}
