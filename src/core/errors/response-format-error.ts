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
    // Bounded whatever a caller passes: an error is kept, logged and printed, a body is not.
    this.issues = (details.issues ?? []).slice(0, 5).map((issue) => (issue.length > 300 ? `${issue.slice(0, 300)}…` : issue));
    this.excerpt = details.excerpt !== undefined && details.excerpt.length > 301 ? `${details.excerpt.slice(0, 300)}…` : details.excerpt;
  }
}
