import { energyRow, toColumns } from "./row-arrays.js";
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { insertForecasts, selectForecasts } from "./sqlite-forecasts.js";
import type {
  AuditRow,
  DecisionRow,
  EnergyRow,
  ForecastRow,
  GapRow,
  PriceRow,
  RunRow,
  SampleColumns,
  SampleRow,
  Storage,
  SystemRow,
  UsageRow,
} from "./types.js";

const HALF_HOUR_MS = 30 * 60_000;
type Num = number | null;

/** Brings a database to `target` (default: the latest), one transaction per step. */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): number {
  let version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION)
    throw new Error(`The database has schema version ${version}, newer than this openpower (${SCHEMA_VERSION}). Upgrade openpower.`);
  while (version < target) {
    const step = MIGRATIONS[version]!;
    db.transaction(() => {
      db.exec(step);
      db.pragma(`user_version = ${version + 1}`);
    })();
    version++;
  }
  return version;
}

/**
 * The default backend: one SQLite file in WAL mode (readers never wait for the collector), synchronous
 * NORMAL (a committed transaction survives a process kill; only an OS crash may lose the last ones).
 */
export class SqliteStorage implements Storage {
  readonly db: Database.Database;
  readonly schemaVersion: number;
  private readonly sids = new Map<string, number>();
  /** Raw samples before this were folded into aggregates: a late copy of one is not stored again (it would count twice). */
  private foldedBefore: number;
  private readonly stmt;

  constructor(readonly file: string) {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.schemaVersion = migrate(this.db);
    const db = this.db;
    const folded = db.prepare<[], { t: number | null }>("SELECT max(t) AS t FROM samples_30m").get()?.t;
    this.foldedBefore = folded == null ? -Infinity : folded + HALF_HOUR_MS;
    this.stmt = {
      sid: db.prepare<[string], { sid: number }>("SELECT sid FROM systems WHERE id = ?"),
      newSystem: db.prepare("INSERT INTO systems (id, vendor, device, capabilities) VALUES (?, ?, ?, '[]') ON CONFLICT (id) DO NOTHING"),
      upsertSystem: db.prepare(
        `INSERT INTO systems (id, vendor, device, name, time_zone, capabilities, cadence_ms, last_seen, retired_at)
         VALUES (@id, @vendor, @device, @name, @timeZone, @capabilities, @cadenceMs, @lastSeen, @retiredAt)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, capabilities = excluded.capabilities,
           cadence_ms = excluded.cadence_ms, last_seen = coalesce(excluded.last_seen, systems.last_seen), retired_at = excluded.retired_at`,
      ),
      insertSample: db.prepare("INSERT OR IGNORE INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
      rawRange: db
        .prepare("SELECT t, pv_w, load_w, grid_w, battery_w, soc, ev_w FROM samples WHERE sid = @sid AND t >= @from AND t < @to ORDER BY t")
        .raw(),
      aggRange: db
        .prepare(
          "SELECT t, pv_w, load_w, grid_w, battery_w, soc, ev_w FROM samples_30m WHERE sid = @sid AND t >= @from AND t < @to ORDER BY t",
        )
        .raw(),
      latest: db.prepare("SELECT t, pv_w, load_w, grid_w, battery_w, soc, ev_w FROM samples WHERE sid = ? ORDER BY t DESC LIMIT 1").raw(),
      upsertEnergy: db.prepare(
        `INSERT INTO energy VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (system, date) DO UPDATE SET pv_kwh = excluded.pv_kwh,
         load_kwh = excluded.load_kwh, import_kwh = excluded.import_kwh, export_kwh = excluded.export_kwh, charge_kwh = excluded.charge_kwh,
         discharge_kwh = excluded.discharge_kwh, read_at = excluded.read_at WHERE excluded.read_at >= energy.read_at`,
      ),
      energy: db.prepare("SELECT * FROM energy WHERE system = ? AND date >= ? AND date <= ? ORDER BY date").raw(),
      upsertPrice: db.prepare(
        `INSERT INTO prices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, channel, start, issued_at) DO UPDATE SET
         end = excluded.end, kind = excluded.kind, estimate = excluded.estimate, per_kwh = excluded.per_kwh, spot_per_kwh = excluded.spot_per_kwh,
         renewables = excluded.renewables, descriptor = excluded.descriptor, spike = excluded.spike`,
      ),
      previousVintage: db
        .prepare(
          `SELECT issued_at, kind, estimate, per_kwh, spot_per_kwh, renewables, descriptor, spike FROM prices
           WHERE source = ? AND channel = ? AND start = ? AND issued_at <= ? ORDER BY issued_at DESC LIMIT 1`,
        )
        .raw(),
      latestPrice: db.prepare<[string], { s: number | null }>("SELECT max(start) AS s FROM prices WHERE source = ?"),
      upsertUsage: db.prepare(
        `INSERT INTO usage VALUES (@source, @channel, @start, @end, @channelType, @kwh, @costCents, @quality)
         ON CONFLICT (source, channel, start) DO UPDATE SET end = excluded.end, channel_type = excluded.channel_type, kwh = excluded.kwh,
           cost_cents = excluded.cost_cents, quality = excluded.quality
         WHERE (usage.kwh, usage.cost_cents, usage.quality, usage.end) IS NOT (excluded.kwh, excluded.cost_cents, excluded.quality, excluded.end)`,
      ),
      latestUsage: db.prepare<[string], { s: number | null }>("SELECT max(start) AS s FROM usage WHERE source = ?"),
      insertRun: db.prepare(
        "INSERT INTO runs (source, kind, started_at, finished_at, ok, items, error_class, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      insertGap: db.prepare("INSERT OR REPLACE INTO gaps VALUES (?, ?, ?, ?)"),
      insertDecision: db.prepare("INSERT INTO decisions (at, system, mode, action, reason, detail) VALUES (?, ?, ?, ?, ?, ?)"),
      insertAudit: db.prepare("INSERT INTO audit (at, system, action, request, plan, result, ok) VALUES (?, ?, ?, ?, ?, ?, ?)"),
    };
  }

  /** The integer key of a system, created on first use (samples are keyed by it to stay small). */
  sidOf(system: string): number {
    let sid = this.sids.get(system);
    if (sid !== undefined) return sid;
    const found = this.stmt.sid.get(system);
    if (found) sid = found.sid;
    else {
      const colon = system.indexOf(":");
      this.stmt.newSystem.run(system, colon > 0 ? system.slice(0, colon) : "unknown", system.slice(colon + 1));
      sid = this.stmt.sid.get(system)!.sid;
    }
    this.sids.set(system, sid);
    return sid;
  }

  async upsertSystems(rows: readonly SystemRow[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of rows)
        this.stmt.upsertSystem.run({ ...r, capabilities: JSON.stringify(r.capabilities), retiredAt: r.retiredAt ?? null });
    })();
  }

  async retireSystems(ids: readonly string[], at: number | null): Promise<number> {
    const set = this.db.prepare(
      at === null
        ? "UPDATE systems SET retired_at = NULL WHERE id = ? AND retired_at IS NOT NULL"
        : "UPDATE systems SET retired_at = ? WHERE id = ? AND retired_at IS NULL",
    );
    return this.db.transaction(() => ids.reduce((n, id) => n + (at === null ? set.run(id) : set.run(at, id)).changes, 0))();
  }

  async listSystems(): Promise<SystemRow[]> {
    // The newest sample says when a system was last seen (cheaper than updating the row on every insert).
    const rows = this.db
      .prepare("SELECT s.*, coalesce((SELECT max(t) FROM samples WHERE sid = s.sid), s.last_seen) AS seen FROM systems s ORDER BY id")
      .all() as Record<string, unknown>[];
    return rows.map((r) => ({
      id: r.id as string,
      vendor: r.vendor as string,
      device: r.device as string,
      name: (r.name as string | null) ?? null,
      timeZone: (r.time_zone as string | null) ?? null,
      capabilities: JSON.parse(r.capabilities as string) as string[],
      cadenceMs: (r.cadence_ms as number | null) ?? null,
      lastSeen: (r.seen as number | null) ?? null,
      retiredAt: (r.retired_at as number | null) ?? null,
    }));
  }

  async insertSamples(rows: readonly SampleRow[]): Promise<number> {
    return rows.length === 0 ? 0 : this.insertSamplesTx([rows])[0]!;
  }

  async insertSampleBatches(batches: readonly (readonly SampleRow[])[]): Promise<number[]> {
    return batches.some((b) => b.length > 0) ? this.insertSamplesTx(batches) : batches.map(() => 0);
  }

  // Built once: better-sqlite3 compiles a transaction wrapper on every db.transaction() call. One transaction for all
  // batches; each row's own `changes` says whether it was new, so each batch learns its own count.
  private readonly insertSamplesTx = (batches: readonly (readonly SampleRow[])[]): number[] => {
    const run = (this.insertTx ??= this.db.transaction((all: readonly (readonly SampleRow[])[]) =>
      all.map((batch) => {
        let added = 0;
        for (const r of batch) {
          if (r.t < this.foldedBefore) continue;
          added += this.stmt.insertSample.run(this.sidOf(r.system), r.t, r.pvW, r.loadW, r.gridW, r.batteryW, r.soc, r.evW).changes;
        }
        return added;
      }),
    ));
    try {
      return run(batches);
    } catch (error) {
      // A rolled-back transaction takes the system rows it created with it: their cached keys are void.
      this.sids.clear();
      throw error;
    }
  };
  private insertTx: ((batches: readonly (readonly SampleRow[])[]) => number[]) | undefined;

  async latestSample(system: string): Promise<SampleRow | undefined> {
    const row = this.stmt.latest.get(this.sidOf(system)) as Num[] | undefined;
    if (!row) return undefined;
    const [t, pvW, loadW, gridW, batteryW, soc, evW] = row;
    return { system, t: t!, pvW: pvW!, loadW: loadW!, gridW: gridW!, batteryW: batteryW!, soc: soc!, evW: evW! };
  }

  async samples(system: string, from: number, to: number, stepMs?: number): Promise<SampleColumns> {
    const sid = this.sidOf(system);
    const cols = "t, pv_w, load_w, grid_w, battery_w, soc, ev_w";
    const where = "sid = @sid AND t >= @from AND t < @to";
    if (stepMs) {
      const union = `SELECT ${cols} FROM samples WHERE ${where} UNION ALL SELECT ${cols} FROM samples_30m WHERE ${where}`;
      const sql = `SELECT t - (t % @step) AS b, avg(pv_w), avg(load_w), avg(grid_w), avg(battery_w), avg(soc), avg(ev_w) FROM (${union}) GROUP BY b ORDER BY b`;
      return toColumns(this.db.prepare(sql).raw().all({ sid, from, to, step: stepMs }) as Num[][]);
    }
    // Aggregates are all older than the raw samples left (retention folds the oldest), so both key-ordered reads concatenate in order.
    const params = { sid, from, to };
    const older = this.stmt.aggRange.all(params) as Num[][];
    const raw = this.stmt.rawRange.all(params) as Num[][];
    return toColumns(older.length === 0 ? raw : older.concat(raw));
  }

  async samplesJson(system: string, from: number, to: number, stepMs?: number): Promise<{ count: number; json: string }> {
    const sid = this.sidOf(system);
    const cols = "t, pv_w, load_w, grid_w, battery_w, soc, ev_w";
    const where = "sid = @sid AND t >= @from AND t < @to";
    // Aggregates (older) first, then raw samples: each part is read in key order, so no sort is needed.
    const union = `SELECT ${cols} FROM samples_30m WHERE ${where} UNION ALL SELECT ${cols} FROM samples WHERE ${where}`;
    const source = stepMs
      ? `SELECT t - (t % @step) AS t, avg(pv_w) AS pv_w, avg(load_w) AS load_w, avg(grid_w) AS grid_w, avg(battery_w) AS battery_w, avg(soc) AS soc, avg(ev_w) AS ev_w FROM (${union}) GROUP BY 1 ORDER BY 1`
      : union;
    // SQLite writes the JSON itself: cheaper than building a JS array per row and serialising it again.
    const row = this.db
      .prepare(
        `SELECT count(*), json_object('t', json_group_array(t), 'pvW', json_group_array(pv_w), 'loadW', json_group_array(load_w), 'gridW', json_group_array(grid_w),
           'batteryW', json_group_array(battery_w), 'soc', json_group_array(soc), 'evW', json_group_array(ev_w)) FROM (${source})`,
      )
      .raw()
      .get({ sid, from, to, ...(stepMs ? { step: stepMs } : {}) }) as [number, string];
    return { count: row[0], json: row[1] };
  }

  async upsertEnergy(rows: readonly EnergyRow[]): Promise<number> {
    return (await this.upsertEnergyBatches([rows]))[0]!;
  }

  async upsertEnergyBatches(batches: readonly (readonly EnergyRow[])[]): Promise<number[]> {
    const e = this.stmt.upsertEnergy;
    return this.db.transaction(() =>
      batches.map((rows) => {
        let n = 0;
        for (const r of rows)
          n += e.run(r.system, r.date, r.pvKwh, r.loadKwh, r.importKwh, r.exportKwh, r.chargeKwh, r.dischargeKwh, r.readAt).changes;
        return n;
      }),
    )();
  }

  async energy(system: string, fromDate: string, toDate: string): Promise<EnergyRow[]> {
    return (this.stmt.energy.all(system, fromDate, toDate) as (string | number | null)[][]).map(energyRow);
  }

  async upsertPrices(rows: readonly PriceRow[]): Promise<number> {
    return this.db.transaction(() => {
      let n = 0;
      for (const r of rows) {
        // A vintage identical to the one before it is not stored again: "the forecast at time X" is the
        // latest vintage issued at or before X, so nothing is lost and a steady forecast costs one row.
        const prev = this.stmt.previousVintage.get(r.source, r.channel, r.start, r.issuedAt) as (string | number)[] | undefined;
        if (prev && prev[0] !== r.issuedAt && samePrice(prev, r)) continue;
        n += this.stmt.upsertPrice.run(
          r.source,
          r.channel,
          r.start,
          r.end,
          r.issuedAt,
          r.kind,
          r.estimate ? 1 : 0,
          r.perKwhCents,
          r.spotPerKwhCents,
          r.renewablesPct,
          r.descriptor,
          r.spike,
        ).changes;
      }
      return n;
    })();
  }

  async prices(query: { from: number; to: number; source?: string; channel?: string; vintages: "latest" | "all" }): Promise<PriceRow[]> {
    const where = ["p.start < @to", "p.end > @from"];
    if (query.source) where.push("p.source = @source");
    if (query.channel) where.push("p.channel = @channel");
    const latest =
      query.vintages === "latest"
        ? " AND p.issued_at = (SELECT max(q.issued_at) FROM prices q WHERE q.source = p.source AND q.channel = p.channel AND q.start = p.start)"
        : "";
    const rows = this.db
      .prepare(`SELECT * FROM prices p WHERE ${where.join(" AND ")}${latest} ORDER BY p.source, p.channel, p.start, p.issued_at`)
      .raw()
      .all({ from: query.from, to: query.to, source: query.source, channel: query.channel }) as (string | number)[][];
    return rows.map((r) => ({
      source: r[0] as string,
      channel: r[1] as string,
      start: r[2] as number,
      end: r[3] as number,
      issuedAt: r[4] as number,
      kind: r[5] as string,
      estimate: r[6] === 1,
      perKwhCents: r[7] as number,
      spotPerKwhCents: r[8] as number,
      renewablesPct: r[9] as number,
      descriptor: r[10] as string,
      spike: r[11] as string,
    }));
  }

  async latestPriceStart(source: string): Promise<number | undefined> {
    return this.stmt.latestPrice.get(source)?.s ?? undefined;
  }

  async upsertUsage(rows: readonly UsageRow[]): Promise<number> {
    return this.db.transaction(() => rows.reduce((n, r) => n + this.stmt.upsertUsage.run(r).changes, 0))();
  }

  async usage(query: { source: string; from: number; to: number; channel?: string }): Promise<UsageRow[]> {
    const rows = this.db
      .prepare(
        `SELECT source, channel, channel_type AS channelType, start, end, kwh, cost_cents AS costCents, quality FROM usage
         WHERE source = ? AND start >= ? AND start < ? ${query.channel === undefined ? "" : "AND channel = ?"} ORDER BY channel, start`,
      )
      .all(...[query.source, query.from, query.to, ...(query.channel === undefined ? [] : [query.channel])]);
    return rows as UsageRow[];
  }

  async latestUsageStart(source: string): Promise<number | undefined> {
    return this.stmt.latestUsage.get(source)?.s ?? undefined;
  }

  async recordRun(r: RunRow): Promise<void> {
    this.stmt.insertRun.run(r.source, r.kind, r.startedAt, r.finishedAt, r.ok ? 1 : 0, r.items, r.errorClass, r.error);
  }

  async recordRuns(rows: readonly RunRow[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of rows)
        this.stmt.insertRun.run(r.source, r.kind, r.startedAt, r.finishedAt, r.ok ? 1 : 0, r.items, r.errorClass, r.error);
    })();
  }

  async runSummary(): Promise<{ source: string; last: RunRow; lastOk: RunRow | null; errors: number }[]> {
    const toRun = (r: Record<string, unknown> | undefined): RunRow | null =>
      r
        ? {
            source: r.source as string,
            kind: r.kind as RunRow["kind"],
            startedAt: r.started_at as number,
            finishedAt: r.finished_at as number,
            ok: r.ok === 1,
            items: r.items as number,
            errorClass: (r.error_class as string | null) ?? null,
            error: (r.error as string | null) ?? null,
          }
        : null;
    const sources = this.db
      .prepare("SELECT source, max(id) AS last, sum(ok = 0) AS errors FROM runs GROUP BY source ORDER BY source")
      .all() as {
      source: string;
      last: number;
      errors: number;
    }[];
    const byId = this.db.prepare("SELECT * FROM runs WHERE id = ?");
    const lastOk = this.db.prepare("SELECT * FROM runs WHERE source = ? AND ok = 1 ORDER BY id DESC LIMIT 1");
    return sources.map((s) => ({
      source: s.source,
      last: toRun(byId.get(s.last) as Record<string, unknown>)!,
      lastOk: toRun(lastOk.get(s.source) as Record<string, unknown> | undefined),
      errors: s.errors,
    }));
  }

  async recordGap(g: GapRow): Promise<void> {
    this.stmt.insertGap.run(g.system, g.from, g.to, g.reason);
  }

  async gaps(system?: string): Promise<GapRow[]> {
    const rows = (
      system
        ? this.db.prepare("SELECT * FROM gaps WHERE system = ? ORDER BY from_t").all(system)
        : this.db.prepare("SELECT * FROM gaps ORDER BY system, from_t").all()
    ) as { system: string; from_t: number; to_t: number; reason: string }[];
    return rows.map((r) => ({ system: r.system, from: r.from_t, to: r.to_t, reason: r.reason }));
  }

  async recordAudit(a: AuditRow): Promise<number> {
    const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
    const ok = a.ok === null ? null : a.ok ? 1 : 0;
    return Number(
      this.stmt.insertAudit.run(a.at, a.system, a.action, json(a.request) ?? "null", json(a.plan), json(a.result), ok).lastInsertRowid,
    );
  }

  async recordDecision(d: DecisionRow): Promise<number> {
    return Number(
      this.stmt.insertDecision.run(d.at, d.system, d.mode, d.action, d.reason, JSON.stringify(d.detail ?? null)).lastInsertRowid,
    );
  }

  async latestDecisions(system?: string): Promise<DecisionRow[]> {
    const latest = "SELECT * FROM decisions WHERE id IN (SELECT max(id) FROM decisions GROUP BY system)";
    const rows = (
      system ? this.db.prepare(`${latest} AND system = ?`).all(system) : this.db.prepare(`${latest} ORDER BY system`).all()
    ) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: r.id as number,
      at: r.at as number,
      system: r.system as string,
      mode: r.mode as string,
      action: r.action as string,
      reason: r.reason as string,
      detail: JSON.parse(r.detail as string) as unknown,
    }));
  }

  async audit(system?: string, limit = 100): Promise<AuditRow[]> {
    const rows = (
      system
        ? this.db.prepare("SELECT * FROM audit WHERE system = ? ORDER BY id DESC LIMIT ?").all(system, limit)
        : this.db.prepare("SELECT * FROM audit ORDER BY id DESC LIMIT ?").all(limit)
    ) as Record<string, unknown>[];
    const parse = (v: unknown) => (typeof v === "string" ? (JSON.parse(v) as unknown) : null);
    return rows.map((r) => ({
      id: r.id as number,
      at: r.at as number,
      system: r.system as string,
      action: r.action as AuditRow["action"],
      request: parse(r.request),
      plan: parse(r.plan),
      result: parse(r.result),
      ok: r.ok === null ? null : r.ok === 1,
    }));
  }

  async recordForecast(rows: readonly ForecastRow[]): Promise<number> {
    return insertForecasts(this.db, rows);
  }

  async forecasts(query: { from: number; to: number; system?: string; quantity?: string; source?: string }): Promise<ForecastRow[]> {
    return selectForecasts(this.db, query);
  }

  async applyRetention(before: number): Promise<number> {
    const cut = Math.floor(before / HALF_HOUR_MS) * HALF_HOUR_MS;
    return this.db.transaction(() => {
      // A bucket that already has an aggregate (an earlier pass) is merged by sample count.
      this.db
        .prepare(
          `INSERT INTO samples_30m SELECT sid, (t / ${HALF_HOUR_MS}) * ${HALF_HOUR_MS} AS b, count(*), avg(pv_w), avg(load_w), avg(grid_w),
             avg(battery_w), avg(soc), avg(ev_w) FROM samples WHERE t < @cut GROUP BY sid, b
           ON CONFLICT (sid, t) DO UPDATE SET n = n + excluded.n,
             pv_w = (coalesce(pv_w * n, 0) + coalesce(excluded.pv_w * excluded.n, 0)) / (n + excluded.n),
             load_w = (coalesce(load_w * n, 0) + coalesce(excluded.load_w * excluded.n, 0)) / (n + excluded.n),
             grid_w = (coalesce(grid_w * n, 0) + coalesce(excluded.grid_w * excluded.n, 0)) / (n + excluded.n),
             battery_w = (coalesce(battery_w * n, 0) + coalesce(excluded.battery_w * excluded.n, 0)) / (n + excluded.n),
             soc = (coalesce(soc * n, 0) + coalesce(excluded.soc * excluded.n, 0)) / (n + excluded.n),
             ev_w = (coalesce(ev_w * n, 0) + coalesce(excluded.ev_w * excluded.n, 0)) / (n + excluded.n)`,
        )
        .run({ cut });
      this.foldedBefore = Math.max(this.foldedBefore, cut);
      // Collector runs are kept as long as raw samples.
      this.db.prepare("DELETE FROM runs WHERE finished_at < ?").run(cut);
      this.db.prepare("DELETE FROM forecasts WHERE start < ?").run(cut);
      return this.db.prepare("DELETE FROM samples WHERE t < ?").run(cut).changes;
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function samePrice(prev: (string | number)[], r: PriceRow): boolean {
  return (
    prev[1] === r.kind &&
    prev[2] === (r.estimate ? 1 : 0) &&
    prev[3] === r.perKwhCents &&
    prev[4] === r.spotPerKwhCents &&
    prev[5] === r.renewablesPct &&
    prev[6] === r.descriptor &&
    prev[7] === r.spike
  );
}
