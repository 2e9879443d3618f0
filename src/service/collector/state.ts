import type { PollRule } from "./cadence.js";

/** What the health endpoint and the metrics say about one source. */
export interface SourceState {
  source: string;
  vendor: string;
  kind: PollRule["kind"];
  cadenceMs: number;
  state: "starting" | "ok" | "failing" | "stopped";
  lastAttempt: number | null;
  lastSuccess: number | null;
  lastErrorClass: string | null;
  consecutiveFailures: number;
  /** Now minus the instant of the newest reading, ms. */
  lagMs: number | null;
  lastObservedAt: number | null;
  backfill: { running: boolean; done: number; total: number; added: number };
}

export function newSourceState(source: string, vendor: string, rule: PollRule): SourceState {
  return {
    source,
    vendor,
    kind: rule.kind,
    cadenceMs: rule.floorMs,
    state: "starting",
    lastAttempt: null,
    lastSuccess: null,
    lastErrorClass: null,
    consecutiveFailures: 0,
    lagMs: null,
    lastObservedAt: null,
    backfill: { running: false, done: 0, total: 0, added: 0 },
  };
}
