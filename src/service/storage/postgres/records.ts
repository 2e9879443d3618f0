import { energyRow } from "../row-arrays.js";
import type pg from "pg";
import type { AuditRow, DecisionRow, EnergyRow, GapRow, PriceRow, RunRow, UsageRow } from "../types.js";

/**
 * The tables other than samples and systems, as functions over a pool: the same semantics as the SQLite backend,
 * each batch written by one statement over UNNEST arrays (one round trip, whatever its size).
 */

type Db = pg.Pool | pg.ClientBase;
type Num = number | null;

/**
 * Splits a batch so that no key repeats within a part (a statement's ON CONFLICT DO UPDATE may touch a row only
 * once); applying the parts in order gives what applying the rows one by one gives.
 */
export function rounds<T>(rows: readonly T[], key: (row: T) => string): T[][] {
  const parts: T[][] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const k = key(row);
    const i = seen.get(k) ?? 0;
    seen.set(k, i + 1);
    (parts[i] ??= []).push(row);
  }
  return parts;
}

async function inRounds<T>(rows: readonly T[], key: (row: T) => string, write: (part: T[]) => Promise<number>): Promise<number> {
  let n = 0;
  for (const part of rounds(rows, key)) n += await write(part);
  return n;
}

export async function upsertEnergy(pool: pg.Pool, rows: readonly EnergyRow[]): Promise<number> {
  return (await upsertEnergyBatches(pool, [rows]))[0]!;
}

/**
 * Several callers' energy rows in one statement (a row named twice: one statement per round, in one transaction);
 * RETURNING names the rows written, and within a round each (system, date) belongs to one row, so to one batch.
 */
export async function upsertEnergyBatches(pool: pg.Pool, batches: readonly (readonly EnergyRow[])[]): Promise<number[]> {
  const counts = batches.map(() => 0);
  const parts = rounds(
    batches.flatMap((rows, batch) => rows.map((row) => ({ row, batch }))),
    ({ row }) => `${row.system}\u0000${row.date}`,
  );
  const write = async (db: Db, part: { row: EnergyRow; batch: number }[]) => {
    const owner = new Map(part.map(({ row, batch }) => [`${row.system}\u0000${row.date}`, batch]));
    const rows = part.map((p) => p.row);
    const res = await db.query<{ system: string; date: string }>(
      `INSERT INTO energy (system, date, pv_kwh, load_kwh, import_kwh, export_kwh, charge_kwh, discharge_kwh, read_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::bigint[])
       ON CONFLICT (system, date) DO UPDATE SET pv_kwh = excluded.pv_kwh, load_kwh = excluded.load_kwh, import_kwh = excluded.import_kwh,
         export_kwh = excluded.export_kwh, charge_kwh = excluded.charge_kwh, discharge_kwh = excluded.discharge_kwh, read_at = excluded.read_at
       WHERE excluded.read_at >= energy.read_at
       RETURNING system, date`,
      [
        rows.map((r) => r.system),
        rows.map((r) => r.date),
        rows.map((r) => r.pvKwh),
        rows.map((r) => r.loadKwh),
        rows.map((r) => r.importKwh),
        rows.map((r) => r.exportKwh),
        rows.map((r) => r.chargeKwh),
        rows.map((r) => r.dischargeKwh),
        rows.map((r) => r.readAt),
      ],
    );
    for (const r of res.rows) counts[owner.get(`${r.system}\u0000${r.date}`)!]!++;
  };
  if (parts.length <= 1) {
    if (parts[0]) await write(pool, parts[0]);
    return counts;
  }
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    for (const part of parts) await write(client, part);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return counts;
}

export async function energy(db: Db, system: string, fromDate: string, toDate: string): Promise<EnergyRow[]> {
  const { rows } = await db.query<Num[] & string[]>({
    text: `SELECT system, date, pv_kwh, load_kwh, import_kwh, export_kwh, charge_kwh, discharge_kwh, read_at FROM energy
           WHERE system = $1 AND date >= $2 AND date <= $3 ORDER BY date`,
    values: [system, fromDate, toDate],
    rowMode: "array",
  });
  return (rows as unknown as (string | Num)[][]).map(energyRow);
}

const PRICE_COLUMNS = `source, channel, start, "end", issued_at, kind, estimate, per_kwh, spot_per_kwh, renewables, descriptor, spike`;

export async function upsertPrices(db: Db, rows: readonly PriceRow[]): Promise<number> {
  // Within a part each interval appears once, so the "previous vintage" each row is compared with is already stored.
  return inRounds(
    rows,
    (r) => `${r.source}\u0000${r.channel}\u0000${r.start}`,
    async (part) => {
      const res = await db.query(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::boolean[], $8::float8[],
             $9::float8[], $10::float8[], $11::text[], $12::text[]) AS u(${PRICE_COLUMNS})
         )
         INSERT INTO prices (${PRICE_COLUMNS})
         SELECT i.* FROM input i
         -- A vintage identical to the one before it is not stored again: "the forecast at time X" is the latest vintage
         -- issued at or before X, so nothing is lost and a steady forecast costs one row.
         WHERE NOT EXISTS (
           SELECT 1 FROM (
             SELECT * FROM prices p WHERE p.source = i.source AND p.channel = i.channel AND p.start = i.start AND p.issued_at <= i.issued_at
             ORDER BY p.issued_at DESC LIMIT 1
           ) prev
           WHERE prev.issued_at <> i.issued_at AND prev.kind = i.kind AND prev.estimate = i.estimate AND prev.per_kwh = i.per_kwh
             AND prev.spot_per_kwh = i.spot_per_kwh AND prev.renewables = i.renewables AND prev.descriptor = i.descriptor AND prev.spike = i.spike
         )
         ON CONFLICT (source, channel, start, issued_at) DO UPDATE SET "end" = excluded."end", kind = excluded.kind, estimate = excluded.estimate,
           per_kwh = excluded.per_kwh, spot_per_kwh = excluded.spot_per_kwh, renewables = excluded.renewables,
           descriptor = excluded.descriptor, spike = excluded.spike`,
        [
          part.map((r) => r.source),
          part.map((r) => r.channel),
          part.map((r) => r.start),
          part.map((r) => r.end),
          part.map((r) => r.issuedAt),
          part.map((r) => r.kind),
          part.map((r) => r.estimate),
          part.map((r) => r.perKwhCents),
          part.map((r) => r.spotPerKwhCents),
          part.map((r) => r.renewablesPct),
          part.map((r) => r.descriptor),
          part.map((r) => r.spike),
        ],
      );
      return res.rowCount ?? 0;
    },
  );
}

export async function prices(
  db: Db,
  query: { from: number; to: number; source?: string; channel?: string; vintages: "latest" | "all" },
): Promise<PriceRow[]> {
  const values: unknown[] = [query.from, query.to];
  const where = ["p.start < $2", 'p."end" > $1'];
  if (query.source) where.push(`p.source = $${values.push(query.source)}`);
  if (query.channel) where.push(`p.channel = $${values.push(query.channel)}`);
  const latest =
    query.vintages === "latest"
      ? " AND p.issued_at = (SELECT max(q.issued_at) FROM prices q WHERE q.source = p.source AND q.channel = p.channel AND q.start = p.start)"
      : "";
  const { rows } = await db.query({
    text: `SELECT ${PRICE_COLUMNS} FROM prices p WHERE ${where.join(" AND ")}${latest} ORDER BY p.source, p.channel, p.start, p.issued_at`,
    values,
    rowMode: "array",
  });
  return (rows as unknown as (string | number | boolean)[][]).map((r) => ({
    source: r[0] as string,
    channel: r[1] as string,
    start: r[2] as number,
    end: r[3] as number,
    issuedAt: r[4] as number,
    kind: r[5] as string,
    estimate: r[6] as boolean,
    perKwhCents: r[7] as number,
    spotPerKwhCents: r[8] as number,
    renewablesPct: r[9] as number,
    descriptor: r[10] as string,
    spike: r[11] as string,
  }));
}

export async function latestStart(db: Db, table: "prices" | "usage", source: string): Promise<number | undefined> {
  const { rows } = await db.query<{ s: number | null }>(`SELECT max(start) AS s FROM ${table} WHERE source = $1`, [source]);
  return rows[0]?.s ?? undefined;
}

export async function upsertUsage(db: Db, rows: readonly UsageRow[]): Promise<number> {
  return inRounds(
    rows,
    (r) => `${r.source}\u0000${r.channel}\u0000${r.start}`,
    async (part) => {
      const res = await db.query(
        `INSERT INTO usage (source, channel, start, "end", channel_type, kwh, cost_cents, quality)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::float8[], $7::float8[], $8::text[])
         ON CONFLICT (source, channel, start) DO UPDATE SET "end" = excluded."end", channel_type = excluded.channel_type, kwh = excluded.kwh,
           cost_cents = excluded.cost_cents, quality = excluded.quality
         WHERE (usage.kwh, usage.cost_cents, usage.quality, usage."end") IS DISTINCT FROM (excluded.kwh, excluded.cost_cents, excluded.quality, excluded."end")`,
        [
          part.map((r) => r.source),
          part.map((r) => r.channel),
          part.map((r) => r.start),
          part.map((r) => r.end),
          part.map((r) => r.channelType),
          part.map((r) => r.kwh),
          part.map((r) => r.costCents),
          part.map((r) => r.quality),
        ],
      );
      return res.rowCount ?? 0;
    },
  );
}

export async function usage(db: Db, query: { source: string; from: number; to: number; channel?: string }): Promise<UsageRow[]> {
  const values: unknown[] = [query.source, query.from, query.to];
  const channel = query.channel === undefined ? "" : `AND channel = $${values.push(query.channel)}`;
  const { rows } = await db.query<UsageRow>(
    `SELECT source, channel, channel_type AS "channelType", start, "end", kwh, cost_cents AS "costCents", quality FROM usage
     WHERE source = $1 AND start >= $2 AND start < $3 ${channel} ORDER BY channel, start`,
    values,
  );
  return rows;
}

export async function recordRun(db: Db, r: RunRow): Promise<void> {
  await db.query(
    "INSERT INTO runs (source, kind, started_at, finished_at, ok, items, error_class, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    [r.source, r.kind, r.startedAt, r.finishedAt, r.ok, r.items, r.errorClass, r.error],
  );
}

export async function recordRuns(db: Db, rows: readonly RunRow[]): Promise<void> {
  if (rows.length === 0) return;
  // WITH ORDINALITY + ORDER BY: ids are handed out in the callers' order (runSummary's "last" is the highest id).
  await db.query({
    name: "openpower_record_runs",
    text: `INSERT INTO runs (source, kind, started_at, finished_at, ok, items, error_class, error)
           SELECT source, kind, started_at, finished_at, ok, items, error_class, error
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::boolean[], $6::int[], $7::text[], $8::text[])
             WITH ORDINALITY AS u(source, kind, started_at, finished_at, ok, items, error_class, error, n)
           ORDER BY n`,
    values: [
      rows.map((r) => r.source),
      rows.map((r) => r.kind),
      rows.map((r) => r.startedAt),
      rows.map((r) => r.finishedAt),
      rows.map((r) => r.ok),
      rows.map((r) => r.items),
      rows.map((r) => r.errorClass),
      rows.map((r) => r.error),
    ],
  });
}

interface RunRecord {
  source: string;
  kind: RunRow["kind"];
  started_at: number;
  finished_at: number;
  ok: boolean;
  items: number;
  error_class: string | null;
  error: string | null;
}

const toRun = (r: RunRecord): RunRow => ({
  source: r.source,
  kind: r.kind,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  ok: r.ok,
  items: r.items,
  errorClass: r.error_class,
  error: r.error,
});

export async function runSummary(db: Db): Promise<{ source: string; last: RunRow; lastOk: RunRow | null; errors: number }[]> {
  // One statement: the last run and the last good run of each source come back as JSON objects (bigints fit a double).
  const { rows } = await db.query<{ source: string; errors: number; last: RunRecord; last_ok: RunRecord | null }>(
    `SELECT s.source, s.errors, to_json(l) AS last, to_json(o) AS last_ok
     FROM (SELECT source, max(id) AS last, count(*) FILTER (WHERE NOT ok) AS errors FROM runs GROUP BY source) s
     JOIN runs l ON l.id = s.last
     LEFT JOIN LATERAL (SELECT * FROM runs r WHERE r.source = s.source AND r.ok ORDER BY r.id DESC LIMIT 1) o ON true
     ORDER BY s.source`,
  );
  return rows.map((r) => ({
    source: r.source,
    last: toRun(r.last),
    lastOk: r.last_ok ? toRun(r.last_ok) : null,
    errors: Number(r.errors),
  }));
}

export async function recordGap(db: Db, g: GapRow): Promise<void> {
  await db.query(
    `INSERT INTO gaps (system, from_t, to_t, reason) VALUES ($1, $2, $3, $4)
     ON CONFLICT (system, from_t) DO UPDATE SET to_t = excluded.to_t, reason = excluded.reason`,
    [g.system, g.from, g.to, g.reason],
  );
}

export async function gaps(db: Db, system?: string): Promise<GapRow[]> {
  const { rows } = await db.query<GapRow>(
    `SELECT system, from_t AS "from", to_t AS "to", reason FROM gaps ${system ? "WHERE system = $1 ORDER BY from_t" : "ORDER BY system, from_t"}`,
    system ? [system] : [],
  );
  return rows;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const parse = (v: unknown): unknown => (typeof v === "string" ? (JSON.parse(v) as unknown) : null);

export async function recordAudit(db: Db, a: AuditRow): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    "INSERT INTO audit (at, system, action, request, plan, result, ok) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    [a.at, a.system, a.action, json(a.request) ?? "null", json(a.plan), json(a.result), a.ok],
  );
  return rows[0]!.id;
}

export async function audit(db: Db, system?: string, limit = 100): Promise<AuditRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    system ? "SELECT * FROM audit WHERE system = $1 ORDER BY id DESC LIMIT $2" : "SELECT * FROM audit ORDER BY id DESC LIMIT $1",
    system ? [system, limit] : [limit],
  );
  return rows.map((r) => ({
    id: r.id as number,
    at: r.at as number,
    system: r.system as string,
    action: r.action as AuditRow["action"],
    request: parse(r.request),
    plan: parse(r.plan),
    result: parse(r.result),
    ok: r.ok as boolean | null,
  }));
}

export async function recordDecision(db: Db, d: DecisionRow): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    "INSERT INTO decisions (at, system, mode, action, reason, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    [d.at, d.system, d.mode, d.action, d.reason, JSON.stringify(d.detail ?? null)],
  );
  return rows[0]!.id;
}

export async function latestDecisions(db: Db, system?: string): Promise<DecisionRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT DISTINCT ON (system) * FROM decisions ${system ? "WHERE system = $1" : ""} ORDER BY system, id DESC`,
    system ? [system] : [],
  );
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
