/**
 * Schema migrations, oldest first: `MIGRATIONS[i]` takes a database from version i to i + 1
 * (`PRAGMA user_version`). Never edit a released step; add one. Each is tested from every earlier version.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the first schema.
  `
  CREATE TABLE systems (
    sid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    vendor TEXT NOT NULL,
    device TEXT NOT NULL,
    name TEXT,
    time_zone TEXT,
    capabilities TEXT NOT NULL DEFAULT '[]',
    last_seen INTEGER
  );
  CREATE TABLE samples (
    sid INTEGER NOT NULL,
    t INTEGER NOT NULL,
    pv_w REAL, load_w REAL, grid_w REAL, battery_w REAL, soc REAL, ev_w REAL,
    PRIMARY KEY (sid, t)
  ) WITHOUT ROWID;
  CREATE TABLE energy (
    system TEXT NOT NULL,
    date TEXT NOT NULL,
    pv_kwh REAL, load_kwh REAL, import_kwh REAL, export_kwh REAL, charge_kwh REAL, discharge_kwh REAL,
    read_at INTEGER NOT NULL,
    PRIMARY KEY (system, date)
  ) WITHOUT ROWID;
  CREATE TABLE prices (
    source TEXT NOT NULL,
    channel TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    estimate INTEGER NOT NULL,
    per_kwh REAL NOT NULL,
    spot_per_kwh REAL NOT NULL,
    renewables REAL NOT NULL,
    descriptor TEXT NOT NULL,
    spike TEXT NOT NULL,
    PRIMARY KEY (source, channel, start, issued_at)
  ) WITHOUT ROWID;
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    items INTEGER NOT NULL,
    error_class TEXT,
    error TEXT
  );
  CREATE INDEX runs_source ON runs (source, id);
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    system TEXT NOT NULL,
    action TEXT NOT NULL,
    request TEXT NOT NULL,
    plan TEXT,
    result TEXT,
    ok INTEGER
  );
  `,
  // 2: 30-minute aggregates kept after raw samples expire, gaps that could not be filled, each system's cadence.
  `
  CREATE TABLE samples_30m (
    sid INTEGER NOT NULL,
    t INTEGER NOT NULL,
    n INTEGER NOT NULL,
    pv_w REAL, load_w REAL, grid_w REAL, battery_w REAL, soc REAL, ev_w REAL,
    PRIMARY KEY (sid, t)
  ) WITHOUT ROWID;
  CREATE TABLE gaps (
    system TEXT NOT NULL,
    from_t INTEGER NOT NULL,
    to_t INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (system, from_t)
  ) WITHOUT ROWID;
  ALTER TABLE systems ADD COLUMN cadence_ms INTEGER;
  `,
  // 3: metered usage (Amber), one row per meter channel and interval; a later read (estimated -> billable) wins.
  `
  CREATE TABLE usage (
    source TEXT NOT NULL,
    channel TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    channel_type TEXT NOT NULL,
    kwh REAL NOT NULL,
    cost_cents REAL NOT NULL,
    quality TEXT NOT NULL,
    PRIMARY KEY (source, channel, start)
  ) WITHOUT ROWID;
  `,
  // 4: the battery automation's decisions, each with its explanation (one row per cycle and system).
  `
  CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    system TEXT NOT NULL,
    mode TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE INDEX decisions_system ON decisions (system, id);
  `,
  // 5: load and PV forecasts with their issue time and source, so their accuracy can be measured.
  `
  CREATE TABLE forecasts (
    system TEXT NOT NULL,
    quantity TEXT NOT NULL,
    source TEXT NOT NULL,
    start INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    value REAL,
    PRIMARY KEY (system, quantity, source, start, issued_at)
  ) WITHOUT ROWID;
  CREATE INDEX forecasts_start ON forecasts (start);
  `,
  // 6: systems gone from their vendor's list are retired (no longer polled, history kept), not deleted.
  `
  ALTER TABLE systems ADD COLUMN retired_at INTEGER;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
