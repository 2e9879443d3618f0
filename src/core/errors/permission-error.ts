import { OpenPowerError, type ErrorDetails } from "./openpower-error.js";

/** The credentials are valid but not allowed to do this (not entitled, not bound, forbidden). */
export class PermissionError extends OpenPowerError {
  static {
    this.prototype.name = "PermissionError";
  }
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { ...details, retryable: false });
  }
}
