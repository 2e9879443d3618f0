import { ResponseFormatError } from "../../core/errors/index.js";
import { parseNodeKey } from "../keys.js";
import { toAuditLog, toUserPreferences, type AuditLogEntry, type UserPreferences } from "../models/misc.js";
import { PowerTrackResource } from "./resource.js";
import { LAST_CHANGED } from "./shared.js";

/** The signed-in user: preferences and the audit log. */
export class Account extends PowerTrackResource {
  /** `GET /api/userpreferences`: `value` decoded from its JSON string. */
  async getUserPreferences(options: { signal?: AbortSignal } = {}): Promise<UserPreferences> {
    return toUserPreferences(
      await this.client.readJson("/api/userpreferences", "getUserPreferences", { query: LAST_CHANGED, signal: options.signal }),
    );
  }

  /** `POST /api/auditlog` (a read; the SDK sent GET): changes under a customer, site or hardware key. */
  async getAuditLog(key: string, options: { recursive?: boolean; signal?: AbortSignal } = {}): Promise<AuditLogEntry[]> {
    const ancestorKey = parseNodeKey(key);
    const data = await this.client.postJson(
      "/api/auditlog",
      { ancestorKey, isRecursive: options.recursive ?? false },
      { query: LAST_CHANGED, operation: "getAuditLog", idempotent: true, signal: options.signal },
    );
    if (data === null)
      throw new ResponseFormatError("PowerTrack returned an empty body for getAuditLog.", {
        vendor: "powertrack",
        operation: "getAuditLog",
      });
    return toAuditLog(data);
  }
}
