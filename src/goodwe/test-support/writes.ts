import type { ControlResult } from "../control.js";

/** A control result's writes as one flat record each, for compact assertions. */
export function flat(result: ControlResult): Array<Record<string, unknown>> {
  return result.results.map((r) => ({
    target: r.write.target,
    description: r.write.description,
    before: r.write.before,
    after: r.write.after,
    register: r.detail?.register ?? null,
    values: r.detail?.values ?? null,
    sent: r.sent,
    taken: r.taken,
    ...(r.readBack !== undefined ? { readBack: r.readBack } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
  }));
}
