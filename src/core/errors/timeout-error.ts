import { OpenPowerError, type ErrorDetails } from "./openpower-error.js";

/** No complete answer within the time limit. The request may or may not have been processed. */
export class TimeoutError extends OpenPowerError {
  static {
    this.prototype.name = "TimeoutError";
  }
  readonly timeoutMs: number;

  constructor(message: string, details: ErrorDetails & { timeoutMs: number }) {
    super(message, { retryable: true, ...details });
    this.timeoutMs = details.timeoutMs;
  }
}
