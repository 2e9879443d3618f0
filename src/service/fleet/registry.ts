import type pg from "pg";

export interface RegisteredSource {
  /** `vendor:device` or `amber:<site>`. */
  source: string;
  vendor: string;
}

/** What a reconcile changed: sources new to the fleet, retired ones listed again, and ones gone from the list. */
export interface SourceChanges {
  added: string[];
  returned: string[];
  retired: string[];
}

/**
 * The fleet's list of sources (`fleet_leases` rows), per vendor account. A worker starting adds what its
 * account lists; the worker holding the discovery lease lists again now and then, adds new sources and
 * retires the ones gone (their lease is released, their stored history stays).
 */
export class FleetRegistry {
  constructor(private readonly pool: pg.Pool) {}

  /** Adds sources not known yet (a retired one stays retired: only discovery brings it back). */
  async add(account: string, sources: readonly RegisteredSource[]): Promise<void> {
    if (sources.length === 0) return;
    await this.pool.query(
      `INSERT INTO fleet_leases (source, vendor, account)
       SELECT * FROM unnest($1::text[], $2::text[], array_fill($3::text, ARRAY[$4::int])) ON CONFLICT (source) DO NOTHING`,
      [sources.map((s) => s.source), sources.map((s) => s.vendor), account, sources.length],
    );
  }

  /** The account lists exactly `sources` now: new ones join, returning ones come back, missing ones retire (each listed). */
  async reconcile(account: string, sources: readonly RegisteredSource[]): Promise<SourceChanges> {
    const keys = sources.map((s) => s.source);
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      // xmax = 0: the row was inserted (new), else updated (a retired one back).
      const joined = await client.query<{ source: string; inserted: boolean }>(
        `INSERT INTO fleet_leases (source, vendor, account)
         SELECT * FROM unnest($1::text[], $2::text[], array_fill($3::text, ARRAY[$4::int]))
         ON CONFLICT (source) DO UPDATE SET retired_at = NULL WHERE fleet_leases.retired_at IS NOT NULL
         RETURNING source, xmax = 0 AS inserted`,
        [keys, sources.map((s) => s.vendor), account, keys.length],
      );
      const retired = await client.query<{ source: string }>(
        // Its owner may have polled it a moment ago: if it comes back, the next owner waits the vendor's floor (leases.ts).
        `UPDATE fleet_leases SET retired_at = clock_timestamp(), owner = NULL, expires_at = NULL, polled = polled OR owner IS NOT NULL
         WHERE account = $1 AND retired_at IS NULL AND NOT (source = ANY($2::text[])) RETURNING source`,
        [account, keys],
      );
      await client.query("COMMIT");
      return {
        added: joined.rows.filter((r) => r.inserted).map((r) => r.source),
        returned: joined.rows.filter((r) => !r.inserted).map((r) => r.source),
        retired: retired.rows.map((r) => r.source),
      };
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  }

  /** The account's sources in service. */
  async active(account: string): Promise<string[]> {
    const rows = await this.pool.query<{ source: string }>(
      "SELECT source FROM fleet_leases WHERE account = $1 AND retired_at IS NULL ORDER BY source",
      [account],
    );
    return rows.rows.map((r) => r.source);
  }

  /** Singleton leases (discovery and retention) that one worker at a time holds. */
  async addSingletons(names: readonly string[]): Promise<void> {
    await this.add(
      "fleet",
      names.map((source) => ({ source, vendor: "fleet" })),
    );
  }
}
