import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

/**
 * Bundles the browser dashboard (src/dashboard) into dist/dashboard: index.html, app.js, app.css and
 * uPlot's stylesheet. Everything the page needs is in that folder, so it works with the machine offline.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export async function buildDashboard(outDir = join(root, "dist", "dashboard")): Promise<string> {
  const src = join(root, "src", "dashboard");
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(src, "main.ts")],
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: true,
    outfile: join(outDir, "app.js"),
    tsconfig: join(src, "tsconfig.json"),
    logLevel: "warning",
  });
  await build({ entryPoints: [join(src, "app.css")], bundle: true, minify: true, outfile: join(outDir, "app.css"), logLevel: "warning" });
  const uplotCss = join(dirname(createRequire(import.meta.url).resolve("uplot")), "uPlot.min.css");
  copyFileSync(uplotCss, join(outDir, "uplot.css"));
  // The version in the page lets people (and the tests) see which build they are looking at.
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  writeFileSync(join(outDir, "index.html"), readFileSync(join(src, "index.html"), "utf8").replaceAll("%VERSION%", version));
  return outDir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const out = await buildDashboard();
  console.log(`dashboard built into ${out}`);
}
