import { ConfigurationError, NotFoundError } from "../../core/errors/index.js";
import type { EnergySystem, PowerFlow, Vendor } from "../../model/types.js";
import type { CommandContext, SessionFailure } from "../context.js";
import { describeCause, UsageError } from "../errors.js";
import { isVendor } from "../vendors/registry.js";
import type { PluginFeature, VendorSession } from "../vendors/types.js";

export interface SystemEntry {
  session: VendorSession;
  system: EnergySystem;
}

/**
 * Every EnergySystem of every connected vendor (of `only`, and of those that can have `provides`
 * at all), plus the vendors that failed to connect or to list theirs.
 */
export async function listSystems(
  ctx: CommandContext,
  only?: readonly Vendor[],
  provides: PluginFeature = "systems",
): Promise<{ entries: SystemEntry[]; failures: SessionFailure[] }> {
  const { sessions, failures } = await ctx.sessions(only, provides);
  const entries: SystemEntry[] = [];
  const listFailures: SessionFailure[] = [...failures];
  await Promise.all(
    sessions.map(async (session) => {
      try {
        for (const system of await session.systems()) entries.push({ session, system });
      } catch (error) {
        listFailures.push({ vendor: session.vendor, error });
      }
    }),
  );
  const order = (v: Vendor) => sessions.findIndex((s) => s.vendor === v);
  entries.sort((a, b) => order(a.system.vendor) - order(b.system.vendor));
  return { entries, failures: listFailures };
}

/** "vendor:id" → the vendor and the id; a plain id (or an unknown prefix) → no vendor. */
export function splitDevice(device: string): { vendor: Vendor | undefined; id: string } {
  const colon = device.indexOf(":");
  const prefix = colon > 0 ? device.slice(0, colon).toLowerCase() : "";
  return prefix && isVendor(prefix) ? { vendor: prefix, id: device.slice(colon + 1) } : { vendor: undefined, id: device };
}

/** "vendor:id" or "id" → the matching systems. */
export function matchDevice(entries: readonly SystemEntry[], device: string): SystemEntry[] {
  const { vendor, id } = splitDevice(device);
  return entries.filter((e) => (vendor === undefined || e.system.vendor === vendor) && e.system.id.toLowerCase() === id.toLowerCase());
}

/**
 * The one system a command acts on: the named one, or the only one that can do `what`. Several
 * candidates without a name is a usage error listing them. Only the vendors that could have it
 * are connected: the one named by "vendor:id", else those whose plugin `provides` the feature.
 */
export async function selectSystem(
  ctx: CommandContext,
  device: string | undefined,
  what: { label: string; can: (s: EnergySystem) => boolean; provides?: PluginFeature },
): Promise<SystemEntry> {
  const vendor = device === undefined ? undefined : splitDevice(device).vendor;
  const provides = what.provides ?? "systems";
  if (vendor && !(await ctx.plugins()).find((p) => p.name === vendor)?.provides[provides]) {
    throw new ConfigurationError(`${device} cannot ${what.label}: ${vendor} systems do not support it.`, { vendor });
  }
  const { entries, failures } = await listSystems(ctx, vendor ? [vendor] : undefined, provides);
  for (const failure of failures) ctx.out.warn(describeCause(failure.error, { vendor: failure.vendor }));
  const capable = entries.filter((e) => what.can(e.system));
  if (device !== undefined) {
    const matches = matchDevice(entries, device);
    if (matches.length === 0) {
      if (entries.length === 0 && failures[0]) throw failures[0].error;
      const known = entries.map((e) => `${e.system.vendor}:${e.system.id}`).join(", ") || "none";
      const which = provides === "systems" ? "configured system" : `configured system that can ${what.label}`;
      throw new NotFoundError(`No ${which} is called ${JSON.stringify(device)} (known: ${known}). Check the id, or name it as vendor:id.`);
    }
    if (matches.length > 1)
      throw new UsageError(
        `${device} matches several systems: name it as ${matches.map((m) => `${m.system.vendor}:${m.system.id}`).join(" or ")}.`,
        { field: "device" },
      );
    const match = matches[0]!;
    if (!what.can(match.system))
      throw new ConfigurationError(`${match.system.vendor}:${match.system.id} cannot ${what.label} (the vendor does not support it).`, {
        vendor: match.system.vendor,
      });
    return match;
  }
  if (capable.length === 1) return capable[0]!;
  if (capable.length === 0) {
    if (failures.length > 0) throw failures[0]!.error;
    throw new ConfigurationError(`None of the configured systems can ${what.label}.`, { setting: "config" });
  }
  throw new UsageError(
    `Several systems can ${what.label}: choose one with --device (${capable.map((e) => `${e.system.vendor}:${e.system.id}`).join(", ")}).`,
    { field: "--device" },
  );
}

/** One system's reading for status and watch. */
export interface FlowRow {
  vendor: Vendor;
  device: string;
  flow: PowerFlow | null;
  /** now − observedAt, ms (negative when the device clock is ahead). */
  ageMs: number | null;
  stale: boolean;
  error: string | null;
}

export async function readFlow(entry: SystemEntry, staleAfterMs: number, signal?: AbortSignal): Promise<FlowRow> {
  const { system, session } = entry;
  try {
    const flow = await system.getPowerFlow({ signal });
    const ageMs = session.now() - flow.observedAt.getTime();
    return { vendor: system.vendor, device: system.id, flow, ageMs, stale: ageMs > staleAfterMs, error: null };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { vendor: system.vendor, device: system.id, flow: null, ageMs: null, stale: false, error: describeCause(error) };
  }
}

export function failureRow(failure: SessionFailure): FlowRow {
  return { vendor: failure.vendor, device: "(all)", flow: null, ageMs: null, stale: false, error: describeCause(failure.error) };
}
