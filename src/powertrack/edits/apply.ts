import type { FieldChange } from "../../model/types.js";
import { cloneJson, jsonEqual, setPath } from "../paths.js";
import { type CallOptions, type RawClient, type PlannedEdit, type EditResult, type ApplyEditOptions } from "./types.js";
import { TARGETS, readTarget, readTriggers } from "./targets.js";
import { triggerKeys } from "./plan.js";
import { resultOf, sentAfter, valueAt, mismatchesOf, messageOf, type Outcome } from "./result.js";

// Applying a plan: re-read, refuse a conflict, back up, send once, read back.

export async function send(
  client: RawClient,
  plan: PlannedEdit,
  payload: Record<string, unknown> | null,
  signal?: AbortSignal,
): Promise<unknown> {
  const spec = TARGETS[plan.target];
  const refererKey = plan.target === "alertTrigger" ? plan.hardwareKey! : plan.key;
  const options: CallOptions = { referer: client.referer(refererKey, spec.section), operation: spec.operation, signal };
  if (plan.target === "alertTrigger" && plan.action === "create")
    return client.postJson(spec.endpoint, payload, { ...options, operation: "addAlertTrigger" });
  if (plan.target === "alertTrigger" && plan.action === "delete") {
    return client.deleteJson(`/api/alerttrigger/${plan.hardwareKey}/${plan.key}`, {
      ...options,
      operation: "deleteAlertTrigger",
      accept: "*/*",
    });
  }
  return client.putJson(spec.endpoint, payload, options);
}

/**
 * Applies one planned edit; never throws for the edit's own failure (see `status` and `error`).
 * Errors before sending give `failed` with `sent: false`; after sending, `sent` is always true.
 */
export async function applyEdit(client: RawClient, plan: PlannedEdit, options: ApplyEditOptions = {}): Promise<EditResult> {
  try {
    return await applyEditOrThrow(client, plan, options);
  } catch (error) {
    // Only errors raised before anything was sent get here.
    return resultOf(plan, { notSent: "failed", error });
  }
}

/**
 * Like `applyEdit`, but throws the typed error when the write failed before anything was sent
 * (single writes). Once the write may have reached the server it returns a result instead.
 */
export async function applyEditOrThrow(client: RawClient, plan: PlannedEdit, options: ApplyEditOptions = {}): Promise<EditResult> {
  if (plan.status !== "ready") return resultOf(plan, { notSent: plan.status, ...(plan.error ? { error: plan.error } : {}) });
  const verify = options.verify ?? true;
  const now = options.now ?? Date.now;
  const signal = options.signal;
  if (plan.action === "create") return applyCreate(client, plan, options, verify, now);

  const current = await readTarget(client, plan.target, plan.key, plan.hardwareKey, signal);
  if (plan.action === "delete") {
    if (!current) return resultOf(plan, { notSent: "alreadyApplied", taken: true, reason: "the trigger no longer exists" });
    if (!jsonEqual(stripVolatile(current), stripVolatile(plan.before)))
      return resultOf(plan, { notSent: "conflict", reason: "the trigger changed since planning; plan again" });
  } else {
    if (!current) return resultOf(plan, { notSent: "conflict", reason: "the object no longer exists" });
    if (plan.changes.every((c) => jsonEqual(valueAt(current, c.field), c.after)))
      return resultOf(plan, { notSent: "alreadyApplied", taken: true, reason: "the object already has the planned values" });
    const moved = plan.changes.filter((c) => !jsonEqual(valueAt(current, c.field), c.before));
    if (moved.length > 0) {
      return resultOf(plan, {
        notSent: "conflict",
        reason: `changed since planning: ${moved.map((c) => c.field).join(", ")}; plan again`,
        mismatches: moved.map((c) => ({ field: c.field, before: c.before, after: valueAt(current, c.field) })),
      });
    }
  }
  if (options.admit && !options.admit()) return resultOf(plan, { notSent: "skipped", reason: "not admitted (write limit reached)" });
  if (options.dryRun) return resultOf(plan, { notSent: "dryRun" });

  let payload: Record<string, unknown> | null = null;
  if (plan.action === "update") {
    payload = cloneJson(current);
    for (const c of plan.changes) setPath(payload, c.field, cloneJson(c.after));
    if (plan.target === "alertTrigger") payload.parentKey = plan.hardwareKey;
  }
  let backup: string | undefined;
  if (options.backup) {
    backup = await options.backup.save({
      id: plan.id,
      target: plan.target,
      action: plan.action,
      key: plan.key,
      ...(plan.hardwareKey ? { hardwareKey: plan.hardwareKey } : {}),
      endpoint: plan.endpoint,
      takenAt: new Date(now()).toISOString(),
      original: cloneJson(current),
      fields: plan.changes.map((c) => c.field),
    });
  }

  // From here on the write may have reached the server: nothing below throws.
  let response: unknown;
  try {
    response = await send(client, plan, payload, signal);
  } catch (error) {
    const sent = sentAfter(error);
    if (sent === false) throw error;
    const lost: Outcome = { sent, error, ...(backup ? { backup } : {}) };
    if (verify) {
      // The outcome is unknown: look, never resend.
      try {
        const readBack = await readTarget(client, plan.target, plan.key, plan.hardwareKey, signal);
        const mismatches = plan.action === "delete" ? [] : mismatchesOf(readBack, plan.changes);
        const taken = plan.action === "delete" ? readBack === null : mismatches.length === 0;
        Object.assign(lost, { readBack, taken, mismatches });
        // The read-back shows the write arrived: it was sent and taken, whatever happened to the answer.
        if (taken)
          return resultOf(plan, {
            ...lost,
            sent: true,
            error: undefined,
            reason: `the answer was lost (${messageOf(error)}), but reading back shows the write applied`,
          });
      } catch {
        lost.taken = null;
      }
    }
    return resultOf(plan, lost);
  }
  const done: Outcome = { sent: true, response, ...(backup ? { backup } : {}) };
  if (!verify) return resultOf(plan, done);
  let readBack: Record<string, unknown> | null;
  try {
    readBack = await readTarget(client, plan.target, plan.key, plan.hardwareKey, signal);
  } catch (error) {
    return resultOf(plan, {
      ...done,
      taken: null,
      error,
      reason: `the write was sent and answered, but reading it back failed (${messageOf(error)}); check the object before writing again`,
    });
  }
  if (plan.action === "delete") {
    return resultOf(plan, { ...done, readBack, taken: readBack === null });
  }
  const mismatches = mismatchesOf(readBack, plan.changes);
  return resultOf(plan, {
    ...done,
    readBack,
    taken: mismatches.length === 0,
    mismatches,
  });
}

export function stripVolatile(obj: unknown): unknown {
  if (!obj || typeof obj !== "object") return obj;
  const { lastChanged: _l, ts: _t, ...rest } = obj as Record<string, unknown>;
  return rest;
}

/** Members of a new trigger the server sets itself (or, for `parentKey`, may leave out of its GET). */
export const SERVER_SET = new Set(["key", "id", "lastChanged", "parentKey"]);

/** The planned fields a created trigger must show. */
export function createdFields(plan: PlannedEdit): FieldChange[] {
  return plan.changes.filter((c) => !SERVER_SET.has(c.field.split(/[.[]/)[0]!));
}

/**
 * A create: read the device's triggers (a trigger this plan created on an earlier run means
 * `alreadyApplied`), POST once, learn the new key (the echo, else the one key that was not there
 * before), save the backup with that key, and read back.
 */
export async function applyCreate(
  client: RawClient,
  plan: PlannedEdit,
  options: ApplyEditOptions,
  verify: boolean,
  now: () => number,
): Promise<EditResult> {
  const hardwareKey = plan.hardwareKey!;
  const signal = options.signal;
  const checked = createdFields(plan);
  const before = await readTriggers(client, hardwareKey, signal);
  if (plan.existingKeys) {
    const known = new Set(plan.existingKeys);
    const earlier = before.triggers.find((t) => typeof t.key === "string" && !known.has(t.key) && mismatchesOf(t, checked).length === 0);
    if (earlier)
      return resultOf(plan, {
        notSent: "alreadyApplied",
        taken: true,
        createdKey: earlier.key as string,
        readBack: earlier,
        reason: `trigger ${String(earlier.key)} was created from this plan already`,
      });
  }
  if (options.admit && !options.admit()) return resultOf(plan, { notSent: "skipped", reason: "not admitted (write limit reached)" });
  if (options.dryRun) return resultOf(plan, { notSent: "dryRun" });
  const keysBefore = new Set(triggerKeys(before.triggers));

  let response: unknown;
  let sendError: unknown;
  try {
    response = await send(client, plan, plan.after, signal);
  } catch (error) {
    if (sentAfter(error) === false) throw error;
    sendError = error;
  }

  // From here on the trigger may exist: nothing below throws.
  const echoed = response && typeof response === "object" ? (response as Record<string, unknown>) : null;
  let createdKey = typeof echoed?.key === "string" && echoed.key !== "" ? echoed.key : undefined;
  const problems: unknown[] = [];
  let after: Array<Record<string, unknown>> | null = null;
  if (verify || !createdKey) {
    try {
      after = (await readTriggers(client, hardwareKey, signal)).triggers;
    } catch (error) {
      problems.push(error);
    }
  }
  let found: Record<string, unknown> | undefined;
  if (after) {
    if (createdKey) found = after.find((t) => t.key === createdKey);
    else {
      const fresh = after.filter((t) => typeof t.key === "string" && !keysBefore.has(t.key));
      const ours = fresh.length === 1 ? fresh : fresh.filter((t) => mismatchesOf(t, checked).length === 0);
      if (ours.length === 1) {
        found = ours[0];
        createdKey = found!.key as string;
      }
    }
  }
  let backup: string | undefined;
  if (options.backup && (createdKey || sendError === undefined)) {
    try {
      backup = await options.backup.save({
        id: plan.id,
        target: plan.target,
        action: "create",
        key: plan.key,
        hardwareKey,
        endpoint: plan.endpoint,
        takenAt: new Date(now()).toISOString(),
        original: null,
        fields: plan.changes.map((c) => c.field),
        ...(createdKey ? { createdKey } : {}),
      });
    } catch (error) {
      problems.push(error);
    }
  }
  const mismatches = found ? mismatchesOf(found, checked) : [];
  const taken = after === null ? null : !!found && mismatches.length === 0;
  // Lost answer: sent unknown, unless the read-back found the trigger (then it surely arrived).
  const sent = sendError === undefined || taken === true || found !== undefined ? true : sentAfter(sendError);
  const extra: Outcome = {
    sent,
    ...(response !== undefined ? { response } : {}),
    ...(createdKey ? { createdKey } : {}),
    ...(backup ? { backup } : {}),
    ...(after !== null ? { readBack: found ?? null, taken, mismatches } : {}),
  };
  const unknownKey =
    after !== null && !createdKey
      ? "; the new trigger could not be told apart from the others, so a restore cannot delete it: check the device's triggers"
      : "";
  if (sendError !== undefined && taken === true && problems.length === 0)
    return resultOf(plan, {
      ...extra,
      reason: `the answer was lost (${messageOf(sendError)}), but reading back shows the trigger created`,
    });
  if (sendError !== undefined)
    return resultOf(plan, { ...extra, error: sendError, ...(unknownKey ? { reason: unknownKey.slice(2) } : {}) });
  if (problems.length > 0) {
    return resultOf(plan, {
      ...extra,
      error: problems[0],
      reason: `the trigger was sent and created${createdKey ? ` as ${createdKey}` : ""}, but ${problems.map(messageOf).join("; ")}${unknownKey}`,
    });
  }
  return resultOf(plan, { ...extra, ...(verify && unknownKey ? { reason: unknownKey.slice(2) } : {}) });
}
