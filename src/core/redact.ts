/**
 * Secret redaction.
 *
 * Clients register every credential they hold (tokens, app secrets, cookies, passwords) here when
 * they are constructed. Error messages, error causes, logged request details and `util.inspect`
 * output all pass through `redact`, so a secret cannot leak through a path we forgot about: the
 * redaction is by value, not only by field name.
 */

export const REDACTED = "[REDACTED]";

/** Values shorter than this are not registered: redacting "1" or "abc" would garble every message. */
const MIN_SECRET_LENGTH = 6;

const secrets = new Set<string>();
let ordered: string[] = [];
/** The longest form (plain or URL-encoded) of any registered secret, for redacting a prefix safely. */
let longestSecret = 0;

/** Field and header names whose values are always hidden, whatever they hold. */
const SENSITIVE_NAME =
  /^(authorization|proxy-authorization|cookie|set-cookie|sign|signature|x-signature|token|access[-_]?token|refresh[-_]?token|jwt|id[-_]?token|check[-_]?code|verification[-_]?code|app[-_]?secret|secret|client[-_]?secret|password|passwd|pwd|ae[-_]s|api[-_]?key|x-api-key)$/i;

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

/**
 * Registers a secret value so that it is redacted wherever it appears. Cookie strings are also
 * split into their individual values, because a single cookie can leak on its own.
 */
export function registerSecret(value: string | null | undefined): void {
  if (typeof value !== "string") return;
  const trimmed = value.trim();
  if (trimmed.length < MIN_SECRET_LENGTH || secrets.has(trimmed)) return;
  secrets.add(trimmed);
  if (trimmed.includes("=")) {
    for (const part of trimmed.split(";")) {
      const eq = part.indexOf("=");
      if (eq > 0) registerSecret(part.slice(eq + 1));
    }
  }
  // Longest first, so that a secret containing another secret is replaced whole.
  ordered = [...secrets].sort((a, b) => b.length - a.length);
  longestSecret = Math.max(longestSecret, trimmed.length, encodeURIComponent(trimmed).length);
}

/** Replaces every registered secret (and its URL-encoded form) in `text`. */
export function redact(text: string): string {
  if (ordered.length === 0 || text.length === 0) return text;
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(REDACTED);
  }
  return out;
}

/** How far past a cut a registered secret may reach: text kept beyond the cut for `redactHead`. */
export function redactionMargin(): number {
  return longestSecret;
}

/**
 * The first `max` characters of `text`, secrets removed, with "…" when cut. Only the head is
 * redacted (the head plus the longest secret, so a secret crossing the cut is still caught whole):
 * a 16 MB body costs no more than a short one.
 */
export function redactHead(text: string, max: number): string {
  const head = text.length > max + longestSecret ? text.slice(0, max + longestSecret) : text;
  const clean = redact(head);
  return clean.length > max || head.length < text.length ? `${clean.slice(0, max)}…` : clean;
}

/**
 * A deep copy of `value` with sensitive fields hidden and registered secrets removed from strings.
 * Cycles and very deep structures are cut rather than followed.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8 || seen.has(value)) return "[…]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  if (value instanceof Date) return value;
  if (value instanceof Error) return redactError(value);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSensitiveName(key) && v != null && v !== "" ? REDACTED : redactValue(v, depth + 1, seen);
  }
  return out;
}

/** Header map with sensitive headers masked (for logs and error details). */
export function redactHeaders(headers: Record<string, string> | Headers | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [name, value] of entries) out[name] = isSensitiveName(name) ? REDACTED : redact(value);
  return out;
}

/** A URL with sensitive query parameters masked and registered secrets removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of [...parsed.searchParams.keys()]) {
      if (isSensitiveName(key)) parsed.searchParams.set(key, REDACTED);
    }
    return redact(parsed.toString());
  } catch {
    return redact(url);
  }
}

/**
 * A copy of an error whose message, stack and nested causes carry no secrets. Used for the
 * `cause` of every OpenPowerError, since causes come from code we do not control (fetch, sockets).
 */
export function redactError(error: Error, depth = 0): Error {
  const copy = new Error(redact(error.message));
  copy.name = error.name;
  if (error.stack) copy.stack = redact(error.stack);
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) (copy as { code?: unknown }).code = code;
  if (error.cause !== undefined && depth < 5) {
    copy.cause = error.cause instanceof Error ? redactError(error.cause, depth + 1) : redactValue(error.cause);
  }
  return copy;
}
