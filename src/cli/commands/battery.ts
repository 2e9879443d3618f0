import type { ApplyResult, BatterySchedule, ControlPlan, EnergySystem } from "../../model/types.js";
import { appendAudit } from "../audit-log.js";
import { applyIntent, describeIntent, parseBatteryIntent, type BatteryIntent } from "../battery-intent.js";
import type { CommandContext } from "../context.js";
import { describeError, ExitCode, PartialFailure } from "../errors.js";
import { formatValue } from "../output/format.js";
import { confirmWrite } from "../prompt.js";
import { listSystems, selectSystem, type SystemEntry } from "./systems.js";
import { commandLine } from "./write-flow.js";

const canShow = (s: EnergySystem) => typeof s.getBatterySchedule === "function";
const canPlan = (s: EnergySystem) => typeof s.getBatterySchedule === "function" && typeof s.planBatterySchedule === "function" && typeof s.applyPlan === "function";

export function scheduleLines(schedule: BatterySchedule): string[] {
  const ws = (list: { start: string; end: string }[]) => (list.length === 0 ? "no windows" : list.map((w) => `${w.start}-${w.end}`).join(", "));
  const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;
  return [
    `charge:    ${ws(schedule.charge.windows)}; ${schedule.charge.fromGrid ? "from grid" : "no grid charging"}; stop at ${pct(schedule.charge.stopLevel)}`,
    `discharge: ${schedule.discharge.timeControl ? `only ${ws(schedule.discharge.windows)}` : "any time (no time control)"}; stop at ${pct(schedule.discharge.stopLevel)}`,
  ];
}

// ------------------------------------------------------------------------------------------ show

export async function show(ctx: CommandContext, device: string | undefined): Promise<number> {
  let entries: SystemEntry[];
  if (device !== undefined) entries = [await selectSystem(ctx, device, { label: "show a battery schedule", can: canShow })];
  else {
    const listed = await listSystems(ctx);
    for (const f of listed.failures) ctx.out.warn(describeError(f.error).replace(/^error: /, `${f.vendor}: `));
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
        return { vendor: system.vendor, device: system.id, schedule: await system.getBatterySchedule!(), error: null };
      } catch (error) {
        return { vendor: system.vendor, device: system.id, schedule: null, error: describeError(error).replace(/^error: /, "") };
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

/** Parses the intent (before anything is sent), reads the schedule and plans. Never writes. */
export async function makePlan(ctx: CommandContext, text: string, device: string | undefined): Promise<PlannedChange> {
  const intent = parseBatteryIntent(text);
  const entry = await selectSystem(ctx, device, { label: "plan a battery schedule", can: canPlan });
  const current = await entry.system.getBatterySchedule!();
  const desired = applyIntent(current, intent);
  const plan = await entry.system.planBatterySchedule!(desired);
  return { entry, intent, current, desired, plan };
}

export function printPlan(ctx: CommandContext, change: PlannedChange): void {
  const { c } = ctx.out;
  const { system } = change.entry;
  ctx.out.print(c.bold(`Battery plan for ${system.vendor}:${system.id}: ${describeIntent(change.intent)}`));
  ctx.out.print("now:");
  for (const line of scheduleLines(change.current)) ctx.out.print(`  ${line}`);
  ctx.out.print("wanted:");
  for (const line of scheduleLines(change.desired)) ctx.out.print(`  ${line}`);
  if (change.plan.writes.length === 0) {
    ctx.out.print(c.green("The device already has this schedule: nothing to write."));
  }
  change.plan.writes.forEach((write, i) => {
    ctx.out.print(`${c.bold(`write ${i + 1}/${change.plan.writes.length}`)}: ${write.target} — ${write.description}`);
    for (const ch of write.changes) ctx.out.print(`  ${ch.field}: ${c.red(formatValue(ch.before))} → ${c.green(formatValue(ch.after))}`);
    for (const check of write.constraints) ctx.out.print(`  ${check.ok ? c.green("✓") : c.red("✗")} ${check.name}: ${check.detail}`);
  });
  for (const warning of change.plan.warnings) ctx.out.print(c.yellow(`note: ${warning}`));
}

export async function plan(ctx: CommandContext, text: string, opts: { device?: string }): Promise<number> {
  const change = await makePlan(ctx, text, opts.device);
  if (ctx.out.isJson) ctx.out.json({ intent: describeIntent(change.intent), current: change.current, desired: change.desired, plan: change.plan });
  else {
    printPlan(ctx, change);
    if (change.plan.writes.length > 0) ctx.out.print(ctx.out.c.dim(`Nothing was written. To perform it: openpower battery apply ${JSON.stringify(change.intent.text)}${opts.device ? ` --device ${opts.device}` : ""}`));
  }
  return ExitCode.ok;
}

// ----------------------------------------------------------------------------------------- apply

export function printApplyResult(ctx: CommandContext, result: ApplyResult): void {
  const { c } = ctx.out;
  for (const r of result.results) {
    const state = r.error
      ? c.red(`failed: ${r.error}`)
      : !r.sent
        ? c.yellow(result.dryRun ? "dry run: not sent" : "not sent")
        : r.taken === true
          ? c.green("sent, read back: took effect")
          : r.taken === false
            ? // Every vendor reports a mismatch as before = what was written, after = what was read back.
              c.red(`sent, read back: NOT taken (${(r.mismatches ?? []).map((m) => `${m.field}: wrote ${formatValue(m.before)}, reads ${formatValue(m.after)}`).join("; ") || "differs"})`)
            : c.yellow("sent, not verified");
    ctx.out.print(`${r.write.target}: ${state}`);
  }
}

/** Applies a planned change: confirm, apply with read-back, audit. Returns the exit code. */
export async function applyChange(ctx: CommandContext, change: PlannedChange, opts: { yes?: boolean; dryRun?: boolean; verify?: boolean }): Promise<{ result: ApplyResult | null; code: number }> {
  const { system } = change.entry;
  if (change.plan.writes.length === 0) return { result: null, code: ExitCode.ok };
  const dryRun = opts.dryRun === true;
  if (!dryRun) {
    await confirmWrite(ctx.io, `Send ${change.plan.writes.length} write${change.plan.writes.length === 1 ? "" : "s"} to ${system.vendor}:${system.id}`, opts.yes);
  }
  const result = await system.applyPlan!(change.plan, { verify: opts.verify !== false, dryRun });
  if (!dryRun) {
    const byTarget = (pick: (r: ApplyResult["results"][number]) => unknown) => Object.fromEntries(result.results.map((r) => [r.write.target, pick(r)]));
    appendAudit(ctx.paths.auditLog, {
      time: result.appliedAt.toISOString(),
      command: commandLine(ctx),
      vendor: system.vendor,
      device: system.id,
      request: { intent: change.intent.text, normalised: describeIntent(change.intent), desired: change.desired },
      dryRun: false,
      before: byTarget((r) => r.write.before),
      after: byTarget((r) => r.write.after),
      readBack: byTarget((r) => r.readBack ?? null),
      taken: result.results.map((r) => ({ target: r.write.target, sent: r.sent, taken: r.taken, ...(r.error ? { error: r.error } : {}) })),
      ok: result.ok,
    });
  }
  if (result.ok || dryRun) return { result, code: ExitCode.ok };
  return { result, code: result.results.some((r) => r.sent) ? ExitCode.partial : ExitCode.error };
}

export async function apply(ctx: CommandContext, text: string, opts: { device?: string; yes?: boolean; dryRun?: boolean; verify?: boolean }): Promise<number> {
  const change = await makePlan(ctx, text, opts.device);
  if (!ctx.out.isJson) printPlan(ctx, change);
  const { result, code } = await applyChange(ctx, change, opts);
  if (ctx.out.isJson) {
    ctx.out.json(
      result ?? { vendor: change.plan.vendor, device: change.plan.device, appliedAt: new Date(change.entry.session.now()), dryRun: opts.dryRun === true, results: [], ok: true },
    );
  } else if (result) {
    printApplyResult(ctx, result);
    if (!result.dryRun) ctx.out.print(ctx.out.c.dim(`Logged to ${ctx.paths.auditLog}`));
  }
  if (code === ExitCode.partial) throw new PartialFailure("Some writes did not take effect on the device (see above); it may be throttling writes. Check with openpower battery show, and retry later.");
  if (code === ExitCode.error) {
    const first = result?.results.find((r) => r.error)?.error;
    ctx.out.note(`error: nothing was written${first ? `: ${first}` : ""}`);
  }
  return code;
}
