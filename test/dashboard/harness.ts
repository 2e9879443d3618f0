import { tmpdir } from "node:os";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import chromium from "@sparticuz/chromium";
import { chromium as pw, type Browser, type ConsoleMessage, type Page } from "playwright-core";
import { startDemoSources, type DemoSources } from "../../src/cli/commands/serve-demo.js";
import { startService, type RunningService } from "../../src/service/service.js";
import { SqliteStorage } from "../../src/service/storage/sqlite.js";

/**
 * The browser tests' world: the dashboard as `npm run build` builds it (test/global-setup.ts runs it), the service on the
 * simulators (demo clock at 10×: a reading every second, prices every 30 s) and one headless Chromium.
 */
export const TOKEN = "dashboard-test-token-0123456789";
export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/**
 * Where the screenshots go: docs/dashboard (linked from docs/dashboard.md) when OPENPOWER_SCREENSHOTS=docs
 * (`npm run screenshots`), else a folder under the system temp folder, so `npm test` never dirties the checkout.
 */
export const shots =
  process.env.OPENPOWER_SCREENSHOTS === "docs" ? join(root, "docs", "dashboard") : join(tmpdir(), "openpower-dashboard-shots");

export interface World {
  demo: DemoSources;
  service: RunningService;
  /** The service's storage (a test adds what the collector would, a retired system say). */
  storage: SqliteStorage;
  browser: Browser;
  api<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startWorld(): Promise<World> {
  mkdirSync(shots, { recursive: true });
  const demo = await startDemoSources({ speed: 10, seed: 3 });
  const storage = new SqliteStorage(":memory:");
  const service = await startService({
    storage,
    sessions: demo.sessions,
    clock: demo.clock,
    port: 0,
    token: TOKEN,
    processMetrics: false,
    automation: { mode: "advise", reserveSoc: 0.2, dailyWriteBudget: 4 },
  });
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${service.url}/api/v1${path}`);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  // The page needs a battery system with a reading and a price to show.
  await until("an AlphaESS reading and a price", async () => {
    const { systems } = await api<{ systems: { id: string }[] }>("/systems");
    const id = systems.find((s) => s.id.startsWith("alphaess:"))?.id;
    if (!id) return undefined;
    await api(`/systems/${encodeURIComponent(id)}/flow`);
    const { prices } = await api<{ prices: unknown[] }>("/prices");
    return prices.length > 0 ? id : undefined;
  });
  // The package's flags are for serverless hosts: a single process (closing a context would end the
  // browser) and web security off; the page is tested with the browser's usual security instead.
  const args = chromium.args.filter((a) => !["--single-process", "--disable-web-security", "--allow-running-insecure-content"].includes(a));
  const browser = await pw.launch({ executablePath: await chromium.executablePath(), args, headless: true });
  return {
    demo,
    service,
    storage,
    browser,
    api,
    async close() {
      await browser.close();
      await service.stop();
      await demo.close();
    },
  };
}

/** A page that records every console error and page error, so a test can say there was none. */
export async function openPage(world: World, options: { width?: number; height?: number; dark?: boolean } = {}) {
  const context = await world.browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    colorScheme: options.dark ? "dark" : "light",
    reducedMotion: "reduce",
    // Without a locale, this Chromium under a POSIX locale reports "en-US@posix", a tag Intl refuses
    // (uPlot reads the default zone at load). A browser people use has a real one.
    locale: "en-AU",
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m: ConsoleMessage) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  return { page, errors, close: () => context.close() };
}

export async function goto(page: Page, world: World, hash: string): Promise<void> {
  await page.goto(`${world.service.url}/${hash}`);
}
