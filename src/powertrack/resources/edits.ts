import { ValidationError } from "../../core/errors/index.js";
import {
  applyEdit,
  applyEditOrThrow,
  planEdit,
  planEditOrThrow,
  type ApplyEditOptions,
  type EditRequest,
  type EditResult,
  type PlanEditOptions,
  type PlannedEdit,
} from "../edits.js";
import { parseAlertTriggerKey, parseHardwareKey, parseSiteKey, parseSiteOrHardwareKey } from "../keys.js";
import { PowerTrackResource } from "./resource.js";
import { DRIVER_MEMBERS } from "./shared.js";
import type { WriteOptions, UpdateResult } from "../client-types.js";

/** Writes as plan → PUT → read back (see `edits.ts`), and the named write methods built on them. */
export class Edits extends PowerTrackResource {
  /**
   * Plans a write without sending anything (the building block of every write method): reads
   * the object, merges the change and lists every changed field. Problems come back in the plan
   * (`status` invalid/failed, `error`), never as a throw. See `applyEdit`.
   */
  async planEdit(request: EditRequest, options: PlanEditOptions = {}): Promise<PlannedEdit> {
    return planEdit(this.client, request, options);
  }

  /**
   * Applies a plan from `planEdit`: re-reads the object (a planned field that moved is a
   * `conflict`), saves the original to `backup`, sends once, reads back. Never throws for the
   * edit's own failure; applying the same plan again is safe (`alreadyApplied`).
   */
  async applyEdit(plan: PlannedEdit, options: ApplyEditOptions = {}): Promise<EditResult> {
    return applyEdit(this.client, plan, { now: () => this.client.clock.now(), ...options });
  }

  async #write(request: EditRequest, options: WriteOptions): Promise<UpdateResult> {
    // Problems before anything is sent throw their typed error; once sent, a result comes back.
    const plan = await planEditOrThrow(
      this.client,
      {
        ...request,
        allowNewFields: options.allowNewFields ?? request.allowNewFields,
        allowTypeChange: options.allowTypeChange ?? request.allowTypeChange,
      },
      { signal: options.signal },
    );
    const result = await applyEditOrThrow(this.client, plan, {
      dryRun: options.dryRun,
      verify: options.verify,
      backup: options.backup,
      signal: options.signal,
      now: () => this.client.clock.now(),
    });
    return {
      ...result,
      success: ["applied", "alreadyApplied", "unchanged", "dryRun"].includes(result.status),
      dryRun: options.dryRun === true,
      originalData: plan.before,
      updatedData: plan.after,
      putResponse: result.detail.response ?? null,
      plan,
    };
  }

  /**
   * Changes a site's configuration: `GET /api/edit/site/{S}`, merge `changes` by key, `PUT
   * /api/edit/site` (Referer `…/{S}/administration/config`), read back. Members are the real ones:
   * `{ location: { latitude: 42.1 } }`, `capacityAc` (with `capacityAcUnit`), `name`.
   */
  async updateSiteConfig(siteId: string | number, changes: Record<string, unknown>, options: WriteOptions = {}): Promise<UpdateResult> {
    return this.#write({ target: "site", key: parseSiteKey(siteId), changes }, options);
  }

  /** Changes rows of a site's hardware list (`PUT /api/edit/sitehardware`); rows are matched by `hardwareKey`. */
  async updateSiteHardware(
    siteId: string | number,
    hardware: Array<Record<string, unknown> & { hardwareKey: string }>,
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    if (!Array.isArray(hardware) || hardware.some((h) => !h || typeof h.hardwareKey !== "string")) {
      throw new ValidationError("hardware must be a list of rows, each with its hardwareKey.", { field: "hardware", vendor: "powertrack" });
    }
    hardware.forEach((h, i) => parseHardwareKey(h.hardwareKey, `hardware[${i}].hardwareKey`));
    return this.#write({ target: "siteHardware", key: parseSiteKey(siteId), changes: { hardware } }, options);
  }

  /**
   * Changes a device's configuration (`PUT /api/edit/hardware`). `hardwareId` (the legacy
   * `C…_S…_PV9` id) and `key` are never rewritten; the SDK replaced `hardwareId` with the H key.
   */
  async updateHardwareConfig(
    hardwareKey: string | number,
    changes: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    return this.#write({ target: "hardware", key: parseHardwareKey(hardwareKey), changes }, options);
  }

  /**
   * The SDK's `update_hardware_driver`: changes a device's driver members — `driverId`, the
   * driver `settings` (matched by `name` or `index`: `[{ name: "dev:ScaleKW", value: "2" }]`) and
   * `registerOffsets` — through the documented `PUT /api/edit/hardware` (the SDK's
   * `/api/edit/hardware/driver/{H}` is not a documented call). Any other member is refused, so a
   * driver edit cannot touch the rest of the device by accident.
   */
  async updateHardwareDriver(
    hardwareKey: string | number,
    driver: { driverId?: number; settings?: Array<Record<string, unknown>>; registerOffsets?: Array<Record<string, unknown>> } & Record<
      string,
      unknown
    >,
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    const key = parseHardwareKey(hardwareKey);
    if (typeof driver !== "object" || driver === null || Array.isArray(driver)) {
      throw new ValidationError("driver must be an object such as { driverId, settings: [{ name, value }] }.", {
        field: "driver",
        vendor: "powertrack",
      });
    }
    const other = Object.keys(driver).filter((k) => !DRIVER_MEMBERS.includes(k));
    if (other.length > 0) {
      throw new ValidationError(
        `updateHardwareDriver changes only ${DRIVER_MEMBERS.join(", ")}; ${other.join(", ")} belong to updateHardwareConfig.`,
        { field: other[0], vendor: "powertrack" },
      );
    }
    return this.#write({ target: "hardware", key, changes: driver }, options);
  }

  /** Changes one existing trigger (`PUT /api/alerttrigger`): `trigger.key` names it; the rest is merged into the current trigger. */
  async updateAlertTriggers(
    hardwareKey: string | number,
    trigger: Record<string, unknown> & { key: string },
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    const { key, ...changes } = trigger ?? ({} as { key: string });
    return this.#write(
      { target: "alertTrigger", hardwareKey: parseHardwareKey(hardwareKey), key: parseAlertTriggerKey(key, "trigger.key"), changes },
      options,
    );
  }

  /**
   * Adds a trigger (`POST /api/alerttrigger` with `key: ""`, `id: 0`, `parentKey: H`). Starts from
   * the device's default trigger of the same `alertTypeKey` when there is one, so only the
   * differences need giving, and a member the template does not have (a typo such as
   * `delayHourTrigger`) is refused unless `allowNewFields`. Without a template every member is
   * sent as given. The result's `createdKey` is the key the server assigned.
   */
  async addAlertTrigger(
    hardwareKey: string | number,
    trigger: Record<string, unknown> & { alertTypeKey: string },
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    return this.#write(
      { target: "alertTrigger", action: "create", hardwareKey: parseHardwareKey(hardwareKey), key: "", changes: trigger },
      options,
    );
  }

  /** Deletes one trigger (`DELETE /api/alerttrigger/{H}/{triggerKey}`; the server answers `null`). */
  async deleteAlertTrigger(hardwareKey: string | number, triggerKey: string, options: WriteOptions = {}): Promise<UpdateResult> {
    return this.#write(
      { target: "alertTrigger", action: "delete", hardwareKey: parseHardwareKey(hardwareKey), key: parseAlertTriggerKey(triggerKey) },
      options,
    );
  }

  /** Changes a site's (S key) or one inverter's (H key) PV model (`PUT /api/edit/modeling`, no id in the path). */
  async updateModelingData(key: string, changes: Record<string, unknown>, options: WriteOptions = {}): Promise<UpdateResult> {
    return this.#write({ target: "modeling", key: parseSiteOrHardwareKey(key, "siteId"), changes }, options);
  }

  /**
   * Changes an inverter's model (azimuth, tilt, derate, `pvSystModuleId`, …) through its
   * per-inverter modeling (`PUT /api/edit/modeling` with the H key). The SDK's
   * `/api/edit/hardware/inverter/{H}` is not a documented endpoint.
   */
  async updateInverterModel(
    hardwareKey: string | number,
    inverter: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    return this.client.updateModelingData(parseHardwareKey(hardwareKey), { pvConfig: { inverters: [inverter] } }, options);
  }

  /** Sets an inverter's bifacial ratio (fraction 0..1) in its modeling; bifacial settings are nothing more. */
  async updateBifacialSettings(
    hardwareKey: string | number,
    settings: { bifacialRatio: number },
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    return this.client.updateInverterModel(hardwareKey, { bifacialRatio: settings?.bifacialRatio }, options);
  }

  /**
   * The SDK's `bulk_update_hardware`: changes many rows of a site's hardware list in one write.
   * The SDK's `PUT /api/edit/bulkhardware/{S}` is not a documented call; the documented bulk edit
   * of a site's hardware is `PUT /api/edit/sitehardware`, so this is `updateSiteHardware`.
   */
  async bulkUpdateHardware(
    siteId: string | number,
    hardware: Array<Record<string, unknown> & ({ hardwareKey: string } | { hid: number })>,
    options: WriteOptions = {},
  ): Promise<UpdateResult> {
    // The SDK's rows name devices by numeric `hid`; the documented rows by `hardwareKey`.
    const rows = Array.isArray(hardware)
      ? hardware.map((row) => {
          if (!row || typeof row !== "object" || row.hardwareKey !== undefined || row.hid === undefined) return row;
          const { hid, ...rest } = row as Record<string, unknown>;
          if (!Number.isInteger(hid) || (hid as number) <= 0)
            throw new ValidationError(`hid must be a device's whole numeric id, got ${JSON.stringify(hid)}.`, {
              field: "hid",
              vendor: "powertrack",
            });
          return { hardwareKey: `H${hid as number}`, ...rest };
        })
      : hardware;
    return this.client.updateSiteHardware(siteId, rows as Array<Record<string, unknown> & { hardwareKey: string }>, options);
  }
}
