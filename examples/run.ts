/**
 * `npm run example -- <name>` runs examples/<name>.ts (the ".ts" and a vendor prefix are optional
 * in the name). Without a name, it lists the examples.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const examples = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -3))
  .sort();

const wanted = process.argv[2]?.replace(/\.ts$/, "");
if (!wanted) {
  console.log(
    `Usage: npm run example -- <name>\n\nExamples (each runs against the built-in simulators unless credentials are set):\n${examples.map((e) => `  ${e}`).join("\n")}`,
  );
  process.exit(0);
}
const match = examples.find((e) => e === wanted) ?? examples.filter((e) => e.endsWith(`-${wanted}`) || e.includes(wanted)).at(0);
if (!match) {
  console.error(`No example named "${wanted}". Run "npm run example" to list them.`);
  process.exit(2);
}
await import(pathToFileURL(join(here, `${match}.ts`)).href);
