import type { VendorSession } from "../../cli/vendors/types.js";
import { systemClock, type Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { EnergySystem } from "../../model/types.js";
import { systemKey } from "../collector/convert.js";
import type { Storage } from "../storage/types.js";
import type { LeaseManager } from "./leases.js";
import type { FleetRegistry } from "./registry.js";

export const DISCOVERY_LEASE = "fleet:discovery";
export const MAINTENANCE_LEASE = "fleet:maintenance";

/** What the vendor lists now: not the session's memo (it lists once), a fresh call where the client has one. */
async function listFresh(session: VendorSession): Promise<EnergySystem[]> {
  const client = session.client as {
    listSystems?: () => Promise<{ serialNumber: string }[]>;
    system?: (sn: string) => EnergySystem;
  } | null;
  if (session.vendor === "alphaess" && typeof client?.listSystems === "function" && typeof client.system === "function") {
    const listed = await client.listSystems();
    return listed.map((s) => client.system!(s.serialNumber));
  }
  return session.systems();
}

/** The one object for a registered source (a new one another worker discovered is built from its id). */
function systemFor(session: VendorSession, device: string, known: Map<string, EnergySystem>): EnergySystem | undefined {
  const key = `${session.vendor}:${device}`;
  let system = known.get(key);
  const client = session.client as { system?: (sn: string) => EnergySystem; site?: (key: string) => EnergySystem } | null;
  if (!system && session.vendor === "alphaess" && typeof client?.system === "function") system = client.system(device);
  if (!system && session.vendor === "powertrack" && typeof client?.site === "function") system = client.site(device);
  if (system) known.set(key, system);
  return system;
}

/**
 * The collector's `listSystems` for a fleet worker: the systems registered for the session's account and not
 * retired. The worker holding the discovery lease (and every worker the first time, add-only) asks the vendor
 * and reconciles the registry: new systems join, systems gone are retired (history kept, lease released), and the
 * storage's systems are marked the same at once (the API and dashboard show them retired, whichever worker answers).
 */
export function fleetLister(options: {
  leases: LeaseManager;
  registry: FleetRegistry;
  accountOf: (session: VendorSession) => string;
  /** Where retirements are recorded too (`systems.retired_at`), on the collector's clock. */
  storage?: Pick<Storage, "retireSystems">;
  clock?: Clock;
  logger?: Logger;
}): (session: VendorSession) => Promise<EnergySystem[]> {
  const known = new Map<string, EnergySystem>();
  const listedOnce = new Set<VendorSession>();
  return async (session) => {
    const account = options.accountOf(session);
    const hold = options.leases.begin(DISCOVERY_LEASE);
    try {
      if (hold || !listedOnce.has(session)) {
        const listed = await listFresh(session);
        for (const s of listed) known.set(systemKey(s), s);
        const sources = listed.map((s) => ({ source: systemKey(s), vendor: s.vendor }));
        if (hold && listedOnce.has(session)) {
          const change = await options.registry.reconcile(account, sources);
          if (options.storage) {
            await options.storage.retireSystems(change.retired, (options.clock ?? systemClock).now());
            await options.storage.retireSystems(change.returned, null);
          }
          const counts = { added: change.added.length, returned: change.returned.length, retired: change.retired.length };
          if (counts.added + counts.returned + counts.retired > 0)
            options.logger?.info("fleet discovery", { vendor: session.vendor, ...counts });
        } else await options.registry.add(account, sources);
        listedOnce.add(session);
      }
    } finally {
      hold?.end();
    }
    const prefix = `${session.vendor}:`;
    return (await options.registry.active(account))
      .map((source) => systemFor(session, source.slice(prefix.length), known))
      .filter((s): s is EnergySystem => s !== undefined);
  };
}
