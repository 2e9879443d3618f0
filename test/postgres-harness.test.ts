import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./support/postgres.js";

describe("the test run's PostgreSQL", () => {
  const databases: Array<{ drop(): Promise<void> }> = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it("gives each caller its own database on a real server", async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    databases.push(a, b);
    expect(a.url).not.toBe(b.url);
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; db: string }>("SELECT version() AS version, current_database() AS db");
      expect(rows[0]!.version).toMatch(/^PostgreSQL \d+/);
      expect(a.url.endsWith(`/${rows[0]!.db}`)).toBe(true);
    } finally {
      await client.end();
    }
  });
});
