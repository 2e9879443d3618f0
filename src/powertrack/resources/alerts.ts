import { ValidationError } from "../../core/errors/index.js";
import { parseCustomerKey, parseHardwareKey, parseSiteKey } from "../keys.js";
import { toAlertSummaryResponse, toAlertTriggers, type AlertSummaryResponse, type AlertTriggers } from "../models/alerts.js";
import { PowerTrackResource } from "./resource.js";
import { LAST_CHANGED } from "./shared.js";

/** Alert triggers and the alert summary. */
export class Alerts extends PowerTrackResource {
  /** `GET /api/alerttrigger/{H}`: configured triggers (every member typed) and the default templates. */
  async getAlertTriggers(
    hardwareKey: string | number,
    options: { lastChanged?: string; signal?: AbortSignal } = {},
  ): Promise<AlertTriggers> {
    const key = parseHardwareKey(hardwareKey);
    const body = await this.client.readJson(`/api/alerttrigger/${key}`, "getAlertTriggers", {
      ...(options.lastChanged ? { query: { lastChanged: options.lastChanged } } : {}),
      referer: this.client.referer(key, "administration/alertsettings"),
      signal: options.signal,
    });
    return toAlertTriggers(key, body);
  }

  /** `GET /api/view/activealerts/activesummary/{C|S|H}`: active alerts per device with severity (0 info … 5 emergency). */
  async getAlertSummary(
    scope: { customerId?: string | number; siteId?: string | number; hardwareId?: string | number },
    options: { signal?: AbortSignal } = {},
  ): Promise<AlertSummaryResponse> {
    const given = [scope.customerId, scope.siteId, scope.hardwareId].filter((v) => v !== undefined && v !== null);
    if (given.length !== 1)
      throw new ValidationError("getAlertSummary needs exactly one of customerId, siteId or hardwareId.", {
        field: "scope",
        vendor: "powertrack",
      });
    const key =
      scope.customerId !== undefined
        ? parseCustomerKey(scope.customerId)
        : scope.siteId !== undefined
          ? parseSiteKey(scope.siteId)
          : parseHardwareKey(scope.hardwareId);
    return toAlertSummaryResponse(
      await this.client.readJson(`/api/view/activealerts/activesummary/${key}`, "getAlertSummary", {
        query: LAST_CHANGED,
        signal: options.signal,
      }),
    );
  }
}
