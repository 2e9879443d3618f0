import { ValidationError } from "../core/errors/index.js";
import { cloneJson, jsonEqual } from "./paths.js";

/**
 * GET-modify-PUT merging. PowerTrack PUTs replace the whole object, so a change is merged into a
 * fresh copy of the current object:
 *
 * - objects merge member by member, recursively;
 * - lists of objects merge item by item. Each change item is matched on the first key field it
 *   carries (`hardwareKey`, `key`, `index`, `name`, in that order) whose values are unique in the
 *   current list, so `{ name: "dev:ScaleKW", value: "2" }` finds its setting even when the list
 *   is keyed by `index`. When none of the fields it carries is unique, its first one must name
 *   exactly one item. A key value that names no item is refused (unless `allowNewFields`, which
 *   appends), and one that names several is always refused. Only an item that carries none of the
 *   key fields is matched **by position** (never into the first item, which is what the Python
 *   SDK's `deep_merge_dicts` did with every id-less item);
 * - lists of scalars, scalars and type changes are replaced;
 * - protected members (identities and owners: `hardwareId`, `key`, `hardwareKey`, `id`,
 *   `parentKey` by default) may be repeated but never changed: the SDK overwrote the real
 *   `hardwareId` with the H key, and a changed trigger `id` or `parentKey` would write over another
 *   trigger or move the object;
 * - by default a change may not add a member or list item the object does not have (a typo such as
 *   `acCapacityKw` would otherwise be sent and silently ignored), nor change a member's JSON type.
 *
 * Items cannot be removed by merging; send the whole list with `replace(...)` for that.
 */
export interface MergeOptions {
  protectedFields?: readonly string[];
  keyFields?: readonly string[];
  /** Allow members and list items the object does not have yet. Default false. */
  allowNewFields?: boolean;
  /** Allow a value of another JSON type than the current one (null is always allowed). Default false. */
  allowTypeChange?: boolean;
  /** Names the object in messages, e.g. "hardware H541363". */
  what?: string;
}

export const DEFAULT_PROTECTED_FIELDS: readonly string[] = ["hardwareId", "key", "hardwareKey", "id", "parentKey"];
export const DEFAULT_KEY_FIELDS: readonly string[] = ["hardwareKey", "key", "index", "name"];

const REPLACE = Symbol.for("openpower.powertrack.replace");

/** Marks a value that replaces the current one whole (a list to shorten, an object to reset). */
export function replace<T>(value: T): { [REPLACE]: true; value: T } {
  return { [REPLACE]: true, value };
}

function isReplace(value: unknown): value is { [REPLACE]: true; value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[REPLACE] === true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isReplace(value);
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value;
}

/**
 * The path of the first protected member that `after` changes in an object `before` also has,
 * looking inside objects and same-length lists: a whole list item or object set at once must not
 * rewrite an identity inside it either.
 */
export function protectedChange(
  before: unknown,
  after: unknown,
  protectedFields: readonly string[] = DEFAULT_PROTECTED_FIELDS,
  path = "",
): string | undefined {
  if (isRecord(before) && isRecord(after)) {
    for (const name of Object.keys(before)) {
      if (!Object.hasOwn(after, name)) continue;
      const here = path ? `${path}.${name}` : name;
      if (protectedFields.includes(name) && !jsonEqual(before[name], after[name])) return here;
      const inner = protectedChange(before[name], after[name], protectedFields, here);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    for (let i = 0; i < before.length; i++) {
      const inner = protectedChange(before[i], after[i], protectedFields, `${path}[${i}]`);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/** Members the Python SDK's examples use that the objects do not have, with the real ones, by object. */
const SDK_MEMBER_HINTS: Readonly<Record<"hardware" | "site", Readonly<Record<string, string>>>> = {
  hardware: { name: "description", enableBool: "outOfService (true disables the device)" },
  site: {
    latitude: "location.latitude",
    longitude: "location.longitude",
    elevation: "location.elevation",
    address: "location.address1",
    city: "location.city",
    state: "location.state",
    zip: "location.postalCode",
    zipCode: "location.postalCode",
    country: "location.country",
    timeZone: "tz",
    timezone: "tz",
    acCapacityKw: "capacityAc (in the unit capacityAcUnit names)",
    dcCapacityKw: "capacityDc (in the unit capacityDcUnit names)",
  },
};

/** " PowerTrack calls it X." for a top-level member the SDK's examples use on `what` ("hardware H1", "site S1"), else "". */
export function sdkMemberHint(path: string, what: string): string {
  const kind = what.startsWith("hardware ") ? "hardware" : what.startsWith("site ") ? "site" : undefined;
  const hints = kind ? SDK_MEMBER_HINTS[kind] : undefined;
  const real = hints && Object.hasOwn(hints, path) ? hints[path] : undefined;
  return real ? ` PowerTrack calls it ${real}.` : "";
}

/** Merges `changes` into a copy of `base`; `base` is never modified. */
export function mergeByKey<T>(base: T, changes: unknown, options: MergeOptions = {}): T {
  const opts = {
    protectedFields: options.protectedFields ?? DEFAULT_PROTECTED_FIELDS,
    keyFields: options.keyFields ?? DEFAULT_KEY_FIELDS,
    allowNewFields: options.allowNewFields ?? false,
    allowTypeChange: options.allowTypeChange ?? false,
    what: options.what ?? "the object",
  };
  return mergeValue(cloneJson(base), changes, "", opts) as T;
}

type Opts = Required<MergeOptions>;

function fail(message: string, path: string, opts: Opts): never {
  throw new ValidationError(`Cannot change ${opts.what}: ${message}`, { field: path || undefined, vendor: "powertrack" });
}

function mergeValue(base: unknown, change: unknown, path: string, opts: Opts): unknown {
  if (change === undefined) return base;
  if (isReplace(change)) return cloneJson(change.value);
  if (isRecord(base) && isRecord(change)) return mergeObject(base, change, path, opts);
  if (Array.isArray(base) && Array.isArray(change)) return mergeList(base, change, path, opts);
  if (change !== null && base !== null && base !== undefined && !opts.allowTypeChange && jsonType(base) !== jsonType(change)) {
    fail(`${path || "the value"} is a ${jsonType(base)} (${JSON.stringify(base)?.slice(0, 60)}), not a ${jsonType(change)}.`, path, opts);
  }
  return cloneJson(change);
}

function mergeObject(base: Record<string, unknown>, change: Record<string, unknown>, path: string, opts: Opts): Record<string, unknown> {
  for (const [name, value] of Object.entries(change)) {
    const here = path ? `${path}.${name}` : name;
    if (
      opts.protectedFields.includes(name) &&
      Object.hasOwn(base, name) &&
      !jsonEqual(base[name], isReplace(value) ? value.value : value)
    ) {
      fail(
        `${here} is an identity and is never rewritten (it is ${JSON.stringify(base[name])}, the change says ${JSON.stringify(value)}).`,
        here,
        opts,
      );
    }
    if (!Object.hasOwn(base, name) && !opts.allowNewFields) {
      fail(
        `it has no member ${JSON.stringify(here)}.${sdkMemberHint(here, opts.what)} Check the spelling against a fresh GET, or pass allowNewFields.`,
        here,
        opts,
      );
    }
    base[name] = mergeValue(base[name], value, here, opts);
  }
  return base;
}

/** A value that can identify a list item: a non-empty string or a finite number. */
function isKeyValue(value: unknown): value is string | number {
  return (typeof value === "string" && value !== "") || (typeof value === "number" && Number.isFinite(value));
}

/** Whether every item carries `field` with a value no other item has (compared as text, as paths do). */
function uniqueIn(items: readonly unknown[], field: string): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    const value = isRecord(item) ? item[field] : undefined;
    if (!isKeyValue(value) || seen.has(String(value))) return false;
    seen.add(String(value));
  }
  return true;
}

function mergeList(base: unknown[], change: unknown[], path: string, opts: Opts): unknown[] {
  if (!change.every(isRecord) || !base.every(isRecord)) return cloneJson(change);
  const out = base.slice();
  const list = path || "the list";
  change.forEach((item, i) => {
    const rec = item as Record<string, unknown>;
    const carried = opts.keyFields.filter((f) => isKeyValue(rec[f]));
    let target: number;
    let how: string;
    if (carried.length === 0) {
      target = i < out.length ? i : -1;
      how = `position ${i}`;
    } else {
      const field = carried.find((f) => base.length > 0 && uniqueIn(base, f)) ?? carried[0]!;
      how = `${field} = ${JSON.stringify(rec[field])}`;
      const hits = out.flatMap((b, j) => (isRecord(b) && b[field] !== undefined && String(b[field]) === String(rec[field]) ? [j] : []));
      if (hits.length > 1) {
        fail(
          `${list} has ${hits.length} items with ${how}, so the change cannot say which one it means. Add a field that names one item (${opts.keyFields.join(", ")}).`,
          `${path}[${field}=${String(rec[field])}]`,
          opts,
        );
      }
      target = hits[0] ?? -1;
    }
    const here = `${path}[${target >= 0 ? target : out.length}]`;
    if (target >= 0) out[target] = mergeValue(out[target], rec, here, opts) as Record<string, unknown>;
    else if (opts.allowNewFields) out.push(cloneJson(rec));
    else fail(`${list} has no item with ${how}. Pass allowNewFields to append one.`, here, opts);
  });
  return out;
}

/** A key value that survives a `[field=value]` path (no "]", no surrounding blanks). */
function pathSafe(value: unknown): boolean {
  const text = String(value);
  return !text.includes("]") && text.trim() === text;
}

/**
 * The list-item identity for `diffFields`, chosen like the merge chooses it: for each pair of lists
 * (old and new) of objects, the first of `keyFields` whose values are present, unique and usable in
 * a path in both lists. Change paths then read `settings[index=3].value` and still name the right
 * item when the list is reordered before the change is applied or restored; lists without such a
 * field keep positional paths.
 */
export function diffIdentity(
  before: unknown,
  after: unknown,
  keyFields: readonly string[] = DEFAULT_KEY_FIELDS,
): (item: Record<string, unknown>) => string | undefined {
  const chosen = new WeakMap<object, string>();
  const walk = (a: unknown, b: unknown): void => {
    if (isRecord(a) && isRecord(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k]);
      return;
    }
    if (!Array.isArray(a) || !Array.isArray(b)) return;
    const all = [...a, ...b];
    if (all.length > 0 && all.every(isRecord)) {
      const usable = (items: unknown[], f: string) =>
        uniqueIn(items, f) && items.every((item) => pathSafe((item as Record<string, unknown>)[f]));
      const field = keyFields.find((f) => usable(a, f) && usable(b, f));
      if (field !== undefined) {
        chosen.set(all[0] as object, field);
        const byKey = new Map(b.map((item) => [String((item as Record<string, unknown>)[field]), item]));
        for (const item of a) walk(item, byKey.get(String((item as Record<string, unknown>)[field])));
        return;
      }
    }
    if (a.length === b.length) a.forEach((item, i) => walk(item, b[i]));
  };
  walk(before, after);
  return (item) => chosen.get(item);
}
