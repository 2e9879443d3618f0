import { ConnectionError, OpenPowerError, RateLimitError, TimeoutError, ValidationError } from "../../core/errors/index.js";
import type { FieldChange } from "../../model/types.js";
import { getPath, jsonEqual } from "../paths.js";
import {
  summarizeError,
  editStatus,
  type ErrorSummary,
  type PlannedEdit,
  type EditNotSent,
  type EditDetail,
  type EditResult,
} from "./types.js";

// Making an edit's result: the status derived from sent/taken, never set on its own.

// ---------------------------------------------------------------------------------------------
// Applying

/** What happened to one edit, before it becomes an `EditResult`. */
export interface Outcome {
  sent?: boolean | null;
  taken?: boolean | null;
  readBack?: unknown;
  mismatches?: FieldChange[];
  /** The typed error (or its summary) when the edit failed. */
  error?: unknown;
  notSent?: EditNotSent;
  backup?: string;
  response?: unknown;
  createdKey?: string;
  reason?: string;
}

export function isSummary(value: unknown): value is ErrorSummary {
  return !(value instanceof Error) && typeof value === "object" && value !== null && "retryable" in value && "message" in value;
}

/** The one place an `EditResult` is made: its status is derived here, from what happened. */
export function resultOf(plan: PlannedEdit, outcome: Outcome): EditResult {
  const sent = outcome.sent === undefined ? false : outcome.sent;
  const taken = outcome.taken ?? null;
  const info = outcome.error === undefined ? undefined : isSummary(outcome.error) ? outcome.error : summarizeError(outcome.error);
  const detail: EditDetail = {
    id: plan.id,
    target: plan.target,
    action: plan.action,
    key: plan.key,
    ...(plan.hardwareKey ? { hardwareKey: plan.hardwareKey } : {}),
    endpoint: plan.endpoint,
    ...(sent === false ? { notSent: outcome.notSent ?? "failed" } : {}),
    ...(outcome.backup !== undefined ? { backup: outcome.backup } : {}),
    ...(outcome.response !== undefined ? { response: outcome.response } : {}),
    ...(outcome.createdKey !== undefined ? { createdKey: outcome.createdKey } : {}),
    ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
    ...(info ? { errorInfo: info } : {}),
  };
  const base = {
    write: {
      target: plan.endpoint,
      description: `${plan.action} ${plan.id}`,
      before: plan.before,
      after: plan.after,
      changes: plan.changes,
      constraints: [],
      payload: plan.after,
    },
    sent,
    taken,
    ...(outcome.readBack !== undefined ? { readBack: outcome.readBack } : {}),
    mismatches: outcome.mismatches ?? [],
    ...(info ? { error: info.message, errorCode: info.code !== undefined ? `${info.name}:${String(info.code)}` : info.name } : {}),
    detail,
  };
  return {
    ...base,
    status: editStatus(base),
    id: plan.id,
    endpoint: plan.endpoint,
    changes: plan.changes,
    ...(detail.backup !== undefined ? { backup: detail.backup } : {}),
    ...(detail.createdKey !== undefined ? { createdKey: detail.createdKey } : {}),
    ...(detail.reason !== undefined ? { reason: detail.reason } : {}),
  };
}

/** A result for an item not attempted (bulk limit, abort). */
export function skippedResult(plan: PlannedEdit, reason: string): EditResult {
  return resultOf(plan, { notSent: "skipped", reason });
}

/**
 * Whether a write that failed reached the server: true when the server answered (with an error),
 * false when it provably never left, null when it may have (the connection broke, a time-out).
 */
export function sentAfter(error: unknown): boolean | null {
  if (error instanceof ValidationError) return false;
  if (error instanceof ConnectionError) return error.sent ? null : false;
  if (error instanceof TimeoutError) return null;
  if (error instanceof RateLimitError) return error.local ? false : true;
  return error instanceof OpenPowerError ? true : null;
}

export function valueAt(obj: unknown, field: string): unknown {
  try {
    return getPath(obj, field);
  } catch {
    return undefined;
  }
}

export function mismatchesOf(readBack: unknown, changes: FieldChange[]): FieldChange[] {
  return changes
    .filter((c) => !jsonEqual(valueAt(readBack, c.field), c.after))
    .map((c) => ({ field: c.field, before: c.after, after: valueAt(readBack, c.field) }));
}

/** Whether a failed write may have reached the server. */
export function mayHaveBeenSent(error: unknown): boolean {
  if (error instanceof ValidationError) return false;
  if (error instanceof ConnectionError) return error.sent;
  return true;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
