import type { RateLimitState } from "../../core/rate-limit/limiter.js";

/** What is left of one vendor account's request budget, as its client's limiter sees it. */
export interface VendorBudget {
  vendor: string;
  /** A name of the account that is no secret: its first system or its price source (`alphaess:SN`, `amber:<site>`). */
  account: string;
  /** Requests left in the current window; null when the client does not know yet. */
  remaining: number | null;
  /** Requests allowed per window, when known. */
  limit: number | null;
}

/**
 * Reads a client's `rateLimitState()` where it has one: Amber's is the account's window, AlphaESS's has an
 * `account` part beside its endpoints. Null for a client without one (PowerTrack, GoodWe).
 */
export function budgetOf(client: unknown): Pick<VendorBudget, "remaining" | "limit"> | null {
  const read = (client as { rateLimitState?: unknown } | null)?.rateLimitState;
  if (typeof read !== "function") return null;
  const state = read.call(client) as Partial<RateLimitState> & { account?: Partial<RateLimitState> };
  const s = state.account ?? state;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return { remaining: num(s.remaining), limit: num(s.limit) };
}
