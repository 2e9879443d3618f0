import { ApiError, AuthenticationError, NotFoundError, RateLimitError, type OpenPowerError } from "../core/errors/index.js";
import { vendorMessageOf } from "../core/http/http-errors.js";
import type { TransportResponse } from "../core/http/types.js";
import { parseRateLimitHeaders } from "../core/rate-limit/headers.js";

/** Where to get a token, for error messages. */
export const TOKEN_HELP = "Generate a token at https://app.amber.com.au/developers (turn on developer mode) and pass it as { token } (AMBER_TOKEN in the examples).";

export interface AmberErrorContext {
  operation: string | undefined;
  nowMs: number;
  /**
   * Called for a 429 without `RateLimit-*` headers (the API Gateway/CloudFront edge throttle);
   * returns how long to back off, in ms.
   */
  onGatewayThrottle: () => number;
  /** Called for Amber's own 429 (with headers); `waitMs` is until the window resets. */
  onAppThrottle: (waitMs: number) => void;
}

/**
 * Maps Amber's HTTP errors to typed errors. Amber's bodies are API Gateway envelopes,
 * `{"message": "..."}`. Status by status (see docs/amber.md):
 * 401 no token / 403 invalid token (the contract only declares 401) → `AuthenticationError`;
 * 404 unknown site or state → `NotFoundError`; 400/422 → `ApiError` (not retryable);
 * 429 → `RateLimitError` (code `RATE_LIMITED` with headers, `GATEWAY_THROTTLED` without);
 * 5xx → retryable `ApiError`.
 */
export function mapAmberHttpError(response: TransportResponse, ctx: AmberErrorContext): OpenPowerError | undefined {
  const { status } = response;
  const vendorMessage = vendorMessageOf(response.data);
  const said = vendorMessage ? `, "${vendorMessage}"` : "";
  const base = { vendor: "amber", operation: ctx.operation, status, requestId: response.requestId };
  const path = new URL(response.url).pathname;
  switch (status) {
    case 401:
      return new AuthenticationError(`Amber did not accept the request: the API token is missing or invalid (HTTP 401${said}). ${TOKEN_HELP}`, base);
    case 403:
      return new AuthenticationError(
        `Amber refused the API token (HTTP 403${said}): it is invalid, revoked or mistyped. ${TOKEN_HELP} ` +
          `(Amber's edge also answers 403 for unknown paths: check baseUrl if the token is right.)`,
        base,
      );
    case 404:
      return new NotFoundError(
        path.includes("/state/")
          ? `Amber has no such state (HTTP 404${said}) at ${path}. Use one of nsw, qld, sa, vic (State.*).`
          : `Amber has no such site for this token (HTTP 404${said}) at ${path}. Check the site id with listSites().`,
        base,
      );
    case 400:
      return new ApiError(`Amber rejected the request parameters (HTTP 400${said}) for ${path}. Check dates ("YYYY-MM-DD"), resolution (5 or 30) and counts.`, {
        ...base,
        vendorMessage,
        retryable: false,
      });
    case 422:
      return new ApiError(
        `Amber refused the request size (HTTP 422${said}): date ranges are limited to 7 days and next + previous to 2048 intervals. ` +
          `Let the client split the range (getPrices/getUsage do), or ask for fewer intervals.`,
        { ...base, vendorMessage, retryable: false },
      );
    case 429: {
      const hints = parseRateLimitHeaders(response.headers, ctx.nowMs);
      const hasHeaders = hints.remaining !== undefined || hints.resetAfterMs !== undefined || hints.limit !== undefined;
      if (!hasHeaders) {
        const waitMs = ctx.onGatewayThrottle();
        return new RateLimitError(
          `Amber's gateway throttled the request (HTTP 429 without rate-limit headers${said}). Backing off ${Math.ceil(waitMs / 1000)} s; ` +
            `these are usually brief. If they persist, poll less often.`,
          { ...base, code: "GATEWAY_THROTTLED", retryAfterMs: waitMs, resetAt: new Date(ctx.nowMs + waitMs) },
        );
      }
      const waitMs = hints.retryAfterMs ?? hints.resetAfterMs ?? 60_000;
      ctx.onAppThrottle(waitMs);
      return new RateLimitError(
        `Amber's rate limit is used up (HTTP 429${said}; ${hints.policy ?? "50 requests per 300 s"} per account). ` +
          `It resets in ${Math.ceil(waitMs / 1000)} s. Another program may be using the same account.`,
        { ...base, code: "RATE_LIMITED", retryAfterMs: waitMs, resetAt: new Date(ctx.nowMs + waitMs) },
      );
    }
    default:
      return undefined;
  }
}
