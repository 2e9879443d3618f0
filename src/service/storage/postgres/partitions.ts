import type pg from "pg";
import { LOCK_NAMESPACE, LOCK_PARTITIONS } from "./migrations.js";

/**
 * Monthly partitions of `samples` (UTC calendar months of `t`, epoch ms): `samples_p202601` holds
 * [2026-01-01, 2026-02-01). A month's partition is created the first time a sample of it is written (and the
 * current and next month at startup); retention drops whole months by DETACH + DROP, which costs no row scan.
 */

/** A month as one integer, year * 12 + month index (0..11). */
export type MonthKey = number;

export function monthOf(t: number): MonthKey {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

export function monthStart(key: MonthKey): number {
  return Date.UTC(Math.floor(key / 12), key % 12, 1);
}

export function partitionName(key: MonthKey): string {
  const year = Math.floor(key / 12);
  const month = (key % 12) + 1;
  return `samples_p${String(year).padStart(4, "0")}${String(month).padStart(2, "0")}`;
}

const NAME = /^samples_p(\d{4})(\d{2})$/;

export interface Partition {
  name: string;
  from: number;
  to: number;
}

/** The partitions `samples` has now, oldest first. */
export async function listPartitions(client: pg.ClientBase | pg.Pool): Promise<Partition[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'samples'::regclass ORDER BY c.relname COLLATE "C"`,
  );
  const out: Partition[] = [];
  for (const { name } of rows) {
    const m = NAME.exec(name);
    if (!m) continue;
    const key = Number(m[1]) * 12 + Number(m[2]) - 1;
    out.push({ name, from: monthStart(key), to: monthStart(key + 1) });
  }
  return out;
}

/**
 * Creates the partitions of these months that do not exist yet. Under a transaction-scoped advisory lock, so that
 * two workers writing the first sample of a month at once do not race on CREATE TABLE.
 */
export async function ensurePartitions(client: pg.ClientBase, months: Iterable<MonthKey>): Promise<void> {
  const keys = [...new Set(months)].sort((a, b) => a - b);
  if (keys.length === 0) return;
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_NAMESPACE, LOCK_PARTITIONS]);
    for (const key of keys)
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${partitionName(key)} PARTITION OF samples FOR VALUES FROM (${monthStart(key)}) TO (${monthStart(key + 1)})`,
      );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

/**
 * Drops every partition that lies wholly before `cut` (its rows already folded into aggregates by the caller, in
 * the same transaction), and returns the rest of the cut for a plain DELETE. DETACH (not CONCURRENTLY: that cannot
 * run inside the retention transaction) briefly locks `samples`; it happens once a month.
 */
export async function dropPartitionsBefore(client: pg.ClientBase, cut: number): Promise<string[]> {
  const dropped: string[] = [];
  for (const p of await listPartitions(client)) {
    if (p.to > cut) continue;
    await client.query(`ALTER TABLE samples DETACH PARTITION ${p.name}`);
    await client.query(`DROP TABLE ${p.name}`);
    dropped.push(p.name);
  }
  return dropped;
}
