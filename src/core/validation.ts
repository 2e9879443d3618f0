import { z } from "zod";
import { ResponseFormatError } from "./errors/index.js";
import { excerpt } from "./excerpt.js";

/**
 * Boundary validation of vendor responses with zod. Object schemas let unknown fields through
 * (`z.looseObject`), enums accept unknown values (`tolerantEnum`), and a failure names the exact
 * path that broke (`data[3].ppv`) in a `ResponseFormatError`.
 */

export { z, excerpt };

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

/** How many zod issues a `ResponseFormatError` keeps: the first one decides, a few more help a report. */
export const MAX_ISSUES = 5;

/**
 * Parses `data` with `schema` or throws a `ResponseFormatError` naming the first failing path.
 * Zod stops at the first failing element (`abortEarly`), so a wrong-shaped answer of a million rows
 * costs one issue, not millions; only the first `MAX_ISSUES` are kept, and the excerpt is bounded.
 */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, context: ParseContext = {}): z.output<S> {
  const result = schema.safeParse(data, ABORT_EARLY);
  if (result.success) return result.data;
  const prefix = context.pathPrefix ? [context.pathPrefix] : [];
  const first = result.error.issues.slice(0, MAX_ISSUES);
  const issues = first.map((issue) => `${formatPath([...prefix, ...issue.path])}: ${issue.message.slice(0, 200)}`);
  const path = formatPath([...prefix, ...(first[0]?.path ?? [])]);
  const where = context.operation ? ` from ${context.operation}` : "";
  throw new ResponseFormatError(
    `Unexpected response${where}: ${issues[0] ?? "invalid"}${result.error.issues.length > 1 ? " (and more)" : ""}. ` +
      `The vendor may have changed its API; please report it with this message.`,
    { vendor: context.vendor, operation: context.operation, path, issues, excerpt: excerpt(data) },
  );
}

/**
 * Zod 4's internal "stop at the first failing child" flag (what `z.core.validate` sets), passed
 * through `safeParse`'s context. Not in the public type; test/hostile-bodies.test.ts fails if a zod
 * upgrade stops honouring it.
 */
const ABORT_EARLY = { abortEarly: true } as z.core.ParseContext<z.core.$ZodIssue>;

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
