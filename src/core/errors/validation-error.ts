import { OpenPowerError, type ErrorDetails } from "./openpower-error.js";

/** Bad input from the caller. Thrown before anything is sent, so nothing changed anywhere. */
export class ValidationError extends OpenPowerError {
  static {
    this.prototype.name = "ValidationError";
  }
  /** The parameter or field that failed, e.g. "firstPeriod.start". */
  readonly field: string | undefined;

  constructor(message: string, details: ErrorDetails & { field?: string } = {}) {
    super(message, { ...details, retryable: false });
    this.field = details.field;
  }
}
