import { AuthenticationError } from "../../core/errors/index.js";
import type { ApplyResult } from "../../model/types.js";
import type { PowerTrackClient } from "../client.js";
import { mapLimit } from "../../core/concurrency.js";
import {
  applyEdit,
  planEdit,
  planRestore,
  skippedResult,
  type BackupEntry,
  type BackupStore,
  type EditRequest,
  type EditDetail,
  type EditResult,
  type EditStatus,
  type PlannedEdit,
} from "../edits.js";

/**
 * Bulk writes as plan → diff → apply:
 *
 * 1. `planBulkEdits` reads every object and lists each change per field (before → after); nothing
 *    is sent. Requests with problems are marked `invalid` (with the reason and CSV row) or
 *    `failed` (the object could not be read); two requests for the same object are refused.
 * 2. `formatPlan` prints the exact diff.
 * 3. `applyBulkPlan` writes the `ready` items (at most `limit` writes sent): each object is read
 *    again and skipped as a `conflict` if a planned field moved since planning, its original is
 *    saved to the backup store, the PUT/POST/DELETE is sent once (never retried), and the object
 *    is read back. Re-running the same plan is safe and resumes it: items already applied
 *    (including triggers the plan created) come back as `alreadyApplied` and do not count
 *    against `limit`.
 * 4. `restoreFromBackups` puts the saved originals back the same way, from any number of runs.
 */
export interface BulkPlan {
  createdAt: string;
  items: PlannedEdit[];
  summary: { total: number; ready: number; unchanged: number; invalid: number; failed: number; fieldChanges: number };
}

export interface PlanOptions {
  /** Objects read at once. Default: the client's concurrency. */
  concurrency?: number;
  onProgress?: (progress: { done: number; total: number; id: string; status: PlannedEdit["status"] }) => void;
  signal?: AbortSignal;
}

function summarise(items: PlannedEdit[]): BulkPlan["summary"] {
  const count = (s: PlannedEdit["status"]) => items.filter((i) => i.status === s).length;
  return {
    total: items.length,
    ready: count("ready"),
    unchanged: count("unchanged"),
    invalid: count("invalid"),
    failed: count("failed"),
    fieldChanges: items.reduce((a, i) => a + (i.status === "ready" ? i.changes.length : 0), 0),
  };
}

export async function planBulkEdits(client: PowerTrackClient, edits: Iterable<EditRequest>, options: PlanOptions = {}): Promise<BulkPlan> {
  const requests = [...edits];
  let done = 0;
  const settled = await mapLimit(
    requests,
    options.concurrency ?? client.concurrency,
    async (request, i) => {
      const item = await planEdit(client, request, { signal: options.signal, seq: i + 1 });
      options.onProgress?.({ done: ++done, total: requests.length, id: item.id, status: item.status });
      return item;
    },
    { signal: options.signal },
  );
  const items: PlannedEdit[] = settled.map((s, i) =>
    s.started && s.ok
      ? s.value
      : {
          id: `${requests[i]!.target}:${requests[i]!.key}`,
          target: requests[i]!.target,
          action: requests[i]!.action ?? "update",
          key: String(requests[i]!.key),
          endpoint: "",
          status: "failed",
          before: null,
          after: null,
          changes: [],
          error: {
            name: "Error",
            message: s.started ? String((s as { error: unknown }).error) : "not planned (aborted)",
            retryable: false,
          },
        },
  );
  const firstById = new Map<string, PlannedEdit>();
  for (const item of items) {
    const first = firstById.get(item.id);
    if (!first) {
      firstById.set(item.id, item);
      continue;
    }
    const where = first.source?.row !== undefined ? `row ${first.source.row}` : "an earlier request";
    item.status = "invalid";
    item.error = {
      name: "ValidationError",
      message: `${item.id} is already changed by ${where}; put both changes in one request.`,
      retryable: false,
    };
  }
  return { createdAt: new Date(client.clock.now()).toISOString(), items, summary: summarise(items) };
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return "(absent)";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The plan as text: one block per object, one line per changed field. */
export function formatPlan(plan: BulkPlan): string {
  const lines: string[] = [];
  for (const item of plan.items) {
    const where = item.source?.row !== undefined ? ` (row ${item.source.row})` : "";
    if (item.status === "ready") {
      lines.push(`${item.endpoint}  ${item.id}${where}: ${item.changes.length} field${item.changes.length === 1 ? "" : "s"}`);
      if (item.action === "delete")
        lines.push(`    - delete trigger ${item.key} (${show((item.before as { name?: unknown } | null)?.name)})`);
      else for (const c of item.changes) lines.push(`    ${c.field}: ${show(c.before)} -> ${show(c.after)}`);
    } else if (item.status === "unchanged") {
      lines.push(`unchanged        ${item.id}${where}: already as requested`);
    } else {
      lines.push(`${item.status.padEnd(16)} ${item.id}${where}: ${item.error?.message ?? ""}`);
    }
  }
  const s = plan.summary;
  lines.push(
    `${s.total} object(s): ${s.ready} to change (${s.fieldChanges} fields), ${s.unchanged} unchanged, ${s.invalid} invalid, ${s.failed} unreadable.`,
  );
  return lines.join("\n");
}

export interface ApplyBulkOptions {
  /** Report what would be written; send nothing. */
  dryRun?: boolean;
  /**
   * Send at most this many writes; the rest are `skipped`. Items that turn out to be already
   * applied, unchanged or in conflict send nothing and do not count, so re-running a plan with
   * the same limit writes the next ones.
   */
  limit?: number;
  /** Where originals are saved before each write. Strongly recommended. */
  backup?: BackupStore;
  /** Read back each object after writing. Default true. */
  verify?: boolean;
  /** Writes in flight at once. Default 1 (one object at a time). */
  concurrency?: number;
  onProgress?: (progress: { done: number; total: number; id: string; status: EditStatus }) => void;
  signal?: AbortSignal;
}

/** The model's `ApplyResult` of a bulk run (`device` is "portfolio": the items name their objects), with bulk counts. */
export interface BulkApplyReport extends ApplyResult<EditDetail> {
  startedAt: string;
  finishedAt: string;
  results: EditResult[];
  counts: Partial<Record<EditStatus, number>>;
  /** Backup references, in write order. */
  backups: string[];
  /** True when every ready item ended applied or alreadyApplied (an object already as planned counts as done). */
  ok: boolean;
  aborted?: string;
}

export async function applyBulkPlan(client: PowerTrackClient, plan: BulkPlan, options: ApplyBulkOptions = {}): Promise<BulkApplyReport> {
  const started = client.clock.now();
  const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Infinity;
  // Writes sent (or, in a dry run, that would be), counted at the moment of sending.
  let admitted = 0;
  let aborted: string | undefined;
  let done = 0;
  const results: EditResult[] = new Array(plan.items.length);
  const skip = skippedResult;
  const settled = await mapLimit(
    plan.items,
    options.concurrency ?? 1,
    async (item, i) => {
      let result: EditResult;
      const limitReached = `limit of ${options.limit} reached`;
      if (aborted) result = skip(item, aborted);
      else if (item.status === "ready" && admitted >= limit) result = skip(item, limitReached);
      else {
        let mine = false;
        const admit = () => {
          if (admitted >= limit) return false;
          admitted++;
          mine = true;
          return true;
        };
        result = await applyEdit(client, item, {
          dryRun: options.dryRun,
          verify: options.verify,
          backup: options.backup,
          signal: options.signal,
          now: () => client.clock.now(),
          admit,
        });
        // A write refused before it left (nothing sent) gives its slot back.
        if (mine && result.sent === false && result.status !== "dryRun") admitted--;
        if (result.status === "skipped") result = skip(item, limitReached);
        if (result.detail.errorInfo?.name === AuthenticationError.name && !aborted)
          aborted = `authentication failed at ${item.id}: ${result.detail.errorInfo.message}`;
      }
      results[i] = result;
      options.onProgress?.({ done: ++done, total: plan.items.length, id: item.id, status: result.status });
      return result;
    },
    { signal: options.signal },
  );
  settled.forEach((s, i) => {
    if (!s.started) results[i] = skip(plan.items[i]!, aborted ?? "aborted by the caller");
  });
  if (!aborted && options.signal?.aborted) aborted = "aborted by the caller";
  const counts: Partial<Record<EditStatus, number>> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return {
    vendor: "powertrack",
    device: "portfolio",
    appliedAt: new Date(started),
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(client.clock.now()).toISOString(),
    dryRun: options.dryRun === true,
    results,
    counts,
    backups: results.map((r) => r.backup).filter((b): b is string => !!b),
    ok:
      !options.dryRun &&
      results.every((r, i) => plan.items[i]!.status !== "ready" || r.status === "applied" || r.status === "alreadyApplied"),
    ...(aborted ? { aborted } : {}),
  };
}

/** The per-item results as text. */
export function formatApplyReport(report: BulkApplyReport): string {
  const lines = report.results.map((r) => {
    const extra = r.error
      ? `: ${r.error}`
      : r.reason
        ? `: ${r.reason}`
        : r.mismatches.length
          ? `: did not take ${r.mismatches.map((m) => m.field).join(", ")}`
          : "";
    return `${r.status.padEnd(15)} ${r.id}${extra}`;
  });
  lines.push(
    `${report.dryRun ? "dry run: " : ""}${Object.entries(report.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ")}${report.aborted ? ` (stopped: ${report.aborted})` : ""}`,
  );
  return lines.join("\n");
}

/**
 * Plan and (only with `apply: true`) apply in one call: dry-run is the default, as in the CLI.
 */
export async function bulkEdit(
  client: PowerTrackClient,
  edits: Iterable<EditRequest>,
  options: PlanOptions & Omit<ApplyBulkOptions, "dryRun"> & { apply?: boolean } = {},
): Promise<{ plan: BulkPlan; report: BulkApplyReport }> {
  const plan = await planBulkEdits(client, edits, options);
  const report = await applyBulkPlan(client, plan, { ...options, dryRun: options.apply !== true });
  return { plan, report };
}

/**
 * Plans putting saved originals back (see `planRestore`), as a BulkPlan for `formatPlan` /
 * `applyBulkPlan`. Entries of several runs may be mixed: each object gets one restore that
 * takes every field back to its oldest saved value.
 */
export async function planRestoreFromBackups(
  client: PowerTrackClient,
  entries: readonly BackupEntry[],
  options: { signal?: AbortSignal } = {},
): Promise<BulkPlan> {
  const items = await planRestore(client, entries, options);
  return { createdAt: new Date(client.clock.now()).toISOString(), items, summary: summarise(items) };
}

export async function restoreFromBackups(
  client: PowerTrackClient,
  entries: readonly BackupEntry[],
  options: Omit<ApplyBulkOptions, "limit"> = {},
): Promise<{ plan: BulkPlan; report: BulkApplyReport }> {
  const plan = await planRestoreFromBackups(client, entries, options);
  const report = await applyBulkPlan(client, plan, options);
  return { plan, report };
}
