import { ValidationError } from "../../core/errors/index.js";
import {
  parsePanFile,
  pvsystModuleName,
  sendCreate,
  validatePvsystModule,
  type CreateListing,
  type CreateResult,
  type PvsystModule,
} from "../library-writes.js";
import { parseHardwareKey, parseSiteKey, parseSiteOrHardwareKey } from "../keys.js";
import { toModelingData, type ModelingData } from "../models/modeling.js";
import { PowerTrackResource } from "./resource.js";
import { LAST_CHANGED, lookup } from "./shared.js";

/** PV modeling and the module library (PVsyst modules, PAN uploads). */
export class Modeling extends PowerTrackResource {
  /** `GET /api/edit/modeling/{S|H}`: the PV model of a site, or of one inverter. */
  async getModelingData(key: string, options: { signal?: AbortSignal } = {}): Promise<ModelingData> {
    const k = parseSiteOrHardwareKey(key, "siteId");
    return toModelingData(
      await this.client.readJson(`/api/edit/modeling/${k}`, "getModelingData", {
        referer: this.client.referer(k, "administration/modeling"),
        signal: options.signal,
      }),
    );
  }

  /** `GET /api/view/pvcurvemodels/{efficiencycurvemodels|incidenceanglemodels}`: `{name, value}` lookups. */
  async getPvModelCurves(
    modelType: "efficiencycurvemodels" | "incidenceanglemodels" = "efficiencycurvemodels",
    options: { signal?: AbortSignal } = {},
  ) {
    if (modelType !== "efficiencycurvemodels" && modelType !== "incidenceanglemodels") {
      throw new ValidationError(`modelType must be "efficiencycurvemodels" or "incidenceanglemodels", got ${JSON.stringify(modelType)}.`, {
        field: "modelType",
        vendor: "powertrack",
      });
    }
    return lookup(
      await this.client.readJson(`/api/view/pvcurvemodels/${modelType}`, "getPvModelCurves", {
        query: LAST_CHANGED,
        signal: options.signal,
      }),
      "getPvModelCurves",
    );
  }

  /** `GET /api/view/pvsystmodules/{H|S}`: PVsyst module lookups (`{name: "Maker, Model", value: id}`). */
  async getPvsystModules(scope: { hardwareId?: string | number; siteId?: string | number }, options: { signal?: AbortSignal } = {}) {
    if ((scope.hardwareId === undefined) === (scope.siteId === undefined))
      throw new ValidationError("getPvsystModules needs exactly one of hardwareId or siteId.", { field: "scope", vendor: "powertrack" });
    const key = scope.hardwareId !== undefined ? parseHardwareKey(scope.hardwareId) : parseSiteKey(scope.siteId);
    return lookup(
      await this.client.readJson(`/api/view/pvsystmodules/${key}`, "getPvsystModules", { query: LAST_CHANGED, signal: options.signal }),
      "getPvsystModules",
    );
  }

  /**
   * The SDK's `upload_pan_data`: adds a PVsyst module definition to the module library
   * (`POST /api/edit/pvsystmodule`, answer `{}`; the SDK's `/api/pan/upload` is not a documented
   * call). `module` is the members object, or the text of a PVsyst .PAN file (see
   * `parsePanFile`). With `verifyKey` (a site or inverter key whose module list to read), a module
   * of the same "Manufacturer, Model" already there is reported as `alreadyApplied` (nothing sent)
   * and after sending the list is read back for the new module's id (`createdKey`). Never retried.
   */
  async uploadPanData(
    module: PvsystModule | string,
    options: {
      verifyKey?: string;
      cellType?: number;
      allowNewFields?: boolean;
      allowDuplicate?: boolean;
      dryRun?: boolean;
      verify?: boolean;
      signal?: AbortSignal;
    } = {},
  ): Promise<CreateResult<PvsystModule & { key: "" }>> {
    const request = validatePvsystModule(typeof module === "string" ? parsePanFile(module, { cellType: options.cellType }) : module, {
      allowNewFields: options.allowNewFields,
    });
    const verifyKey = options.verifyKey === undefined ? undefined : parseSiteOrHardwareKey(options.verifyKey, "verifyKey");
    const name = pvsystModuleName(request);
    const listing: CreateListing | undefined = verifyKey && {
      what: `the PVsyst module list of ${verifyKey}`,
      find: async (signal) => {
        const modules = await this.client.getPvsystModules(verifyKey.startsWith("H") ? { hardwareId: verifyKey } : { siteId: verifyKey }, {
          signal,
        });
        const found = modules.find((m) => m.name === name);
        return found ? { key: found.value } : null;
      },
    };
    const referer = verifyKey ? this.client.referer(verifyKey, "administration/modeling") : this.client.appReferer;
    return sendCreate(
      request,
      (signal) => this.client.postJson("/api/edit/pvsystmodule", request, { operation: "uploadPanData", referer, signal }),
      { ...options, listing },
    );
  }
}
