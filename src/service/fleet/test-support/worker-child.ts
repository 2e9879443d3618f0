/**
 * One fleet worker in a process of its own, for the kill -9 and budget tests and the fleet bench: it connects to
 * simulators the parent runs, on a clock that follows the parent's accelerated one (virtual = V0 + (now - R0) * SPEED),
 * with leases and budgets in PostgreSQL (FLEET_PG_URL) and samples in FLEET_STORAGE (`storage.url`: PostgreSQL, or a SQLite file).
 * FLEET_POLL_LOG: each poll's begin and end (real ms) appended synchronously, so that a SIGKILL loses none.
 */
import { appendFileSync } from "node:fs";
import pg from "pg";
import { realSleep, type Clock } from "../../../core/clock.js";
import { connectFleetSessions } from "../../../cli/commands/serve-worker.js";
import type { Vendor } from "../../../model/types.js";
import type { SectionValues } from "../../../cli/config/settings.js";
import { openStorage } from "../../storage/open.js";
import { startService } from "../../service.js";
import { startFleetWorker } from "../worker.js";

const env = process.env;
const v0 = Number(env.CHILD_V0);
const r0 = Number(env.CHILD_R0);
const speed = Number(env.CHILD_SPEED);
const clock: Clock = { now: () => Math.floor(v0 + (Date.now() - r0) * speed), sleep: (ms, signal) => realSleep(ms / speed, signal) };
const sections = JSON.parse(env.CHILD_SECTIONS ?? "{}") as Partial<Record<Vendor, SectionValues>>;
const workerId = env.FLEET_WORKER_ID ?? `w${process.pid}`;
const pool = new pg.Pool({ connectionString: env.FLEET_PG_URL, max: Number(env.FLEET_PG_POOL ?? 4) });
pool.on("error", () => undefined);
const { sessions, accounts, failures } = await connectFleetSessions(sections, {
  pool,
  holder: workerId,
  cwd: process.cwd(),
  clock,
  margin: Number(env.FLEET_MARGIN ?? 0.1),
});
for (const f of failures) process.stderr.write(`${f.vendor} not connected: ${String(f.error)}\n`);
const log = env.FLEET_POLL_LOG;
// FLEET_SINGLE: the plain service (no leases), for the bench's one-process SQLite comparison.
const start = env.FLEET_SINGLE ? (o: Parameters<typeof startFleetWorker>[0]) => startService(o) : startFleetWorker;
const worker = await start({
  pool,
  workerId,
  storage: await openStorage({ url: env.FLEET_STORAGE, poolSize: Number(env.FLEET_STORAGE_POOL ?? 4) }),
  sessions,
  accounts,
  clock,
  port: 0,
  processMetrics: false,
  leaseTtlMs: Number(env.FLEET_LEASE_TTL_MS ?? 2_000),
  discoverEveryMs: Number(env.FLEET_DISCOVER_EVERY_MS ?? 600_000),
  cadenceMs: JSON.parse(env.FLEET_CADENCE ?? "{}") as Record<string, number>,
  initialBackfillMs: Number(env.FLEET_INITIAL_BACKFILL_MS ?? 0),
  concurrency: JSON.parse(env.FLEET_CONCURRENCY ?? "{}") as Record<string, number>,
  ...(env.FLEET_RECHECK_MS ? { ownershipRecheckMs: Number(env.FLEET_RECHECK_MS) } : {}),
  ...(env.FLEET_ENERGY_EVERY_MS ? { energyEveryMs: Number(env.FLEET_ENERGY_EVERY_MS) } : {}),
  onHold: log ? (source, phase) => appendFileSync(log, `${workerId} ${source} ${phase} ${Date.now()}\n`) : undefined,
});
process.stdout.write(`listening ${worker.url} ${workerId}\n`);
process.on("SIGTERM", () => void worker.stop().then(() => pool.end().then(() => process.exit(0))));
