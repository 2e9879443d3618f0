import { NotFoundError } from "../../core/errors/index.js";
import { diffFields } from "../../model/helpers.js";
import { diffIdentity } from "../merge.js";
import { cloneJson, setPath } from "../paths.js";
import { summarizeError, type RawClient, type PlannedEdit, type BackupEntry } from "./types.js";
import { endpointOf, readTarget } from "./targets.js";
import { planEdit } from "./plan.js";
import { valueAt } from "./result.js";

// Restoring saved originals as plans.

// ---------------------------------------------------------------------------------------------
// Restoring

/**
 * Plans the undoing of applied writes from their backups: updated fields go back to their
 * original values, created triggers are deleted, deleted triggers are created again (with a new
 * key: PowerTrack assigns keys).
 *
 * Entries may come from several runs, in any order. Updates of one object become **one** plan
 * that undoes them newest first, so every field ends at its oldest saved value (two plans against
 * the same state would make the second a conflict). A trigger created and later deleted by the
 * same entries is left alone.
 */
export async function planRestore(
  client: RawClient,
  entries: readonly BackupEntry[],
  options: { signal?: AbortSignal } = {},
): Promise<PlannedEdit[]> {
  const ordered = entries
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => a.entry.takenAt.localeCompare(b.entry.takenAt) || a.i - b.i)
    .map((x) => x.entry);
  const triggerId = (hardwareKey: string | undefined, key: string | undefined) => `${hardwareKey}/${key}`;
  const created = new Set(ordered.filter((e) => e.action === "create" && e.createdKey).map((e) => triggerId(e.hardwareKey, e.createdKey)));
  const cancelled = new Set(
    ordered
      .filter((e) => e.action === "delete" && created.has(triggerId(e.hardwareKey, e.key)))
      .map((e) => triggerId(e.hardwareKey, e.key)),
  );

  const plans: PlannedEdit[] = [];
  const updates = new Map<string, BackupEntry[]>();
  for (const entry of ordered) {
    if (entry.action !== "update") continue;
    const id = `${entry.target}:${entry.hardwareKey ?? ""}:${entry.key}`;
    const group = updates.get(id);
    if (group) group.push(entry);
    else updates.set(id, [entry]);
  }
  for (const group of updates.values()) plans.push(await planObjectRestore(client, group, options));

  let seq = 0;
  for (const entry of [...ordered].reverse()) {
    if (entry.action === "create") {
      if (cancelled.has(triggerId(entry.hardwareKey, entry.createdKey))) continue;
      if (!entry.createdKey) {
        plans.push({
          id: `restore:${entry.id}`,
          target: entry.target,
          action: "delete",
          key: "",
          endpoint: "",
          status: "invalid",
          before: null,
          after: null,
          changes: [],
          error: {
            name: "ValidationError",
            message: `The backup of ${entry.id} does not say which trigger was created; delete it by hand.`,
            retryable: false,
          },
        });
        continue;
      }
      plans.push(
        await planEdit(
          client,
          { target: "alertTrigger", action: "delete", key: entry.createdKey, hardwareKey: entry.hardwareKey! },
          options,
        ),
      );
    } else if (entry.action === "delete") {
      if (cancelled.has(triggerId(entry.hardwareKey, entry.key))) continue;
      const { key: _k, id: _i, lastChanged: _l, ...rest } = entry.original ?? {};
      plans.push(
        await planEdit(
          client,
          { target: "alertTrigger", action: "create", key: "", hardwareKey: entry.hardwareKey!, changes: rest, allowNewFields: true },
          { ...options, seq: ++seq },
        ),
      );
    }
  }
  return plans;
}

/** One restore plan for the updates of one object (oldest first): undo them newest first. */
export async function planObjectRestore(
  client: RawClient,
  group: readonly BackupEntry[],
  options: { signal?: AbortSignal },
): Promise<PlannedEdit> {
  const first = group[0]!;
  const base = {
    id: `restore:${first.id}`,
    target: first.target,
    action: "update" as const,
    key: first.key,
    ...(first.hardwareKey ? { hardwareKey: first.hardwareKey } : {}),
    endpoint: endpointOf(first.target, "update"),
  };
  try {
    const current = await readTarget(client, first.target, first.key, first.hardwareKey, options.signal);
    if (!current)
      throw new NotFoundError(`${first.target} ${first.key} no longer exists; it cannot be restored in place.`, { vendor: "powertrack" });
    const after = cloneJson(current);
    for (const entry of [...group].reverse()) {
      for (const field of entry.fields) setPath(after, field, cloneJson(valueAt(entry.original, field)));
    }
    const changes = diffFields(current, after, "", { identity: diffIdentity(current, after) });
    return { ...base, status: changes.length ? "ready" : "unchanged", before: current, after, changes };
  } catch (error) {
    return { ...base, status: "failed", before: null, after: null, changes: [], error: summarizeError(error) };
  }
}
