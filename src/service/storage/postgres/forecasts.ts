import type pg from "pg";
import type { ForecastRow } from "../types.js";
import { rounds } from "./records.js";

/** The `forecasts` table on PostgreSQL: the same semantics as the SQLite backend (sqlite-forecasts.ts). */

type Db = pg.Pool | pg.ClientBase;
const COLUMNS = "system, quantity, source, start, issued_at, minutes, value";

export async function recordForecast(db: Db, rows: readonly ForecastRow[]): Promise<number> {
  let n = 0;
  for (const part of rounds(rows, (r) => `${r.system}\u0000${r.quantity}\u0000${r.source}\u0000${r.start}\u0000${r.issuedAt}`)) {
    const res = await db.query(
      `INSERT INTO forecasts (${COLUMNS})
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::integer[], $7::float8[])
       ON CONFLICT (system, quantity, source, start, issued_at) DO UPDATE SET minutes = excluded.minutes, value = excluded.value`,
      [
        part.map((r) => r.system),
        part.map((r) => r.quantity),
        part.map((r) => r.source),
        part.map((r) => r.start),
        part.map((r) => r.issuedAt),
        part.map((r) => r.minutes),
        part.map((r) => (r.value === null || !Number.isFinite(r.value) ? null : r.value)),
      ],
    );
    n += res.rowCount ?? 0;
  }
  return n;
}

export async function forecasts(
  db: Db,
  query: { from: number; to: number; system?: string; quantity?: string; source?: string },
): Promise<ForecastRow[]> {
  const values: unknown[] = [query.from, query.to];
  const where = ["start >= $1", "start < $2"];
  if (query.system) where.push(`system = $${values.push(query.system)}`);
  if (query.quantity) where.push(`quantity = $${values.push(query.quantity)}`);
  if (query.source) where.push(`source = $${values.push(query.source)}`);
  const { rows } = await db.query({
    text: `SELECT ${COLUMNS} FROM forecasts WHERE ${where.join(" AND ")} ORDER BY start, issued_at, system, quantity, source`,
    values,
    rowMode: "array",
  });
  return (rows as unknown as (string | number | null)[][]).map((r) => ({
    system: r[0] as string,
    quantity: r[1] as string,
    source: r[2] as string,
    start: Number(r[3]),
    issuedAt: Number(r[4]),
    minutes: Number(r[5]),
    value: r[6] === null ? null : Number(r[6]),
  }));
}
