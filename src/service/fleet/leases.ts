import { hostname } from "node:os";
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { systemClock, type Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { Hold, Ownership } from "../collector/ownership.js";

export interface LeaseOptions {
  pool: pg.Pool;
  workerId: string;
  /** How long a lease lasts without renewal, real ms: a dead worker's sources are free again after it. */
  ttlMs: number;
  logger?: Logger;
  /** The collector's clock (default the wall clock): take-overs are timed on it, as the vendors' floors are. */
  clock?: Clock;
  /** Told when a poll under a lease begins and ends (tests record who polled what, when). */
  onHold?: (source: string, phase: "begin" | "end") => void;
}

interface Held {
  epoch: number;
  /** Polled here under this epoch already (the first poll re-reads what is stored). */
  polled: boolean;
  /** When it was claimed here (collector clock), if an earlier owner may have polled it just before; else null. */
  takenOverAt: number | null;
  inFlight: number;
  /** A gap an owner queued for backfill and has not filled, from the lease row. */
  pendingFrom: number | null;
  /** Aborted when the lease is lost or lapses: a poll under it stops. */
  lapse: AbortController;
}

const ms = "* interval '1 millisecond'";

/**
 * This worker's leases on the fleet's sources (`fleet_leases`). A heartbeat every quarter of the lease's
 * life renews what it holds, releases what is beyond its share (sources / live workers) and claims free
 * or expired ones with FOR UPDATE SKIP LOCKED, so that N workers split the fleet and a dead one's sources
 * are taken over once its leases expire. Before each poll the collector asks `begin`: a source is polled
 * only while its lease is held here with more than a quarter of its life left, and the poll's deadline
 * ends before the lease does, so a lease that lapses (a stalled worker) never overlaps the next owner's.
 */
export class LeaseManager implements Ownership {
  private held = new Map<string, Held>();
  /** performance.now() until which every held lease is valid (measured from before the renewal was sent). */
  private validUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private lapseTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: LeaseOptions) {}

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  get workerId(): string {
    return this.options.workerId;
  }

  /** The sources held now. */
  sources(): string[] {
    return [...this.held.keys()];
  }

  begin(source: string): Hold | null {
    const lease = this.held.get(source);
    const remainingMs = this.validUntil - performance.now();
    if (!lease || this.stopped || remainingMs < this.options.ttlMs / 4) return null;
    const fresh = !lease.polled;
    lease.polled = true;
    lease.inFlight++;
    this.options.onHold?.(source, "begin");
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      lease.inFlight--;
      this.options.onHold?.(source, "end");
    };
    return {
      fresh,
      takenOverAt: lease.takenOverAt,
      signal: lease.lapse.signal,
      pendingFrom: lease.pendingFrom,
      markPending: (from) => this.markPending(source, lease, from),
      decline: () => {
        if (fresh && !done) lease.polled = false;
        end();
      },
      end,
    };
  }

  /** Registers the worker and takes its first share; then keeps the heartbeat going. */
  async start(): Promise<void> {
    await this.tick();
    const every = Math.max(50, Math.floor(this.options.ttlMs / 4));
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .catch((error: unknown) => this.options.logger?.warn("lease heartbeat failed", { cause: String(error) }))
        .finally(() => (this.ticking = undefined));
    }, every);
  }

  /** One heartbeat: renew, rebalance, claim. */
  async tick(): Promise<void> {
    const { pool, workerId, ttlMs } = this.options;
    const sentAt = performance.now();
    await pool.query(
      `INSERT INTO fleet_workers (id, host, pid) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = clock_timestamp()`,
      [workerId, hostname(), process.pid],
    );
    // Still ours: nobody claimed it since (a claim changes the owner), so renewing is safe even past expiry.
    const renewed = await pool.query<{ source: string; epoch: string; pending_from: number | null }>(
      `UPDATE fleet_leases SET expires_at = clock_timestamp() + $2 ${ms}
       WHERE owner = $1 AND retired_at IS NULL RETURNING source, epoch, pending_from`,
      [workerId, ttlMs],
    );
    const next = new Map<string, Held>();
    for (const r of renewed.rows) {
      const had = this.held.get(r.source);
      const epoch = Number(r.epoch);
      next.set(
        r.source,
        had?.epoch === epoch
          ? had
          : {
              epoch,
              polled: false,
              // Not claimed by this process just now (an epoch it did not know): as careful as a take-over.
              takenOverAt: this.clock.now(),
              inFlight: had?.inFlight ?? 0,
              pendingFrom: r.pending_from,
              lapse: new AbortController(),
            },
      );
    }
    for (const [source, h] of this.held) if (next.get(source) !== h) h.lapse.abort(new Error(`lease on ${source} lost`));
    this.held = next;
    this.validUntil = sentAt + ttlMs;
    // Not renewed in time (the database unreachable, this process stalled): every poll under a lease stops before it ends.
    clearTimeout(this.lapseTimer);
    this.lapseTimer = setTimeout(() => this.lapseAll("leases lapsed"), Math.max(0, this.validUntil - ttlMs / 8 - performance.now()));
    this.lapseTimer.unref();
    if (this.stopped) return;
    // Each live worker's count: a worker above its fair share gives back to one below it (ceil alone could starve one).
    const loads = await pool.query<{ id: string; n: string }>(
      `SELECT w.id, count(l.source) AS n FROM fleet_workers w
       LEFT JOIN fleet_leases l ON l.owner = w.id AND l.retired_at IS NULL AND l.vendor <> 'fleet' AND l.expires_at > clock_timestamp()
       WHERE w.heartbeat_at > clock_timestamp() - $1 ${ms} GROUP BY w.id`,
      [ttlMs],
    );
    const totals = await pool.query<{ sources: string; singletons: string }>(
      `SELECT count(*) FILTER (WHERE vendor <> 'fleet') AS sources, count(*) FILTER (WHERE vendor = 'fleet') AS singletons
       FROM fleet_leases WHERE retired_at IS NULL`,
    );
    const workers = Math.max(1, loads.rows.length);
    const sources = Number(totals.rows[0]!.sources);
    // The fleet's own jobs (discovery, retention) are shared out apart from the sources, so each worker polls its share.
    const mine = [...this.held.keys()].filter((source) => source.startsWith("fleet:")).length;
    const held = this.held.size - mine;
    const [low, high] = [Math.floor(sources / workers), Math.ceil(sources / workers)];
    const starving = loads.rows.some((r) => r.id !== workerId && Number(r.n) < low);
    if (held > high) await this.release(held - high);
    else if (starving && held > low) await this.release(held - low);
    else if (held < high) await this.claim(high - held, false);
    const jobs = Math.ceil(Number(totals.rows[0]!.singletons) / workers);
    if (mine < jobs) await this.claim(jobs - mine, true);
  }

  /** Gives back `count` sources not being polled right now (taken off the held set first, so none starts meanwhile). */
  private async release(count: number): Promise<void> {
    const idle = [...this.held].filter(([source, h]) => h.inFlight === 0 && !source.startsWith("fleet:")).slice(0, count);
    for (const [source, h] of idle) {
      this.held.delete(source);
      h.lapse.abort(new Error(`lease on ${source} released`));
    }
    if (idle.length === 0) return;
    await this.giveBack(idle);
  }

  /** Frees these leases; the ones polled here under their epoch are marked so (the next owner waits the vendor's floor). */
  private async giveBack(leases: [string, Held][]): Promise<void> {
    await this.options.pool.query(
      `UPDATE fleet_leases SET owner = NULL, expires_at = NULL, polled = polled OR source = ANY($3::text[])
       WHERE owner = $1 AND source = ANY($2::text[])`,
      [this.options.workerId, leases.map(([source]) => source), leases.filter(([, h]) => h.polled).map(([source]) => source)],
    );
  }

  private async claim(count: number, jobs: boolean): Promise<void> {
    const { pool, workerId, ttlMs } = this.options;
    const claimed = await pool.query<{ source: string; epoch: string; pending_from: number | null; recent: boolean }>(
      `WITH free AS (
         SELECT source, owner IS NOT NULL OR polled AS recent FROM fleet_leases
         WHERE retired_at IS NULL AND (vendor = 'fleet') = $4 AND (owner IS NULL OR expires_at < clock_timestamp())
         ORDER BY random() LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE fleet_leases l SET owner = $1, epoch = l.epoch + 1, expires_at = clock_timestamp() + $3 ${ms}
       FROM free WHERE l.source = free.source RETURNING l.source, l.epoch, l.pending_from, free.recent`,
      [workerId, count, ttlMs, jobs],
    );
    // Read after the claim committed, so later than it. The previous owner's last request started before the claim: a
    // released lease was idle (release() gives back only sources with no poll in flight), and an expired one's polls began
    // only with more than a quarter of its life left and were aborted before it ended. So a vendor's floor counted from
    // here (on the collector's clock, the one the floors are kept on) never brings two requests for one source closer.
    const claimedAt = this.clock.now();
    // Valid until the renewal's validUntil: counted from before that was sent, earlier than this claim's expiry.
    for (const r of claimed.rows)
      this.held.set(r.source, {
        epoch: Number(r.epoch),
        polled: false,
        // Never polled, or only by owners that gave it back without polling: nobody's last request can be recent.
        takenOverAt: r.recent ? claimedAt : null,
        inFlight: 0,
        pendingFrom: r.pending_from,
        lapse: new AbortController(),
      });
    if (claimed.rows.length > 0) this.options.logger?.info("leases claimed", { worker: workerId, count: claimed.rows.length });
  }

  /** Keeps the oldest unfilled gap on the lease row (null: all filled), so that the next owner fills it if this one cannot. */
  private markPending(source: string, lease: Held, from: number | null): void {
    const next = from === null ? null : Math.min(from, lease.pendingFrom ?? from);
    if (next === lease.pendingFrom) return;
    lease.pendingFrom = next;
    this.options.pool
      .query("UPDATE fleet_leases SET pending_from = $3 WHERE source = $1 AND owner = $2 AND epoch = $4", [
        source,
        this.options.workerId,
        next,
        lease.epoch,
      ])
      .catch((error: unknown) => this.options.logger?.warn("pending gap not recorded", { source, cause: String(error) }));
  }

  private lapseAll(why: string): void {
    clearTimeout(this.lapseTimer);
    for (const h of this.held.values()) h.lapse.abort(new Error(why));
    this.held.clear();
  }

  /** Stops the heartbeat and gives every lease back (call after the collector stopped: nothing is in flight). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    const { pool, workerId } = this.options;
    const held = [...this.held];
    this.lapseAll("worker stopped");
    await this.giveBack(held);
    await pool.query("UPDATE fleet_leases SET owner = NULL, expires_at = NULL WHERE owner = $1", [workerId]);
    await pool.query("DELETE FROM fleet_workers WHERE id = $1", [workerId]);
  }
}
