import type { ApplyResult, PowerFlow, PriceInterval, WriteResult } from "./types.js";

/**
 * For a feed-in interval, what the customer earns per kWh exported (positive = paid).
 * For other channels, the negative of what they pay (positive = paid to consume).
 */
export function earningsPerKwhCents(interval: Pick<PriceInterval, "perKwhCents">): number {
  return interval.perKwhCents === 0 ? 0 : -interval.perKwhCents;
}

/**
 * What does not add up in a power flow: sources (pv + grid + battery) minus sinks (load + ev), in W.
 * Zero for a consistent reading; null when a term is missing.
 */
export function powerBalanceW(flow: Pick<PowerFlow, "pvW" | "gridW" | "batteryW" | "loadW" | "evW">): number | null {
  const { pvW, gridW, batteryW, loadW } = flow;
  if (pvW === null || gridW === null || batteryW === null || loadW === null) return null;
  return pvW + gridW + batteryW - loadW - (flow.evW ?? 0);
}

// The deep diff is a generic tool and lives in core; the model's write results use it for `changes`.
export { diffFields, type DiffOptions } from "../core/diff.js";

/**
 * One word for a write's outcome, derived from its fields (never stored, so never out of step):
 * `dry-run` nothing sent on purpose; `not-sent` refused or stopped before sending; `unknown` it may
 * have reached the device and nothing could confirm it; `sent` sent and not verified; `taken` read
 * back as written; `not-taken` read back different.
 */
export type WriteStatus = "dry-run" | "not-sent" | "unknown" | "sent" | "taken" | "not-taken";

export function writeStatus(result: Pick<WriteResult, "sent" | "taken" | "error">, dryRun = false): WriteStatus {
  if (result.taken === true) return "taken";
  if (result.taken === false) return "not-taken";
  if (result.sent === null) return "unknown";
  if (result.sent === false) return dryRun && result.error === undefined ? "dry-run" : "not-sent";
  return "sent";
}

/**
 * `ok` of an `ApplyResult`, by the model's rule: in a dry run, every check passed and nothing failed;
 * otherwise every write was sent and none read back different. `requireTaken` (a verified apply whose
 * vendor can always read back) also asks that every write was confirmed by its read-back.
 */
export function applyOk(result: Pick<ApplyResult, "dryRun" | "results">, options: { requireTaken?: boolean } = {}): boolean {
  if (result.dryRun) return result.results.every((r) => r.write.constraints.every((c) => c.ok) && r.error === undefined);
  return result.results.every((r) => r.sent === true && (options.requireTaken ? r.taken === true : r.taken !== false));
}
