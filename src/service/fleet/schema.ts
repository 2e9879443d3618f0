import type pg from "pg";

/** Any key of this module's advisory lock: one worker creates the tables while the others wait. */
const SCHEMA_LOCK = 0x6f70_6601;

/**
 * The fleet's own tables, beside the storage's: the workers, one lease per polled source, the shared
 * request budgets and concurrency slots. Created idempotently under an advisory lock, so that N workers
 * starting at once never race on CREATE TABLE.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS fleet_workers (
  id text PRIMARY KEY,
  host text NOT NULL,
  pid integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  heartbeat_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS fleet_leases (
  source text PRIMARY KEY,
  vendor text NOT NULL,
  -- A non-secret name of the vendor account that lists it (a hash), for discovery to retire only its own.
  account text NOT NULL,
  owner text,
  -- Fencing token: grows with every claim, so a worker that lost a lease and took it back is told apart.
  epoch bigint NOT NULL DEFAULT 0,
  expires_at timestamptz,
  -- The oldest instant (simulated ms) of a gap a backfill has not filled yet: the next owner fills it if this one cannot.
  pending_from double precision,
  first_seen timestamptz NOT NULL DEFAULT clock_timestamp(),
  retired_at timestamptz
);
-- Some owner polled it and gave it back (or may have: a lease that expired): the next owner waits the vendor's floor.
ALTER TABLE fleet_leases ADD COLUMN IF NOT EXISTS polled boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS fleet_leases_owner ON fleet_leases (owner) WHERE retired_at IS NULL;
CREATE TABLE IF NOT EXISTS fleet_budgets (
  key text PRIMARY KEY,
  -- The earliest instant (epoch ms, the clients' clock) the next request of this budget may start.
  next_at double precision NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS fleet_slots (
  key text NOT NULL,
  slot integer NOT NULL,
  holder text,
  expires_at timestamptz,
  PRIMARY KEY (key, slot)
);
`;

export async function ensureFleetSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [SCHEMA_LOCK]);
    try {
      await client.query(DDL);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [SCHEMA_LOCK]);
    }
  } finally {
    client.release();
  }
}
