/**
 * The write engine behind every PowerTrack write, single or bulk: **plan** (GET the object, merge
 * the change, list every field that differs), then **apply** (GET again, refuse if a planned field
 * moved since planning, back up the original, PUT/POST/DELETE once without retrying, read back and
 * report whether each field took). PowerTrack PUTs replace the whole object and carry no id in
 * the path, so the payload is always the fresh object with exactly the planned fields set.
 *
 * Once a write may have been sent, nothing that follows (read-back, backup of a created key) can
 * turn the result into "not sent": `sent` is true, or null when unknown, so nobody resends it.
 */
export * from "./edits/types.js";
export { endpointOf, normaliseRequest, readTarget } from "./edits/targets.js";
export { coerceText } from "./edits/checks.js";
export { buildEdit, planEdit, planEditOrThrow, type PlanEditOptions } from "./edits/plan.js";
export { resultOf, skippedResult, mayHaveBeenSent } from "./edits/result.js";
export { applyEdit, applyEditOrThrow } from "./edits/apply.js";
export { planRestore } from "./edits/restore.js";
