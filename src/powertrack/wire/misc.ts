import { bool, list, str, z } from "./common.js";

export const reportingBody = z.looseObject({
  canAddAutoReport: bool,
  canAddEmailReport: bool,
  canAddSummaryReport: bool,
  canAddUserReport: bool,
  canEditAutoReport: bool,
  views: list(z.unknown()),
});

/** `value` is a JSON document inside a string. */
export const userPreferencesBody = z.looseObject({ lastChanged: str, value: str });

/** `POST /api/auditlog` */
export const auditLogBody = z.looseObject({
  key: str,
  lastChanged: str,
  auditLogs: list(
    z.looseObject({
      key: z.string(),
      authorKey: str,
      authorName: str,
      changeType: str,
      changes: list(z.unknown()),
      changesAsString: str,
      date: str,
      kind: str,
      parentKey: str,
      text: str,
    }),
  ),
});

/** `POST /api/view/reportconfigs` */
export const reportConfigsBody = z.looseObject({ isMore: bool, key: str, lastChanged: str, list: list(z.unknown()) });

/** `GET /api/view/chart/builtin`: a bare list, or sections of predefined charts. */
export const chartDefinitionsBody = z.union([
  z.array(z.unknown()),
  z.looseObject({ chartMenuSections: list(z.looseObject({ predefinedCharts: list(z.unknown()) })) }),
]);
