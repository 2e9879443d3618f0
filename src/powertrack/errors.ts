// PowerTrack's errors: its session failures (401, 419 and the login page) as `AuthenticationError`; the rest are core errors.
import { AuthenticationError, type OpenPowerError } from "../core/errors/index.js";
import type { InvalidBody, PreparedRequest, TransportResponse } from "../core/http/types.js";

/**
 * PowerTrack's session failures, whatever form they take: 401 (invalid), 419 (expired) and the
 * HTML login page the web app serves (with 200, after a redirect) once the cookie is stale.
 */
export const SESSION_EXPIRED_HINT =
  "copy a fresh fetch from the browser (DevTools → Network → right-click an /api/ request → Copy as fetch (Node.js)) into your fetch file, or update COOKIE and AE_S";

export function sessionExpired(
  what: string,
  status: number | undefined,
  operation: string | undefined,
  requestId?: string,
): AuthenticationError {
  return new AuthenticationError(`PowerTrack session expired or rejected (${what}): ${SESSION_EXPIRED_HINT}.`, {
    vendor: "powertrack",
    status,
    operation,
    requestId,
    code: status === 419 ? "session_expired" : status === 401 ? "unauthorized" : "login_page",
  });
}

function looksLikeHtml(text: string, contentType: string): boolean {
  if (/text\/html|application\/xhtml/i.test(contentType)) return true;
  return /^\s*<(!doctype html|html|head|body)\b/i.test(text);
}

/**
 * The transport's hook for a 2xx body that is not JSON: an HTML page there is the login page the
 * web app serves once the cookie is stale, so it means "session expired", not a broken body.
 * Anything else keeps the transport's retryable `ResponseFormatError`.
 */
export function powertrackInvalidBody(body: InvalidBody, request: PreparedRequest): OpenPowerError | undefined {
  if (!looksLikeHtml(body.text, body.headers.get("content-type") ?? "")) return undefined;
  return sessionExpired(`HTTP ${body.status} with an HTML page instead of JSON, usually the login page`, body.status, request.operation);
}

/** 401 and 419 are session problems with a clear next step; everything else keeps the core mapping. */
export function powertrackHttpError(response: TransportResponse, request: PreparedRequest): OpenPowerError | undefined {
  if (response.status === 419) return sessionExpired("HTTP 419", 419, request.operation, response.requestId);
  if (response.status === 401) return sessionExpired("HTTP 401", 401, request.operation, response.requestId);
  return undefined;
}
