import { ResponseFormatError, ValidationError } from "../../core/errors/index.js";
import { sendCreate, validateReportConfig, type CreateListing, type CreateResult, type ReportConfigRequest } from "../library-writes.js";
import { parseCustomerKey, parseNodeKey } from "../keys.js";
import { toReportConfigs, toReportingCapabilities, type ReportConfigs, type ReportingCapabilities } from "../models/misc.js";
import { PowerTrackResource } from "./resource.js";
import { LAST_CHANGED } from "./shared.js";

/** Reporting: capabilities, report configurations and report tasks. */
export class Reports extends PowerTrackResource {
  /** `GET /api/reporting` */
  async getReportingCapabilities(options: { signal?: AbortSignal } = {}): Promise<ReportingCapabilities> {
    return toReportingCapabilities(await this.client.readJson("/api/reporting", "getReportingCapabilities", { signal: options.signal }));
  }

  /** `POST /api/view/reportconfigs` (a read; the SDK sent GET and read `configs`): report configurations for a key. */
  async getReportConfigs(key: string, options: { filter?: string; signal?: AbortSignal } = {}): Promise<ReportConfigs> {
    const k = parseNodeKey(key);
    const data = await this.client.postJson(
      "/api/view/reportconfigs",
      { key: k, filter: options.filter ?? "" },
      { query: LAST_CHANGED, operation: "getReportConfigs", idempotent: true, signal: options.signal },
    );
    if (data === null)
      throw new ResponseFormatError("PowerTrack returned an empty body for getReportConfigs.", {
        vendor: "powertrack",
        operation: "getReportConfigs",
      });
    return toReportConfigs(data);
  }

  /**
   * Starts a report task (`POST /api/task/start` with `{command, reportConfig, sourceKey}`; the
   * server answers `{}`). `sourceKey` is the report's file key, e.g. "F211147". Never retried.
   */
  async startReport(
    sourceKey: string,
    options: { command?: number; reportConfig?: unknown; dryRun?: boolean; signal?: AbortSignal } = {},
  ): Promise<{ sent: boolean; request: Record<string, unknown>; response: unknown }> {
    if (typeof sourceKey !== "string" || !/^[A-Z]{1,2}\d{1,12}$/.test(sourceKey)) {
      throw new ValidationError(`sourceKey must be a report file key such as "F211147", got ${JSON.stringify(sourceKey)}.`, {
        field: "sourceKey",
        vendor: "powertrack",
      });
    }
    const command = options.command ?? 2;
    if (!Number.isInteger(command) || command < 0)
      throw new ValidationError(`command must be a whole number, got ${JSON.stringify(command)}.`, {
        field: "command",
        vendor: "powertrack",
      });
    const request = { command, reportConfig: options.reportConfig ?? null, sourceKey };
    if (options.dryRun) return { sent: false, request, response: null };
    const response = await this.client.postJson("/api/task/start", request, {
      operation: "startReport",
      referer: this.client.appReferer,
      signal: options.signal,
    });
    return { sent: true, request, response };
  }

  /**
   * A new report configuration's starting point (`GET /api/reportconfig/new/{C}/{type}/undefined`,
   * as the web app asks for it), to fill in and pass to `createReportConfig`.
   */
  async getReportConfigTemplate(
    customerId: string | number,
    reportType = 0,
    options: { signal?: AbortSignal } = {},
  ): Promise<Record<string, unknown>> {
    const key = parseCustomerKey(customerId);
    if (!Number.isInteger(reportType) || reportType < 0)
      throw new ValidationError(`reportType must be a whole number >= 0, got ${JSON.stringify(reportType)}.`, {
        field: "reportType",
        vendor: "powertrack",
      });
    const data = await this.client.readJson(`/api/reportconfig/new/${key}/${reportType}/undefined`, "getReportConfigTemplate", {
      signal: options.signal,
    });
    if (typeof data !== "object" || Array.isArray(data))
      throw new ResponseFormatError("PowerTrack sent a report config template that is not an object.", {
        vendor: "powertrack",
        operation: "getReportConfigTemplate",
      });
    return data as Record<string, unknown>;
  }

  /**
   * The SDK's `create_report_config`: creates a report configuration (`POST /api/reportconfig`
   * with `key: ""`, answer `{}`; the SDK's `/api/report/config` is not a documented call). The
   * report configs of `verifyKey` (default: the first source item) are read before (same title:
   * `alreadyApplied`, nothing sent) and after (the new config's key as `createdKey`). Never retried.
   */
  async createReportConfig(
    config: Record<string, unknown>,
    options: { verifyKey?: string; allowDuplicate?: boolean; dryRun?: boolean; verify?: boolean; signal?: AbortSignal } = {},
  ): Promise<CreateResult<ReportConfigRequest>> {
    const request = validateReportConfig(config);
    const verifyKey = parseNodeKey(options.verifyKey ?? request.sourceItems[0]!.key, "verifyKey");
    const listing: CreateListing = {
      what: `the report configs of ${verifyKey}`,
      find: async (signal) => {
        const { list } = await this.client.getReportConfigs(verifyKey, { signal });
        const titled = list.filter(
          (c): c is Record<string, unknown> =>
            typeof c === "object" &&
            c !== null &&
            (typeof (c as Record<string, unknown>).name === "string" || typeof (c as Record<string, unknown>).reportTitle === "string"),
        );
        // Items without a name cannot be matched: say so (undefined) rather than "not there".
        if (list.length > 0 && titled.length === 0) return undefined;
        const match = titled.find((c) => c.name === request.reportTitle || c.reportTitle === request.reportTitle);
        if (!match) return null;
        return typeof match.key === "string" || typeof match.key === "number" ? { key: match.key } : {};
      },
    };
    return sendCreate(
      request,
      (signal) =>
        this.client.postJson("/api/reportconfig", request, { operation: "createReportConfig", referer: this.client.appReferer, signal }),
      { ...options, listing },
    );
  }
}
