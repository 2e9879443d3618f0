import { ValidationError } from "../core/errors/index.js";
import { mayHaveBeenSent, summarizeError, type ErrorSummary } from "./edits.js";

/**
 * Creates that add to a library rather than edit an object: a PVsyst module definition
 * (`POST /api/edit/pvsystmodule`, the SDK's `upload_pan_data`) and a report configuration
 * (`POST /api/reportconfig`, the SDK's `create_report_config`). Both answer `{}`, so what the
 * server made is found by reading its listing afterwards. Validation happens before anything is
 * sent; a create is sent at most once.
 */

/** A PVsyst module as PowerTrack stores it. Units: A, V, Ω, cm², %/°C. */
export interface PvsystModule {
  manufacturer: string;
  model: string;
  /** PowerTrack's cell technology code; 0 for monocrystalline silicon (the documented example). */
  cellType: number;
  cellsSeries: number;
  cellsParallel: number;
  /** One cell's area in cm². */
  cellArea: number;
  /** Short-circuit current, A. */
  isc: number;
  /** Open-circuit voltage, V. */
  voc: number;
  /** Current at maximum power, A. */
  impp: number;
  /** Voltage at maximum power, V. */
  vmpp: number;
  /** Temperature coefficient of Isc, %/°C (PVsyst files give mA/°C: see `parsePanFile`). */
  muIsc: number;
  /** Shunt resistance at reference irradiance, Ω. */
  rShunt: number;
  /** Series resistance, Ω. */
  rSeries: number;
  /** Shunt resistance at zero irradiance, Ω (PVsyst `Rp_0`). */
  rShuntGinc: number;
  /** Exponent of the shunt resistance's irradiance dependence (PVsyst `Rp_Exp`). */
  rShuntExp: number;
  /** Temperature coefficient of maximum power, %/°C. */
  muPMax: number;
}

const MODULE_NUMBERS = [
  "cellType",
  "cellsSeries",
  "cellsParallel",
  "cellArea",
  "isc",
  "voc",
  "impp",
  "vmpp",
  "muIsc",
  "rShunt",
  "rSeries",
  "rShuntGinc",
  "rShuntExp",
  "muPMax",
] as const;
const MODULE_FIELDS: readonly string[] = ["key", "manufacturer", "model", ...MODULE_NUMBERS];

/** The listing name PowerTrack gives a module: "Manufacturer, Model" (see `getPvsystModules`). */
export function pvsystModuleName(module: Pick<PvsystModule, "manufacturer" | "model">): string {
  return `${module.manufacturer}, ${module.model}`;
}

function fail(message: string, field: string): never {
  throw new ValidationError(message, { field, vendor: "powertrack" });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "" || value.length > 200)
    fail(`${field} must be a non-empty text of at most 200 characters, got ${JSON.stringify(value)}.`, field);
  return value.trim();
}

/**
 * Checks a module before it is sent: every member present and in a physical range, Impp < Isc,
 * Vmpp < Voc, whole cell counts. A member PowerTrack does not know is refused (usually a typo)
 * unless `allowNewFields`. Returns the body to POST (`key: ""` asks for a new module).
 */
export function validatePvsystModule(input: unknown, options: { allowNewFields?: boolean } = {}): PvsystModule & { key: "" } {
  if (!isRecord(input)) fail("module must be an object with the PVsyst module members (manufacturer, model, isc, voc, …).", "module");
  if (input.key !== undefined && input.key !== "")
    fail(`module.key must be empty: this uploads a new module (got ${JSON.stringify(input.key)}).`, "module.key");
  if (!options.allowNewFields) {
    const unknown = Object.keys(input).filter((k) => !MODULE_FIELDS.includes(k));
    if (unknown.length > 0)
      fail(
        `module has members PowerTrack does not know: ${unknown.join(", ")}. Check the spelling, or pass allowNewFields.`,
        `module.${unknown[0]}`,
      );
  }
  const out: Record<string, unknown> = {
    ...input,
    key: "",
    manufacturer: text(input.manufacturer, "module.manufacturer"),
    model: text(input.model, "module.model"),
  };
  for (const name of MODULE_NUMBERS) {
    const value = input[name];
    if (typeof value !== "number" || !Number.isFinite(value))
      fail(`module.${name} must be a finite number, got ${JSON.stringify(value)}.`, `module.${name}`);
  }
  const m = out as unknown as PvsystModule;
  const range = (name: keyof PvsystModule, ok: boolean, what: string) =>
    ok || fail(`module.${name} must be ${what}, got ${JSON.stringify(m[name])}.`, `module.${name}`);
  range("cellType", Number.isInteger(m.cellType) && m.cellType >= 0, "a whole number >= 0");
  range("cellsSeries", Number.isInteger(m.cellsSeries) && m.cellsSeries >= 1 && m.cellsSeries <= 500, "a whole number of cells, 1..500");
  range(
    "cellsParallel",
    Number.isInteger(m.cellsParallel) && m.cellsParallel >= 1 && m.cellsParallel <= 20,
    "a whole number of strings, 1..20",
  );
  range("cellArea", m.cellArea > 0 && m.cellArea < 2000, "a cell area in cm², above 0 and below 2000");
  range("isc", m.isc > 0 && m.isc < 100, "a current in A, above 0 and below 100");
  range("voc", m.voc > 0 && m.voc < 1500, "a voltage in V, above 0 and below 1500");
  range("impp", m.impp > 0 && m.impp < m.isc, "a current in A, above 0 and below isc");
  range("vmpp", m.vmpp > 0 && m.vmpp < m.voc, "a voltage in V, above 0 and below voc");
  range("muIsc", Math.abs(m.muIsc) < 1, "in %/°C (typically 0.03..0.06); a value in mA/°C must be divided by isc × 10");
  range("muPMax", m.muPMax > -2 && m.muPMax < 0.5, "in %/°C (typically -0.5..-0.25)");
  range("rShunt", m.rShunt > 0, "a resistance in Ω above 0");
  range("rSeries", m.rSeries >= 0, "a resistance in Ω, 0 or more");
  range("rShuntGinc", m.rShuntGinc > 0, "a resistance in Ω above 0");
  range("rShuntExp", m.rShuntExp > 0, "above 0 (typically 5.5)");
  return out as unknown as PvsystModule & { key: "" };
}

/** PVsyst `Technol` values whose PowerTrack `cellType` is known (from the documented example). */
const CELL_TYPES: Readonly<Record<string, number>> = { mtSiMono: 0 };

/**
 * Reads a PVsyst module file (.PAN, the text `Key=Value` format) into the members PowerTrack
 * stores. Conversions: `muISC` (mA/°C) becomes %/°C of Isc (PowerTrack's documented example,
 * 0.0395787944807… for Isc 13.77 A, is exactly 5.45 mA/°C so converted); `Rp_0` → `rShuntGinc`,
 * `Rp_Exp` → `rShuntExp`, `muPmpReq` → `muPMax`, `CellArea` (cm²) → `cellArea`. Only
 * monocrystalline silicon has a known `cellType` (0); for another technology pass `cellType`.
 * Binary (encrypted) PAN files are refused.
 */
export function parsePanFile(content: string, options: { cellType?: number } = {}): PvsystModule {
  const values = new Map<string, string>();
  for (const raw of content.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    const line = raw.trim();
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    // The first occurrence wins: nested blocks (IAM profiles, …) repeat generic names later.
    if (!values.has(key)) values.set(key, line.slice(eq + 1).trim());
  }
  if (!values.has("PVObject_") && !values.has("Isc")) {
    fail(
      "This is not a PVsyst module file in text form (no PVObject_ or Isc line). Export it from PVsyst as text, or give the module members as JSON.",
      "pan",
    );
  }
  const number = (key: string): number => {
    const value = values.get(key);
    const n = value === undefined ? NaN : Number(value);
    if (!Number.isFinite(n)) fail(`The PAN file has no numeric ${key} (got ${JSON.stringify(value ?? null)}).`, `pan.${key}`);
    return n;
  };
  const technology = values.get("Technol");
  const cellType = options.cellType ?? (technology !== undefined ? CELL_TYPES[technology] : undefined);
  if (cellType === undefined) {
    fail(
      `PowerTrack's cell type code for PVsyst technology ${JSON.stringify(technology ?? null)} is not known; pass cellType explicitly (0 is monocrystalline silicon).`,
      "cellType",
    );
  }
  const isc = number("Isc");
  return {
    manufacturer: values.get("Manufacturer") ?? "",
    model: values.get("Model") ?? "",
    cellType,
    cellsSeries: number("NCelS"),
    cellsParallel: number("NCelP"),
    cellArea: number("CellArea"),
    isc,
    voc: number("Voc"),
    impp: number("Imp"),
    vmpp: number("Vmp"),
    muIsc: number("muISC") / (isc * 10),
    rShunt: number("RShunt"),
    rSeries: number("RSerie"),
    rShuntGinc: number("Rp_0"),
    rShuntExp: number("Rp_Exp"),
    muPMax: number("muPmpReq"),
  };
}

const NODE_KEY = /^[A-Z]{1,2}\d{1,12}$/;

/** The body of `POST /api/reportconfig`: the checked members, and the rest as given. */
export type ReportConfigRequest = Record<string, unknown> & {
  key: "";
  reportTitle: string;
  parentKey: string;
  sourceItems: Array<{ key: string; indexMap: number }>;
};

/**
 * Checks a report configuration before `POST /api/reportconfig`: a title, a parent folder key
 * (`D…`), source items each with a node key and a whole `indexMap`. The rest of the (large,
 * report-type specific) object is sent as given; `key: ""` and `lastChanged: null` ask for a new
 * configuration. Editing an existing configuration is not a documented call and is refused.
 */
export function validateReportConfig(input: unknown): ReportConfigRequest {
  if (!isRecord(input)) fail("config must be an object (reportTitle, parentKey, sourceItems, queryItems, …).", "config");
  if (input.key !== undefined && input.key !== "")
    fail(
      `config.key must be empty: this creates a configuration (editing ${JSON.stringify(input.key)} is not a documented call).`,
      "config.key",
    );
  const reportTitle = text(input.reportTitle, "config.reportTitle");
  if (typeof input.parentKey !== "string" || !NODE_KEY.test(input.parentKey))
    fail(
      `config.parentKey must be the key of the folder that holds the report, e.g. "D97742", got ${JSON.stringify(input.parentKey)}.`,
      "config.parentKey",
    );
  if (!Array.isArray(input.sourceItems) || input.sourceItems.length === 0)
    fail('config.sourceItems must list at least one source, e.g. [{ key: "C8458", indexMap: 0 }].', "config.sourceItems");
  input.sourceItems.forEach((item: unknown, i) => {
    if (!isRecord(item) || typeof item.key !== "string" || !NODE_KEY.test(item.key))
      fail(
        `config.sourceItems[${i}].key must be a customer, site or hardware key, got ${JSON.stringify(isRecord(item) ? item.key : item)}.`,
        `config.sourceItems[${i}].key`,
      );
    if (!Number.isInteger(item.indexMap) || (item.indexMap as number) < 0)
      fail(
        `config.sourceItems[${i}].indexMap must be a whole number >= 0, got ${JSON.stringify(item.indexMap)}.`,
        `config.sourceItems[${i}].indexMap`,
      );
  });
  if (input.queryItems !== undefined && !Array.isArray(input.queryItems)) fail("config.queryItems must be a list.", "config.queryItems");
  return { ...input, key: "", lastChanged: input.lastChanged ?? null, reportTitle } as unknown as ReportConfigRequest;
}

/** What a library create did. */
export interface CreateResult<Request> {
  /**
   * applied: sent, and found in the listing afterwards (or not verified: `taken` null);
   * notTaken: sent and answered, but the listing does not show it; alreadyApplied: the listing
   * already had it before (nothing sent); dryRun; failed: see `sent` and `error`.
   */
  status: "applied" | "notTaken" | "alreadyApplied" | "dryRun" | "failed";
  /** Whether the POST went out (for failures: whether it may have reached the server). Never resend a sent create blindly. */
  sent: boolean;
  /** Found in the listing afterwards: true, false, or null when not checked or not checkable. */
  taken: boolean | null;
  /** The body that was (or would be) posted. */
  request: Request;
  response?: unknown;
  /** The id or key the listing shows for it (module id, report config key), when found. */
  createdKey?: string | number;
  reason?: string;
  error?: ErrorSummary;
}

/** How a create finds what it made: a listing to search, read before (duplicates) and after. */
export interface CreateListing {
  /** Reads the listing: the item found (with its id or key when the listing shows one), null when absent, undefined when the listing cannot tell. */
  find: (signal?: AbortSignal) => Promise<{ key?: string | number } | null | undefined>;
  /** What the listing is, for messages. */
  what: string;
}

/**
 * Sends one create: looks for a duplicate first (when a listing is given and duplicates are not
 * allowed), posts once, then reads the listing back. Errors before sending throw; once the POST
 * may have left, a result comes back (`failed`, `sent: true`) instead.
 */
export async function sendCreate<Request>(
  request: Request,
  post: (signal?: AbortSignal) => Promise<unknown>,
  options: { listing?: CreateListing; dryRun?: boolean; verify?: boolean; allowDuplicate?: boolean; signal?: AbortSignal },
): Promise<CreateResult<Request>> {
  const { listing, verify = true } = options;
  if (listing && !options.allowDuplicate) {
    const existing = await listing.find(options.signal);
    if (existing !== null && existing !== undefined) {
      return {
        status: "alreadyApplied",
        sent: false,
        taken: true,
        request,
        ...keyOf(existing),
        reason: `${listing.what} already has it; nothing sent (pass allowDuplicate to add another)`,
      };
    }
  }
  if (options.dryRun) return { status: "dryRun", sent: false, taken: null, request };
  let response: unknown;
  try {
    response = await post(options.signal);
  } catch (error) {
    if (!mayHaveBeenSent(error)) throw error;
    return {
      status: "failed",
      sent: true,
      taken: null,
      request,
      error: summarizeError(error),
      reason: "the request may have reached the server; check the listing before sending again",
    };
  }
  if (!listing || !verify) return { status: "applied", sent: true, taken: null, request, response };
  try {
    const found = await listing.find(options.signal);
    if (found === undefined)
      return {
        status: "applied",
        sent: true,
        taken: null,
        request,
        response,
        reason: `${listing.what} does not show names, so the create could not be checked`,
      };
    if (found === null)
      return {
        status: "notTaken",
        sent: true,
        taken: false,
        request,
        response,
        reason: `sent and answered, but ${listing.what} does not show it`,
      };
    return { status: "applied", sent: true, taken: true, request, response, ...keyOf(found) };
  } catch (error) {
    return {
      status: "failed",
      sent: true,
      taken: null,
      request,
      response,
      error: summarizeError(error),
      reason: "sent and answered, but reading the listing back failed; check it before sending again",
    };
  }
}

function keyOf(found: { key?: string | number }): { createdKey?: string | number } {
  return found.key === undefined ? {} : { createdKey: found.key };
}
