import { OpenPowerError } from "../../core/errors/index.js";
import { writeStatus } from "../../model/helpers.js";
import type { FieldChange, WriteResult } from "../../model/types.js";

// The edit engine's vocabulary: requests, plans, results (the model's WriteResult with an edit's detail), backups.

export type EditTarget = "site" | "hardware" | "siteHardware" | "modeling" | "alertTrigger";
export type EditAction = "update" | "create" | "delete";

/** Options of the low-level calls the engine makes (implemented by `PowerTrackClient`). */
export interface CallOptions {
  query?: Record<string, string | number | boolean | null | undefined>;
  referer?: string;
  operation?: string;
  signal?: AbortSignal;
  /** Marks a POST that only reads (chart, node, audit log) as safe to retry. */
  idempotent?: boolean;
  accept?: string;
}

export interface RawClient {
  getJson(path: string, options?: CallOptions): Promise<unknown>;
  putJson(path: string, body: unknown, options?: CallOptions): Promise<unknown>;
  postJson(path: string, body: unknown, options?: CallOptions): Promise<unknown>;
  deleteJson(path: string, options?: CallOptions): Promise<unknown>;
  referer(key: string, section: string): string;
}

/** One requested change. Either nested `changes` (merged by key) or `fields` (dotted paths), or both. */
export interface EditRequest {
  target: EditTarget;
  /** Site key (site, siteHardware), hardware key (hardware), either (modeling), trigger key (alertTrigger update/delete). */
  key: string;
  /** alertTrigger only: the hardware the trigger belongs to. */
  hardwareKey?: string;
  /** Default "update"; "create" and "delete" exist for alert triggers only. */
  action?: EditAction;
  /** Merged into the current object (see `mergeByKey`); for "create", the new trigger's members. */
  changes?: Record<string, unknown>;
  /** Path → value, e.g. `{ "location.latitude": 42.1, "settings[name=dev:rate].value": "60" }`. */
  fields?: Record<string, unknown>;
  /** `fields` hold text (from CSV) to be typed by each field's current value. */
  coerce?: boolean;
  allowNewFields?: boolean;
  allowTypeChange?: boolean;
  /** Where the request came from, for messages (CSV row numbers). */
  source?: { row?: number; file?: string };
}

export interface ErrorSummary {
  name: string;
  message: string;
  status?: number;
  code?: string | number;
  field?: string;
  retryable: boolean;
}

/** The serialisable part of an error (plans and reports are saved as JSON). */
export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof OpenPowerError) {
    const out: ErrorSummary = { name: error.name, message: error.message, retryable: error.retryable };
    if (error.status !== undefined) out.status = error.status;
    if (error.code !== undefined) out.code = error.code;
    const field = (error as { field?: unknown }).field;
    if (typeof field === "string") out.field = field;
    return out;
  }
  if (error instanceof Error) return { name: error.name, message: error.message, retryable: false };
  return { name: "Error", message: String(error), retryable: false };
}

export interface PlannedEdit {
  /** Stable id: `<target>:<key>` (`alertTrigger:<H>:<T>`; creates are numbered). */
  id: string;
  target: EditTarget;
  action: EditAction;
  key: string;
  hardwareKey?: string;
  /** The write that applying sends, e.g. "PUT /api/edit/hardware". */
  endpoint: string;
  /** ready: will be written; unchanged: already as requested; invalid: the request is wrong; failed: could not read the object. */
  status: "ready" | "unchanged" | "invalid" | "failed";
  /** The whole object as read while planning (null for creates and failures). */
  before: Record<string, unknown> | null;
  /** The whole object that would be sent (null for deletes and failures). */
  after: Record<string, unknown> | null;
  /**
   * Every field that differs. Paths name list items by their identity where the list has one
   * (`hardware[hardwareKey=H1].description`, `settings[index=3].value`), else by position.
   */
  changes: FieldChange[];
  /**
   * Creates only: the keys of the device's triggers when the plan was made. Applying the plan
   * again finds the trigger it created among the others and reports `alreadyApplied`.
   */
  existingKeys?: string[];
  error?: ErrorSummary;
  source?: EditRequest["source"];
}

/**
 * One word for an edit's outcome. For a write that went out it is derived from `sent`/`taken`
 * (the model's `writeStatus`), so it never disagrees with them: applied = taken (or sent and not
 * verified), notTaken = read back different, failed = the outcome is unknown or the server refused.
 * When nothing was sent, it says why: alreadyApplied (the object already had the planned values,
 * or the planned trigger was created by an earlier run, which makes re-running a plan safe),
 * conflict (a planned field changed since planning), dryRun, unchanged/invalid (from the plan),
 * skipped (limit, abort, earlier auth failure), failed (refused before sending).
 */
export type EditStatus = "applied" | "notTaken" | "alreadyApplied" | "conflict" | "failed" | "dryRun" | "unchanged" | "invalid" | "skipped";

/** Why an edit sent nothing. */
export type EditNotSent = Exclude<EditStatus, "applied" | "notTaken">;

/** What a PowerTrack edit says beyond the model's `WriteResult` (its `detail`). */
export interface EditDetail {
  id: string;
  target: EditTarget;
  action: EditAction;
  key: string;
  hardwareKey?: string;
  endpoint: string;
  /** Why nothing was sent, when `sent` is false. */
  notSent?: EditNotSent;
  /** Where the original was saved. */
  backup?: string;
  /** What the server answered. */
  response?: unknown;
  /** The key the server gave a created trigger. */
  createdKey?: string;
  /** Why, in words (a conflict's moved fields, a lost answer the read-back settled). */
  reason?: string;
  /** The failure as data (its class, HTTP status, vendor code, field). */
  errorInfo?: ErrorSummary;
}

/**
 * The outcome of one edit in the model's write vocabulary (`sent: true | false | null`, `taken`,
 * `readBack`, `mismatches` = planned value vs read back, `error`, `errorCode`), with the edit's own
 * facts in `detail`. `status` is derived (see `editStatus`), never set on its own. The flat `id`,
 * `endpoint`, `changes`, `backup`, `createdKey` and `reason` repeat `detail`/`write` for callers of
 * the earlier shape. Never resend a write whose `sent` is not false.
 */
export interface EditResult extends WriteResult<EditDetail> {
  detail: EditDetail;
  mismatches: FieldChange[];
  status: EditStatus;
  /** @deprecated Use `detail.id`. */
  id: string;
  /** @deprecated Use `detail.endpoint` (or `write.target`). */
  endpoint: string;
  /** @deprecated Use `write.changes`. */
  changes: FieldChange[];
  /** @deprecated Use `detail.backup`. */
  backup?: string;
  /** @deprecated Use `detail.createdKey`. */
  createdKey?: string;
  /** @deprecated Use `detail.reason`. */
  reason?: string;
}

/** The status of an edit, from `sent`/`taken` (the model's `writeStatus`) and, when nothing was sent, why. */
export function editStatus(result: Pick<WriteResult, "sent" | "taken" | "error"> & { detail: Pick<EditDetail, "notSent"> }): EditStatus {
  if (result.sent === false) return result.detail.notSent ?? "failed";
  switch (writeStatus(result)) {
    case "taken":
      return "applied";
    case "not-taken":
      return "notTaken";
    case "sent":
      return result.error === undefined ? "applied" : "failed";
    default:
      return "failed";
  }
}

/** A saved original, written before its write is sent (for creates, right after the POST, once the new key is known). */
export interface BackupEntry {
  id: string;
  target: EditTarget;
  action: EditAction;
  key: string;
  hardwareKey?: string;
  endpoint: string;
  /** ISO time the backup was taken. */
  takenAt: string;
  /** The whole object before the write (null for creates). */
  original: Record<string, unknown> | null;
  /** The fields the write changes. */
  fields: string[];
  /** Creates only: the key of the created trigger (a restore deletes it). */
  createdKey?: string;
}

export interface BackupStore {
  /** Saves an entry and returns a reference (a file path, an index). Called before the write is sent (creates: after, with the new key). */
  save(entry: BackupEntry): Promise<string>;
}

export interface ApplyEditOptions {
  dryRun?: boolean;
  /** Read back after writing. Default true. */
  verify?: boolean;
  backup?: BackupStore;
  signal?: AbortSignal;
  /** The clock's time for backups. */
  now?: () => number;
  /**
   * Asked right before a write would be sent (or reported as `dryRun`); returning false reports
   * the item as `skipped` instead. `applyBulkPlan` uses it so that `limit` counts writes actually
   * sent, not items that turn out to be already applied or in conflict.
   */
  admit?: () => boolean;
}
