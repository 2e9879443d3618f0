import { ValidationError } from "../../core/errors/index.js";
import type { FieldChange } from "../../model/types.js";
import { type EditTarget } from "./types.js";

// Value checks on changed fields (only on what a request changes, so odd existing data never blocks), and typing CSV text by the current value.

// ---------------------------------------------------------------------------------------------
// Value checks on changed fields (only on what a request changes, so odd existing data never blocks)

export type Check = { target: EditTarget | "*"; path: RegExp; check: (v: unknown) => string | null };
export const finiteIn =
  (min: number, max: number, unit = "") =>
  (v: unknown) =>
    v === null
      ? null
      : typeof v !== "number" || !Number.isFinite(v) || v < min || v > max
        ? `must be a number from ${min} to ${max}${unit}`
        : null;
export const nonNegative = (v: unknown) =>
  v === null ? null : typeof v !== "number" || !Number.isFinite(v) || v < 0 ? "must be a number >= 0" : null;
export const CHECKS: Check[] = [
  { target: "site", path: /^location\.latitude$/, check: finiteIn(-90, 90, " degrees") },
  { target: "site", path: /^location\.longitude$/, check: finiteIn(-180, 180, " degrees") },
  { target: "site", path: /^(capacityAc|capacityDc|ratedPower|energyCapacity)$/, check: nonNegative },
  { target: "hardware", path: /^(capacityKw|inverterKw|dcRating)$/, check: nonNegative },
  { target: "modeling", path: /inverters\[[^\]]+\]\.derate$/, check: finiteIn(0, 1, " (a fraction)") },
  { target: "modeling", path: /inverters\[[^\]]+\]\.azimuth$/, check: finiteIn(0, 360, " degrees") },
  { target: "modeling", path: /inverters\[[^\]]+\]\.tilt$/, check: finiteIn(0, 90, " degrees") },
  { target: "modeling", path: /inverters\[[^\]]+\]\.bifacialRatio$/, check: finiteIn(0, 1, " (a fraction)") },
  { target: "modeling", path: /inverters\[[^\]]+\]\.(inverterKw|inverterKva|dcSize)$/, check: nonNegative },
  { target: "modeling", path: /^pvConfig\.degrade$/, check: finiteIn(0, 100, " percent per year") },
  { target: "alertTrigger", path: /^(delayHoursTrigger|delayHoursResolve)$/, check: nonNegative },
  { target: "alertTrigger", path: /^sunMinElevation$/, check: finiteIn(-90, 90, " degrees") },
  {
    target: "*",
    path: /^(description|name)$/,
    check: (v) => (typeof v !== "string" || v.trim() === "" ? "must be a non-empty text" : null),
  },
];

export function checkValues(target: EditTarget, changes: FieldChange[], what: string): void {
  const walk = (field: string, value: unknown) => {
    for (const c of CHECKS) {
      if ((c.target === target || c.target === "*") && c.path.test(field)) {
        const problem = c.check(value);
        if (problem)
          throw new ValidationError(`Cannot change ${what}: ${field} ${problem}, got ${JSON.stringify(value)}.`, {
            field,
            vendor: "powertrack",
          });
      }
    }
    // A whole replaced list or object: check its members too.
    if (Array.isArray(value)) value.forEach((v, i) => walk(`${field}[${i}]`, v));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(`${field}.${k}`, v);
  };
  for (const change of changes) walk(change.field, change.after);
}

// ---------------------------------------------------------------------------------------------
// Coercion of text values (CSV cells) by the target field's current type

export function coerceText(text: unknown, current: unknown, field: string): unknown {
  if (typeof text !== "string") return text;
  const t = text.trim();
  if (current === null || current === undefined) {
    if (t === "null") return null;
    return text;
  }
  switch (typeof current) {
    case "number": {
      if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t))
        throw new ValidationError(`${field} is a number; ${JSON.stringify(text)} is not one.`, { field, vendor: "powertrack" });
      return Number(t);
    }
    case "boolean": {
      const lower = t.toLowerCase();
      if (["true", "yes", "1", "y"].includes(lower)) return true;
      if (["false", "no", "0", "n"].includes(lower)) return false;
      throw new ValidationError(`${field} is true/false; ${JSON.stringify(text)} is neither.`, { field, vendor: "powertrack" });
    }
    case "string":
      return text;
    default:
      try {
        const parsed = JSON.parse(t) as unknown;
        if (Array.isArray(parsed) !== Array.isArray(current) || typeof parsed !== "object") throw new Error("type");
        return parsed;
      } catch {
        throw new ValidationError(`${field} is a ${Array.isArray(current) ? "list" : "object"}; give it as JSON.`, {
          field,
          vendor: "powertrack",
        });
      }
  }
}

/**
 * Refuses NaN, Infinity and -Infinity anywhere in what a request sends, before anything is merged:
 * JSON cannot carry them (they would go out as null), and no PowerTrack field means them.
 */
export function refuseNonFinite(value: unknown, field: string, what: string): void {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new ValidationError(`Cannot change ${what}: ${field} must be a finite number, got ${String(value)}.`, {
      field,
      vendor: "powertrack",
    });
  }
  if (Array.isArray(value)) value.forEach((v, i) => refuseNonFinite(v, `${field}[${i}]`, what));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) refuseNonFinite(v, field === "" ? k : `${field}.${k}`, what);
}
