/**
 * A deep, field-by-field diff with dotted paths (`b.c`, `list[1]`, `hardware[hardwareKey=H1].name`):
 * what a write changed, for plans, dry runs and audit logs. Generic (no vendor, no model), so it
 * lives in core; the model re-exports it from `helpers.ts`.
 */

/** One changed field: the model's `FieldChange` has the same shape. */
export interface FieldDiff {
  field: string;
  before: unknown;
  after: unknown;
}

export interface DiffOptions {
  /**
   * Names the identity of list items, e.g. `(item) => item.hardwareKey !== undefined ? "hardwareKey" : undefined`.
   * When every object in both lists has a unique value for the field it names, items are matched
   * by it and paths read `hardware[hardwareKey=H1].description`, so a change still points at the
   * right item if the list is reordered. Otherwise lists are compared by position.
   */
  identity?: (item: Record<string, unknown>) => string | undefined;
}

/** Field-by-field differences between two flat-or-nested objects, with dotted paths. */
export function diffFields(before: unknown, after: unknown, prefix = "", options: DiffOptions = {}): FieldDiff[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => diffFields(before[key], after[key], prefix ? `${prefix}.${key}` : key, options));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const keyed = options.identity ? keyedItems(before, after, options.identity) : null;
    if (keyed) {
      const ids = new Set([...keyed.before.keys(), ...keyed.after.keys()]);
      return [...ids].flatMap((id) => diffFields(keyed.before.get(id), keyed.after.get(id), `${prefix}[${id}]`, options));
    }
    if (before.length === after.length) return before.flatMap((item, i) => diffFields(item, after[i], `${prefix}[${i}]`, options));
  }
  return sameValue(before, after) ? [] : [{ field: prefix || "(value)", before, after }];
}

/** Both lists' items by "field=value" when one identity field is present and unique in both; else null. */
function keyedItems(
  before: unknown[],
  after: unknown[],
  identity: (item: Record<string, unknown>) => string | undefined,
): { before: Map<string, unknown>; after: Map<string, unknown> } | null {
  const all = [...before, ...after];
  if (all.length === 0 || !all.every(isPlainObject)) return null;
  const field = identity(all[0] as Record<string, unknown>);
  if (field === undefined) return null;
  const index = (list: unknown[]): Map<string, unknown> | null => {
    const map = new Map<string, unknown>();
    for (const item of list as Array<Record<string, unknown>>) {
      const value = item[field];
      if ((typeof value !== "string" && typeof value !== "number") || value === "") return null;
      const id = `${field}=${value}`;
      if (map.has(id)) return null;
      map.set(id, item);
    }
    return map;
  };
  const b = index(before);
  const a = index(after);
  return b && a ? { before: b, after: a } : null;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return Object.is(a, b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
