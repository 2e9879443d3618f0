import { inspect } from "node:util";
import { redact, redactError, redactValue } from "../redact.js";

/** What every openpower error can say about where it came from. */
export interface ErrorDetails {
  /** Which vendor API or device produced the error, e.g. "alphaess". */
  vendor?: string;
  /** The vendor's own error code (AlphaESS `6053`, SEMS `"100002"`, ...). */
  code?: string | number;
  /** HTTP status, when the error came from an HTTP response. */
  status?: number;
  /** The vendor's request id (response header or body), for support tickets. */
  requestId?: string;
  /** Whether the same request may succeed later. Writes are never retried automatically, whatever this says. */
  retryable?: boolean;
  /** How long the vendor asked us to wait before retrying, in milliseconds. */
  retryAfterMs?: number;
  /** The operation that failed, e.g. "getLastPowerData". */
  operation?: string;
  /** The underlying error. Stored redacted. */
  cause?: unknown;
}

/**
 * The base class of every error openpower throws. Messages say what happened and what to do next;
 * secrets are removed from the message, the cause and `util.inspect` output.
 */
export class OpenPowerError extends Error {
  static {
    this.prototype.name = "OpenPowerError";
  }
  readonly vendor: string | undefined;
  readonly code: string | number | undefined;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly operation: string | undefined;

  constructor(message: string, details: ErrorDetails = {}) {
    super(redact(message), details.cause === undefined ? undefined : { cause: sanitizeCause(details.cause) });
    this.vendor = details.vendor;
    this.code = details.code;
    this.status = details.status;
    this.requestId = details.requestId;
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
    this.operation = details.operation;
    if (this.stack) this.stack = redact(this.stack);
  }

  /** A plain, secret-free object for JSON output and structured logs. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (value !== undefined && key !== "stack" && key !== "message") out[key] = redactValue(value);
    }
    if (this.cause !== undefined) {
      out.cause = this.cause instanceof Error ? { name: this.cause.name, message: this.cause.message } : this.cause;
    }
    return out;
  }

  [inspect.custom](depth: number, options: object, inspectFn: typeof inspect = inspect): string {
    const shown = { ...this.toJSON(), stack: this.stack };
    return redact(inspectFn(shown, { ...options, depth: Math.min(depth, 4) }));
  }
}

function sanitizeCause(cause: unknown): unknown {
  if (cause instanceof OpenPowerError) return cause;
  if (cause instanceof Error) return redactError(cause);
  return redactValue(cause);
}

export function isOpenPowerError(error: unknown): error is OpenPowerError {
  return error instanceof OpenPowerError;
}
