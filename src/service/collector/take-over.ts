import type { PollRule } from "./cadence.js";

/**
 * The earliest instant a source just taken over from another worker may be polled here (ms, the collector's clock):
 * - not within the vendor's limit per source of the previous owner's last request (AlphaESS: 6053 within 10 s of one
 *   system). That request was sent before the claim, so the limit counts from the claim, plus 10% for its time on the
 *   network (as the budgets allow);
 * - not before it is due: one cadence after the last stored reading (the previous owner's last poll), so that a
 *   hand-over, or a whole fleet restarting, polls on schedule instead of everything at once.
 */
export function firstPollAfterTakeOver(
  takenOverAt: number | null | undefined,
  rule: PollRule,
  lastStoredAt: number | undefined,
  cadenceMs: number,
): number {
  const limit = takenOverAt != null ? takenOverAt + (rule.handOverMs ?? rule.floorMs) * 1.1 : -Infinity;
  return Math.max(limit, lastStoredAt !== undefined ? lastStoredAt + cadenceMs : -Infinity);
}
