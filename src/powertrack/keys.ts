import { ValidationError } from "../core/errors/index.js";

/**
 * PowerTrack keys: a one- or two-letter prefix and the numeric id (`C8458`, `S38292`, `H504061`,
 * `AS138373`). Site keys of any length are accepted (the Python SDK rejected 6-digit sites).
 */

export type CustomerKey = `C${number}`;
export type SiteKey = `S${number}`;
export type HardwareKey = `H${number}`;

export type KeyKind = "customer" | "site" | "hardware" | "alertTrigger" | "user" | "file" | "tag" | "reportConfig" | "auditEntry";

/** Longest prefix first: "AS" and "AE" before any one-letter prefix. */
const PREFIXES: ReadonlyArray<readonly [string, KeyKind]> = [
  ["AS", "alertTrigger"],
  ["AE", "auditEntry"],
  ["RC", "reportConfig"],
  ["C", "customer"],
  ["S", "site"],
  ["H", "hardware"],
  ["U", "user"],
  ["F", "file"],
  ["T", "tag"],
];

const MAX_DIGITS = 12;

function normalise(input: unknown, prefix: "C" | "S" | "H", field: string, what: string, example: string): string {
  let text: string;
  if (typeof input === "number" && Number.isSafeInteger(input) && input > 0) text = String(input);
  else if (typeof input === "string") text = input.trim();
  else
    throw new ValidationError(`${field} must be a ${what} key such as "${example}", got ${JSON.stringify(input)}.`, {
      field,
      vendor: "powertrack",
    });
  const match = new RegExp(`^(?:${prefix})?(\\d{1,${MAX_DIGITS}})$`, "i").exec(text);
  if (!match || Number(match[1]) === 0) {
    throw new ValidationError(`${field} must be a ${what} key such as "${example}" (or just its digits), got ${JSON.stringify(input)}.`, {
      field,
      vendor: "powertrack",
    });
  }
  return `${prefix}${match[1]}`;
}

/** "S38292", "s38292", "38292" or 38292 → "S38292". Any number of digits. */
export function parseSiteKey(input: unknown, field = "siteId"): SiteKey {
  return normalise(input, "S", field, "site", "S38292") as SiteKey;
}

/** "H504061", "504061" or 504061 → "H504061". */
export function parseHardwareKey(input: unknown, field = "hardwareKey"): HardwareKey {
  return normalise(input, "H", field, "hardware", "H504061") as HardwareKey;
}

/** "C8458", "8458" or 8458 → "C8458". */
export function parseCustomerKey(input: unknown, field = "customerId"): CustomerKey {
  return normalise(input, "C", field, "customer", "C8458") as CustomerKey;
}

/** A site or hardware key (modeling and PVsyst lookups accept both). */
export function parseSiteOrHardwareKey(input: unknown, field = "key"): SiteKey | HardwareKey {
  if (typeof input === "string" && /^\s*h/i.test(input)) return parseHardwareKey(input, field);
  if (typeof input === "string" && /^\s*s/i.test(input)) return parseSiteKey(input, field);
  throw new ValidationError(`${field} must be a site key ("S38292") or a hardware key ("H504061"), got ${JSON.stringify(input)}.`, {
    field,
    vendor: "powertrack",
  });
}

/** A customer, site or hardware key, for endpoints that take any of them (alert summaries, audit log, reports). */
export function parseNodeKey(input: unknown, field = "key"): CustomerKey | SiteKey | HardwareKey {
  const text = typeof input === "string" ? input.trim() : "";
  if (/^c/i.test(text)) return parseCustomerKey(text, field);
  if (/^s/i.test(text)) return parseSiteKey(text, field);
  if (/^h/i.test(text)) return parseHardwareKey(text, field);
  throw new ValidationError(
    `${field} must be a customer ("C8458"), site ("S38292") or hardware ("H504061") key, got ${JSON.stringify(input)}.`,
    {
      field,
      vendor: "powertrack",
    },
  );
}

/**
 * An alert trigger key as it goes into a URL path. Older triggers are `AS<id>`, newer ones opaque
 * (`x2d1aee87`), so only the character set is checked: nothing that could change the path.
 */
export function parseAlertTriggerKey(input: unknown, field = "triggerKey"): string {
  if (typeof input !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(input.trim())) {
    throw new ValidationError(`${field} must be an alert trigger key such as "AS138373" or "x2d1aee87", got ${JSON.stringify(input)}.`, {
      field,
      vendor: "powertrack",
    });
  }
  return input.trim();
}

/** What a key names, from its prefix; undefined for anything else. */
export function keyKind(key: string): KeyKind | undefined {
  for (const [prefix, kind] of PREFIXES) {
    if (key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length))) return kind;
  }
  return undefined;
}

/** The numeric id of a key: `H504061` → 504061 (the SDK's `hid`). */
export function numericId(key: string): number {
  const match = /^[A-Z]{1,2}(\d+)$/.exec(key);
  if (!match)
    throw new ValidationError(`${JSON.stringify(key)} is not a PowerTrack key with a numeric id.`, { field: "key", vendor: "powertrack" });
  return Number(match[1]);
}

/** The legacy composite `hardwareId` (`C44418_S70513_PV9`), decoded. It is an identity: never rewrite it. */
export interface LegacyHardwareId {
  customerId: number;
  siteId: number;
  /** Type code and instance, e.g. "PV9", "GW0", "WS3". */
  functionId: string;
  /** Letters of the function id, e.g. "PV". */
  typeCode: string;
  instance: number;
}

export function parseLegacyHardwareId(value: string): LegacyHardwareId | null {
  const match = /^C(\d+)_S(\d+)_([A-Z]+)(\d+)$/.exec(value);
  if (!match) return null;
  return {
    customerId: Number(match[1]),
    siteId: Number(match[2]),
    functionId: `${match[3]}${match[4]}`,
    typeCode: match[3]!,
    instance: Number(match[4]),
  };
}

export function formatLegacyHardwareId(id: Pick<LegacyHardwareId, "customerId" | "siteId" | "functionId">): string {
  return `C${id.customerId}_S${id.siteId}_${id.functionId}`;
}
