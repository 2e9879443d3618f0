import { OpenPowerError, type ErrorDetails } from "./openpower-error.js";

/**
 * The vendor answered with an error that is not one of the more specific classes: an envelope
 * code such as AlphaESS 6042 "system offline", or an HTTP 5xx. `code`, `status`, `requestId` and
 * `retryable` say what it was and whether trying again later can help.
 */
export class ApiError extends OpenPowerError {
  static {
    this.prototype.name = "ApiError";
  }
  /** The vendor's message, verbatim (may be localised; never branch on it). */
  readonly vendorMessage: string | undefined;

  constructor(message: string, details: ErrorDetails & { vendorMessage?: string } = {}) {
    super(message, details);
    this.vendorMessage = details.vendorMessage;
  }
}
