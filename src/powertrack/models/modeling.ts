import { parseWith } from "../../core/validation.js";
import { keyKind } from "../keys.js";
import { parseTimestamp } from "../values.js";
import { modelingBody, type ModelingBody } from "../wire/modeling.js";

/**
 * `GET /api/edit/modeling/{S|H}`: the PV model of a site, or of one inverter (H key). Capacities
 * in kW (`inverterKw`, `totalCapacityKw`), `dcRating` in kW DC, derates as fractions, angles in
 * degrees, `degrade` in percent per year.
 */
export interface ModelingData {
  key: string;
  /** The site key when the model is a site's; null for per-inverter modeling. */
  siteId: string | null;
  /** The inverter key for per-inverter modeling. */
  hardwareKey: string | null;
  pvConfig: ModelingBody["pvConfig"];
  inverters: NonNullable<ModelingBody["pvConfig"]>["inverters"];
  selectedHardware: ModelingBody["selectedHardware"];
  dcRating: number | null;
  latitude: number | null;
  longitude: number | null;
  /** Sum of `inverterKw`, kW. */
  totalCapacityKw: number;
  ts: string | null;
  lastChanged: Date | null;
  rawData: Record<string, unknown>;
}

export function toModelingData(body: unknown, operation = "getModelingData"): ModelingData {
  const w = parseWith(modelingBody, body, { vendor: "powertrack", operation });
  const inverters = w.pvConfig?.inverters ?? [];
  return {
    key: w.key,
    siteId: keyKind(w.key) === "site" ? w.key : null,
    hardwareKey: keyKind(w.key) === "hardware" ? w.key : null,
    pvConfig: w.pvConfig,
    inverters,
    selectedHardware: w.selectedHardware,
    dcRating: w.dcRating,
    latitude: w.latitude,
    longitude: w.longitude,
    totalCapacityKw: inverters.reduce((a, i) => a + (i.inverterKw ?? 0), 0),
    ts: w.ts,
    lastChanged: parseTimestamp(w.ts),
    rawData: body as Record<string, unknown>,
  };
}
