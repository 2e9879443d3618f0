import { AuthenticationError, type ErrorDetails } from "../core/errors/index.js";

/**
 * AlphaESS refused the request timestamp (code 6009, or 6006 as the portal documents it).
 * `clockSkewMs` is this machine's clock minus the server's (from the response `Date` header):
 * positive when this machine is ahead. `null` when the server sent no usable `Date`.
 */
export class AlphaEssClockSkewError extends AuthenticationError {
  static {
    this.prototype.name = "AlphaEssClockSkewError";
  }
  readonly clockSkewMs: number | null;
  /** The server's time from its `Date` header, when present. */
  readonly serverTime: Date | null;
  /** This machine's time when the answer arrived. */
  readonly localTime: Date;

  constructor(message: string, details: ErrorDetails & { clockSkewMs: number | null; serverTime: Date | null; localTime: Date }) {
    super(message, details);
    this.clockSkewMs = details.clockSkewMs;
    this.serverTime = details.serverTime;
    this.localTime = details.localTime;
  }
}
