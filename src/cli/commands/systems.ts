import { ConfigurationError, NotFoundError } from "../../core/errors/index.js";
import type { EnergySystem, PowerFlow, Vendor } from "../../model/types.js";
import type { CommandContext, SessionFailure } from "../context.js";
import { describeError, UsageError } from "../errors.js";
import { isVendor } from "../vendors/registry.js";
import type { VendorSession } from "../vendors/types.js";

export interface SystemEntry {
  session: VendorSession;
  system: EnergySystem;
}

/** Every EnergySystem of every connected vendor, plus the vendors that failed to list theirs. */
export async function listSystems(ctx: CommandContext, only?: readonly Vendor[]): Promise<{ entries: SystemEntry[]; failures: SessionFailure[] }> {
  const { sessions, failures } = await ctx.sessions(only);
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

/** "vendor:id" or "id" → the matching systems. */
export function matchDevice(entries: readonly SystemEntry[], device: string): SystemEntry[] {
  const colon = device.indexOf(":");
  const prefix = colon > 0 ? device.slice(0, colon) : "";
  if (prefix && isVendor(prefix)) {
    const id = device.slice(colon + 1);
    return entries.filter((e) => e.system.vendor === prefix && e.system.id.toLowerCase() === id.toLowerCase());
  }
  return entries.filter((e) => e.system.id.toLowerCase() === device.toLowerCase());
}

/**
 * The one system a command acts on: the named one, or the only one that can do `what`. Several
 * candidates without a name is a usage error listing them.
 */
export async function selectSystem(ctx: CommandContext, device: string | undefined, what: { label: string; can: (s: EnergySystem) => boolean }): Promise<SystemEntry> {
  const { entries, failures } = await listSystems(ctx);
  for (const failure of failures) ctx.out.warn(describeError(failure.error).replace(/^error: /, `${failure.vendor}: `));
  const capable = entries.filter((e) => what.can(e.system));
  if (device !== undefined) {
    const matches = matchDevice(entries, device);
    if (matches.length === 0) {
      const known = entries.map((e) => `${e.system.vendor}:${e.system.id}`).join(", ") || "none";
      throw new NotFoundError(`No configured system is called ${JSON.stringify(device)} (known: ${known}). Check the id, or name it as vendor:id.`);
    }
    if (matches.length > 1) throw new UsageError(`${device} matches several systems: name it as ${matches.map((m) => `${m.system.vendor}:${m.system.id}`).join(" or ")}.`, { field: "device" });
    const match = matches[0]!;
    if (!what.can(match.system)) throw new ConfigurationError(`${match.system.vendor}:${match.system.id} cannot ${what.label} (the vendor does not support it).`, { vendor: match.system.vendor });
    return match;
  }
  if (capable.length === 1) return capable[0]!;
  if (capable.length === 0) {
    if (failures.length > 0) throw failures[0]!.error;
    throw new ConfigurationError(`None of the configured systems can ${what.label}.`, { setting: "config" });
  }
  throw new UsageError(`Several systems can ${what.label}: choose one with --device (${capable.map((e) => `${e.system.vendor}:${e.system.id}`).join(", ")}).`, { field: "--device" });
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
    return { vendor: system.vendor, device: system.id, flow: null, ageMs: null, stale: false, error: describeError(error).replace(/^error: /, "") };
  }
}

export function failureRow(failure: SessionFailure): FlowRow {
  return { vendor: failure.vendor, device: "(all)", flow: null, ageMs: null, stale: false, error: describeError(failure.error).replace(/^error: /, "") };
}
