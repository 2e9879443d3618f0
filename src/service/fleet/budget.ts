import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { systemClock, type Clock } from "../../core/clock.js";
import { RateLimiter, type RateLimiterOptions, type Release } from "../../core/rate-limit/limiter.js";

/** A budget's name in the database: the vendor and a hash of the credential, never the credential itself. */
export function budgetKey(vendor: string, credential: string): string {
  return `${vendor}:${createHash("sha256").update(`openpower-fleet\u0000${vendor}\u0000${credential}`).digest("hex").slice(0, 24)}`;
}

export interface FleetBudget {
  /** `budgetKey(vendor, credential)`. */
  key: string;
  /** Fleet-wide minimum spacing between two request starts, ms on the clients' clock (the whole fleet shares it). */
  spacingMs?: number;
  /**
   * A reserved start this late (ms; the database answered slowly, the process stalled) is given back and a new one taken,
   * so that a late start never comes closer than spacing - tolerance to the next worker's. Default 5% of the spacing.
   */
  toleranceMs?: number;
  /** Fleet-wide requests in flight at once (PowerTrack's session concurrency). */
  slots?: number;
  /** A slot held longer than this (real ms; a worker killed mid-request) is free again. Default 120 s. */
  slotTtlMs?: number;
}

/**
 * A request budget shared by every worker through PostgreSQL, plugged in where a client takes its
 * limiter (`ClientOptions.rateLimit`). Before the local limiter (window, server hints, back-off) grants a
 * request, it reserves the fleet's next start in `fleet_budgets` (one atomic UPDATE: the next start
 * is max(stored, now) + spacing, so N workers never start two requests closer than the spacing) and, with
 * `slots`, one of the fleet's concurrency slots in `fleet_slots` (SKIP LOCKED; a dead holder's slot expires).
 * A reservation a worker dies with is simply never used: the budget errs on the side of fewer requests.
 */
export class FleetRateLimiter extends RateLimiter {
  private readonly fleetClock: Clock;
  private seeded: Promise<void> | undefined;
  /** Requests granted, and reserved starts given back because the answer came too late (each burns one spacing). */
  readonly stats = { granted: 0, retaken: 0 };
  /** How long the database takes to answer a reservation, ms on the clients' clock (a moving average). */
  private answerMs = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly budget: FleetBudget,
    private readonly holder: string,
    options: RateLimiterOptions,
  ) {
    super(options);
    this.fleetClock = options.clock ?? systemClock;
  }

  // Every request asks the database: no fast path.
  override tryAcquire(): Release | null {
    return null;
  }

  override canAcquire(): boolean {
    return false;
  }

  override async acquire(options: { signal?: AbortSignal } = {}): Promise<Release> {
    const slot = this.budget.slots ? await this.takeSlot(options.signal) : null;
    let release: Release;
    try {
      const spacing = this.budget.spacingMs;
      if (spacing) {
        const tolerance = this.budget.toleranceMs ?? spacing * 0.05;
        for (;;) {
          const wait = (await this.reserve(spacing)) - this.fleetClock.now();
          if (wait > 0) await this.fleetClock.sleep(wait, options.signal);
          if (wait >= -tolerance) break;
          this.stats.retaken++;
          options.signal?.throwIfAborted();
        }
      }
      release = await super.acquire(options);
      this.stats.granted++;
    } catch (error) {
      if (slot !== null) void this.freeSlot(slot);
      throw error;
    }
    if (slot === null) return release;
    return Object.assign(
      () => {
        release();
        void this.freeSlot(slot);
      },
      { restamp: release.restamp, sent: release.sent },
    );
  }

  /**
   * The start reserved for this request, ms on the clients' clock. It is reserved no earlier than twice the database's
   * usual answer time from now: a start of "now" would already be past when the answer arrives (on an accelerated
   * clock, or a remote database, by more than the tolerance) and be taken again, burning one spacing each time.
   */
  private async reserve(spacingMs: number): Promise<number> {
    const sent = this.fleetClock.now();
    const result = await this.pool.query<{ at: number }>(
      `INSERT INTO fleet_budgets (key, next_at) VALUES ($1, $2::double precision + $3) ON CONFLICT (key) DO UPDATE
       SET next_at = GREATEST(fleet_budgets.next_at, $2::double precision) + $3 RETURNING next_at - $3 AS at`,
      [this.budget.key, sent + 2 * this.answerMs, spacingMs],
    );
    const took = this.fleetClock.now() - sent;
    // Rises at once with a slow answer, falls slowly: a burst of slow answers should not be met with a short lead.
    this.answerMs = took > this.answerMs ? took : 0.9 * this.answerMs + 0.1 * took;
    return Number(result.rows[0]!.at);
  }

  private async takeSlot(signal: AbortSignal | undefined): Promise<number> {
    const { key, slots = 1, slotTtlMs = 120_000 } = this.budget;
    this.seeded ??= this.pool
      .query("INSERT INTO fleet_slots (key, slot) SELECT $1, generate_series(0, $2 - 1) ON CONFLICT DO NOTHING", [key, slots])
      .then(() => undefined);
    await this.seeded;
    for (let backoff = 2; ; backoff = Math.min(50, backoff * 2)) {
      const taken = await this.pool.query<{ slot: number }>(
        `UPDATE fleet_slots s SET holder = $2, expires_at = clock_timestamp() + $3 * interval '1 millisecond'
         FROM (SELECT slot FROM fleet_slots WHERE key = $1 AND slot < $4 AND (holder IS NULL OR expires_at < clock_timestamp())
               LIMIT 1 FOR UPDATE SKIP LOCKED) free
         WHERE s.key = $1 AND s.slot = free.slot RETURNING s.slot`,
        [key, this.holder, slotTtlMs, slots],
      );
      if (taken.rows[0]) return taken.rows[0].slot;
      if (signal?.aborted) throw signal.reason;
      // Real time: the slots are held for real-time requests.
      const until = performance.now() + backoff;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, until - performance.now())));
    }
  }

  private async freeSlot(slot: number): Promise<void> {
    await this.pool
      .query("UPDATE fleet_slots SET holder = NULL, expires_at = NULL WHERE key = $1 AND slot = $2 AND holder = $3", [
        this.budget.key,
        slot,
        this.holder,
      ])
      .catch(() => undefined);
  }
}
