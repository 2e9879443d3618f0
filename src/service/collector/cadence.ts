import { isPowerHistory } from "../../model/capabilities.js";
import type { EnergySystem } from "../../model/types.js";

/**
 * How often each kind of source may be polled, and how many requests of one account may be in
 * flight. The floors are the vendors' budgets; a configured cadence can only be slower.
 */
export interface PollRule {
  /** The budget group: systems of one account share one loop and one request budget. */
  kind: "alphaess" | "goodwe-local" | "goodwe-sems" | "powertrack" | "amber";
  /** Never poll more often than this, ms. */
  floorMs: number;
  /** Requests of this account in flight at once. */
  concurrency: number;
  /**
   * The least time between two polls of one source by two fleet workers, ms: the vendor's own limit per source, which a
   * lease hand-over must keep too (the new owner waits it from its claim). Default the floor.
   */
  handOverMs?: number;
}

export const POLL_RULES: Readonly<Record<PollRule["kind"], PollRule>> = {
  // The live endpoint is limited to one call per 10 s per system (6053 when faster).
  alphaess: { kind: "alphaess", floorMs: 10_000, concurrency: 1 },
  // One request in flight per inverter: the dongle answers one at a time and stops uploading to SEMS when hammered.
  "goodwe-local": { kind: "goodwe-local", floorMs: 10_000, concurrency: 1 },
  // SEMS refreshes a plant every 5 minutes and throttles accounts (GY0429).
  "goodwe-sems": { kind: "goodwe-sems", floorMs: 300_000, concurrency: 1 },
  // PowerTrack data arrives in 15-minute intervals.
  // No limit per site (the login's requests in flight are the fleet's, in fleet_slots): a site taken over is polled when due.
  powertrack: { kind: "powertrack", floorMs: 900_000, concurrency: 4, handOverMs: 0 },
  // Amber publishes at each 5-minute boundary (the price loop keeps its own schedule).
  amber: { kind: "amber", floorMs: 300_000, concurrency: 1 },
};

export function ruleFor(system: EnergySystem): PollRule {
  if (system.vendor === "goodwe") return POLL_RULES[isPowerHistory(system) ? "goodwe-sems" : "goodwe-local"];
  return POLL_RULES[system.vendor];
}

/** The cadence: the floor, the account's own budget for `count` systems, and a slower configured one. */
export function cadenceMs(rule: PollRule, budgetMs: number, configuredMs?: number): number {
  return Math.max(rule.floorMs, budgetMs, configuredMs ?? 0);
}
