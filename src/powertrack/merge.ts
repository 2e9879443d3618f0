import { ValidationError } from "../core/errors/index.js";
import { cloneJson, jsonEqual } from "./paths.js";

/**
 * GET-modify-PUT merging. PowerTrack PUTs replace the whole object, so a change is merged into a
 * fresh copy of the current object:
 *
 * - objects merge member by member, recursively;
 * - lists of objects merge item by item, matched by the first identity field that every current
 *   item has with a unique value (`hardwareKey`, `key`, `index`, `name`, in that order); a change
 *   item without that field is matched **by position** (never into the first item, which is what
 *   the Python SDK's `deep_merge_dicts` did with every id-less item);
 * - lists of scalars, scalars and type changes are replaced;
 * - protected members (`hardwareId`, `key` by default) may be repeated but never changed: the SDK
 *   overwrote the real `hardwareId` with the H key;
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

export const DEFAULT_PROTECTED_FIELDS: readonly string[] = ["hardwareId", "key"];
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
    if (opts.protectedFields.includes(name) && Object.hasOwn(base, name) && !jsonEqual(base[name], isReplace(value) ? value.value : value)) {
      fail(`${here} is an identity and is never rewritten (it is ${JSON.stringify(base[name])}, the change says ${JSON.stringify(value)}).`, here, opts);
    }
    if (!Object.hasOwn(base, name) && !opts.allowNewFields) {
      fail(`it has no member ${JSON.stringify(here)}. Check the spelling against a fresh GET, or pass allowNewFields.`, here, opts);
    }
    base[name] = mergeValue(base[name], value, here, opts);
  }
  return base;
}

function identityField(items: unknown[], keyFields: readonly string[]): string | null {
  if (items.length === 0 || !items.every(isRecord)) return null;
  for (const field of keyFields) {
    const values = (items as Array<Record<string, unknown>>).map((item) => item[field]);
    if (values.every((v) => (typeof v === "string" && v !== "") || typeof v === "number") && new Set(values.map(String)).size === values.length) return field;
  }
  return null;
}

function mergeList(base: unknown[], change: unknown[], path: string, opts: Opts): unknown[] {
  if (!change.every(isRecord) || !base.every(isRecord)) return cloneJson(change);
  const field = identityField(base, opts.keyFields);
  const out = base.slice();
  change.forEach((item, i) => {
    const rec = item as Record<string, unknown>;
    let target = -1;
    let how: string;
    if (field !== null && rec[field] !== undefined) {
      target = out.findIndex((b) => String((b as Record<string, unknown>)[field]) === String(rec[field]));
      how = `${field} = ${JSON.stringify(rec[field])}`;
    } else {
      target = i < out.length ? i : -1;
      how = `position ${i}`;
    }
    const here = `${path}[${target >= 0 ? target : out.length}]`;
    if (target >= 0) out[target] = mergeValue(out[target], rec, here, opts) as Record<string, unknown>;
    else if (opts.allowNewFields) out.push(cloneJson(rec));
    else fail(`${path || "the list"} has no item with ${how}. Pass allowNewFields to append one.`, here, opts);
  });
  return out;
}
