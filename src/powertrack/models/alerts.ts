import { parseWith } from "../../core/validation.js";
import { parseTimestamp } from "../values.js";
import { alertSummaryBody, alertSummaryEntry } from "../wire/portfolio.js";
import { alertTriggerBody, alertTriggersBody, type AlertTriggerBody } from "../wire/alerts.js";

const ctx = (operation: string) => ({ vendor: "powertrack", operation });

/** One alert trigger, every member typed. Delays are in **hours**; sun angles in degrees. */
export interface AlertTrigger {
  /** "AS138373" or an opaque key ("x2d1aee87"); "" on default (template) triggers. */
  key: string;
  id: number | null;
  /** The alert type, e.g. "AI250" (device communication). */
  alertTypeKey: string | null;
  /** The hardware the trigger belongs to. */
  parentKey: string | null;
  name: string | null;
  description: string | null;
  isActive: boolean;
  priorityLevel: number | null;
  checkSun: boolean | null;
  checkTime: boolean | null;
  checkNoSnow: boolean | null;
  hasImpact: boolean | null;
  impact: number | null;
  delayHoursTrigger: number | null;
  delayHoursResolve: number | null;
  startTime: number | null;
  endTime: number | null;
  sunMinElevation: number | null;
  sunMinAzimuth: number | null;
  sunMaxAzimuth: number | null;
  parameters: AlertTriggerBody["parameters"];
  ownerKey: string | null;
  sharing: number | null;
  lastChanged: Date | null;
  raw: unknown;
}

export function toAlertTrigger(body: unknown, operation = "getAlertTriggers"): AlertTrigger {
  const w = parseWith(alertTriggerBody, body, ctx(operation));
  return {
    key: w.key,
    id: w.id,
    alertTypeKey: w.alertTypeKey,
    parentKey: w.parentKey,
    name: w.name,
    description: w.description,
    isActive: w.isActive === true,
    priorityLevel: w.priorityLevel,
    checkSun: w.checkSun,
    checkTime: w.checkTime,
    checkNoSnow: w.checkNoSnow,
    hasImpact: w.hasImpact,
    impact: w.impact,
    delayHoursTrigger: w.delayHoursTrigger,
    delayHoursResolve: w.delayHoursResolve,
    startTime: w.startTime,
    endTime: w.endTime,
    sunMinElevation: w.sunMinElevation,
    sunMinAzimuth: w.sunMinAzimuth,
    sunMaxAzimuth: w.sunMaxAzimuth,
    parameters: w.parameters,
    ownerKey: w.ownerKey,
    sharing: w.sharing,
    lastChanged: parseTimestamp(w.lastChanged),
    raw: body,
  };
}

/** `GET /api/alerttrigger/{H}`: a device's configured triggers and the templates it could add. */
export interface AlertTriggers {
  /** The hardware key. */
  key: string;
  /** The hardware the triggers belong to (the response has no parentKey; the SDK left it empty). */
  parentKey: string;
  assetCode: number | null;
  calculatedCapacity: number | null;
  capacity: number | null;
  lastChanged: Date | null;
  triggers: AlertTrigger[];
  /** Templates (`key` "" and `id` 0) for the alert types this device supports. */
  defaultTriggers: AlertTrigger[];
  /** Triggers with `isActive`. */
  activeTriggers: AlertTrigger[];
  raw: unknown;
}

export function toAlertTriggers(hardwareKey: string, body: unknown): AlertTriggers {
  const w = parseWith(alertTriggersBody, body, ctx("getAlertTriggers"));
  const triggers = w.triggers.map((t) => toAlertTrigger(t));
  return {
    key: w.key ?? hardwareKey,
    parentKey: hardwareKey,
    assetCode: w.assetCode,
    calculatedCapacity: w.calculatedCapacity,
    capacity: w.capacity,
    lastChanged: parseTimestamp(w.lastChanged),
    triggers,
    defaultTriggers: w.defaultTriggers.map((t) => toAlertTrigger(t)),
    activeTriggers: triggers.filter((t) => t.isActive),
    raw: body,
  };
}

export const SEVERITY_LEVELS = ["info", "low", "medium", "high", "critical", "emergency"] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number] | "unknown";

export function severityLevel(maxSeverity: number | null): SeverityLevel {
  if (maxSeverity === null || !Number.isInteger(maxSeverity) || maxSeverity < 0) return "unknown";
  return SEVERITY_LEVELS[Math.min(maxSeverity, SEVERITY_LEVELS.length - 1)]!;
}

/** Active alerts of one device. Severity 0 info … 4 critical, 5 emergency. */
export interface AlertSummary {
  hardwareKey: string;
  maxSeverity: number | null;
  count: number;
  severityLevel: SeverityLevel;
  /** maxSeverity >= 4. */
  hasCriticalAlerts: boolean;
}

/** `GET /api/view/activealerts/activesummary/{C|S|H}`. */
export interface AlertSummaryResponse {
  hardwareSummaries: Record<string, AlertSummary>;
  /** As sent (its inner shape is not documented). */
  siteSummary: Record<string, unknown>;
  /** The server's `total`. */
  total: number | null;
  /** Sum of the per-device counts. */
  totalAlerts: number;
  hardwareWithAlerts: string[];
  criticalHardware: string[];
  /** Device count per severity level. */
  bySeverity: Record<string, number>;
  raw: unknown;
}

const HARDWARE_KEY = /^H\d+$/;

export function toAlertSummaryResponse(body: unknown): AlertSummaryResponse {
  const w = parseWith(alertSummaryBody, body, ctx("getAlertSummary"));
  const summaries: Record<string, AlertSummary> = {};
  const collect = (map: Record<string, unknown> | null) => {
    for (const [key, entry] of Object.entries(map ?? {})) {
      if (!HARDWARE_KEY.test(key) || !entry || typeof entry !== "object") continue;
      const e = parseWith(alertSummaryEntry, entry, { ...ctx("getAlertSummary"), pathPrefix: `hardwareSummary.${key}` });
      const maxSeverity = e.maxSeverity ?? e.max_severity ?? null;
      summaries[key] = {
        hardwareKey: key,
        maxSeverity,
        count: e.count ?? e.cnt ?? 0,
        severityLevel: severityLevel(maxSeverity),
        hasCriticalAlerts: maxSeverity !== null && maxSeverity >= 4,
      };
    }
  };
  collect(w.hardwareSummary);
  // Older payloads put the H-keyed map at the top level.
  collect(w as unknown as Record<string, unknown>);
  const all = Object.values(summaries);
  const bySeverity: Record<string, number> = {};
  for (const s of all) if (s.count > 0) bySeverity[s.severityLevel] = (bySeverity[s.severityLevel] ?? 0) + 1;
  return {
    hardwareSummaries: summaries,
    siteSummary: w.siteSummary ?? {},
    total: w.total,
    totalAlerts: all.reduce((a, s) => a + s.count, 0),
    hardwareWithAlerts: all.filter((s) => s.count > 0).map((s) => s.hardwareKey),
    criticalHardware: all.filter((s) => s.hasCriticalAlerts).map((s) => s.hardwareKey),
    bySeverity,
    raw: body,
  };
}
