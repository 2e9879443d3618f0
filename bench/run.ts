/**
 * `npm run bench` runs every benchmark; `npm run bench -- <name> [<name>...]` runs some.
 * Each bench module exports `run()`, prints its own numbers, and compares against a baseline
 * measured in the same run. Nothing here asserts timings: the numbers are for people.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !["run.ts"].includes(f) && !f.startsWith("_") && !f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -3))
  .sort((a, b) => (a === "transport" ? -1 : b === "transport" ? 1 : a.localeCompare(b)));

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`Unknown bench: ${unknown.join(", ")}. Available: ${available.join(", ")}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n=== bench: ${name} ===`);
  const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { run: () => Promise<void> };
  await mod.run();
}
