import { ApiError, NotFoundError, ResponseFormatError, ValidationError } from "../../core/errors/index.js";
import { parseWith } from "../../core/validation.js";
import { parseHardwareKey, parseNodeKey, parseSiteKey, type SiteKey } from "../keys.js";
import {
  hardwareFromNode,
  toDriverSettings,
  toHardware,
  toHardwareDetails,
  toHardwareDiagnostics,
  toNodes,
  toRegisterOffsets,
  type DriverSettings,
  type Hardware,
  type HardwareDetails,
  type HardwareDiagnostics,
  type PowerTrackNode,
  type RegisterOffsets,
} from "../models/hardware.js";
import { type InvalidRow } from "../models/portfolio.js";
import { siteHardwareProductionBody } from "../wire/hardware.js";
import { PowerTrackResource } from "./resource.js";
import { LAST_CHANGED, lookup, safeZone } from "./shared.js";
import type { SiteHardwareProduction } from "../client-types.js";

/** Devices: the live production view, lists, details, diagnostics, drivers, register offsets, nodes. */
export class HardwareResource extends PowerTrackResource {
  /**
   * `GET /api/view/sitehardwareproduction/{S}`: every device with its live registers. Rows are
   * validated one by one: a row that cannot be read is listed in `invalidRows` (with the reason)
   * and never takes the others down with it.
   */
  async getSiteHardwareProduction(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<SiteHardwareProduction> {
    const key = parseSiteKey(siteId);
    const body = await this.client.readJson(`/api/view/sitehardwareproduction/${key}`, "getSiteHardwareProduction", {
      query: LAST_CHANGED,
      signal: options.signal,
    });
    return this.#production(body);
  }

  #production(body: unknown): SiteHardwareProduction {
    const w = parseWith(siteHardwareProductionBody, body, { vendor: "powertrack", operation: "getSiteHardwareProduction" });
    const tz = safeZone(w.timeZone ?? "UTC");
    const hardware: Hardware[] = [];
    const invalidRows: InvalidRow[] = [];
    (w.hardware ?? []).forEach((row, index) => {
      try {
        hardware.push(toHardware(row, tz));
      } catch (error) {
        const rowKey =
          row && typeof row === "object" && typeof (row as { key?: unknown }).key === "string" ? (row as { key: string }).key : null;
        invalidRows.push({ index, key: rowKey, reason: error instanceof Error ? error.message : String(error) });
      }
    });
    return {
      key: w.key,
      timeZone: w.timeZone,
      lastChanged: w.lastChanged,
      hasHardware: Array.isArray(w.hardware),
      hardware,
      invalidRows,
      raw: body,
    };
  }

  /**
   * A site's devices: `view/sitehardwareproduction`, falling back to `POST /api/node` (key, name
   * and function code only) when that view is unavailable (an HTTP error, an empty body) or has no
   * `hardware` member. A body that does not have the documented shape is a `ResponseFormatError`,
   * not a reason to fall back; a single unreadable row is left out and logged as a warning (see
   * `getSiteHardwareProduction` for the rows themselves). (The SDK's third fallback,
   * `edit/bulkhardware`, is undocumented and not used.)
   */
  async getHardwareList(siteId: string | number, options: { signal?: AbortSignal } = {}): Promise<Hardware[]> {
    return (await this.listWithInvalidRows(parseSiteKey(siteId), options.signal)).hardware;
  }

  /** @internal The hardware list with the rows that could not be read (for `getSiteData`). */
  async listWithInvalidRows(key: SiteKey, signal?: AbortSignal): Promise<{ hardware: Hardware[]; invalidRows: InvalidRow[] }> {
    let body: unknown = null;
    try {
      body = await this.client.getJson(`/api/view/sitehardwareproduction/${key}`, {
        query: LAST_CHANGED,
        operation: "getSiteHardwareProduction",
        signal,
      });
    } catch (error) {
      if (!(error instanceof ApiError || error instanceof NotFoundError)) throw error;
      this.client.logger.info("the hardware production view failed; listing devices from /api/node", {
        vendor: "powertrack",
        site: key,
        error: error.name,
        status: error.status,
      });
    }
    if (body !== null) {
      const production = this.#production(body);
      for (const row of production.invalidRows) {
        this.client.logger.warn("a hardware row could not be read and is left out", {
          vendor: "powertrack",
          site: key,
          row: row.index,
          hardware: row.key,
          reason: row.reason,
        });
      }
      if (production.hasHardware) return { hardware: production.hardware, invalidRows: production.invalidRows };
    }
    const nodes = await this.client.getNodes(key, { context: "query", kinds: ["customer", "site", "hardware"], filterBy: "Name", signal });
    return {
      hardware: nodes.filter((n) => n.kind === "hardware" && (n.parentKey === key || n.path.includes(key))).map(hardwareFromNode),
      invalidRows: [],
    };
  }

  /** `GET /api/edit/hardware/{H}`: the full configuration (`summary.name` is the `description`). */
  async getHardwareDetails(hardwareKey: string | number, options: { signal?: AbortSignal } = {}): Promise<HardwareDetails> {
    const key = parseHardwareKey(hardwareKey);
    return toHardwareDetails(
      await this.client.readJson(`/api/edit/hardware/${key}`, "getHardwareDetails", {
        referer: this.client.referer(key, "administration/config"),
        signal: options.signal,
      }),
    );
  }

  /** `GET /api/view/hardwarestatus/{H}`: communication status and every register. */
  async getHardwareDiagnostics(hardwareKey: string | number, options: { signal?: AbortSignal } = {}): Promise<HardwareDiagnostics> {
    const key = parseHardwareKey(hardwareKey);
    const body = await this.client.readJson(`/api/view/hardwarestatus/${key}`, "getHardwareDiagnostics", {
      query: LAST_CHANGED,
      signal: options.signal,
    });
    return toHardwareDiagnostics(body, new Date(this.client.clock.now()));
  }

  /** `GET /api/view/driversettings/{H}` */
  async getDriverSettings(hardwareKey: string | number, options: { signal?: AbortSignal } = {}): Promise<DriverSettings> {
    const key = parseHardwareKey(hardwareKey);
    return toDriverSettings(
      await this.client.readJson(`/api/view/driversettings/${key}`, "getDriverSettings", { query: LAST_CHANGED, signal: options.signal }),
    );
  }

  /** `GET /api/view/driversettings/list/{id}` (shape not documented: the list, or its `settings` member). */
  async getDriverSettingsList(listId: string | number, options: { signal?: AbortSignal } = {}): Promise<unknown[]> {
    if (!/^\d{1,12}$/.test(String(listId)))
      throw new ValidationError(`listId must be a number, got ${JSON.stringify(listId)}.`, { field: "listId", vendor: "powertrack" });
    const body = await this.client.readJson(`/api/view/driversettings/list/${listId}`, "getDriverSettingsList", { signal: options.signal });
    if (Array.isArray(body)) return body;
    const settings = (body as { settings?: unknown; list?: unknown }).settings ?? (body as { list?: unknown }).list;
    return Array.isArray(settings) ? settings : [];
  }

  /** `GET /api/lookuplist/drivers/{functionCode}`: drivers for a device type. Not in the scraped docs (the SDK's path). */
  async getDriverList(
    functionCode = 2,
    options: { signal?: AbortSignal } = {},
  ): Promise<Array<{ name: string; value: number | string } & Record<string, unknown>>> {
    if (!Number.isInteger(functionCode) || functionCode < 0)
      throw new ValidationError(`functionCode must be a whole number, got ${JSON.stringify(functionCode)}.`, {
        field: "functionCode",
        vendor: "powertrack",
      });
    return lookup(
      await this.client.readJson(`/api/lookuplist/drivers/${functionCode}`, "getDriverList", { signal: options.signal }),
      "getDriverList",
    );
  }

  /** `GET /api/view/registeroffsets/{H}` */
  async getRegisterOffsets(hardwareKey: string | number, options: { signal?: AbortSignal } = {}): Promise<RegisterOffsets> {
    const key = parseHardwareKey(hardwareKey);
    return toRegisterOffsets(
      await this.client.readJson(`/api/view/registeroffsets/${key}`, "getRegisterOffsets", { query: LAST_CHANGED, signal: options.signal }),
    );
  }

  /** `POST /api/node`: the node tree under/around a key. Hardware nodes carry the function code in `subKind`. */
  async getNodes(
    key: string,
    options: {
      context?: "query" | "path";
      kinds?: string[];
      subKinds?: number[];
      filter?: string;
      filterBy?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<PowerTrackNode[]> {
    const nodeKey = parseNodeKey(key);
    const body = {
      key: nodeKey,
      context: options.context ?? "query",
      kinds: options.kinds ?? ["customer", "site", "hardware"],
      subKinds: options.subKinds ?? [],
      nodes: [],
      filter: options.filter ?? "",
      filterBy: options.filterBy ?? "Name",
    };
    const data = await this.client.postJson("/api/node", body, {
      query: LAST_CHANGED,
      operation: "getNodes",
      idempotent: true,
      signal: options.signal,
    });
    if (data === null)
      throw new ResponseFormatError("PowerTrack returned an empty body for getNodes.", { vendor: "powertrack", operation: "getNodes" });
    return toNodes(data);
  }
}
