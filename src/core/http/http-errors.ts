import { ApiError, AuthenticationError, NotFoundError, PermissionError, RateLimitError, type OpenPowerError } from "../errors/index.js";
import { parseRateLimitHeaders } from "../rate-limit/headers.js";
import { DEFAULT_RETRY_POLICY } from "./retry-policy.js";
import type { TransportResponse } from "./types.js";

/** The vendor's own words from an error body: `message`, `msg`, `error` or a short text. */
export function vendorMessageOf(data: unknown): string | undefined {
  if (typeof data === "string") return data.slice(0, 1000).trim().slice(0, 200) || undefined;
  if (data && typeof data === "object") {
    for (const key of ["message", "msg", "Message", "error", "title", "detail"]) {
      const v = (data as Record<string, unknown>)[key];
      if (typeof v === "string" && v.trim()) return v.trim().slice(0, 200);
    }
  }
  return undefined;
}

/**
 * The default typed error for an HTTP error status. Vendors refine it through `mapHttpError`.
 * `retryableStatuses` (the retry policy's `statusCodes`) decides which statuses are retryable.
 */
export function defaultHttpError(
  response: TransportResponse,
  vendor: string,
  operation: string | undefined,
  nowMs: number,
  retryableStatuses: readonly number[] = DEFAULT_RETRY_POLICY.statusCodes,
): OpenPowerError {
  const { status } = response;
  const vendorMessage = vendorMessageOf(response.data);
  const said = vendorMessage ? `: "${vendorMessage}"` : "";
  const base = { vendor, operation, status, requestId: response.requestId };
  if (status === 401) {
    return new AuthenticationError(`${vendor} rejected the credentials (HTTP 401${said}). Check that they are set and current.`, base);
  }
  if (status === 403) {
    return new PermissionError(`${vendor} refused access (HTTP 403${said}). Check that these credentials may use this resource.`, base);
  }
  if (status === 404) {
    return new NotFoundError(
      `${vendor} has no such resource (HTTP 404${said}) at ${response.method} ${new URL(response.url).pathname}. Check the id.`,
      base,
    );
  }
  if (status === 429) {
    const hints = parseRateLimitHeaders(response.headers, nowMs);
    const retryAfterMs = hints.retryAfterMs ?? hints.resetAfterMs;
    return new RateLimitError(
      `${vendor} rate limit reached (HTTP 429${said}).${retryAfterMs !== undefined ? ` Retry in ${Math.ceil(retryAfterMs / 1000)} s.` : " Slow down and retry later."}`,
      {
        ...base,
        retryable: retryableStatuses.includes(429),
        retryAfterMs,
        resetAt: retryAfterMs !== undefined ? new Date(nowMs + retryAfterMs) : undefined,
      },
    );
  }
  const retryable = retryableStatuses.includes(status);
  return new ApiError(
    `${vendor} answered HTTP ${status}${said}.${retryable ? " The service may be having problems; try again later." : " Check the request parameters."}`,
    { ...base, retryable, vendorMessage },
  );
}
