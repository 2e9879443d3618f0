import { OpenPowerError, type ErrorDetails } from "./openpower-error.js";

/** The site, device, serial number or path does not exist at the vendor. */
export class NotFoundError extends OpenPowerError {
  static {
    this.prototype.name = "NotFoundError";
  }
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { ...details, retryable: false });
  }
}
