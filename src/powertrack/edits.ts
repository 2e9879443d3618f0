import {
  ConnectionError,
  NotFoundError,
  OpenPowerError,
  RateLimitError,
  ResponseFormatError,
  TimeoutError,
  ValidationError,
} from "../core/errors/index.js";
import { diffFields, writeStatus } from "../model/helpers.js";
import type { FieldChange, WriteResult } from "../model/types.js";
import { parseAlertTriggerKey, parseHardwareKey, parseSiteKey, parseSiteOrHardwareKey } from "./keys.js";
import { DEFAULT_PROTECTED_FIELDS, diffIdentity, mergeByKey, protectedChange, sdkMemberHint } from "./merge.js";
import { cloneJson, getPath, hasPath, jsonEqual, parsePath, resolvePath, setPath, formatPath } from "./paths.js";

/**
 * The write engine behind every PowerTrack write, single or bulk: **plan** (GET the object, merge
 * the change, list every field that differs), then **apply** (GET again, refuse if a planned field
 * moved since planning, back up the original, PUT/POST/DELETE once without retrying, read back and
 * report whether each field took). PowerTrack PUTs replace the whole object and carry no id in
 * the path, so the payload is always the fresh object with exactly the planned fields set.
 *
 * Once a write has been sent, nothing that follows (read-back, backup of a created key) can turn
 * the result into "not sent": the result always says `sent: true`, so nobody resends it.
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

/** The serialisable part of an error (plans and reports are saved as JSON). */
export function summarizeError(error: unknown): ErrorSummary {
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
  /**
   * Every field that differs. Paths name list items by their identity where the list has one
   * (`hardware[hardwareKey=H1].description`, `settings[index=3].value`), else by position.
   */
  changes: FieldChange[];
  /**
   * Creates only: the keys of the device's triggers when the plan was made. Applying the plan
   * again finds the trigger it created among the others and reports `alreadyApplied`.
   */
  existingKeys?: string[];
  error?: ErrorSummary;
  source?: EditRequest["source"];
}

/**
 * One word for an edit's outcome. For a write that went out it is derived from `sent`/`taken`
 * (the model's `writeStatus`), so it never disagrees with them: applied = taken (or sent and not
 * verified), notTaken = read back different, failed = the outcome is unknown or the server refused.
 * When nothing was sent, it says why: alreadyApplied (the object already had the planned values,
 * or the planned trigger was created by an earlier run, which makes re-running a plan safe),
 * conflict (a planned field changed since planning), dryRun, unchanged/invalid (from the plan),
 * skipped (limit, abort, earlier auth failure), failed (refused before sending).
 */
export type EditStatus = "applied" | "notTaken" | "alreadyApplied" | "conflict" | "failed" | "dryRun" | "unchanged" | "invalid" | "skipped";

/** Why an edit sent nothing. */
export type EditNotSent = Exclude<EditStatus, "applied" | "notTaken">;

/** What a PowerTrack edit says beyond the model's `WriteResult` (its `detail`). */
export interface EditDetail {
  id: string;
  target: EditTarget;
  action: EditAction;
  key: string;
  hardwareKey?: string;
  endpoint: string;
  /** Why nothing was sent, when `sent` is false. */
  notSent?: EditNotSent;
  /** Where the original was saved. */
  backup?: string;
  /** What the server answered. */
  response?: unknown;
  /** The key the server gave a created trigger. */
  createdKey?: string;
  /** Why, in words (a conflict's moved fields, a lost answer the read-back settled). */
  reason?: string;
  /** The failure as data (its class, HTTP status, vendor code, field). */
  errorInfo?: ErrorSummary;
}

/**
 * The outcome of one edit in the model's write vocabulary (`sent: true | false | null`, `taken`,
 * `readBack`, `mismatches` = planned value vs read back, `error`, `errorCode`), with the edit's own
 * facts in `detail`. `status` is derived (see `editStatus`), never set on its own. The flat `id`,
 * `endpoint`, `changes`, `backup`, `createdKey` and `reason` repeat `detail`/`write` for callers of
 * the earlier shape. Never resend a write whose `sent` is not false.
 */
export interface EditResult extends WriteResult<EditDetail> {
  detail: EditDetail;
  mismatches: FieldChange[];
  status: EditStatus;
  /** @deprecated Use `detail.id`. */
  id: string;
  /** @deprecated Use `detail.endpoint` (or `write.target`). */
  endpoint: string;
  /** @deprecated Use `write.changes`. */
  changes: FieldChange[];
  /** @deprecated Use `detail.backup`. */
  backup?: string;
  /** @deprecated Use `detail.createdKey`. */
  createdKey?: string;
  /** @deprecated Use `detail.reason`. */
  reason?: string;
}

/** The status of an edit, from `sent`/`taken` (the model's `writeStatus`) and, when nothing was sent, why. */
export function editStatus(result: Pick<WriteResult, "sent" | "taken" | "error"> & { detail: Pick<EditDetail, "notSent"> }): EditStatus {
  if (result.sent === false) return result.detail.notSent ?? "failed";
  switch (writeStatus(result)) {
    case "taken":
      return "applied";
    case "not-taken":
      return "notTaken";
    case "sent":
      return result.error === undefined ? "applied" : "failed";
    default:
      return "failed";
  }
}

/** A saved original, written before its write is sent (for creates, right after the POST, once the new key is known). */
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
  /** Creates only: the key of the created trigger (a restore deletes it). */
  createdKey?: string;
}

export interface BackupStore {
  /** Saves an entry and returns a reference (a file path, an index). Called before the write is sent (creates: after, with the new key). */
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
  /**
   * Asked right before a write would be sent (or reported as `dryRun`); returning false reports
   * the item as `skipped` instead. `applyBulkPlan` uses it so that `limit` counts writes actually
   * sent, not items that turn out to be already applied or in conflict.
   */
  admit?: () => boolean;
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
  siteHardware: {
    endpoint: "/api/edit/sitehardware",
    method: "PUT",
    section: "administration/hardware/list",
    operation: "updateSiteHardware",
  },
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
  if (!(request.target in TARGETS))
    throw new ValidationError(`target must be one of ${Object.keys(TARGETS).join(", ")}, got ${JSON.stringify(request.target)}.`, {
      field: "target",
      vendor: "powertrack",
    });
  if (action !== "update" && request.target !== "alertTrigger") {
    throw new ValidationError(
      `action ${JSON.stringify(action)} exists only for alert triggers; ${request.target} objects can only be updated.`,
      { field: "action", vendor: "powertrack" },
    );
  }
  if (!["update", "create", "delete"].includes(action))
    throw new ValidationError(`action must be update, create or delete, got ${JSON.stringify(action)}.`, {
      field: "action",
      vendor: "powertrack",
    });
  if (
    request.changes !== undefined &&
    (typeof request.changes !== "object" || request.changes === null || Array.isArray(request.changes))
  ) {
    throw new ValidationError(
      `changes must be an object of members to change, got ${Array.isArray(request.changes) ? "a list" : JSON.stringify(request.changes)}.`,
      { field: "changes", vendor: "powertrack" },
    );
  }
  if (request.fields !== undefined && (typeof request.fields !== "object" || request.fields === null || Array.isArray(request.fields))) {
    throw new ValidationError("fields must be an object of path → value.", { field: "fields", vendor: "powertrack" });
  }
  if (action === "update" && !request.changes && !request.fields)
    throw new ValidationError(`Nothing to change on ${request.target} ${request.key}: give changes or fields.`, {
      field: "changes",
      vendor: "powertrack",
    });
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
export async function readTarget(
  client: RawClient,
  target: EditTarget,
  key: string,
  hardwareKey: string | undefined,
  signal?: AbortSignal,
): Promise<Record<string, unknown> | null> {
  if (target === "alertTrigger") {
    const all = await readTriggers(client, hardwareKey!, signal);
    return (all.triggers.find((t) => t.key === key) as Record<string, unknown> | undefined) ?? null;
  }
  const path =
    { site: "/api/edit/site/", hardware: "/api/edit/hardware/", siteHardware: "/api/edit/sitehardware/", modeling: "/api/edit/modeling/" }[
      target
    ] + key;
  const body = await client.getJson(path, { referer: client.referer(key, TARGETS[target].section), operation: `get:${target}`, signal });
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ResponseFormatError(
      `PowerTrack returned ${body === null ? "an empty body" : "something other than an object"} for GET ${path}; cannot edit it.`,
      {
        vendor: "powertrack",
        operation: `get:${target}`,
      },
    );
  }
  return body as Record<string, unknown>;
}

async function readTriggers(
  client: RawClient,
  hardwareKey: string,
  signal?: AbortSignal,
): Promise<{ triggers: Array<Record<string, unknown>>; defaultTriggers: Array<Record<string, unknown>> }> {
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
const finiteIn =
  (min: number, max: number, unit = "") =>
  (v: unknown) =>
    v === null
      ? null
      : typeof v !== "number" || !Number.isFinite(v) || v < min || v > max
        ? `must be a number from ${min} to ${max}${unit}`
        : null;
const nonNegative = (v: unknown) =>
  v === null ? null : typeof v !== "number" || !Number.isFinite(v) || v < 0 ? "must be a number >= 0" : null;
const CHECKS: Check[] = [
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

function checkValues(target: EditTarget, changes: FieldChange[], what: string): void {
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
    if (typeof typeKey !== "string" || !/^AI\d+$/.test(typeKey))
      throw new ValidationError(`Cannot create ${what}: alertTypeKey must be an alert type such as "AI250".`, {
        field: "alertTypeKey",
        vendor: "powertrack",
      });
    const template = templates.find((t) => t.alertTypeKey === typeKey);
    const base: Record<string, unknown> = template ? cloneJson(template) : {};
    const merged = template
      ? mergeByKey(base, changes, {
          what,
          protectedFields: [],
          allowNewFields: request.allowNewFields,
          allowTypeChange: request.allowTypeChange,
        })
      : cloneJson(changes);
    const after: Record<string, unknown> = { ...merged, key: "", id: 0, parentKey: request.hardwareKey };
    const list = diffFields({}, after).map((c) => ({ ...c, before: null }));
    checkValues("alertTrigger", list, what);
    return { after, changes: list };
  }
  if (!current) throw new NotFoundError(`Cannot change ${what}: it does not exist.`, { vendor: "powertrack" });
  const protectedFields = DEFAULT_PROTECTED_FIELDS;
  let after = request.changes
    ? mergeByKey(current, request.changes, { what, allowNewFields: request.allowNewFields, allowTypeChange: request.allowTypeChange })
    : cloneJson(current);
  for (const [path, raw] of Object.entries(request.fields ?? {})) {
    after = applyField(after, path, raw, request, what, protectedFields);
  }
  const changes = diffFields(current, after, "", { identity: diffIdentity(current, after) });
  checkValues(request.target, changes, what);
  return { after, changes };
}

function applyField(
  obj: Record<string, unknown>,
  path: string,
  raw: unknown,
  request: EditRequest,
  what: string,
  protectedFields: readonly string[],
): Record<string, unknown> {
  try {
    const after = cloneJson(obj);
    const segments = resolvePath(after, parsePath(path));
    const field = formatPath(segments);
    const exists = hasPath(after, segments);
    if (!exists && !request.allowNewFields) {
      throw new ValidationError(
        `Cannot change ${what}: it has no field ${JSON.stringify(path)}.${sdkMemberHint(path, what)} Check the spelling against a fresh GET.`,
        { field: path, vendor: "powertrack" },
      );
    }
    const currentValue = exists ? getPath(after, segments) : undefined;
    let value = request.coerce ? coerceText(raw, currentValue, path) : raw;
    const last = segments[segments.length - 1];
    if (last?.kind === "prop" && protectedFields.includes(last.name) && exists && !jsonEqual(currentValue, value)) {
      throw new ValidationError(`Cannot change ${what}: ${field} is an identity and is never rewritten.`, { field, vendor: "powertrack" });
    }
    // A whole item or object set at once (`hardware[hardwareKey=H1]` = {...}) must keep the identities inside it.
    const inner = exists ? protectedChange(currentValue, value, protectedFields) : undefined;
    if (inner !== undefined) {
      const name = inner.startsWith("[") ? `${field}${inner}` : `${field}.${inner}`;
      throw new ValidationError(`Cannot change ${what}: ${name} is an identity and is never rewritten.`, {
        field: name,
        vendor: "powertrack",
      });
    }
    if (!request.allowTypeChange && exists && currentValue !== null && value !== null && typeof currentValue !== typeof value) {
      throw new ValidationError(`Cannot change ${what}: ${field} is a ${typeof currentValue}, not a ${typeof value}.`, {
        field,
        vendor: "powertrack",
      });
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

/** Options of `planEdit`. */
export interface PlanEditOptions {
  signal?: AbortSignal;
  /**
   * Numbers a create in its id (`alertTrigger:H1:new-3`) when the request has no CSV row, so ids
   * are the same on every run of the same list; `planBulkEdits` passes the request's position.
   */
  seq?: number;
}

/** Plans one request. Never throws for the request's own problems: they come back as `invalid` / `failed`. */
export async function planEdit(client: RawClient, input: EditRequest, options: PlanEditOptions = {}): Promise<PlannedEdit> {
  return planEditInternal(client, input, options, false);
}

/** Like `planEdit`, but throws the typed error instead of returning an `invalid` / `failed` plan (single writes). */
export async function planEditOrThrow(client: RawClient, input: EditRequest, options: PlanEditOptions = {}): Promise<PlannedEdit> {
  return planEditInternal(client, input, options, true);
}

function triggerKeys(triggers: ReadonlyArray<Record<string, unknown>>): string[] {
  return triggers.map((t) => t.key).filter((k): k is string => typeof k === "string" && k !== "");
}

async function planEditInternal(client: RawClient, input: EditRequest, options: PlanEditOptions, strict: boolean): Promise<PlannedEdit> {
  let request: EditRequest & { action: EditAction };
  const fallbackId = `${input.target}:${String(input.key)}`;
  try {
    request = normaliseRequest(input);
  } catch (error) {
    if (strict) throw error;
    return {
      id: fallbackId,
      target: input.target,
      action: input.action ?? "update",
      key: String(input.key),
      endpoint: "",
      status: "invalid",
      before: null,
      after: null,
      changes: [],
      error: summarizeError(error),
      source: input.source,
    };
  }
  const createSeq = request.source?.row !== undefined ? `-row${request.source.row}` : options.seq !== undefined ? `-${options.seq}` : "";
  const id =
    request.target === "alertTrigger"
      ? request.action === "create"
        ? `alertTrigger:${request.hardwareKey}:new${createSeq}`
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
  let existingKeys: string[] | undefined;
  try {
    if (request.target === "alertTrigger") {
      const all = await readTriggers(client, request.hardwareKey!, options.signal);
      current = request.action === "create" ? null : (all.triggers.find((t) => t.key === request.key) ?? null);
      templates = all.defaultTriggers;
      if (request.action === "create") existingKeys = triggerKeys(all.triggers);
    } else {
      current = await readTarget(client, request.target, request.key, undefined, options.signal);
    }
  } catch (error) {
    if (strict) throw error;
    return { ...base, status: "failed", before: null, after: null, changes: [], error: summarizeError(error) };
  }
  try {
    const { after, changes } = buildEdit(current, request, templates);
    return {
      ...base,
      status: changes.length === 0 ? "unchanged" : "ready",
      before: current,
      after,
      changes,
      ...(existingKeys ? { existingKeys } : {}),
    };
  } catch (error) {
    if (strict) throw error;
    return { ...base, status: "invalid", before: current, after: null, changes: [], error: summarizeError(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// Applying

/** What happened to one edit, before it becomes an `EditResult`. */
interface Outcome {
  sent?: boolean | null;
  taken?: boolean | null;
  readBack?: unknown;
  mismatches?: FieldChange[];
  /** The typed error (or its summary) when the edit failed. */
  error?: unknown;
  notSent?: EditNotSent;
  backup?: string;
  response?: unknown;
  createdKey?: string;
  reason?: string;
}

function isSummary(value: unknown): value is ErrorSummary {
  return !(value instanceof Error) && typeof value === "object" && value !== null && "retryable" in value && "message" in value;
}

/** The one place an `EditResult` is made: its status is derived here, from what happened. */
export function resultOf(plan: PlannedEdit, outcome: Outcome): EditResult {
  const sent = outcome.sent === undefined ? false : outcome.sent;
  const taken = outcome.taken ?? null;
  const info = outcome.error === undefined ? undefined : isSummary(outcome.error) ? outcome.error : summarizeError(outcome.error);
  const detail: EditDetail = {
    id: plan.id,
    target: plan.target,
    action: plan.action,
    key: plan.key,
    ...(plan.hardwareKey ? { hardwareKey: plan.hardwareKey } : {}),
    endpoint: plan.endpoint,
    ...(sent === false ? { notSent: outcome.notSent ?? "failed" } : {}),
    ...(outcome.backup !== undefined ? { backup: outcome.backup } : {}),
    ...(outcome.response !== undefined ? { response: outcome.response } : {}),
    ...(outcome.createdKey !== undefined ? { createdKey: outcome.createdKey } : {}),
    ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
    ...(info ? { errorInfo: info } : {}),
  };
  const base = {
    write: {
      target: plan.endpoint,
      description: `${plan.action} ${plan.id}`,
      before: plan.before,
      after: plan.after,
      changes: plan.changes,
      constraints: [],
      payload: plan.after,
    },
    sent,
    taken,
    ...(outcome.readBack !== undefined ? { readBack: outcome.readBack } : {}),
    mismatches: outcome.mismatches ?? [],
    ...(info ? { error: info.message, errorCode: info.code !== undefined ? `${info.name}:${String(info.code)}` : info.name } : {}),
    detail,
  };
  return {
    ...base,
    status: editStatus(base),
    id: plan.id,
    endpoint: plan.endpoint,
    changes: plan.changes,
    ...(detail.backup !== undefined ? { backup: detail.backup } : {}),
    ...(detail.createdKey !== undefined ? { createdKey: detail.createdKey } : {}),
    ...(detail.reason !== undefined ? { reason: detail.reason } : {}),
  };
}

/** A result for an item not attempted (bulk limit, abort). */
export function skippedResult(plan: PlannedEdit, reason: string): EditResult {
  return resultOf(plan, { notSent: "skipped", reason });
}

/**
 * Whether a write that failed reached the server: true when the server answered (with an error),
 * false when it provably never left, null when it may have (the connection broke, a time-out).
 */
function sentAfter(error: unknown): boolean | null {
  if (error instanceof ValidationError) return false;
  if (error instanceof ConnectionError) return error.sent ? null : false;
  if (error instanceof TimeoutError) return null;
  if (error instanceof RateLimitError) return error.local ? false : true;
  return error instanceof OpenPowerError ? true : null;
}

function valueAt(obj: unknown, field: string): unknown {
  try {
    return getPath(obj, field);
  } catch {
    return undefined;
  }
}

function mismatchesOf(readBack: unknown, changes: FieldChange[]): FieldChange[] {
  return changes
    .filter((c) => !jsonEqual(valueAt(readBack, c.field), c.after))
    .map((c) => ({ field: c.field, before: c.after, after: valueAt(readBack, c.field) }));
}

/** Whether a failed write may have reached the server. */
export function mayHaveBeenSent(error: unknown): boolean {
  if (error instanceof ValidationError) return false;
  if (error instanceof ConnectionError) return error.sent;
  return true;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function send(client: RawClient, plan: PlannedEdit, payload: Record<string, unknown> | null, signal?: AbortSignal): Promise<unknown> {
  const spec = TARGETS[plan.target];
  const refererKey = plan.target === "alertTrigger" ? plan.hardwareKey! : plan.key;
  const options: CallOptions = { referer: client.referer(refererKey, spec.section), operation: spec.operation, signal };
  if (plan.target === "alertTrigger" && plan.action === "create")
    return client.postJson(spec.endpoint, payload, { ...options, operation: "addAlertTrigger" });
  if (plan.target === "alertTrigger" && plan.action === "delete") {
    return client.deleteJson(`/api/alerttrigger/${plan.hardwareKey}/${plan.key}`, {
      ...options,
      operation: "deleteAlertTrigger",
      accept: "*/*",
    });
  }
  return client.putJson(spec.endpoint, payload, options);
}

/**
 * Applies one planned edit; never throws for the edit's own failure (see `status` and `error`).
 * Errors before sending give `failed` with `sent: false`; after sending, `sent` is always true.
 */
export async function applyEdit(client: RawClient, plan: PlannedEdit, options: ApplyEditOptions = {}): Promise<EditResult> {
  try {
    return await applyEditOrThrow(client, plan, options);
  } catch (error) {
    // Only errors raised before anything was sent get here.
    return resultOf(plan, { notSent: "failed", error });
  }
}

/**
 * Like `applyEdit`, but throws the typed error when the write failed before anything was sent
 * (single writes). Once the write may have reached the server it returns a result instead.
 */
export async function applyEditOrThrow(client: RawClient, plan: PlannedEdit, options: ApplyEditOptions = {}): Promise<EditResult> {
  if (plan.status !== "ready") return resultOf(plan, { notSent: plan.status, ...(plan.error ? { error: plan.error } : {}) });
  const verify = options.verify ?? true;
  const now = options.now ?? Date.now;
  const signal = options.signal;
  if (plan.action === "create") return applyCreate(client, plan, options, verify, now);

  const current = await readTarget(client, plan.target, plan.key, plan.hardwareKey, signal);
  if (plan.action === "delete") {
    if (!current) return resultOf(plan, { notSent: "alreadyApplied", taken: true, reason: "the trigger no longer exists" });
    if (!jsonEqual(stripVolatile(current), stripVolatile(plan.before)))
      return resultOf(plan, { notSent: "conflict", reason: "the trigger changed since planning; plan again" });
  } else {
    if (!current) return resultOf(plan, { notSent: "conflict", reason: "the object no longer exists" });
    if (plan.changes.every((c) => jsonEqual(valueAt(current, c.field), c.after)))
      return resultOf(plan, { notSent: "alreadyApplied", taken: true, reason: "the object already has the planned values" });
    const moved = plan.changes.filter((c) => !jsonEqual(valueAt(current, c.field), c.before));
    if (moved.length > 0) {
      return resultOf(plan, {
        notSent: "conflict",
        reason: `changed since planning: ${moved.map((c) => c.field).join(", ")}; plan again`,
        mismatches: moved.map((c) => ({ field: c.field, before: c.before, after: valueAt(current, c.field) })),
      });
    }
  }
  if (options.admit && !options.admit()) return resultOf(plan, { notSent: "skipped", reason: "not admitted (write limit reached)" });
  if (options.dryRun) return resultOf(plan, { notSent: "dryRun" });

  let payload: Record<string, unknown> | null = null;
  if (plan.action === "update") {
    payload = cloneJson(current);
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

  // From here on the write may have reached the server: nothing below throws.
  let response: unknown;
  try {
    response = await send(client, plan, payload, signal);
  } catch (error) {
    const sent = sentAfter(error);
    if (sent === false) throw error;
    const lost: Outcome = { sent, error, ...(backup ? { backup } : {}) };
    if (verify) {
      // The outcome is unknown: look, never resend.
      try {
        const readBack = await readTarget(client, plan.target, plan.key, plan.hardwareKey, signal);
        const mismatches = plan.action === "delete" ? [] : mismatchesOf(readBack, plan.changes);
        const taken = plan.action === "delete" ? readBack === null : mismatches.length === 0;
        Object.assign(lost, { readBack, taken, mismatches });
        // The read-back shows the write arrived: it was sent and taken, whatever happened to the answer.
        if (taken)
          return resultOf(plan, {
            ...lost,
            sent: true,
            error: undefined,
            reason: `the answer was lost (${messageOf(error)}), but reading back shows the write applied`,
          });
      } catch {
        lost.taken = null;
      }
    }
    return resultOf(plan, lost);
  }
  const done: Outcome = { sent: true, response, ...(backup ? { backup } : {}) };
  if (!verify) return resultOf(plan, done);
  let readBack: Record<string, unknown> | null;
  try {
    readBack = await readTarget(client, plan.target, plan.key, plan.hardwareKey, signal);
  } catch (error) {
    return resultOf(plan, {
      ...done,
      taken: null,
      error,
      reason: `the write was sent and answered, but reading it back failed (${messageOf(error)}); check the object before writing again`,
    });
  }
  if (plan.action === "delete") {
    return resultOf(plan, { ...done, readBack, taken: readBack === null });
  }
  const mismatches = mismatchesOf(readBack, plan.changes);
  return resultOf(plan, {
    ...done,
    readBack,
    taken: mismatches.length === 0,
    mismatches,
  });
}

function stripVolatile(obj: unknown): unknown {
  if (!obj || typeof obj !== "object") return obj;
  const { lastChanged: _l, ts: _t, ...rest } = obj as Record<string, unknown>;
  return rest;
}

/** Members of a new trigger the server sets itself (or, for `parentKey`, may leave out of its GET). */
const SERVER_SET = new Set(["key", "id", "lastChanged", "parentKey"]);

/** The planned fields a created trigger must show. */
function createdFields(plan: PlannedEdit): FieldChange[] {
  return plan.changes.filter((c) => !SERVER_SET.has(c.field.split(/[.[]/)[0]!));
}

/**
 * A create: read the device's triggers (a trigger this plan created on an earlier run means
 * `alreadyApplied`), POST once, learn the new key (the echo, else the one key that was not there
 * before), save the backup with that key, and read back.
 */
async function applyCreate(
  client: RawClient,
  plan: PlannedEdit,
  options: ApplyEditOptions,
  verify: boolean,
  now: () => number,
): Promise<EditResult> {
  const hardwareKey = plan.hardwareKey!;
  const signal = options.signal;
  const checked = createdFields(plan);
  const before = await readTriggers(client, hardwareKey, signal);
  if (plan.existingKeys) {
    const known = new Set(plan.existingKeys);
    const earlier = before.triggers.find((t) => typeof t.key === "string" && !known.has(t.key) && mismatchesOf(t, checked).length === 0);
    if (earlier)
      return resultOf(plan, {
        notSent: "alreadyApplied",
        taken: true,
        createdKey: earlier.key as string,
        readBack: earlier,
        reason: `trigger ${String(earlier.key)} was created from this plan already`,
      });
  }
  if (options.admit && !options.admit()) return resultOf(plan, { notSent: "skipped", reason: "not admitted (write limit reached)" });
  if (options.dryRun) return resultOf(plan, { notSent: "dryRun" });
  const keysBefore = new Set(triggerKeys(before.triggers));

  let response: unknown;
  let sendError: unknown;
  try {
    response = await send(client, plan, plan.after, signal);
  } catch (error) {
    if (sentAfter(error) === false) throw error;
    sendError = error;
  }

  // From here on the trigger may exist: nothing below throws.
  const echoed = response && typeof response === "object" ? (response as Record<string, unknown>) : null;
  let createdKey = typeof echoed?.key === "string" && echoed.key !== "" ? echoed.key : undefined;
  const problems: unknown[] = [];
  let after: Array<Record<string, unknown>> | null = null;
  if (verify || !createdKey) {
    try {
      after = (await readTriggers(client, hardwareKey, signal)).triggers;
    } catch (error) {
      problems.push(error);
    }
  }
  let found: Record<string, unknown> | undefined;
  if (after) {
    if (createdKey) found = after.find((t) => t.key === createdKey);
    else {
      const fresh = after.filter((t) => typeof t.key === "string" && !keysBefore.has(t.key));
      const ours = fresh.length === 1 ? fresh : fresh.filter((t) => mismatchesOf(t, checked).length === 0);
      if (ours.length === 1) {
        found = ours[0];
        createdKey = found!.key as string;
      }
    }
  }
  let backup: string | undefined;
  if (options.backup && (createdKey || sendError === undefined)) {
    try {
      backup = await options.backup.save({
        id: plan.id,
        target: plan.target,
        action: "create",
        key: plan.key,
        hardwareKey,
        endpoint: plan.endpoint,
        takenAt: new Date(now()).toISOString(),
        original: null,
        fields: plan.changes.map((c) => c.field),
        ...(createdKey ? { createdKey } : {}),
      });
    } catch (error) {
      problems.push(error);
    }
  }
  const mismatches = found ? mismatchesOf(found, checked) : [];
  const taken = after === null ? null : !!found && mismatches.length === 0;
  // Lost answer: sent unknown, unless the read-back found the trigger (then it surely arrived).
  const sent = sendError === undefined || taken === true || found !== undefined ? true : sentAfter(sendError);
  const extra: Outcome = {
    sent,
    ...(response !== undefined ? { response } : {}),
    ...(createdKey ? { createdKey } : {}),
    ...(backup ? { backup } : {}),
    ...(after !== null ? { readBack: found ?? null, taken, mismatches } : {}),
  };
  const unknownKey =
    after !== null && !createdKey
      ? "; the new trigger could not be told apart from the others, so a restore cannot delete it: check the device's triggers"
      : "";
  if (sendError !== undefined && taken === true && problems.length === 0)
    return resultOf(plan, {
      ...extra,
      reason: `the answer was lost (${messageOf(sendError)}), but reading back shows the trigger created`,
    });
  if (sendError !== undefined)
    return resultOf(plan, { ...extra, error: sendError, ...(unknownKey ? { reason: unknownKey.slice(2) } : {}) });
  if (problems.length > 0) {
    return resultOf(plan, {
      ...extra,
      error: problems[0],
      reason: `the trigger was sent and created${createdKey ? ` as ${createdKey}` : ""}, but ${problems.map(messageOf).join("; ")}${unknownKey}`,
    });
  }
  return resultOf(plan, { ...extra, ...(verify && unknownKey ? { reason: unknownKey.slice(2) } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Restoring

/**
 * Plans the undoing of applied writes from their backups: updated fields go back to their
 * original values, created triggers are deleted, deleted triggers are created again (with a new
 * key: PowerTrack assigns keys).
 *
 * Entries may come from several runs, in any order. Updates of one object become **one** plan
 * that undoes them newest first, so every field ends at its oldest saved value (two plans against
 * the same state would make the second a conflict). A trigger created and later deleted by the
 * same entries is left alone.
 */
export async function planRestore(
  client: RawClient,
  entries: readonly BackupEntry[],
  options: { signal?: AbortSignal } = {},
): Promise<PlannedEdit[]> {
  const ordered = entries
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => a.entry.takenAt.localeCompare(b.entry.takenAt) || a.i - b.i)
    .map((x) => x.entry);
  const triggerId = (hardwareKey: string | undefined, key: string | undefined) => `${hardwareKey}/${key}`;
  const created = new Set(ordered.filter((e) => e.action === "create" && e.createdKey).map((e) => triggerId(e.hardwareKey, e.createdKey)));
  const cancelled = new Set(
    ordered
      .filter((e) => e.action === "delete" && created.has(triggerId(e.hardwareKey, e.key)))
      .map((e) => triggerId(e.hardwareKey, e.key)),
  );

  const plans: PlannedEdit[] = [];
  const updates = new Map<string, BackupEntry[]>();
  for (const entry of ordered) {
    if (entry.action !== "update") continue;
    const id = `${entry.target}:${entry.hardwareKey ?? ""}:${entry.key}`;
    const group = updates.get(id);
    if (group) group.push(entry);
    else updates.set(id, [entry]);
  }
  for (const group of updates.values()) plans.push(await planObjectRestore(client, group, options));

  let seq = 0;
  for (const entry of [...ordered].reverse()) {
    if (entry.action === "create") {
      if (cancelled.has(triggerId(entry.hardwareKey, entry.createdKey))) continue;
      if (!entry.createdKey) {
        plans.push({
          id: `restore:${entry.id}`,
          target: entry.target,
          action: "delete",
          key: "",
          endpoint: "",
          status: "invalid",
          before: null,
          after: null,
          changes: [],
          error: {
            name: "ValidationError",
            message: `The backup of ${entry.id} does not say which trigger was created; delete it by hand.`,
            retryable: false,
          },
        });
        continue;
      }
      plans.push(
        await planEdit(
          client,
          { target: "alertTrigger", action: "delete", key: entry.createdKey, hardwareKey: entry.hardwareKey! },
          options,
        ),
      );
    } else if (entry.action === "delete") {
      if (cancelled.has(triggerId(entry.hardwareKey, entry.key))) continue;
      const { key: _k, id: _i, lastChanged: _l, ...rest } = entry.original ?? {};
      plans.push(
        await planEdit(
          client,
          { target: "alertTrigger", action: "create", key: "", hardwareKey: entry.hardwareKey!, changes: rest, allowNewFields: true },
          { ...options, seq: ++seq },
        ),
      );
    }
  }
  return plans;
}

/** One restore plan for the updates of one object (oldest first): undo them newest first. */
async function planObjectRestore(
  client: RawClient,
  group: readonly BackupEntry[],
  options: { signal?: AbortSignal },
): Promise<PlannedEdit> {
  const first = group[0]!;
  const base = {
    id: `restore:${first.id}`,
    target: first.target,
    action: "update" as const,
    key: first.key,
    ...(first.hardwareKey ? { hardwareKey: first.hardwareKey } : {}),
    endpoint: endpointOf(first.target, "update"),
  };
  try {
    const current = await readTarget(client, first.target, first.key, first.hardwareKey, options.signal);
    if (!current)
      throw new NotFoundError(`${first.target} ${first.key} no longer exists; it cannot be restored in place.`, { vendor: "powertrack" });
    const after = cloneJson(current);
    for (const entry of [...group].reverse()) {
      for (const field of entry.fields) setPath(after, field, cloneJson(valueAt(entry.original, field)));
    }
    const changes = diffFields(current, after, "", { identity: diffIdentity(current, after) });
    return { ...base, status: changes.length ? "ready" : "unchanged", before: current, after, changes };
  } catch (error) {
    return { ...base, status: "failed", before: null, after: null, changes: [], error: summarizeError(error) };
  }
}
