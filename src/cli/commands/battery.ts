import { ConfigurationError } from "../../core/errors/index.js";
import { isBatteryController, type BatteryController } from "../../model/capabilities.js";
import type { ApplyResult, BatterySchedule, ControlPlan, EnergySystem } from "../../model/types.js";
import { applyIntent, describeIntent, parseBatteryIntent, type BatteryIntent } from "../../model/battery-intent.js";
import type { CommandContext } from "../context.js";
import { cliWords } from "../cli-words.js";
import { describeCause, ExitCode, PartialFailure } from "../errors.js";
import { formatValue } from "../output/format.js";
import { canPrompt, confirmWrite } from "../prompt.js";
import { listSystems, selectSystem, type SystemEntry } from "./systems.js";
import { assertAuditedCooldown, auditedCooldown, auditWrite } from "./write-flow.js";

/**
 * Whether a system takes battery schedules: its capabilities say so (a GoodWe DT or ES has the
 * methods but no schedule), and it has the methods for the step asked.
 */
const canShow = (s: EnergySystem) => isBatteryController(s);
const canPlan = canShow;

/** The system as a battery controller (selectSystem has already checked it can be one). */
export function controller(system: EnergySystem): EnergySystem & BatteryController {
  if (!isBatteryController(system))
    throw new ConfigurationError(`${system.vendor}:${system.id} has no battery schedule openpower can control.`, { vendor: system.vendor });
  return system;
}

export function scheduleLines(schedule: BatterySchedule): string[] {
  const ws = (list: { start: string; end: string }[]) =>
    list.length === 0 ? "no windows" : list.map((w) => `${w.start}-${w.end}`).join(", ");
  const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;
  return [
    `charge:    ${ws(schedule.charge.windows)}; ${schedule.charge.fromGrid ? "from grid" : "no grid charging"}; stop at ${pct(schedule.charge.stopLevel)}`,
    `discharge: ${schedule.discharge.timeControl ? `only ${ws(schedule.discharge.windows)}` : "any time (no time control)"}; stop at ${pct(schedule.discharge.stopLevel)}`,
  ];
}

// ------------------------------------------------------------------------------------------ show

export async function show(ctx: CommandContext, device: string | undefined): Promise<number> {
  let entries: SystemEntry[];
  if (device !== undefined)
    entries = [await selectSystem(ctx, device, { label: "show a battery schedule", can: canShow, provides: "batterySchedule" })];
  else {
    const listed = await listSystems(ctx, undefined, "batterySchedule");
    for (const f of listed.failures) ctx.out.warn(describeCause(f.error, { vendor: f.vendor }));
    entries = listed.entries.filter((e) => canShow(e.system));
    if (entries.length === 0) {
      if (listed.failures[0]) throw listed.failures[0].error;
      ctx.out.note("None of the configured systems has a battery schedule.");
      return ExitCode.ok;
    }
  }
  const results = await Promise.all(
    entries.map(async ({ system }) => {
      try {
        return { vendor: system.vendor, device: system.id, schedule: await controller(system).getBatterySchedule(), error: null };
      } catch (error) {
        return { vendor: system.vendor, device: system.id, schedule: null, error: describeCause(error) };
      }
    }),
  );
  if (ctx.out.isJson) ctx.out.json({ systems: results });
  else {
    for (const r of results) {
      ctx.out.print(ctx.out.c.bold(`${r.vendor}:${r.device}`));
      if (r.schedule) for (const line of scheduleLines(r.schedule)) ctx.out.print(`  ${line}`);
      else ctx.out.print(ctx.out.c.red(`  error: ${r.error}`));
    }
  }
  const failed = results.filter((r) => r.error !== null).length;
  if (failed === 0) return ExitCode.ok;
  if (failed === results.length) return ExitCode.error;
  throw new PartialFailure(`${failed} of ${results.length} schedules could not be read.`);
}

// ------------------------------------------------------------------------------------------ plan

export interface PlannedChange {
  entry: SystemEntry;
  intent: BatteryIntent;
  current: BatterySchedule;
  desired: BatterySchedule;
  plan: ControlPlan;
}

/**
 * Parses the intent (before anything is sent), reads the schedule and plans. Never writes.
 *
 * The schedule is read first because what the intent does not mention is kept from it; planning
 * reads it again (`ControlPlan.current`). That second reading is what the plan is based on, so it
 * is what "now" shows; when it differs from the first (the schedule changed in between), the
 * desired schedule is derived again from it and planned once more, so that a concurrent change
 * to what the intent does not mention is kept rather than undone.
 */
export async function makePlan(ctx: CommandContext, text: string, device: string | undefined): Promise<PlannedChange> {
  const intent = parseBatteryIntent(text);
  const entry = await selectSystem(ctx, device, { label: "plan a battery schedule", can: canPlan, provides: "batterySchedule" });
  const system = controller(entry.system);
  let current = await system.getBatterySchedule();
  let desired = applyIntent(current, intent);
  let plan = await system.planBatterySchedule(desired);
  const seen = scheduleOf(plan.current);
  if (seen && !sameSchedule(seen, current)) {
    current = seen;
    desired = applyIntent(current, intent);
    plan = await system.planBatterySchedule(desired);
  }
  return { entry, intent, current: scheduleOf(plan.current) ?? current, desired, plan: withAuditedCooldowns(ctx, entry, plan) };
}

/**
 * The plan with each write's cool-down check counted from the audit log as well: the client's
 * own check only knows writes made by this process.
 */
function withAuditedCooldowns(ctx: CommandContext, entry: SystemEntry, plan: ControlPlan): ControlPlan {
  const writes = plan.writes.map((w) => {
    const check = auditedCooldown(ctx, {
      vendor: entry.system.vendor,
      device: entry.system.id,
      endpoint: w.target,
      cooldownMs: entry.session.writeCooldownMs?.(w.target) ?? 0,
    });
    if (!check || w.constraints.some((c) => c.name === "cooldown" && !c.ok)) return w;
    const { nextAt: _, ...constraint } = check;
    return { ...w, constraints: [...w.constraints.filter((c) => c.name !== "cooldown"), constraint] };
  });
  return { ...plan, writes };
}

function scheduleOf(value: unknown): BatterySchedule | undefined {
  const s = value as Partial<BatterySchedule> | undefined;
  return s && typeof s === "object" && typeof s.charge === "object" && typeof s.discharge === "object" ? (s as BatterySchedule) : undefined;
}

function sameSchedule(a: BatterySchedule, b: BatterySchedule): boolean {
  const norm = (s: BatterySchedule) =>
    JSON.stringify([
      s.charge.fromGrid,
      s.charge.stopLevel,
      s.charge.windows.map((w) => [w.start, w.end]),
      s.discharge.timeControl,
      s.discharge.stopLevel,
      s.discharge.windows.map((w) => [w.start, w.end]),
    ]);
  return norm(a) === norm(b);
}

/** Prints the plan; `line` says where (stdout, or stderr before a question when stdout is JSON). */
export function printPlan(ctx: CommandContext, change: PlannedChange, line: (text: string) => void = (t) => ctx.out.print(t)): void {
  const { c } = ctx.out;
  const { system } = change.entry;
  line(c.bold(`Battery plan for ${system.vendor}:${system.id}: ${describeIntent(change.intent)}`));
  line("now:");
  for (const l of scheduleLines(change.current)) line(`  ${l}`);
  line("wanted:");
  for (const l of scheduleLines(change.desired)) line(`  ${l}`);
  if (change.plan.writes.length === 0) {
    line(c.green("The device already has this schedule: nothing to write."));
  }
  change.plan.writes.forEach((write, i) => {
    line(`${c.bold(`write ${i + 1}/${change.plan.writes.length}`)}: ${write.target} — ${write.description}`);
    for (const ch of write.changes) line(`  ${ch.field}: ${c.red(formatValue(ch.before))} → ${c.green(formatValue(ch.after))}`);
    for (const check of write.constraints) line(`  ${check.ok ? c.green("✓") : c.red("✗")} ${check.name}: ${cliWords(check.detail)}`);
  });
  for (const warning of change.plan.warnings) line(c.yellow(`note: ${cliWords(warning)}`));
}

export async function plan(ctx: CommandContext, text: string, opts: { device?: string }): Promise<number> {
  const change = await makePlan(ctx, text, opts.device);
  if (ctx.out.isJson)
    ctx.out.json({ intent: describeIntent(change.intent), current: change.current, desired: change.desired, plan: change.plan });
  else {
    printPlan(ctx, change);
    if (change.plan.writes.length > 0)
      ctx.out.print(
        ctx.out.c.dim(
          `Nothing was written. To perform it: openpower battery apply ${JSON.stringify(change.intent.text)}${opts.device ? ` --device ${opts.device}` : ""}`,
        ),
      );
  }
  return ExitCode.ok;
}

// ----------------------------------------------------------------------------------------- apply

export function printApplyResult(ctx: CommandContext, result: ApplyResult): void {
  const { c } = ctx.out;
  for (const r of result.results) {
    const state = r.error
      ? c.red(`failed${r.sent === true ? " after sending" : r.sent === null ? " (it may have reached the device)" : ""}: ${r.error}`)
      : r.sent === false
        ? c.yellow(result.dryRun ? "dry run: not sent" : "not sent")
        : r.sent === null
          ? c.yellow("may have been sent (unknown)")
          : r.taken === true
            ? c.green("sent, read back: took effect")
            : r.taken === false
              ? // Every vendor reports a mismatch as before = what was written, after = what was read back.
                c.red(
                  `sent, read back: NOT taken (${(r.mismatches ?? []).map((m) => `${m.field}: wrote ${formatValue(m.before)}, reads ${formatValue(m.after)}`).join("; ") || "differs"})`,
                )
              : c.yellow("sent, not verified");
    ctx.out.print(`${r.write.target}: ${state}`);
  }
}

/** The exit code of an apply (or its dry run): the model's `ok`, else what was sent decides. */
export function applyCode(result: ApplyResult): number {
  if (result.ok) return ExitCode.ok;
  if (result.dryRun) return ExitCode.error;
  return result.results.some((r) => r.sent === true) ? ExitCode.partial : ExitCode.error;
}

/**
 * Applies a planned change: confirm, apply with read-back, audit (also when `applyPlan` throws:
 * writes sent before the failure must be on record). Returns the exit code.
 */
export async function applyChange(
  ctx: CommandContext,
  change: PlannedChange,
  opts: { yes?: boolean; dryRun?: boolean; verify?: boolean },
): Promise<{ result: ApplyResult | null; code: number }> {
  const { system } = change.entry;
  const { plan } = change;
  if (plan.writes.length === 0) return { result: null, code: ExitCode.ok };
  const dryRun = opts.dryRun === true;
  // Refuse before asking (nothing sent): the client would not know of an earlier run's write.
  if (!dryRun) {
    for (const w of plan.writes)
      assertAuditedCooldown(ctx, {
        vendor: system.vendor,
        device: system.id,
        endpoint: w.target,
        cooldownMs: change.entry.session.writeCooldownMs?.(w.target) ?? 0,
      });
  }
  if (!dryRun)
    await confirmWrite(
      ctx.io,
      `Send ${plan.writes.length} write${plan.writes.length === 1 ? "" : "s"} to ${system.vendor}:${system.id}`,
      opts.yes,
    );
  let result: ApplyResult | undefined;
  let failure: string | undefined;
  try {
    result = await controller(system).applyPlan(plan, { verify: opts.verify !== false, dryRun });
    return { result, code: applyCode(result) };
  } catch (error) {
    failure = describeCause(error);
    throw error;
  } finally {
    if (!dryRun) {
      const byTarget = (pick: (w: ControlPlan["writes"][number], r?: ApplyResult["results"][number]) => unknown) =>
        Object.fromEntries(plan.writes.map((w, i) => [w.target, pick(w, result?.results[i])]));
      auditWrite(ctx, {
        vendor: system.vendor,
        device: system.id,
        request: { intent: change.intent.text, normalised: describeIntent(change.intent), desired: change.desired },
        before: byTarget((w) => w.before),
        after: byTarget((w) => w.after),
        readBack: byTarget((_w, r) => r?.readBack ?? null),
        // Without a result (applyPlan threw) nobody can say which writes went out.
        taken: result
          ? result.results.map((r) => ({ target: r.write.target, sent: r.sent, taken: r.taken, ...(r.error ? { error: r.error } : {}) }))
          : plan.writes.map((w) => ({ target: w.target, sent: null, taken: null, error: failure ?? "apply failed" })),
        ok: result?.ok ?? false,
      });
    }
  }
}

export async function apply(
  ctx: CommandContext,
  text: string,
  opts: { device?: string; yes?: boolean; dryRun?: boolean; verify?: boolean },
): Promise<number> {
  const asks = opts.dryRun !== true && opts.yes !== true;
  const change = await makePlan(ctx, text, opts.device);
  if (!ctx.out.isJson) printPlan(ctx, change);
  // The question needs the plan beside it: with --json it goes to stderr, with the prompt.
  else if (asks && change.plan.writes.length > 0 && canPrompt(ctx.io)) printPlan(ctx, change, (t) => ctx.out.note(t));
  const { result, code } = await applyChange(ctx, change, opts);
  if (ctx.out.isJson) {
    ctx.out.json(
      result ?? {
        vendor: change.plan.vendor,
        device: change.plan.device,
        appliedAt: new Date(change.entry.session.now()),
        dryRun: opts.dryRun === true,
        results: [],
        ok: true,
      },
    );
  } else if (result) {
    printApplyResult(ctx, result);
    if (!result.dryRun) ctx.out.print(ctx.out.c.dim(`Logged to ${ctx.paths.auditLog}`));
  }
  if (code === ExitCode.partial)
    throw new PartialFailure(
      "Some writes did not take effect on the device (see above); it may be throttling writes. Check with openpower battery show, and retry later.",
    );
  if (code === ExitCode.error && result) {
    const first = result.results.find((r) => r.error)?.error;
    if (result.dryRun) {
      const failed = result.results.flatMap((r) =>
        r.write.constraints.filter((ch) => !ch.ok).map((ch) => `${ch.name}: ${cliWords(ch.detail)}`),
      );
      ctx.out.note(
        `error: dry run: the plan would not pass its checks${failed.length > 0 ? ` (${failed.join("; ")})` : first ? ` (${first})` : ""}; nothing was sent.`,
      );
    } else if (result.results.some((r) => r.sent === null)) {
      ctx.out.note(
        `error: a write may have reached the device (it is unknown whether it was sent)${first ? `: ${first.replace(/\.\s*$/, "")}` : ""}. Check with openpower battery show before retrying.`,
      );
    } else {
      ctx.out.note(`error: nothing was written${first ? `: ${first}` : ""}`);
    }
  }
  return code;
}
