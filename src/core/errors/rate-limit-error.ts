import { OpenPowerError, type ErrorDetails } from "./openpower-error.js";

/**
 * The vendor's rate limit (or our own budget, or a write cool-down) refused the request.
 * `retryAfterMs` says how long to wait; `resetAt` is the same moment as a Date when known.
 */
export class RateLimitError extends OpenPowerError {
  static {
    this.prototype.name = "RateLimitError";
  }
  readonly resetAt: Date | undefined;
  /** True when openpower refused locally and nothing was sent. */
  readonly local: boolean;

  constructor(message: string, details: ErrorDetails & { resetAt?: Date; local?: boolean } = {}) {
    super(message, { retryable: true, ...details });
    this.resetAt = details.resetAt;
    this.local = details.local ?? false;
  }
}
