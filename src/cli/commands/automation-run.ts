import { AutomationController, type AutomationDecision } from "../../automation/controller.js";
import { forecastLoadPv, type HistorySample } from "../../automation/forecast/history.js";
import { ConfigurationError } from "../../core/errors/index.js";
import { localDate, offsetMinutes, systemTimeZone } from "../../core/time/index.js";
import { isBatteryController, isPowerHistory, isPowerMeter } from "../../model/capabilities.js";
import type { EnergySystem } from "../../model/types.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../errors.js";
import { scheduleLines } from "./battery.js";
import { selectSystem } from "./systems.js";
import { auditWrite } from "./write-flow.js";

export interface AutomationCliOptions {
  device?: string;
  capacityKwh: number;
  maxPowerW: number;
  reserve: number;
  dryRun?: boolean;
}

/** `openpower automation plan`: the plan for the next 24 h and the schedule it compiles to; never writes. */
export function plan(ctx: CommandContext, opts: AutomationCliOptions): Promise<number> {
  return cycle(ctx, opts, "advise");
}

/** `openpower automation run`: one cycle for cron: plan, and write when the compiled schedule changed (audited). */
export function run(ctx: CommandContext, opts: AutomationCliOptions): Promise<number> {
  return cycle(ctx, opts, opts.dryRun ? "advise" : "control");
}

async function cycle(ctx: CommandContext, opts: AutomationCliOptions, mode: "advise" | "control"): Promise<number> {
  const can = (s: EnergySystem) => isBatteryController(s) && isPowerMeter(s);
  const { system, session } = await selectSystem(ctx, opts.device, {
    label: "run the battery automation",
    can,
    provides: "batterySchedule",
  });
  const amber = await ctx.session("amber");
  if (!amber.priceSource) throw new ConfigurationError("The Amber session has no price feed.", { vendor: "amber" });
  const prices = await amber.priceSource();
  const timeZone = session.timeZone ?? systemTimeZone();
  const now = session.now();
  const history = await recentHistory(system, timeZone, now);
  const controller = new AutomationController({
    system,
    prices,
    forecast: (from, count, minutes) =>
      forecastLoadPv(history, from, count, minutes, { utcOffsetMinutes: offsetMinutes(from, timeZone), days: 3 }),
    kind: system.vendor === "goodwe" ? "goodwe" : "alphaess",
    battery: {
      capacityKwh: opts.capacityKwh,
      minSoc: 0.1,
      maxSoc: 1,
      maxChargeW: opts.maxPowerW,
      maxDischargeW: opts.maxPowerW,
      chargeEfficiency: 0.95,
      dischargeEfficiency: 0.95,
      cycleCostCentsPerKwh: 2,
    },
    grid: { maxImportW: 15_000, maxExportW: 5_000 },
    mode,
    reserveSoc: opts.reserve,
    utcOffsetMinutes: offsetMinutes(now, timeZone),
    now: () => session.now(),
  });
  const decision = await controller.cycle();
  if (decision.action === "write" && decision.plan) audit(ctx, system, decision);
  if (ctx.out.isJson) ctx.out.json(decision);
  else print(ctx, system, decision);
  return decision.action === "write" && decision.result && !decision.result.ok ? ExitCode.partial : ExitCode.ok;
}

/** The last three local days of power samples, when the system keeps them (else none: the forecast is then flat zero). */
async function recentHistory(system: EnergySystem, timeZone: string, now: number): Promise<HistorySample[]> {
  if (!isPowerHistory(system)) return [];
  const out: HistorySample[] = [];
  for (let d = 3; d >= 0; d--) {
    const flows = await system.getPowerHistory(localDate(now - d * 86_400_000, timeZone).toString());
    for (const f of flows) out.push({ observedAt: f.observedAt, loadW: f.loadW, pvW: f.pvW });
  }
  return out;
}

function audit(ctx: CommandContext, system: EnergySystem, d: AutomationDecision): void {
  const plan = d.plan!;
  const byTarget = (pick: (i: number) => unknown) => Object.fromEntries(plan.writes.map((w, i) => [w.target, pick(i)]));
  auditWrite(ctx, {
    vendor: system.vendor,
    device: system.id,
    request: { automation: d.reason, explanation: d.explanation, desired: d.schedule },
    before: byTarget((i) => plan.writes[i]!.before),
    after: byTarget((i) => plan.writes[i]!.after),
    readBack: byTarget((i) => d.result?.results[i]?.readBack ?? null),
    taken: (d.result?.results ?? []).map((r) => ({
      target: r.write.target,
      sent: r.sent,
      taken: r.taken,
      ...(r.error ? { error: r.error } : {}),
    })),
    ok: d.result?.ok ?? false,
  });
}

function print(ctx: CommandContext, system: EnergySystem, d: AutomationDecision): void {
  const c = ctx.out.c;
  ctx.out.print(c.bold(`${system.vendor}:${system.id} — ${d.action}: ${d.reason}`));
  if (d.schedule) for (const line of scheduleLines(d.schedule)) ctx.out.print(`  ${line}`);
  if (d.explanation.length > 0) {
    ctx.out.print(c.bold("Why"));
    for (const line of d.explanation) ctx.out.print(`  ${line}`);
  }
  if (d.costCents !== undefined && d.baselineCostCents !== undefined)
    ctx.out.print(
      `plan cost ${(d.costCents / 100).toFixed(2)} $ against ${(d.baselineCostCents / 100).toFixed(2)} $ with the battery idle`,
    );
}
