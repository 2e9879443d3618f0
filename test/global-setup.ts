import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { buildDashboard } from "../scripts/build-dashboard.js";
import { startTestPostgres } from "./support/postgres-server.js";

/**
 * Builds dist/ once before the tests, so that tests which run the built `openpower` binary as a
 * subprocess test what users install, and `npm test` works on a fresh clone without a separate
 * build step. The build is incremental, so this is quick when nothing changed. Type errors do not
 * stop the run here (tsc still emits, and `npm run lint` reports them); the tests that need the
 * binary fail on their own if it is broken.
 *
 * It bundles the browser dashboard into dist/dashboard too, and starts the run's PostgreSQL (see test/support/postgres-server.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "pipe" });
  } catch (error) {
    const output = String((error as { stdout?: unknown }).stdout ?? "")
      .split("\n")
      .slice(0, 5)
      .join("\n");
    console.warn(`[global-setup] the build reported errors (run "npm run build" to see them all):\n${output}`);
  }
  // The dashboard's bundle (dist/dashboard), as `npm run build` makes it, once for every test that serves it.
  await buildDashboard().catch((error: unknown) =>
    console.warn(`[global-setup] the dashboard did not build (the browser tests will fail on it): ${String(error)}`),
  );
  // One PostgreSQL for the whole run (the storage and fleet tests create a database each on it).
  const postgres = await startTestPostgres();
  console.warn(`[global-setup] PostgreSQL for the tests: ${postgres.source}`);
  project.provide("pgUrl", postgres.url);
  return () => postgres.stop();
}
