import { ConnectionError, OpenPowerError, RateLimitError, TimeoutError, ValidationError } from "../core/errors/index.js";

/** AlphaESS codes after which a write may still have reached the device: 6026 "internal error". */
const UNCERTAIN_CODES: ReadonlySet<number> = new Set([6026]);

/**
 * What the error of a failed write says about whether the write reached the device: `false` when
 * it provably did not (refused locally, never left this machine, or answered with a code or a 4xx
 * that means the server refused it — 6053 "too fast" included), `null` when it may have (a timeout,
 * a connection lost after sending, a 5xx, an answer that could not be read, 6026, an abort).
 */
export function failedWriteSent(error: unknown): false | null {
  if (error instanceof ValidationError) return false;
  if (error instanceof RateLimitError && error.local) return false;
  if (error instanceof ConnectionError) return error.sent ? null : false;
  if (error instanceof TimeoutError || !(error instanceof OpenPowerError)) return null;
  if (typeof error.code === "number") return UNCERTAIN_CODES.has(error.code) ? null : false;
  return error.status !== undefined && error.status >= 400 && error.status < 500 ? false : null;
}

/** `WriteResult.errorCode`: the typed error's class and, when the API answered one, its code ("ApiError:6008"). */
export function errorCodeOf(error: unknown): string {
  if (!(error instanceof Error)) return "Error";
  const code = error instanceof OpenPowerError ? error.code : undefined;
  return code === undefined || code === null ? error.name : `${error.name}:${String(code)}`;
}
