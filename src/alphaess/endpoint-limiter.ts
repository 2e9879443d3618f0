import { abortReason } from "../core/clock.js";
import { AbortWatch } from "../core/rate-limit/abort-watch.js";
import { RateLimiter, type RateLimiterOptions, type RateLimitState, type Release } from "../core/rate-limit/limiter.js";

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
}

/**
 * One endpoint's spacing, taken before the account's concurrency slot (so that a request waiting
 * for its endpoint's interval never holds an account slot, and idle endpoints never queue behind a
 * busy one). It admits one request at a time from its grant to its send: without that hold, a
 * second request could be granted its spacing while the first still waits for an account slot, and
 * the two would then go out back to back (6053). Each grant counts from the previous request's
 * arrival at the server: the transport restamps every limiter just before sending, and the core
 * limiter's `holdUntilSent` holds the interval until the response has begun.
 */
export class EndpointLimiter extends RateLimiter {
  #held = false;
  #waiting: Waiter[] = [];
  readonly #aborts = new AbortWatch((signal) => {
    const reason = abortReason(signal);
    const gone = this.#waiting.filter((w) => w.signal === signal);
    this.#waiting = this.#waiting.filter((w) => w.signal !== signal);
    for (const waiter of gone) waiter.reject(reason);
  });

  // AlphaESS enforces the spacing on arrival (6053): the interval counts from when a request has
  // reached the server, not from the call to fetch (a cold connection would otherwise let the next
  // request in early). See RateLimiterOptions.holdUntilSent.
  constructor(options: RateLimiterOptions = {}) {
    super({ holdUntilSent: true, ...options });
  }

  override canAcquire(): boolean {
    return !this.#held && this.#waiting.length === 0 && super.canAcquire();
  }

  // The transport's fast path takes every slot and sends in the same tick: no hold is needed.
  override tryAcquire(): Release | null {
    return this.canAcquire() ? super.tryAcquire() : null;
  }

  override async acquire(options: { signal?: AbortSignal } = {}): Promise<Release> {
    await this.enter(options.signal);
    let release: Release;
    try {
      release = await super.acquire(options);
    } catch (error) {
      this.leave();
      throw error;
    }
    let holding = true;
    const done = () => {
      if (!holding) return;
      holding = false;
      this.leave();
    };
    // Sent (restamp) or given up (release without a send): the next request may take its turn.
    return Object.assign(
      () => {
        done();
        release();
      },
      {
        restamp: () => {
          release.restamp?.();
          done();
        },
        sent: () => release.sent?.(),
      },
    );
  }

  override state(): RateLimitState {
    const state = super.state();
    return { ...state, queued: state.queued + this.#waiting.length };
  }

  private enter(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      if (signal) this.#aborts.add(signal);
      this.#waiting.push({ resolve, reject, signal });
    });
  }

  private leave(): void {
    const next = this.#waiting.shift();
    if (!next) {
      this.#held = false;
      return;
    }
    if (next.signal) this.#aborts.remove(next.signal);
    next.resolve(); // the hold passes straight to the next in line
  }
}

/** The endpoint limiters of one client and its clones, created on first use. */
export class EndpointLimiters {
  private readonly limiters = new Map<string, EndpointLimiter>();
  constructor(private readonly factory: (endpoint: string) => RateLimiterOptions) {}

  get(endpoint: string): EndpointLimiter {
    let limiter = this.limiters.get(endpoint);
    if (!limiter) {
      limiter = new EndpointLimiter({ name: endpoint, ...this.factory(endpoint) });
      this.limiters.set(endpoint, limiter);
    }
    return limiter;
  }

  states(): RateLimitState[] {
    return [...this.limiters.values()].map((l) => l.state());
  }
}
