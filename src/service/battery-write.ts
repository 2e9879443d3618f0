import { redactValue } from "../core/redact.js";
import type { BatteryController } from "../model/capabilities.js";
import type { ApplyResult, BatterySchedule, ControlPlan } from "../model/types.js";
import type { Storage } from "./storage/types.js";

/**
 * The one plan/apply path of the service for battery schedules (the HTTP API and the MQTT bridge
 * both use it): plan from the current schedule (reads, never writes), apply with read-back, and
 * audit the plan, the result and a write that threw, before the caller hears of it. Never retried.
 */
export interface BatteryWriteDeps {
  storage: Storage;
  /** The service clock (virtual under the simulators). */
  now(): number;
  /** Writes in flight: shutdown waits for them. */
  inFlight: Set<Promise<unknown>>;
}

export interface PlannedBatteryChange {
  current: BatterySchedule;
  desired: BatterySchedule;
  plan: ControlPlan;
}

/** Reads the schedule, derives the desired one from it and plans the writes; never writes. */
export async function planBatteryChange(
  system: BatteryController,
  change: (current: BatterySchedule) => BatterySchedule,
): Promise<PlannedBatteryChange> {
  const current = await system.getBatterySchedule();
  const desired = change(current);
  return { current, desired, plan: await system.planBatterySchedule(desired) };
}

/** Audits a plan that was only shown (nothing sent); returns the audit id. */
export async function auditBatteryPlan(deps: BatteryWriteDeps, system: string, request: unknown, plan: ControlPlan): Promise<number> {
  return deps.storage.recordAudit({ at: deps.now(), system, action: "plan", request, plan: redactValue(plan), result: null, ok: null });
}

export interface AppliedBatteryChange {
  auditId: number;
  result: ApplyResult;
  /** The plan and result as audited (secrets redacted). */
  safe: { plan: unknown; result: unknown };
}

/**
 * Applies a plan with read-back (unless `verify: false`), audits the result; when `applyPlan`
 * throws, the attempt is audited (whether it was sent may be unknown) and the error rethrown.
 */
export async function applyBatteryPlan(
  deps: BatteryWriteDeps,
  target: { id: string; system: BatteryController },
  request: unknown,
  plan: ControlPlan,
  options: { dryRun?: boolean; verify?: boolean } = {},
): Promise<AppliedBatteryChange> {
  // Tracked until the audit is written, so that shutdown never closes the storage under it.
  const work = applyAndAudit(deps, target, request, plan, options);
  deps.inFlight.add(work);
  try {
    return await work;
  } finally {
    deps.inFlight.delete(work);
  }
}

async function applyAndAudit(
  deps: BatteryWriteDeps,
  target: { id: string; system: BatteryController },
  request: unknown,
  plan: ControlPlan,
  options: { dryRun?: boolean; verify?: boolean },
): Promise<AppliedBatteryChange> {
  let result: ApplyResult;
  try {
    result = await target.system.applyPlan(plan, { dryRun: options.dryRun, verify: options.verify });
  } catch (error) {
    const errorClass = error instanceof Error ? error.name : "Error";
    await deps.storage.recordAudit({
      at: deps.now(),
      system: target.id,
      action: "apply",
      request,
      plan: redactValue(plan),
      result: { errorClass },
      ok: false,
    });
    throw error;
  }
  const safe = { plan: redactValue(plan), result: redactValue(result) };
  const auditId = await deps.storage.recordAudit({
    at: deps.now(),
    system: target.id,
    action: "apply",
    request,
    plan: safe.plan,
    result: safe.result,
    ok: result.ok,
  });
  return { auditId, result, safe };
}
