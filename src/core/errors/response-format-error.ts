import { OpenPowerError, type ErrorDetails } from "./openpower-error.js";

/**
 * The vendor's answer did not have the shape we rely on: not JSON, truncated, too large, or a
 * field we need is missing or of the wrong type. `path` names the field that failed
 * (e.g. `data[3].ppv`); `excerpt` shows the start of the body, redacted.
 */
export class ResponseFormatError extends OpenPowerError {
  static {
    this.prototype.name = "ResponseFormatError";
  }
  readonly path: string | undefined;
  readonly issues: readonly string[];
  readonly excerpt: string | undefined;

  constructor(message: string, details: ErrorDetails & { path?: string; issues?: string[]; excerpt?: string } = {}) {
    super(message, details);
    this.path = details.path;
    this.issues = details.issues ?? [];
    this.excerpt = details.excerpt;
  }
}
