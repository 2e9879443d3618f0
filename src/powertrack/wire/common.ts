import { nullableNumber, z } from "../../core/validation.js";

/**
 * Building blocks for the PowerTrack wire schemas. Objects are loose (a field the server adds is
 * kept in the raw body and never drops a row); numbers accept the JSON string "NaN" (→ null);
 * missing members become null or empty lists rather than failing, except the keys we rely on.
 */
export { z };

/** A number; "NaN", null or missing → null; numeric strings are read. */
export const num = nullableNumber;
/** A string; null or missing → null. */
export const str = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
/** A boolean; null or missing → null. */
export const bool = z
  .boolean()
  .nullish()
  .transform((v) => v ?? null);
/** A list; null or missing → []. */
export function list<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);
}
/** Any JSON object (kept as is); null or missing → null. */
export const anyObject = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((v) => v ?? null);
/** A `{name, value}` lookup entry (PVsyst modules, curve models, driver list). */
export const lookupItem = z.looseObject({ name: z.string(), value: z.union([z.number(), z.string()]) });
/** Bare array bodies; some lookups wrap them under a member. */
export const lookupList = z.array(lookupItem);
