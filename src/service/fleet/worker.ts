import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type pg from "pg";
import type { VendorSession } from "../../cli/vendors/types.js";
import { isPriceSource } from "../../model/capabilities.js";
import { startService, type RunningService, type ServiceOptions } from "../service.js";
import { DISCOVERY_LEASE, fleetLister, MAINTENANCE_LEASE } from "./discovery.js";
import { LeaseManager, type LeaseOptions } from "./leases.js";
import { FleetRegistry } from "./registry.js";
import { ensureFleetSchema } from "./schema.js";

export interface FleetWorkerOptions extends Omit<ServiceOptions, "ownership" | "listSystems" | "relistEveryMs"> {
  /** The fleet's database (leases, budgets, registry). */
  pool: pg.Pool;
  /** Default: host, pid and a random suffix (a restarted worker is a new one). */
  workerId?: string;
  /** Lease life, real ms (default 30 s): a dead worker's sources are polled again within about this. */
  leaseTtlMs?: number;
  /** How often the discovery lease's holder lists the vendors again, simulated ms (default 10 min). */
  discoverEveryMs?: number;
  /** A non-secret name of each session's account (`budgetKey`); default the vendor. */
  accounts?: ReadonlyMap<VendorSession, string>;
  /** See `LeaseOptions.onHold`. */
  onHold?: LeaseOptions["onHold"];
}

export interface RunningWorker extends RunningService {
  leases: LeaseManager;
  workerId: string;
}

/**
 * One fleet worker: the service (collector, HTTP API, dashboard) over the shared storage, polling only
 * the sources whose lease it holds. Sources are registered before the first heartbeat so that the first
 * share is taken at once; the price feeds (`amber:<site>`) are leased like systems.
 */
export async function startFleetWorker(options: FleetWorkerOptions): Promise<RunningWorker> {
  const { pool } = options;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  await ensureFleetSchema(pool);
  const registry = new FleetRegistry(pool);
  await registry.addSingletons([DISCOVERY_LEASE, MAINTENANCE_LEASE]);
  const accountOf = (s: VendorSession) => options.accounts?.get(s) ?? s.vendor;
  for (const session of options.sessions) {
    if (!session.priceSource) continue;
    const ps = await session.priceSource().catch(() => undefined);
    if (isPriceSource(ps)) await registry.add(`${accountOf(session)}/prices`, [{ source: `${ps.vendor}:${ps.id}`, vendor: ps.vendor }]);
  }
  const leases = new LeaseManager({
    pool,
    workerId,
    ttlMs: options.leaseTtlMs ?? 30_000,
    clock: options.clock,
    logger: options.logger,
    onHold: options.onHold,
  });
  const listSystems = fleetLister({ leases, registry, accountOf, storage: options.storage, clock: options.clock, logger: options.logger });
  // Systems registered first (add-only), then the first heartbeat takes this worker's share.
  for (const session of options.sessions) await listSystems(session).catch(() => undefined);
  await leases.start();
  const service = await startService({
    ...options,
    ownership: leases,
    listSystems,
    relistEveryMs: options.discoverEveryMs ?? 600_000,
  });
  return {
    ...service,
    leases,
    workerId,
    async stop() {
      await service.stop();
      await leases.stop();
    },
  };
}
