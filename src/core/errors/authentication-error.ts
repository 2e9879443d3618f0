import { OpenPowerError, type ErrorDetails } from "./openpower-error.js";

/** The credentials are missing, wrong or expired. Retrying with the same credentials will not help. */
export class AuthenticationError extends OpenPowerError {
  static {
    this.prototype.name = "AuthenticationError";
  }
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { ...details, retryable: false });
  }
}
