import { OpenPowerError, type ErrorDetails } from "../../core/errors/index.js";

/**
 * A simulator handler received a body it cannot read (`SimRequest.json()` on invalid JSON).
 * The HTTP harness answers it with 400 and the message, as a real API would.
 */
export class SimBodyError extends OpenPowerError {
  static {
    this.prototype.name = "SimBodyError";
  }

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { ...details, status: 400, retryable: false });
  }
}
