import { z } from "zod";
import { ResponseFormatError } from "./errors/index.js";
import { redact } from "./redact.js";

/**
 * Boundary validation of vendor responses with zod. Object schemas let unknown fields through
 * (`z.looseObject`), enums accept unknown values (`tolerantEnum`), and a failure names the exact
 * path that broke (`data[3].ppv`) in a `ResponseFormatError`.
 */

export { z };

/** Formats a zod issue path as `data[3].ppv`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(root)";
}

export interface ParseContext {
  vendor?: string;
  operation?: string;
  /** Prefix for paths, e.g. "data" when validating the envelope's data member. */
  pathPrefix?: string;
}

/** Parses `data` with `schema` or throws a `ResponseFormatError` naming the first failing path. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, context: ParseContext = {}): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = formatPath([...(context.pathPrefix ? [context.pathPrefix] : []), ...issue.path]);
    return `${path}: ${issue.message}`;
  });
  const first = result.error.issues[0];
  const path = formatPath([...(context.pathPrefix ? [context.pathPrefix] : []), ...(first?.path ?? [])]);
  const where = context.operation ? ` from ${context.operation}` : "";
  throw new ResponseFormatError(
    `Unexpected response${where}: ${issues[0] ?? "invalid"}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}. ` +
      `The vendor may have changed its API; please report it with this message.`,
    { vendor: context.vendor, operation: context.operation, path, issues, excerpt: excerpt(data) },
  );
}

/** The first 300 characters of a value as JSON, secrets removed. */
export function excerpt(value: unknown, max = 300): string {
  let text: string;
  try {
    text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  text = redact(text);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * An enum that accepts the known values and any other string, so a vendor adding a value does not
 * break parsing. The type keeps autocompletion for the known values.
 */
export function tolerantEnum<const T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number] | (string & {})> {
  return z.union([z.enum(values), z.string()]) as unknown as z.ZodType<T[number] | (string & {})>;
}

/** A number, or a numeric string such as "95" or "9.60" (vendors drift between the two). */
export const numberLike = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)
    .transform(Number),
]);

/**
 * A number that may be null or missing; the string "NaN" and non-finite values become null.
 * (`.optional()` before the transform keeps an absent object member valid in zod 4.)
 */
export const nullableNumber = z
  .union([
    z.number(),
    z.nan(),
    z.literal("NaN"),
    z.null(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/),
  ])
  .optional()
  .transform((v): number | null => {
    if (v === null || v === undefined || v === "NaN") return null;
    const n = typeof v === "number" ? v : Number(v);
    return Number.isFinite(n) ? n : null;
  });
