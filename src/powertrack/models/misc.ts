import { parseWith } from "../../core/validation.js";
import { parseJsonString, parseTimestamp } from "../values.js";
import { auditLogBody, reportConfigsBody, reportingBody, userPreferencesBody } from "../wire/misc.js";

const ctx = (operation: string) => ({ vendor: "powertrack", operation });

export interface ReportingCapabilities {
  canAddAutoReport: boolean;
  canAddEmailReport: boolean;
  canAddSummaryReport: boolean;
  canAddUserReport: boolean;
  canEditAutoReport: boolean;
  views: unknown[];
  /** Any capability granted or any view available. */
  hasReportingAccess: boolean;
  raw: unknown;
}

export function toReportingCapabilities(body: unknown): ReportingCapabilities {
  const w = parseWith(reportingBody, body, ctx("getReportingCapabilities"));
  const flags = {
    canAddAutoReport: w.canAddAutoReport === true,
    canAddEmailReport: w.canAddEmailReport === true,
    canAddSummaryReport: w.canAddSummaryReport === true,
    canAddUserReport: w.canAddUserReport === true,
    canEditAutoReport: w.canEditAutoReport === true,
  };
  return { ...flags, views: w.views, hasReportingAccess: Object.values(flags).some(Boolean) || w.views.length > 0, raw: body };
}

/** `GET /api/userpreferences`: `value` is a JSON document inside a string; both are kept. */
export interface UserPreferences {
  lastChanged: Date | null;
  /** The parsed document, or null when `value` is not JSON. */
  value: unknown;
  rawValue: string | null;
  raw: unknown;
}

export function toUserPreferences(body: unknown): UserPreferences {
  const w = parseWith(userPreferencesBody, body, ctx("getUserPreferences"));
  return { lastChanged: parseTimestamp(w.lastChanged), value: parseJsonString(w.value), rawValue: w.value, raw: body };
}

export interface AuditLogEntry {
  key: string;
  authorKey: string | null;
  authorName: string | null;
  changeType: string | null;
  changes: unknown[];
  changesAsString: string | null;
  date: Date | null;
  kind: string | null;
  parentKey: string | null;
  text: string | null;
}

export function toAuditLog(body: unknown): AuditLogEntry[] {
  return parseWith(auditLogBody, body, ctx("getAuditLog")).auditLogs.map((e) => ({
    key: e.key,
    authorKey: e.authorKey,
    authorName: e.authorName,
    changeType: e.changeType,
    changes: e.changes,
    changesAsString: e.changesAsString,
    date: parseTimestamp(e.date),
    kind: e.kind,
    parentKey: e.parentKey,
    text: e.text,
  }));
}

export interface ReportConfigs {
  isMore: boolean;
  list: unknown[];
  /** The request as the server understood it (decoded from the JSON-in-a-string `key`). */
  request: unknown;
  raw: unknown;
}

export function toReportConfigs(body: unknown): ReportConfigs {
  const w = parseWith(reportConfigsBody, body, ctx("getReportConfigs"));
  return { isMore: w.isMore === true, list: w.list, request: parseJsonString(w.key), raw: body };
}
