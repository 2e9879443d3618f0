/**
 * Which sources this process may poll. A single process polls everything; a fleet worker only the
 * systems whose lease it holds (src/service/fleet/leases.ts), asked before each poll.
 */
export interface Hold {
  /** Taken over since this source was last polled here: what is stored may be newer than what this process remembers. */
  fresh: boolean;
  /**
   * When this process took the source over (its clock) from an owner that may have polled it moments before; absent or
   * null when nobody else can have polled it recently. A vendor's per-source floor counts from here (see LeaseManager).
   */
  takenOverAt?: number | null;
  /** Not polled after all (too early after a take-over): the hold ends and the next one is still `fresh`. */
  decline?(): void;
  /** Aborts when the hold lapses (a fleet lease not renewed in time, or lost): the poll stops with it. */
  signal?: AbortSignal;
  /** A gap an earlier owner queued for backfill and did not fill (the start of it), if any. */
  pendingFrom?: number | null;
  /** Records a gap queued for backfill from `from` (null: every queued gap is filled), for the next owner. */
  markPending?(from: number | null): void;
  /** The poll is over (the lease may be released from now on). */
  end(): void;
}

export interface Ownership {
  /** A hold on `source` for one poll, or null when another worker has it. */
  begin(source: string): Hold | null;
}

/** One process polls every source. */
export const OWN_EVERYTHING: Ownership = { begin: () => ({ fresh: false, end: () => undefined }) };
