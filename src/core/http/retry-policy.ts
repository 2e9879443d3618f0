/**
 * Retry policy as data: which requests may be retried, after which failures, how long to wait.
 * The transport reads it; vendors override parts of it; tests inspect it.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). */
  limit: number;
  /** Methods that are safe to repeat. Anything else is retried only if it provably never left. */
  methods: readonly string[];
  /**
   * HTTP statuses worth retrying: they make the default HTTP error `retryable`. Vendor envelope
   * errors and `mapHttpError` results decide through their own `retryable` flag.
   */
  statusCodes: readonly number[];
  /** First back-off step in ms; step n is `baseDelayMs * factor^(n-1)`, capped at `maxDelayMs`. */
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** "full": wait a uniformly random time in [0, step] (AWS "full jitter"); "none": wait the step. */
  jitter: "full" | "none";
  /** Honour `Retry-After` / `RateLimit-Reset` when the server sends them. */
  respectRetryAfter: boolean;
  /** If the server asks us to wait longer than this, give up instead of sleeping. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  limit: 2,
  methods: Object.freeze(["GET", "HEAD", "OPTIONS"]),
  statusCodes: Object.freeze([408, 425, 429, 500, 502, 503, 504]),
  baseDelayMs: 300,
  factor: 2,
  maxDelayMs: 10_000,
  jitter: "full",
  respectRetryAfter: true,
  maxRetryAfterMs: 60_000,
});

export function resolveRetryPolicy(...overrides: Array<Partial<RetryPolicy> | undefined>): RetryPolicy {
  return Object.assign({}, DEFAULT_RETRY_POLICY, ...overrides.filter(Boolean)) as RetryPolicy;
}

/** Back-off before retry number `retry` (1-based). `random` returns [0, 1). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, retry - 1));
  return policy.jitter === "full" ? Math.floor(random() * step) : step;
}

export interface RetryDecisionInput {
  method: string;
  /** Explicit idempotency from the caller; overrides the method list. */
  idempotent?: boolean;
  /** Retries already made. */
  retriesSoFar: number;
  /** Whether the error is the kind that can succeed on a later attempt. */
  retryable: boolean;
  /** False only when the request provably never reached the server. */
  sent: boolean;
  /** The wait the server asked for, if any. */
  retryAfterMs?: number;
}

/** How long to wait before retrying, or null when the request must not be retried. */
export function retryDelay(policy: RetryPolicy, input: RetryDecisionInput, random: () => number = Math.random): number | null {
  if (input.retriesSoFar >= policy.limit || !input.retryable) return null;
  const safe = input.idempotent ?? policy.methods.includes(input.method.toUpperCase());
  if (!safe && input.sent) return null;
  const backoff = backoffDelay(policy, input.retriesSoFar + 1, random);
  if (policy.respectRetryAfter && input.retryAfterMs !== undefined) {
    if (input.retryAfterMs > policy.maxRetryAfterMs) return null;
    return Math.max(input.retryAfterMs, backoff);
  }
  return backoff;
}
