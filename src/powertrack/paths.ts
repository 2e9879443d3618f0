import { ValidationError } from "../core/errors/index.js";

/**
 * Field paths into PowerTrack objects: `location.latitude`, `settings[2].value` (position) and
 * `settings[name=dev:rate].value` (the list item whose `name` is "dev:rate"). Used by CSV imports,
 * bulk edits and restores. Plans and backups use the `[field=value]` form wherever a list has an
 * identity (see `diffIdentity`), so a change still lands on its item after the list is reordered.
 */
export type PathSegment =
  { kind: "prop"; name: string } | { kind: "index"; index: number } | { kind: "match"; field: string; value: string };

export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\[([^=\]]+)=([^\]]*)\]|(\.)/gy;
  let expectName = true;
  let last = 0;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    last = re.lastIndex;
    if (m[1] !== undefined) {
      if (!expectName && segments.length > 0) break;
      segments.push({ kind: "prop", name: m[1] });
      expectName = false;
    } else if (m[2] !== undefined) {
      segments.push({ kind: "index", index: Number(m[2]) });
      expectName = false;
    } else if (m[3] !== undefined) {
      segments.push({ kind: "match", field: m[3].trim(), value: (m[4] ?? "").trim() });
      expectName = false;
    } else {
      if (expectName) break;
      expectName = true;
    }
  }
  if (last !== path.length || path === "" || expectName || segments[0]?.kind !== "prop") {
    throw new ValidationError(
      `${JSON.stringify(path)} is not a field path. Use names joined by dots, [n] for a list position, or [field=value] to pick a list item (e.g. settings[name=dev:rate].value).`,
      {
        field: path,
        vendor: "powertrack",
      },
    );
  }
  return segments;
}

export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (s.kind === "prop") out += out === "" ? s.name : `.${s.name}`;
    else if (s.kind === "index") out += `[${s.index}]`;
    else out += `[${s.field}=${s.value}]`;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Replaces `[field=value]` selectors with positions in `obj`. Throws `ValidationError` when a list
 * has no such item, or more than one.
 */
export function resolvePath(obj: unknown, path: string | PathSegment[]): PathSegment[] {
  const segments = typeof path === "string" ? parsePath(path) : path;
  const out: PathSegment[] = [];
  let current: unknown = obj;
  for (const s of segments) {
    if (s.kind === "match") {
      if (!Array.isArray(current))
        throw new ValidationError(`${formatPath([...out, s])}: ${formatPath(out)} is not a list.`, {
          field: formatPath([...out, s]),
          vendor: "powertrack",
        });
      const hits = current
        .map((item, i) => [item, i] as const)
        .filter(([item]) => isRecord(item) && item[s.field] !== undefined && String(item[s.field]) === s.value);
      if (hits.length !== 1) {
        throw new ValidationError(
          `${formatPath([...out, s])}: ${hits.length === 0 ? "no" : `${hits.length}`} items of ${formatPath(out)} have ${s.field} = ${JSON.stringify(s.value)}.`,
          {
            field: formatPath([...out, s]),
            vendor: "powertrack",
          },
        );
      }
      out.push({ kind: "index", index: hits[0]![1] });
      current = hits[0]![0];
    } else {
      out.push(s);
      current = step(current, s);
    }
  }
  return out;
}

function step(current: unknown, s: PathSegment): unknown {
  if (s.kind === "prop") return isRecord(current) ? current[s.name] : undefined;
  if (s.kind === "index") return Array.isArray(current) ? current[s.index] : undefined;
  return undefined;
}

/** Whether every segment of a resolved path exists in `obj`. */
export function hasPath(obj: unknown, path: string | PathSegment[]): boolean {
  let current: unknown = obj;
  for (const s of resolvePath(obj, path)) {
    if (s.kind === "prop") {
      if (!isRecord(current) || !Object.hasOwn(current, s.name)) return false;
    } else if (s.kind === "index") {
      if (!Array.isArray(current) || s.index >= current.length) return false;
    }
    current = step(current, s);
  }
  return true;
}

export function getPath(obj: unknown, path: string | PathSegment[]): unknown {
  let current: unknown = obj;
  for (const s of resolvePath(obj, path)) current = step(current, s);
  return current;
}

/**
 * Sets a value in place, creating missing plain-object members on the way. `undefined` removes
 * the member or list item. A last `[field=value]` segment that names no item appends `value`
 * when `value` carries that field and value (a new list item), and is a no-op for `undefined`.
 */
export function setPath(obj: unknown, path: string | PathSegment[], value: unknown): void {
  const parsed = typeof path === "string" ? parsePath(path) : path;
  const last = parsed[parsed.length - 1];
  if (last?.kind === "match") {
    const list = getPath(obj, parsed.slice(0, -1));
    if (
      Array.isArray(list) &&
      !list.some((item) => isRecord(item) && item[last.field] !== undefined && String(item[last.field]) === last.value)
    ) {
      if (value === undefined) return;
      if (isRecord(value) && value[last.field] !== undefined && String(value[last.field]) === last.value) {
        list.push(value);
        return;
      }
    }
  }
  const segments = resolvePath(obj, parsed);
  let current: unknown = obj;
  segments.forEach((s, i) => {
    const lastSegment = i === segments.length - 1;
    if (s.kind === "prop") {
      if (!isRecord(current))
        throw new ValidationError(
          `Cannot set ${formatPath(segments)}: ${formatPath(segments.slice(0, i)) || "the object"} is not an object.`,
          { field: formatPath(segments), vendor: "powertrack" },
        );
      if (lastSegment && value === undefined) delete current[s.name];
      else if (lastSegment) current[s.name] = value;
      else {
        if (current[s.name] === undefined || current[s.name] === null) current[s.name] = {};
        current = current[s.name];
      }
    } else if (s.kind === "index") {
      if (!Array.isArray(current) || s.index > current.length) {
        throw new ValidationError(
          `Cannot set ${formatPath(segments)}: position ${s.index} is outside ${formatPath(segments.slice(0, i))}.`,
          { field: formatPath(segments), vendor: "powertrack" },
        );
      }
      if (lastSegment && value === undefined) current.splice(s.index, 1);
      else if (lastSegment) current[s.index] = value;
      else current = current[s.index];
    }
  });
}

/** A deep copy of JSON data. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Deep equality of JSON data (object member order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
