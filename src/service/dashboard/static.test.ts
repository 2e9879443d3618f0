import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../core/clock.js";
import { createApiApp } from "../api/app.js";
import { Collector } from "../collector/collector.js";
import { SqliteStorage } from "../storage/sqlite.js";
import { dashboardApp } from "./static.js";

/** The static handler on its own (the browser tests in test/dashboard use it through the service). */
function logger() {
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  const none = () => undefined;
  return {
    warnings,
    log: {
      debug: none,
      info: none,
      error: none,
      warn: (message: string, fields?: Record<string, unknown>) => void warnings.push({ message, fields }),
    },
  };
}

describe("the dashboard's static files", () => {
  it("says the bundle is missing, on the page and once in the log, instead of a blank 404", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "op-dash-")), "nothing-here");
    const { warnings, log } = logger();
    const app = dashboardApp({ dir, logger: log });
    const res = await app.request("/");
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("text/html");
    const body = await res.text();
    expect(body).toContain("The dashboard is not built");
    expect(body).toContain("npm run build");
    const asset = await app.request("/assets/app.js");
    expect(asset.status).toBe(404);
    expect(await asset.text()).toContain("npm run build");
    expect(warnings.map((w) => w.message)).toEqual(["dashboard not built: run npm run build"]);
  });

  it("serves the built files with their content types and caching, and nothing outside the folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "op-dash-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>x</title>");
    writeFileSync(join(dir, "app.js"), "export {};");
    writeFileSync(join(dir, "app.css"), "body{}");
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "..", "secret.txt"), "no");
    const { warnings, log } = logger();
    const app = dashboardApp({ dir, logger: log });
    const page = await app.request("/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const js = await app.request("/assets/app.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=300");
    expect((await app.request("/assets/app.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
    for (const path of ["/assets/..%2Fsecret.txt", "/assets/../secret.txt", "/assets/sub", "/assets/nope.js"])
      expect((await app.request(path)).status, path).toBe(404);
    expect(warnings).toEqual([]);
  });

  it("is served without the token where reads need one (its files hold no data); the API still asks for it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "op-dash-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>x</title>");
    const storage = new SqliteStorage(":memory:");
    const collector = new Collector({ storage, clock: systemClock, sessions: [] });
    const { app } = createApiApp({
      storage,
      collector,
      metrics: new Registry(),
      security: { token: "a-token-0123456789", tokenForReads: true },
      dashboard: dashboardApp({ dir }),
    });
    expect((await app.request("/")).status).toBe(200);
    expect((await app.request("/api/v1/systems")).status).toBe(401);
    expect((await app.request("/api/v1/systems", { headers: { authorization: "Bearer a-token-0123456789" } })).status).toBe(200);
    expect((await app.request("/elsewhere", { headers: { authorization: "Bearer a-token-0123456789" } })).status).toBe(404);
    await storage.close();
  });
});
