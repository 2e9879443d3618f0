import { ResponseFormatError, ValidationError } from "../../core/errors/index.js";
import { parseAlertTriggerKey, parseHardwareKey, parseSiteKey, parseSiteOrHardwareKey } from "../keys.js";
import { type EditTarget, type EditAction, type RawClient, type EditRequest } from "./types.js";

// The objects an edit can change: their endpoints, key checks, and how each is read.

export interface TargetSpec {
  endpoint: string;
  method: "PUT" | "POST" | "DELETE";
  section: string;
  operation: string;
}

export const TARGETS: Record<EditTarget, TargetSpec> = {
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

export async function readTriggers(
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
