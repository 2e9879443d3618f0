import {
  ApiError,
  AuthenticationError,
  ConfigurationError,
  PermissionError,
  RateLimitError,
  type OpenPowerError,
} from "../../core/errors/index.js";

/**
 * SEMS envelope codes → typed errors. Success is `0`, `"0"` or `"00000"`; everything else carries
 * a code and a message (`msg` on the legacy portal, `description` on SEMS+).
 */

export const SEMS_SUCCESS_CODES: ReadonlySet<unknown> = new Set([0, "0", "00000"]);

/** Legacy token rejected: log in again once, then retry. */
export const CODE_AUTH_EXPIRED = "100002";
export const CODE_BAD_CREDENTIALS = "100005";
export const CODE_MISSING_VERSION = "100000";
export const CODE_RATE_LIMITED = "GY0429";
/** Our own code for a legacy account that returns `data: {}` because it moved to SEMS+. */
export const CODE_MIGRATED = "MIGRATED_TO_SEMS_PLUS";

export interface SemsEnvelope {
  code?: unknown;
  hasError?: unknown;
  msg?: unknown;
  description?: unknown;
  data?: unknown;
}

export function isEnvelope(body: unknown): body is SemsEnvelope {
  return typeof body === "object" && body !== null && !Array.isArray(body) && ("code" in body || "hasError" in body);
}

export function isSuccess(body: SemsEnvelope): boolean {
  return SEMS_SUCCESS_CODES.has(body.code) && body.hasError !== true;
}

/** The typed error for a failed envelope. */
export function envelopeError(
  body: SemsEnvelope,
  context: { operation?: string; status?: number; rateLimitPauseMs: number },
): OpenPowerError {
  const code = body.code === undefined || body.code === null ? "unknown" : String(body.code);
  const said = typeof body.msg === "string" ? body.msg : typeof body.description === "string" ? body.description : undefined;
  const quote = said ? ` ("${said}")` : "";
  const base = { vendor: "goodwe-sems", code, operation: context.operation, status: context.status };
  switch (code) {
    case CODE_AUTH_EXPIRED:
      return new AuthenticationError(
        `SEMS says the login has expired (100002${quote}). openpower logs in again once by itself; if this persists, check the account in the SEMS app.`,
        base,
      );
    case CODE_BAD_CREDENTIALS:
      return new AuthenticationError(
        `SEMS rejected the e-mail or password (100005${quote}). Check them in the SEMS Portal app; accounts moved to SEMS+ may need a new password.`,
        base,
      );
    case CODE_MISSING_VERSION:
      return new ConfigurationError(
        `SEMS rejected the request headers (100000${quote}): the Token header needs a "version". Set the client's tokenVersion (e.g. "v2.1.0").`,
        { ...base, setting: "tokenVersion" },
      );
    case "100001":
    case "100004":
      return new ApiError(
        `SEMS refused the request parameters (${code}${quote}). The account may have been moved to SEMS+, which this client does not speak yet.`,
        { ...base, vendorMessage: said, retryable: false },
      );
    case "100025":
      return new PermissionError(`SEMS refused access (100025${quote}). A visitor account cannot do this; use the owner's account.`, base);
    case "C0602":
      return new ApiError(
        `SEMS reports an abnormal login (C0602${quote}): another login replaced this one, or a transient fault. Wait a minute and try again; avoid sharing one account between many clients.`,
        {
          ...base,
          vendorMessage: said,
          retryable: false,
        },
      );
    case CODE_RATE_LIMITED:
      return new RateLimitError(
        `SEMS rate limit reached (GY0429${quote}). openpower pauses this account for ${Math.round(context.rateLimitPauseMs / 1000)} s; poll less often (every 60 s or more).`,
        {
          ...base,
          retryAfterMs: context.rateLimitPauseMs,
        },
      );
    default:
      return new ApiError(`SEMS answered code ${code}${quote}.`, { ...base, vendorMessage: said, retryable: false });
  }
}
