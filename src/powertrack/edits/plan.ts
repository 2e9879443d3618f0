import { NotFoundError, ValidationError } from "../../core/errors/index.js";
import { diffFields } from "../../model/helpers.js";
import type { FieldChange } from "../../model/types.js";
import { DEFAULT_PROTECTED_FIELDS, diffIdentity, mergeByKey, protectedChange, sdkMemberHint } from "../merge.js";
import { cloneJson, getPath, hasPath, jsonEqual, parsePath, resolvePath, setPath, formatPath } from "../paths.js";
import { summarizeError, type EditTarget, type EditAction, type RawClient, type EditRequest, type PlannedEdit } from "./types.js";
import { endpointOf, normaliseRequest, readTarget, readTriggers } from "./targets.js";
import { checkValues, coerceText, refuseNonFinite } from "./checks.js";

// Planning: read the object, merge the change, list every field that differs. Never writes.

// ---------------------------------------------------------------------------------------------
// Planning

export function describe(request: { target: EditTarget; key: string; hardwareKey?: string; source?: EditRequest["source"] }): string {
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
  refuseNonFinite(request.changes ?? {}, "", what);
  for (const [path, raw] of Object.entries(request.fields ?? {})) refuseNonFinite(raw, path, what);
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

export function applyField(
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

export function triggerKeys(triggers: ReadonlyArray<Record<string, unknown>>): string[] {
  return triggers.map((t) => t.key).filter((k): k is string => typeof k === "string" && k !== "");
}

export async function planEditInternal(
  client: RawClient,
  input: EditRequest,
  options: PlanEditOptions,
  strict: boolean,
): Promise<PlannedEdit> {
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
