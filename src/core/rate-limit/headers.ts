/**
 * Parsing of the rate-limit hints servers send: `Retry-After` (seconds or HTTP date) and the IETF
 * `RateLimit-*` fields (draft-ietf-httpapi-ratelimit-headers; `RateLimit-Reset` is a delta in
 * seconds, `RateLimit-Policy` looks like `50;w=300`), including the combined `RateLimit` field of
 * later drafts (`limit=50, remaining=3, reset=20`).
 */
export interface RateLimitObservation {
  limit?: number;
  remaining?: number;
  /** Milliseconds until the window resets, from `RateLimit-Reset`. */
  resetAfterMs?: number;
  /** Window length in ms, from the policy's `w=` parameter. */
  windowMs?: number;
  /** Milliseconds the server asked us to wait, from `Retry-After`. */
  retryAfterMs?: number;
  /** The raw policy string. */
  policy?: string;
}

type HeaderSource = Headers | Record<string, string | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function nonNegativeNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** `Retry-After` in ms: delta seconds or an HTTP date relative to `nowMs`. */
export function parseRetryAfter(value: string | undefined | null, nowMs: number): number | undefined {
  if (value == null || value.trim() === "") return undefined;
  // A number is delta-seconds (negative ones are invalid, not dates: Date.parse("-5") is a year).
  if (/^\s*[-+]?\d+(\.\d+)?\s*$/.test(value)) {
    const seconds = nonNegativeNumber(value);
    return seconds === undefined ? undefined : Math.round(seconds * 1000);
  }
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Parses `50;w=300` into limit and window. */
export function parseRateLimitPolicy(policy: string | undefined): { limit?: number; windowMs?: number } {
  if (!policy) return {};
  const first = policy.split(",")[0]!.trim();
  const [limitPart, ...params] = first.split(";");
  const out: { limit?: number; windowMs?: number } = {};
  const limit = nonNegativeNumber(limitPart?.replace(/^[a-z-]+=/i, ""));
  if (limit !== undefined) out.limit = limit;
  for (const param of params) {
    const [key, value] = param.split("=").map((s) => s.trim());
    if (key === "w") {
      const w = nonNegativeNumber(value);
      if (w !== undefined) out.windowMs = w * 1000;
    }
  }
  return out;
}

/** Reads every rate-limit hint present in a response's headers. Empty object when there are none. */
export function parseRateLimitHeaders(headers: HeaderSource, nowMs: number): RateLimitObservation {
  const out: RateLimitObservation = {};
  const limit = nonNegativeNumber(header(headers, "ratelimit-limit") ?? header(headers, "x-ratelimit-limit"));
  const remaining = nonNegativeNumber(header(headers, "ratelimit-remaining") ?? header(headers, "x-ratelimit-remaining"));
  const reset = nonNegativeNumber(header(headers, "ratelimit-reset"));
  const policy = header(headers, "ratelimit-policy");
  const combined = header(headers, "ratelimit");
  if (combined) {
    for (const part of combined.split(/[,;]/)) {
      const [key, value] = part.split("=").map((s) => s.trim());
      const n = nonNegativeNumber(value);
      if (n === undefined) continue;
      if (key === "limit") out.limit = n;
      else if (key === "remaining" || key === "r") out.remaining = n;
      else if (key === "reset" || key === "t") out.resetAfterMs = n * 1000;
    }
  }
  if (limit !== undefined) out.limit = limit;
  if (remaining !== undefined) out.remaining = remaining;
  if (reset !== undefined) out.resetAfterMs = reset * 1000;
  if (policy) {
    out.policy = policy;
    const parsed = parseRateLimitPolicy(policy);
    if (parsed.windowMs !== undefined) out.windowMs = parsed.windowMs;
    if (out.limit === undefined && parsed.limit !== undefined) out.limit = parsed.limit;
  }
  const retryAfter = parseRetryAfter(header(headers, "retry-after"), nowMs);
  if (retryAfter !== undefined) out.retryAfterMs = retryAfter;
  return out;
}

export function isEmptyObservation(o: RateLimitObservation): boolean {
  return Object.keys(o).length === 0;
}
