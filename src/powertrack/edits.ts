import { ConnectionError, NotFoundError, OpenPowerError, ResponseFormatError, ValidationError } from "../core/errors/index.js";
import { diffFields } from "../model/helpers.js";
import type { FieldChange } from "../model/types.js";
import { parseAlertTriggerKey, parseHardwareKey, parseSiteKey, parseSiteOrHardwareKey } from "./keys.js";
import { DEFAULT_PROTECTED_FIELDS, mergeByKey } from "./merge.js";
import { cloneJson, getPath, hasPath, jsonEqual, parsePath, resolvePath, setPath, formatPath } from "./paths.js";

/**
 * The write engine behind every PowerTrack write, single or bulk: **plan** (GET the object, merge
 * the change, list every field that differs), then **apply** (GET again, refuse if a planned field
 * moved since planning, back up the original, PUT/POST/DELETE once without retrying, read back and
 * report whether each field took). PowerTrack PUTs replace the whole object and carry no id in
 * the path, so the payload is always the fresh object with exactly the planned fields set.
 */

export type EditTarget = "site" | "hardware" | "siteHardware" | "modeling" | "alertTrigger";
export type EditAction = "update" | "create" | "delete";

/** Options of the low-level calls the engine makes (implemented by `PowerTrackClient`). */
export interface CallOptions {
  query?: Record<string, string | number | boolean | null | undefined>;
  referer?: string;
  operation?: string;
  signal?: AbortSignal;
  /** Marks a POST that only reads (chart, node, audit log) as safe to retry. */
  idempotent?: boolean;
  accept?: string;
}

export interface RawClient {
  getJson(path: string, options?: CallOptions): Promise<unknown>;
  putJson(path: string, body: unknown, options?: CallOptions): Promise<unknown>;
  postJson(path: string, body: unknown, options?: CallOptions): Promise<unknown>;
  deleteJson(path: string, options?: CallOptions): Promise<unknown>;
  referer(key: string, section: string): string;
}

/** One requested change. Either nested `changes` (merged by key) or `fields` (dotted paths), or both. */
export interface EditRequest {
  target: EditTarget;
  /** Site key (site, siteHardware), hardware key (hardware), either (modeling), trigger key (alertTrigger update/delete). */
  key: string;
  /** alertTrigger only: the hardware the trigger belongs to. */
  hardwareKey?: string;
  /** Default "update"; "create" and "delete" exist for alert triggers only. */
  action?: EditAction;
  /** Merged into the current object (see `mergeByKey`); for "create", the new trigger's members. */
  changes?: Record<string, unknown>;
  /** Path → value, e.g. `{ "location.latitude": 42.1, "settings[name=dev:rate].value": "60" }`. */
  fields?: Record<string, unknown>;
  /** `fields` hold text (from CSV) to be typed by each field's current value. */
  coerce?: boolean;
  allowNewFields?: boolean;
  allowTypeChange?: boolean;
  /** Where the request came from, for messages (CSV row numbers). */
  source?: { row?: number; file?: string };
}

export interface ErrorSummary {
  name: string;
  message: string;
  status?: number;
  code?: string | number;
  field?: string;
  retryable: boolean;
}

const ORIGINAL_ERRORS = new WeakMap<ErrorSummary, unknown>();

/** The typed error behind a summary (same process only; summaries are what gets serialised). */
export function originalError(summary: ErrorSummary | undefined): unknown {
  return summary ? ORIGINAL_ERRORS.get(summary) : undefined;
}

export function summarizeError(error: unknown): ErrorSummary {
  const summary = summarize(error);
  ORIGINAL_ERRORS.set(summary, error);
  return summary;
}

function summarize(error: unknown): ErrorSummary {
  if (error instanceof OpenPowerError) {
    const out: ErrorSummary = { name: error.name, message: error.message, retryable: error.retryable };
    if (error.status !== undefined) out.status = error.status;
    if (error.code !== undefined) out.code = error.code;
    const field = (error as { field?: unknown }).field;
    if (typeof field === "string") out.field = field;
    return out;
  }
  if (error instanceof Error) return { name: error.name, message: error.message, retryable: false };
  return { name: "Error", message: String(error), retryable: false };
}

export interface PlannedEdit {
  /** Stable id: `<target>:<key>` (`alertTrigger:<H>:<T>`; creates are numbered). */
  id: string;
  target: EditTarget;
  action: EditAction;
  key: string;
  hardwareKey?: string;
  /** The write that applying sends, e.g. "PUT /api/edit/hardware". */
  endpoint: string;
  /** ready: will be written; unchanged: already as requested; invalid: the request is wrong; failed: could not read the object. */
  status: "ready" | "unchanged" | "invalid" | "failed";
  /** The whole object as read while planning (null for creates and failures). */
  before: Record<string, unknown> | null;
  /** The whole object that would be sent (null for deletes and failures). */
  after: Record<string, unknown> | null;
  /** Every field that differs, with dotted/positional paths. */
  changes: FieldChange[];
  error?: ErrorSummary;
  source?: EditRequest["source"];
}

export type EditStatus = "applied" | "notTaken" | "alreadyApplied" | "conflict" | "failed" | "dryRun" | "unchanged" | "invalid" | "skipped";

export interface EditResult {
  id: string;
  target: EditTarget;
  action: EditAction;
  key: string;
  hardwareKey?: string;
  endpoint: string;
  /**
   * applied: sent and (when verified) every field read back as planned; notTaken: sent but the
   * read-back differs; alreadyApplied: the object already had the planned values (nothing sent,
   * which makes re-running a plan safe); conflict: a planned field changed since planning (nothing
   * sent); failed: the write failed (see `sent` and `taken`); dryRun; unchanged/invalid: from the
   * plan; skipped: not attempted (limit, abort, earlier auth failure).
   */
  status: EditStatus;
  /** Whether the write went out (for failures: whether it may have reached the server). */
  sent: boolean;
  /** Read-back result: true when every field took, false when not, null when not verified. */
  taken: boolean | null;
  changes: FieldChange[];
  /** Fields whose read-back differs: `before` = planned value, `after` = what was read back. */
  mismatches: FieldChange[];
  /** Where the original was saved. */
  backup?: string;
  response?: unknown;
  readBack?: unknown;
  /** The key the server gave a created trigger. */
  createdKey?: string;
  reason?: string;
  error?: ErrorSummary;
}

/** A saved original, written before its write is sent. */
export interface BackupEntry {
  id: string;
  target: EditTarget;
  action: EditAction;
  key: string;
  hardwareKey?: string;
  endpoint: string;
  /** ISO time the backup was taken. */
  takenAt: string;
  /** The whole object before the write (null for creates). */
  original: Record<string, unknown> | null;
  /** The fields the write changes. */
  fields: string[];
  /** Creates only: the key of the created trigger (filled after the POST). */
  createdKey?: string;
}

export interface BackupStore {
  /** Saves an entry and returns a reference (a file path, an index). Must finish before the write is sent. */
  save(entry: BackupEntry): Promise<string>;
}

export interface ApplyEditOptions {
  dryRun?: boolean;
  /** Read back after writing. Default true. */
  verify?: boolean;
  backup?: BackupStore;
  signal?: AbortSignal;
  /** The clock's time for backups. */
  now?: () => number;
}

interface TargetSpec {
  endpoint: string;
  method: "PUT" | "POST" | "DELETE";
  section: string;
  operation: string;
}

const TARGETS: Record<EditTarget, TargetSpec> = {
  site: { endpoint: "/api/edit/site", method: "PUT", section: "administration/config", operation: "updateSiteConfig" },
  hardware: { endpoint: "/api/edit/hardware", method: "PUT", section: "administration/config", operation: "updateHardwareConfig" },
  siteHardware: { endpoint: "/api/edit/sitehardware", method: "PUT", section: "administration/hardware/list", operation: "updateSiteHardware" },
  modeling: { endpoint: "/api/edit/modeling", method: "PUT", section: "administration/modeling", operation: "updateModelingData" },
  alertTrigger: { endpoint: "/api/alerttrigger", method: "PUT", section: "administration/alertsettings", operation: "updateAlertTriggers" },
};

export function endpointOf(target: EditTarget, action: EditAction, hardwareKey?: string, key?: string): string {
  if (target === "alertTrigger" && action === "create") return "POST /api/alerttrigger";
  if (target === "alertTrigger" && action === "delete") return `DELETE /api/alerttrigger/${hardwareKey}/${key}`;
  return `${TARGETS[target].method} ${TARGETS[target].endpoint}`;
}

/** Normalises and checks the keys of a request; throws ValidationError. */
export function normaliseRequest(request: EditRequest): EditRequest & { action: EditAction } {
  const action = request.action ?? "update";
  if (!(request.target in TARGETS)) throw new ValidationError(`target must be one of ${Object.keys(TARGETS).join(", ")}, got ${JSON.stringify(request.target)}.`, { field: "target", vendor: "powertrack" });
  if (action !== "update" && request.target !== "alertTrigger") {
    throw new ValidationError(`action ${JSON.stringify(action)} exists only for alert triggers; ${request.target} objects can only be updated.`, { field: "action", vendor: "powertrack" });
  }
  if (!["update", "create", "delete"].includes(action)) throw new ValidationError(`action must be update, create or delete, got ${JSON.stringify(action)}.`, { field: "action", vendor: "powertrack" });
  if (request.changes !== undefined && (typeof request.changes !== "object" || request.changes === null || Array.isArray(request.changes))) {
    throw new ValidationError(`changes must be an object of members to change, got ${Array.isArray(request.changes) ? "a list" : JSON.stringify(request.changes)}.`, { field: "changes", vendor: "powertrack" });
  }
  if (request.fields !== undefined && (typeof request.fields !== "object" || request.fields === null || Array.isArray(request.fields))) {
    throw new ValidationError("fields must be an object of path → value.", { field: "fields", vendor: "powertrack" });
  }
  if (action === "update" && !request.changes && !request.fields) throw new ValidationError(`Nothing to change on ${request.target} ${request.key}: give changes or fields.`, { field: "changes", vendor: "powertrack" });
  let key: string;
  let hardwareKey: string | undefined;
  switch (request.target) {
    case "site":
    case "siteHardware":
      key = parseSiteKey(request.key, "key");
      break;
    case "hardware":
      key = parseHardwareKey(request.key, "key");
      break;
    case "modeling":
      key = parseSiteOrHardwareKey(request.key, "key");
      break;
    case "alertTrigger":
      hardwareKey = parseHardwareKey(request.hardwareKey, "hardwareKey");
      key = action === "create" ? "" : parseAlertTriggerKey(request.key, "key");
      break;
  }
  return { ...request, key, action, ...(hardwareKey ? { hardwareKey } : {}) };
}

/** Reads the current object a request edits. For triggers, the one trigger (null when absent). */
export async function readTarget(client: RawClient, target: EditTarget, key: string, hardwareKey: string | undefined, signal?: AbortSignal): Promise<Record<string, unknown> | null> {
  if (target === "alertTrigger") {
    const all = await readTriggers(client, hardwareKey!, signal);
    return (all.triggers.find((t) => t.key === key) as Record<string, unknown> | undefined) ?? null;
  }
  const path = { site: "/api/edit/site/", hardware: "/api/edit/hardware/", siteHardware: "/api/edit/sitehardware/", modeling: "/api/edit/modeling/" }[target] + key;
  const body = await client.getJson(path, { referer: client.referer(key, TARGETS[target].section), operation: `get:${target}` });
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ResponseFormatError(`PowerTrack returned ${body === null ? "an empty body" : "something other than an object"} for GET ${path}; cannot edit it.`, {
      vendor: "powertrack",
      operation: `get:${target}`,
    });
  }
  return body as Record<string, unknown>;
}

async function readTriggers(client: RawClient, hardwareKey: string, signal?: AbortSignal): Promise<{ triggers: Array<Record<string, unknown>>; defaultTriggers: Array<Record<string, unknown>> }> {
  const body = (await client.getJson(`/api/alerttrigger/${hardwareKey}`, {
    referer: client.referer(hardwareKey, "administration/alertsettings"),
    operation: "getAlertTriggers",
    signal,
  })) as { triggers?: unknown; defaultTriggers?: unknown } | null;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((t): t is Record<string, unknown> => !!t && typeof t === "object") : []);
  return { triggers: list(body?.triggers), defaultTriggers: list(body?.defaultTriggers) };
}

// ---------------------------------------------------------------------------------------------
// Value checks on changed fields (only on what a request changes, so odd existing data never blocks)

type Check = { target: EditTarget | "*"; path: RegExp; check: (v: unknown) => string | null };
const finiteIn = (min: number, max: number, unit = "") => (v: unknown) =>
  v === null ? null : typeof v !== "number" || !Number.isFinite(v) || v < min || v > max ? `must be a number from ${min} to ${max}${unit}` : null;
const nonNegative = (v: unknown) => (v === null ? null : typeof v !== "number" || !Number.isFinite(v) || v < 0 ? "must be a number >= 0" : null);
const CHECKS: Check[] = [
  { target: "site", path: /^location\.latitude$/, check: finiteIn(-90, 90, " degrees") },
  { target: "site", path: /^location\.longitude$/, check: finiteIn(-180, 180, " degrees") },
  { target: "site", path: /^(capacityAc|capacityDc|ratedPower|energyCapacity)$/, check: nonNegative },
  { target: "hardware", path: /^(capacityKw|inverterKw|dcRating)$/, check: nonNegative },
  { target: "modeling", path: /inverters\[\d+\]\.derate$/, check: finiteIn(0, 1, " (a fraction)") },
  { target: "modeling", path: /inverters\[\d+\]\.azimuth$/, check: finiteIn(0, 360, " degrees") },
  { target: "modeling", path: /inverters\[\d+\]\.tilt$/, check: finiteIn(0, 90, " degrees") },
  { target: "modeling", path: /inverters\[\d+\]\.bifacialRatio$/, check: finiteIn(0, 1, " (a fraction)") },
  { target: "modeling", path: /inverters\[\d+\]\.(inverterKw|inverterKva|dcSize)$/, check: nonNegative },
  { target: "modeling", path: /^pvConfig\.degrade$/, check: finiteIn(0, 100, " percent per year") },
  { target: "alertTrigger", path: /^(delayHoursTrigger|delayHoursResolve)$/, check: nonNegative },
  { target: "alertTrigger", path: /^sunMinElevation$/, check: finiteIn(-90, 90, " degrees") },
  { target: "*", path: /^(description|name)$/, check: (v) => (typeof v !== "string" || v.trim() === "" ? "must be a non-empty text" : null) },
];

function checkValues(target: EditTarget, changes: FieldChange[], what: string): void {
  const walk = (field: string, value: unknown) => {
    for (const c of CHECKS) {
      if ((c.target === target || c.target === "*") && c.path.test(field)) {
        const problem = c.check(value);
        if (problem) throw new ValidationError(`Cannot change ${what}: ${field} ${problem}, got ${JSON.stringify(value)}.`, { field, vendor: "powertrack" });
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
      if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t)) throw new ValidationError(`${field} is a number; ${JSON.stringify(text)} is not one.`, { field, vendor: "powertrack" });
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
        throw new ValidationError(`${field} is a ${Array.isArray(current) ? "list" : "object"}; give it as JSON.`, { field, vendor: "powertrack" });
      }
  }
}

// ---------------------------------------------------------------------------------------------
// Planning

function describe(request: { target: EditTarget; key: string; hardwareKey?: string; source?: EditRequest["source"] }): string {
  const where = request.source?.row !== undefined ? ` (row ${request.source.row})` : "";
  if (request.target === "alertTrigger") return `alert trigger ${request.key || "(new)"} of ${request.hardwareKey}${where}`;
  return `${{ site: "site", hardware: "hardware", siteHardware: "the hardware list of site", modeling: "the modeling of" }[request.target]} ${request.key}${where}`;
}

/**
 * The object a request produces from the current one, and the fields that differ. Throws
 * ValidationError for anything wrong with the request (unknown field, wrong type, out of range,
 * protected identity).
 */
export function buildEdit(
  current: Record<string, unknown> | null,
  request: EditRequest & { action: EditAction },
  templates: Array<Record<string, unknown>> = [],
): { after: Record<string, unknown> | null; changes: FieldChange[] } {
  const what = describe(request);
  if (request.action === "delete") {
    if (!current) throw new NotFoundError(`Cannot delete ${what}: it does not exist.`, { vendor: "powertrack" });
    return { after: null, changes: [{ field: "(trigger)", before: current, after: null }] };
  }
  if (request.action === "create") {
    const changes = request.changes ?? {};
    const typeKey = changes.alertTypeKey;
    if (typeof typeKey !== "string" || !/^AI\d+$/.test(typeKey)) throw new ValidationError(`Cannot create ${what}: alertTypeKey must be an alert type such as "AI250".`, { field: "alertTypeKey", vendor: "powertrack" });
    const template = templates.find((t) => t.alertTypeKey === typeKey);
    const base: Record<string, unknown> = template ? cloneJson(template) : {};
    const merged = template ? mergeByKey(base, changes, { what, protectedFields: [], allowNewFields: request.allowNewFields, allowTypeChange: request.allowTypeChange }) : cloneJson(changes);
    const after: Record<string, unknown> = { ...merged, key: "", id: 0, parentKey: request.hardwareKey };
    const list = diffFields({}, after).map((c) => ({ ...c, before: null }));
    checkValues("alertTrigger", list, what);
    return { after, changes: list };
  }
  if (!current) throw new NotFoundError(`Cannot change ${what}: it does not exist.`, { vendor: "powertrack" });
  const protectedFields = DEFAULT_PROTECTED_FIELDS;
  let after = request.changes ? mergeByKey(current, request.changes, { what, allowNewFields: request.allowNewFields, allowTypeChange: request.allowTypeChange }) : cloneJson(current);
  for (const [path, raw] of Object.entries(request.fields ?? {})) {
    after = applyField(after, path, raw, request, what, protectedFields);
  }
  const changes = diffFields(current, after);
  checkValues(request.target, changes, what);
  return { after, changes };
}

function applyField(obj: Record<string, unknown>, path: string, raw: unknown, request: EditRequest, what: string, protectedFields: readonly string[]): Record<string, unknown> {
  try {
    const after = cloneJson(obj);
    const segments = resolvePath(after, parsePath(path));
    const field = formatPath(segments);
    const exists = hasPath(after, segments);
    if (!exists && !request.allowNewFields) {
      throw new ValidationError(`Cannot change ${what}: it has no field ${JSON.stringify(path)}. Check the spelling against a fresh GET.`, { field: path, vendor: "powertrack" });
    }
    const currentValue = exists ? getPath(after, segments) : undefined;
    let value = request.coerce ? coerceText(raw, currentValue, path) : raw;
    const last = segments[segments.length - 1];
    if (last?.kind === "prop" && protectedFields.includes(last.name) && exists && !jsonEqual(currentValue, value)) {
      throw new ValidationError(`Cannot change ${what}: ${field} is an identity and is never rewritten.`, { field, vendor: "powertrack" });
    }
    if (!request.allowTypeChange && exists && currentValue !== null && value !== null && typeof currentValue !== typeof value) {
      throw new ValidationError(`Cannot change ${what}: ${field} is a ${typeof currentValue}, not a ${typeof value}.`, { field, vendor: "powertrack" });
    }
    value = cloneJson(value);

    setPath(after, segments, value);
    return after;
  } catch (error) {
    if (error instanceof ValidationError && !error.message.startsWith("Cannot change")) {
      throw new ValidationError(`Cannot change ${what}: ${error.message}`, { field: error.field ?? path, vendor: "powertrack" });
    }
    throw error;
  }
}

let createCounter = 0;

/** Plans one request. Never throws for the request's own problems: they come back as `invalid` / `failed`. */
export async function planEdit(client: RawClient, input: EditRequest, options: { signal?: AbortSignal } = {}): Promise<PlannedEdit> {
  let request: EditRequest & { action: EditAction };
  const fallbackId = `${input.target}:${String(input.key)}`;
  try {
    request = normaliseRequest(input);
  } catch (error) {
    return { id: fallbackId, target: input.target, action: input.action ?? "update", key: String(input.key), endpoint: "", status: "invalid", before: null, after: null, changes: [], error: summarizeError(error), source: input.source };
  }
  const id =
    request.target === "alertTrigger"
      ? request.action === "create"
        ? `alertTrigger:${request.hardwareKey}:new-${++createCounter}`
        : `alertTrigger:${request.hardwareKey}:${request.key}`
      : `${request.target}:${request.key}`;
  const base: Omit<PlannedEdit, "status" | "before" | "after" | "changes"> = {
    id,
    target: request.target,
    action: request.action,
    key: request.key,
    ...(request.hardwareKey ? { hardwareKey: request.hardwareKey } : {}),
    endpoint: endpointOf(request.target, request.action, request.hardwareKey, request.key),
    ...(request.source ? { source: request.source } : {}),
  };
  let current: Record<string, unknown> | null;
  let templates: Array<Record<string, unknown>> = [];
  try {
    if (request.target === "alertTrigger") {
      const all = await readTriggers(client, request.hardwareKey!, options.signal);
      current = request.action === "create" ? null : (all.triggers.find((t) => t.key === request.key) ?? null);
      templates = all.defaultTriggers;
    } else {
      current = await readTarget(client, request.target, request.key, undefined, options.signal);
    }
  } catch (error) {
    return { ...base, status: "failed", before: null, after: null, changes: [], error: summarizeError(error) };
  }
  try {
    const { after, changes } = buildEdit(current, request, templates);
    return { ...base, status: changes.length === 0 ? "unchanged" : "ready", before: current, after, changes };
  } catch (error) {
    return { ...base, status: "invalid", before: current, after: null, changes: [], error: summarizeError(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// Applying

function resultOf(plan: PlannedEdit, status: EditStatus, extra: Partial<EditResult> = {}): EditResult {
  return {
    id: plan.id,
    target: plan.target,
    action: plan.action,
    key: plan.key,
    ...(plan.hardwareKey ? { hardwareKey: plan.hardwareKey } : {}),
    endpoint: plan.endpoint,
    status,
    sent: false,
    taken: null,
    changes: plan.changes,
    mismatches: [],
    ...extra,
  };
}

function valueAt(obj: unknown, field: string): unknown {
  try {
    return getPath(obj, field);
  } catch {
    return undefined;
  }
}

function mismatchesOf(readBack: unknown, changes: FieldChange[]): FieldChange[] {
  return changes.filter((c) => !jsonEqual(valueAt(readBack, c.field), c.after)).map((c) => ({ field: c.field, before: c.after, after: valueAt(readBack, c.field) }));
}

/** Whether a failed write may have reached the server. */
function mayHaveBeenSent(error: unknown): boolean {
  if (error instanceof ValidationError) return false;
  if (error instanceof ConnectionError) return error.sent;
  return true;
}

async function send(client: RawClient, plan: PlannedEdit, payload: Record<string, unknown> | null, signal?: AbortSignal): Promise<unknown> {
  const spec = TARGETS[plan.target];
  const refererKey = plan.target === "alertTrigger" ? plan.hardwareKey! : plan.key;
  const options: CallOptions = { referer: client.referer(refererKey, spec.section), operation: spec.operation, signal };
  if (plan.target === "alertTrigger" && plan.action === "create") return client.postJson(spec.endpoint, payload, { ...options, operation: "addAlertTrigger" });
  if (plan.target === "alertTrigger" && plan.action === "delete") {
    return client.deleteJson(`/api/alerttrigger/${plan.hardwareKey}/${plan.key}`, { ...options, operation: "deleteAlertTrigger", accept: "*/*" });
  }
  return client.putJson(spec.endpoint, payload, options);
}

/** Applies one planned edit; never throws for the edit's own failure (see `status` and `error`). */
export async function applyEdit(client: RawClient, plan: PlannedEdit, options: ApplyEditOptions = {}): Promise<EditResult> {
  if (plan.status !== "ready") return resultOf(plan, plan.status, plan.error ? { error: plan.error } : {});
  const verify = options.verify ?? true;
  const now = options.now ?? Date.now;
  const signal = options.signal;
  try {
    if (plan.action === "create") return await applyCreate(client, plan, options, verify, now);
    const current = await readTarget(client, plan.target, plan.key, plan.hardwareKey, signal);
    if (plan.action === "delete") {
      if (!current) return resultOf(plan, "alreadyApplied", { reason: "the trigger no longer exists" });
      if (!jsonEqual(stripVolatile(current), stripVolatile(plan.before))) return resultOf(plan, "conflict", { reason: "the trigger changed since planning; plan again" });
    } else {
      if (!current) return resultOf(plan, "conflict", { reason: "the object no longer exists" });
      if (plan.changes.every((c) => jsonEqual(valueAt(current, c.field), c.after))) return resultOf(plan, "alreadyApplied", { reason: "the object already has the planned values" });
      const moved = plan.changes.filter((c) => !jsonEqual(valueAt(current, c.field), c.before));
      if (moved.length > 0) {
        return resultOf(plan, "conflict", {
          reason: `changed since planning: ${moved.map((c) => c.field).join(", ")}; plan again`,
          mismatches: moved.map((c) => ({ field: c.field, before: c.before, after: valueAt(current, c.field) })),
        });
      }
    }
    if (options.dryRun) return resultOf(plan, "dryRun");

    let payload: Record<string, unknown> | null = null;
    if (plan.action === "update") {
      payload = cloneJson(current!);
      for (const c of plan.changes) setPath(payload, c.field, cloneJson(c.after));
      if (plan.target === "alertTrigger") payload.parentKey = plan.hardwareKey;
    }
    let backup: string | undefined;
    if (options.backup) {
      backup = await options.backup.save({
        id: plan.id,
        target: plan.target,
        action: plan.action,
        key: plan.key,
        ...(plan.hardwareKey ? { hardwareKey: plan.hardwareKey } : {}),
        endpoint: plan.endpoint,
        takenAt: new Date(now()).toISOString(),
        original: cloneJson(current),
        fields: plan.changes.map((c) => c.field),
      });
    }
    let response: unknown;
    try {
      response = await send(client, plan, payload, signal);
    } catch (error) {
      const sent = mayHaveBeenSent(error);
      const extra: Partial<EditResult> = { sent, error: summarizeError(error), ...(backup ? { backup } : {}) };
      if (sent && verify) {
        // The outcome is unknown: look, never resend.
        try {
          const readBack = await readTarget(client, plan.target, plan.key, plan.hardwareKey, signal);
          extra.readBack = readBack;
          extra.taken = plan.action === "delete" ? readBack === null : mismatchesOf(readBack, plan.changes).length === 0;
        } catch {
          extra.taken = null;
        }
      }
      return resultOf(plan, "failed", extra);
    }
    const done: Partial<EditResult> = { sent: true, response, ...(backup ? { backup } : {}) };
    if (!verify) return resultOf(plan, "applied", done);
    const readBack = await readTarget(client, plan.target, plan.key, plan.hardwareKey, signal);
    if (plan.action === "delete") {
      return resultOf(plan, readBack === null ? "applied" : "notTaken", { ...done, readBack, taken: readBack === null });
    }
    const mismatches = mismatchesOf(readBack, plan.changes);
    return resultOf(plan, mismatches.length === 0 ? "applied" : "notTaken", { ...done, readBack, taken: mismatches.length === 0, mismatches });
  } catch (error) {
    return resultOf(plan, "failed", { error: summarizeError(error) });
  }
}

function stripVolatile(obj: unknown): unknown {
  if (!obj || typeof obj !== "object") return obj;
  const { lastChanged: _l, ts: _t, ...rest } = obj as Record<string, unknown>;
  return rest;
}

async function applyCreate(client: RawClient, plan: PlannedEdit, options: ApplyEditOptions, verify: boolean, now: () => number): Promise<EditResult> {
  if (options.dryRun) return resultOf(plan, "dryRun");
  let response: unknown;
  try {
    response = await send(client, plan, plan.after, options.signal);
  } catch (error) {
    return resultOf(plan, "failed", { sent: mayHaveBeenSent(error), error: summarizeError(error) });
  }
  const echoed = response && typeof response === "object" ? (response as Record<string, unknown>) : null;
  const createdKey = typeof echoed?.key === "string" && echoed.key !== "" ? echoed.key : undefined;
  let backup: string | undefined;
  if (options.backup) {
    backup = await options.backup.save({
      id: plan.id,
      target: plan.target,
      action: "create",
      key: plan.key,
      ...(plan.hardwareKey ? { hardwareKey: plan.hardwareKey } : {}),
      endpoint: plan.endpoint,
      takenAt: new Date(now()).toISOString(),
      original: null,
      fields: plan.changes.map((c) => c.field),
      ...(createdKey ? { createdKey } : {}),
    });
  }
  const done: Partial<EditResult> = { sent: true, response, ...(createdKey ? { createdKey } : {}), ...(backup ? { backup } : {}) };
  if (!verify) return resultOf(plan, "applied", done);
  const all = await readTriggers(client, plan.hardwareKey!, options.signal);
  const found = createdKey
    ? all.triggers.find((t) => t.key === createdKey)
    : all.triggers.find((t) => t.alertTypeKey === plan.after?.alertTypeKey && t.name === plan.after?.name);
  const checked = plan.changes.filter((c) => !["key", "id", "lastChanged"].includes(c.field.split(/[.[]/)[0]!));
  const mismatches = found ? mismatchesOf(found, checked) : [];
  const taken = !!found && mismatches.length === 0;
  return resultOf(plan, taken ? "applied" : "notTaken", { ...done, readBack: found ?? null, taken, mismatches, ...(found && !createdKey && typeof found.key === "string" ? { createdKey: found.key } : {}) });
}

/**
 * Plans the undoing of applied writes from their backups: updated fields go back to their
 * original values, created triggers are deleted, deleted triggers are created again (with a new
 * key: PowerTrack assigns keys).
 */
export async function planRestore(client: RawClient, entries: readonly BackupEntry[], options: { signal?: AbortSignal } = {}): Promise<PlannedEdit[]> {
  const plans: PlannedEdit[] = [];
  for (const entry of entries) {
    if (entry.action === "create") {
      if (!entry.createdKey) {
        plans.push({ id: `restore:${entry.id}`, target: entry.target, action: "delete", key: "", endpoint: "", status: "invalid", before: null, after: null, changes: [], error: { name: "ValidationError", message: `The backup of ${entry.id} does not say which trigger was created; delete it by hand.`, retryable: false } });
        continue;
      }
      plans.push(await planEdit(client, { target: "alertTrigger", action: "delete", key: entry.createdKey, hardwareKey: entry.hardwareKey! }, options));
      continue;
    }
    if (entry.action === "delete") {
      const { key: _k, id: _i, lastChanged: _l, ...rest } = entry.original ?? {};
      plans.push(await planEdit(client, { target: "alertTrigger", action: "create", key: "", hardwareKey: entry.hardwareKey!, changes: rest, allowNewFields: true }, options));
      continue;
    }
    const id = `restore:${entry.id}`;
    const base = { id, target: entry.target, action: "update" as const, key: entry.key, ...(entry.hardwareKey ? { hardwareKey: entry.hardwareKey } : {}), endpoint: endpointOf(entry.target, "update") };
    try {
      const current = await readTarget(client, entry.target, entry.key, entry.hardwareKey, options.signal);
      if (!current) throw new NotFoundError(`${entry.target} ${entry.key} no longer exists; it cannot be restored in place.`, { vendor: "powertrack" });
      const changes = entry.fields
        .map((field) => ({ field, before: valueAt(current, field), after: valueAt(entry.original, field) }))
        .filter((c) => !jsonEqual(c.before, c.after));
      const after = cloneJson(current);
      for (const c of changes) setPath(after, c.field, cloneJson(c.after));
      plans.push({ ...base, status: changes.length ? "ready" : "unchanged", before: current, after, changes });
    } catch (error) {
      plans.push({ ...base, status: "failed", before: null, after: null, changes: [], error: summarizeError(error) });
    }
  }
  return plans;
}
