import type Database from "better-sqlite3";
import type { ForecastRow } from "./types.js";

/** The `forecasts` table of the SQLite backend (kept apart from sqlite.ts, which is near its size limit). */
export function insertForecasts(db: Database.Database, rows: readonly ForecastRow[]): number {
  const insert = db.prepare(
    `INSERT INTO forecasts (system, quantity, source, start, issued_at, minutes, value) VALUES (@system, @quantity, @source, @start, @issuedAt, @minutes, @value)
     ON CONFLICT (system, quantity, source, start, issued_at) DO UPDATE SET minutes = excluded.minutes, value = excluded.value`,
  );
  return db.transaction(() => {
    let n = 0;
    for (const r of rows) n += insert.run({ ...r, value: r.value === null || !Number.isFinite(r.value) ? null : r.value }).changes;
    return n;
  })();
}

export function selectForecasts(
  db: Database.Database,
  query: { from: number; to: number; system?: string; quantity?: string; source?: string },
): ForecastRow[] {
  const rows = db
    .prepare(
      `SELECT system, quantity, source, start, issued_at, minutes, value FROM forecasts
       WHERE start >= @from AND start < @to AND (@system IS NULL OR system = @system) AND (@quantity IS NULL OR quantity = @quantity)
         AND (@source IS NULL OR source = @source)
       ORDER BY start, issued_at, system, quantity, source`,
    )
    .all({
      from: query.from,
      to: query.to,
      system: query.system ?? null,
      quantity: query.quantity ?? null,
      source: query.source ?? null,
    }) as {
    system: string;
    quantity: string;
    source: string;
    start: number;
    issued_at: number;
    minutes: number;
    value: number | null;
  }[];
  return rows.map((r) => ({
    system: r.system,
    quantity: r.quantity,
    source: r.source,
    issuedAt: r.issued_at,
    start: r.start,
    minutes: r.minutes,
    value: r.value,
  }));
}
