import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { Logger } from "../../core/logger.js";

/**
 * Serves the browser dashboard (built by `npm run build` into dist/dashboard) at `/`. Its files hold no
 * data, so they are served before the API's token check: the page asks for the token itself.
 */

/** dist/dashboard of this package: the same three levels up from src/service/dashboard and dist/service/dashboard. */
export const DEFAULT_DASHBOARD_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", ".."), "dist", "dashboard");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** Everything from this origin only: no CDN, no inline script; uPlot sets element styles from script. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const MISSING = (
  dir: string,
) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>openpower: dashboard not built</title></head>
<body><h1>The dashboard is not built</h1>
<p>No <code>index.html</code> in <code>${dir.replace(/[<>&]/g, "")}</code>. Run <code>npm run build</code> (a fresh clone runs it at <code>npm ci</code>) and reload.</p>
<p>The API works without it: <a href="/api/v1/health">/api/v1/health</a>, <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
</body></html>`;

export interface DashboardOptions {
  /** The built dashboard; default dist/dashboard of this package. */
  dir?: string;
  logger?: Logger;
}

export function dashboardApp(options: DashboardOptions = {}): Hono {
  const dir = resolve(options.dir ?? DEFAULT_DASHBOARD_DIR);
  const app = new Hono();
  let warned = false;
  const missing = () => {
    if (!warned) options.logger?.warn("dashboard not built: run npm run build", { dir });
    warned = true;
  };
  if (!existsSync(join(dir, "index.html"))) missing();

  const send = async (name: string, cache: string) => {
    const file = resolve(dir, name);
    // Only files inside the dashboard folder, whatever the path says.
    if (!file.startsWith(dir + sep)) return null;
    const body = await readFile(file).catch(() => null);
    if (!body) return null;
    const headers: Record<string, string> = {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": cache,
      "x-content-type-options": "nosniff",
    };
    if (extname(file) === ".html") {
      headers["content-security-policy"] = CSP;
      headers["referrer-policy"] = "no-referrer";
    }
    return new Response(body, { status: 200, headers });
  };

  const page = async () => {
    // The page is revalidated every time (it names the build); the assets are cached for a short while.
    const res = await send("index.html", "no-cache");
    if (res) return res;
    missing();
    return new Response(MISSING(dir), {
      status: 503,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  };
  app.get("/", page);
  app.get("/index.html", page);
  app.get("/assets/:name", async (c) => {
    const name = c.req.param("name");
    if (!/^[\w.-]+$/.test(name)) return c.notFound();
    const res = await send(name, "public, max-age=300");
    if (res) return res;
    if (!existsSync(join(dir, "index.html"))) missing();
    return c.text(`No dashboard asset ${name}: run npm run build.`, 404);
  });
  return app;
}
