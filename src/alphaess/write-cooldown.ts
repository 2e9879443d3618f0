import type { Clock } from "../core/clock.js";
import { RateLimitError } from "../core/errors/index.js";
import { VENDOR } from "./envelope.js";

/**
 * A client-side minimum interval between writes to the same system and endpoint. AlphaESS
 * throttles writes (portal: once per 24 h; observed: 10 s to 10 min) and a write beyond the
 * server's limit can answer 200 and do nothing, so we refuse early with a clear error instead.
 * One instance is shared by a client and all its `forDevice` clones.
 */
export class WriteCooldown {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalFor: (endpoint: string) => number,
    private readonly clock: Clock,
  ) {}

  private key(serialNumber: string, endpoint: string): string {
    return `${serialNumber}\u0000${endpoint}`;
  }

  /** When the next write to this system and endpoint is allowed (now or earlier: allowed). */
  nextAllowedAt(serialNumber: string, endpoint: string): Date {
    const last = this.last.get(this.key(serialNumber, endpoint));
    const interval = this.intervalFor(endpoint);
    return new Date(last === undefined || interval <= 0 ? this.clock.now() : Math.max(this.clock.now(), last + interval));
  }

  /** Throws a local `RateLimitError` (nothing sent) when a write now would break the cool-down. */
  check(serialNumber: string, endpoint: string): void {
    const now = this.clock.now();
    const last = this.last.get(this.key(serialNumber, endpoint));
    const interval = this.intervalFor(endpoint);
    if (last === undefined || interval <= 0 || now >= last + interval) return;
    const wait = last + interval - now;
    const at = new Date(last + interval);
    throw new RateLimitError(
      `Refused to send ${endpoint} for system ${serialNumber}: the last write was ${Math.round((now - last) / 1000)} s ago and openpower allows one write per ` +
        `${Math.round(interval / 1000)} s per system and endpoint (option writeCooldownMs), because AlphaESS may silently ignore writes that come too fast. ` +
        `The next write is allowed at ${at.toISOString()} (in ${Math.ceil(wait / 1000)} s). Nothing was sent.`,
      { vendor: VENDOR, operation: endpoint, retryAfterMs: wait, resetAt: at, local: true },
    );
  }

  /** Records a write being sent now; returns a function that forgets it (the server provably refused it). */
  mark(serialNumber: string, endpoint: string): () => void {
    const key = this.key(serialNumber, endpoint);
    const previous = this.last.get(key);
    const at = this.clock.now();
    this.last.set(key, at);
    return () => {
      if (this.last.get(key) !== at) return;
      if (previous === undefined) this.last.delete(key);
      else this.last.set(key, previous);
    };
  }
}
