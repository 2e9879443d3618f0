import { ApiError, AuthenticationError, NotFoundError, RateLimitError, type OpenPowerError } from "../core/errors/index.js";
import { defaultHttpError, vendorMessageOf } from "../core/http/http-errors.js";
import type { TransportResponse } from "../core/http/types.js";
import type { RateLimiter } from "../core/rate-limit/limiter.js";

/** Where to get a token, for error messages. */
export const TOKEN_HELP =
  "Generate a token at https://app.amber.com.au/developers (turn on developer mode) and pass it as { token } (AMBER_TOKEN in the examples).";

export interface AmberErrorContext {
  operation: string | undefined;
  /** The retry policy's retryable statuses (they decide whether a 429 or 5xx is `retryable`). */
  retryableStatuses: readonly number[];
  /**
   * The limiter of the transport that got the response. For an edge 429 the transport has already
   * made it back off (`observeRefusal`); the error reports that back-off as `retryAfterMs`.
   */
  limiter: RateLimiter | null;
}

/**
 * Maps Amber's HTTP errors to typed errors with Amber's wording. Amber's bodies are API Gateway
 * envelopes, `{"message": "..."}`. Status by status (see docs/amber.md):
 * 401 no token / 403 invalid token (the contract only declares 401) → `AuthenticationError`;
 * 404 unknown site or state → `NotFoundError`; 400/422 → `ApiError` (not retryable);
 * 429 → core's `RateLimitError` with Amber's message and a code: `RATE_LIMITED` when Amber said
 * when its window resets, `GATEWAY_THROTTLED` for the edge's 429 that says nothing;
 * 5xx → undefined (core's retryable `ApiError`).
 *
 * The back-off itself is not done here: the transport feeds every response to the limiter
 * (`observe`, and `observeRefusal` for a 429 without hints) before this runs.
 */
export function mapAmberHttpError(response: TransportResponse, ctx: AmberErrorContext): OpenPowerError | undefined {
  const { status } = response;
  if (status === 429) return rateLimitError(response, ctx);
  if (status !== 400 && status !== 401 && status !== 403 && status !== 404 && status !== 422) return undefined;
  const vendorMessage = vendorMessageOf(response.data);
  const said = vendorMessage ? `, "${vendorMessage}"` : "";
  const base = { vendor: "amber", operation: ctx.operation, status, requestId: response.requestId };
  const path = new URL(response.url).pathname;
  switch (status) {
    case 401:
      return new AuthenticationError(
        `Amber did not accept the request: the API token is missing or invalid (HTTP 401${said}). ${TOKEN_HELP}`,
        base,
      );
    case 403:
      // API Gateway's answer for a path it does not route, whatever the token: say so first.
      if (vendorMessage === "Missing Authentication Token") {
        return new AuthenticationError(
          `Amber's gateway has no route for ${path} (HTTP 403${said}): check baseUrl, which should end in /v1 (Amber's is https://api.amber.com.au/v1). ` +
            `If the path is right, the token is invalid: ${TOKEN_HELP}`,
          base,
        );
      }
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
      return new ApiError(
        `Amber rejected the request parameters (HTTP 400${said}) for ${path}. Check dates ("YYYY-MM-DD"), resolution (5 or 30) and counts.`,
        {
          ...base,
          vendorMessage,
          retryable: false,
        },
      );
    default:
      return new ApiError(
        `Amber refused the request size (HTTP 422${said}): date ranges are limited to 7 days and next + previous to 2048 intervals. ` +
          `Let the client split the range (getPrices/getUsage do), or ask for fewer intervals.`,
        { ...base, vendorMessage, retryable: false },
      );
  }
}

/** Core's 429 error (wait time, reset, retryability from the headers), reworded for Amber. */
function rateLimitError(response: TransportResponse, ctx: AmberErrorContext): RateLimitError {
  const core = defaultHttpError(response, "amber", ctx.operation, response.receivedAt, ctx.retryableStatuses);
  const vendorMessage = vendorMessageOf(response.data);
  const said = vendorMessage ? `, "${vendorMessage}"` : "";
  const details = { vendor: "amber", operation: ctx.operation, status: 429, requestId: response.requestId, retryable: core.retryable };
  if (core.retryAfterMs !== undefined) {
    const policy = response.headers.get("ratelimit-policy") ?? "50;w=300";
    return new RateLimitError(
      `Amber's rate limit is used up (HTTP 429${said}; policy ${policy}, per account). ` +
        `It resets in ${Math.ceil(core.retryAfterMs / 1000)} s. Another program may be using the same account.`,
      { ...details, code: "RATE_LIMITED", retryAfterMs: core.retryAfterMs, resetAt: (core as RateLimitError).resetAt },
    );
  }
  // The edge's throttle says nothing about when to come back; the limiter already backs off.
  const waitMs = ctx.limiter ? Math.max(0, ctx.limiter.waitMs(response.receivedAt)) : 0;
  return new RateLimitError(
    `Amber's gateway throttled the request (HTTP 429 without rate-limit headers${said}). ` +
      `${waitMs > 0 ? `Backing off ${Math.ceil(waitMs / 1000)} s; these` : "These"} are usually brief. If they persist, poll less often.`,
    {
      ...details,
      code: "GATEWAY_THROTTLED",
      retryAfterMs: waitMs > 0 ? waitMs : undefined,
      resetAt: waitMs > 0 ? new Date(response.receivedAt + waitMs) : undefined,
    },
  );
}
