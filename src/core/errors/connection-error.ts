import { OpenPowerError, type ErrorDetails } from "./openpower-error.js";

/**
 * The connection failed (refused, reset, DNS, TLS). `sent` is false only when the request provably
 * never left this machine (connection refused, host not found): only then may a write be retried.
 */
export class ConnectionError extends OpenPowerError {
  static {
    this.prototype.name = "ConnectionError";
  }
  readonly sent: boolean;
  /** The system error code, e.g. "ECONNREFUSED". */
  readonly systemCode: string | undefined;

  constructor(message: string, details: ErrorDetails & { sent: boolean; systemCode?: string }) {
    super(message, { retryable: true, ...details });
    this.sent = details.sent;
    this.systemCode = details.systemCode;
  }
}
