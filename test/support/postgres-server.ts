import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** A PostgreSQL server for one test run (or bench): the one `OPENPOWER_TEST_PG_URL` names, or a throwaway embedded one. */
export interface TestPostgresServer {
  /** Admin URL (a superuser, database `postgres`); tests create their own databases from it. */
  url: string;
  /** Where it came from, for the run's log: "embedded PostgreSQL" or "OPENPOWER_TEST_PG_URL". */
  source: string;
  stop(): Promise<void>;
}

/**
 * Starts the embedded PostgreSQL in a child process (test/support/postgres-child.ts): the library's exit hook
 * would otherwise end the test runner with code 0 even when tests failed.
 */
export async function startTestPostgres(): Promise<TestPostgresServer> {
  const external = process.env.OPENPOWER_TEST_PG_URL;
  if (external) return { url: external, source: "OPENPOWER_TEST_PG_URL", stop: async () => {} };
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./postgres-child.ts", import.meta.url))], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        reject(new Error(`embedded PostgreSQL: unexpected output ${line}`));
      }
    });
    void exited.then((code) => reject(new Error(`embedded PostgreSQL exited (${code}) before it was ready: ${stderr.trim()}`)));
  });
  return {
    url,
    source: "embedded PostgreSQL",
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}
