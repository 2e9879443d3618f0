import { hostname } from "node:os";
import type pg from "pg";
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { RateLimiter } from "../../core/rate-limit/limiter.js";
import type { Vendor } from "../../model/types.js";
import { budgetKey, FleetRateLimiter } from "../../service/fleet/budget.js";
import type { FleetWorkerOptions } from "../../service/fleet/worker.js";
import type { RunningService } from "../../service/service.js";
import type { CommandContext } from "../context.js";
import { describeCause } from "../errors.js";
import type { SectionValues } from "../config/settings.js";
import { loadPlugin } from "../vendors/registry.js";
import type { VendorSession } from "../vendors/types.js";

/** AlphaESS's live spacing per AppID (6053 when faster); a developer account configures its own `minIntervalMs`. */
const ALPHAESS_SPACING_MS = 10_000;
/** Amber: 50 requests per 5 minutes per token. */
const AMBER_SPACING_MS = 300_000 / 50;
/** PowerTrack: requests of one login in flight at once, across the fleet. */
const POWERTRACK_SLOTS = 4;

/** The credential that names an account's budget (hashed before it reaches the database). */
function credentialOf(vendor: Vendor, section: SectionValues): string {
  const pick = (...keys: string[]) => keys.map((k) => section[k]).find((v) => typeof v === "string" && v !== "");
  return String(
    (vendor === "alphaess" ? pick("appId") : vendor === "amber" ? pick("token") : pick("cookie", "aeS", "fetchFile", "host")) ??
      JSON.stringify(section),
  );
}

/**
 * The fleet-wide budget of one account: every worker's client draws on the same database rows. `margin` widens
 * the spacing (default 10%, at least 250 ms): requests reach the server with some timing noise.
 */
function fleetLimiter(
  vendor: Vendor,
  section: SectionValues,
  key: string,
  options: { pool: pg.Pool; holder: string; clock?: Clock; margin?: number },
): RateLimiter | undefined {
  // 10% of the spacing, at least 250 ms (network noise) but never more than half the spacing (a developer account's 25 ms).
  const margin = (ms: number) => Math.max(ms * (options.margin ?? 0.1), Math.min(250, ms / 2));
  // A reserved start later than half the margin is taken again: a late send never eats more than that.
  const spaced = (ms: number) => ({ key, spacingMs: ms + margin(ms), toleranceMs: margin(ms) / 2 });
  const local = { name: vendor, vendor, clock: options.clock };
  const { pool, holder } = options;
  if (vendor === "alphaess") {
    const configured = Number(section.minIntervalMs);
    const spacing = Number.isFinite(configured) && configured > 0 ? configured : ALPHAESS_SPACING_MS;
    return new FleetRateLimiter(pool, spaced(spacing), holder, { ...local, concurrency: 4 });
  }
  if (vendor === "amber") return new FleetRateLimiter(pool, spaced(AMBER_SPACING_MS), holder, { ...local, limit: 50, windowMs: 300_000 });
  if (vendor === "powertrack") return new FleetRateLimiter(pool, { key, slots: POWERTRACK_SLOTS }, holder, { ...local, concurrency: 8 });
  return undefined;
}

/** Connects each configured vendor with its fleet-wide budget; returns the sessions and each one's account name (a hash). */
export async function connectFleetSessions(
  sections: Partial<Record<Vendor, SectionValues>>,
  options: { pool: pg.Pool; holder: string; cwd: string; clock?: Clock; logger?: Logger; margin?: number },
): Promise<{ sessions: VendorSession[]; accounts: Map<VendorSession, string>; failures: { vendor: Vendor; error: unknown }[] }> {
  const accounts = new Map<VendorSession, string>();
  const sessions: VendorSession[] = [];
  const failures: { vendor: Vendor; error: unknown }[] = [];
  for (const [vendor, section] of Object.entries(sections) as [Vendor, SectionValues][]) {
    try {
      const plugin = await loadPlugin(vendor);
      if (!plugin.isConfigured(section)) continue;
      const key = budgetKey(vendor, credentialOf(vendor, section));
      const rateLimit = fleetLimiter(vendor, section, key, options);
      const session = await plugin.connect(section, { cwd: options.cwd, clock: options.clock, logger: options.logger, rateLimit });
      sessions.push(session);
      accounts.set(session, key);
    } catch (error) {
      failures.push({ vendor, error });
    }
  }
  return { sessions, accounts, failures };
}

/**
 * `openpower serve --worker`: one of N workers sharing the fleet through `storage.url` (PostgreSQL): leases,
 * budgets and the registry in the same database, its own small pool for them. The HTTP API and dashboard run
 * here too and read the shared database.
 */
export async function startWorkerService(
  ctx: CommandContext,
  url: string,
  options: Omit<FleetWorkerOptions, "pool" | "sessions" | "accounts"> & { workerId?: string },
): Promise<RunningService> {
  const pg = (await import("pg")).default;
  const { startFleetWorker } = await import("../../service/fleet/worker.js");
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on("error", () => undefined);
  try {
    const config = await ctx.config();
    const holder = options.workerId ?? `${hostname()}-${process.pid}`;
    const { sessions, accounts, failures } = await connectFleetSessions(config.sections, {
      pool,
      holder,
      cwd: process.cwd(),
      logger: options.logger,
    });
    for (const f of failures) options.logger?.warn("vendor not connected", { vendor: f.vendor, cause: describeCause(f.error) });
    const worker = await startFleetWorker({ ...options, workerId: holder, pool, sessions, accounts });
    options.logger?.info("fleet worker", { worker: holder });
    return {
      ...worker,
      async stop() {
        await worker.stop();
        await Promise.allSettled(sessions.map((s) => s.close()));
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
