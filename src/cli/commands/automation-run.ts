import { AutomationController, type AutomationDecision } from "../../automation/controller.js";
import { blendPv, openMeteoScale } from "../../automation/forecast/blend.js";
import { forecastLoadPv, type HistorySample } from "../../automation/forecast/history.js";
import { ConfigurationError } from "../../core/errors/index.js";
import { localDate, offsetMinutes, systemTimeZone } from "../../core/time/index.js";
import { isBatteryController, isPowerHistory, isPowerMeter } from "../../model/capabilities.js";
import type { EnergySystem } from "../../model/types.js";
import { batteryCapacity, type BatteryCapacity } from "../../service/battery-capacity.js";
import { readAudit } from "../audit-log.js";
import { automationConfig, type AutomationConfig } from "../config/automation-settings.js";
import type { CommandContext } from "../context.js";
import { ExitCode, UsageError } from "../errors.js";
import { printDecision } from "./automation-print.js";
import { selectSystem } from "./systems.js";
import { auditWrite } from "./write-flow.js";

export interface AutomationCliOptions {
  device?: string;
  /** Overrides what the device reports (and `[automation] capacityKwh`). */
  capacityKwh?: number;
  maxPowerW: number;
  reserve: number;
  hours?: number;
  dailyWriteBudget?: number;
  dryRun?: boolean;
}

/** `openpower automation plan`: the plan for the next 24–48 h and the schedule it compiles to; never writes. */
export function plan(ctx: CommandContext, opts: AutomationCliOptions): Promise<number> {
  return cycle(ctx, opts, "advise");
}

/** `openpower automation run`: one cycle for cron: plan, and write when the compiled schedule changed (audited). */
export function run(ctx: CommandContext, opts: AutomationCliOptions): Promise<number> {
  return cycle(ctx, opts, opts.dryRun ? "advise" : "control");
}

async function cycle(ctx: CommandContext, opts: AutomationCliOptions, mode: "advise" | "control"): Promise<number> {
  const hours = opts.hours ?? 24;
  if (!Number.isFinite(hours) || hours < 1 || hours > 48)
    throw new UsageError(`--hours is 1..48, got ${String(opts.hours)}.`, { field: "--hours" });
  const can = (s: EnergySystem) => isBatteryController(s) && isPowerMeter(s);
  const { system, session } = await selectSystem(ctx, opts.device, {
    label: "run the battery automation",
    can,
    provides: "batterySchedule",
  });
  const amber = await ctx.session("amber");
  if (!amber.priceSource) throw new ConfigurationError("The Amber session has no price feed.", { vendor: "amber" });
  const prices = await amber.priceSource();
  const configured = automationConfig((await ctx.config()).sections.automation);
  const capacity = await capacityOf(system, session.client, opts, configured);
  const timeZone = session.timeZone ?? systemTimeZone();
  const now = session.now();
  const history = await recentHistory(system, timeZone, now);
  const weather = await openMeteoPv(ctx, configured);
  const notes = [
    `battery ${capacity.kWh} kWh (${capacity.source})`,
    weather ? "PV: Open-Meteo blended with history" : "PV: history profile",
  ];
  // The audit log's times are this machine's; the session's clock may run ahead (an accelerated simulator).
  const skew = now - Date.now();
  const controller = new AutomationController({
    system,
    prices,
    forecast: (from, count, minutes) => {
      const profile = forecastLoadPv(history, from, count, minutes, { utcOffsetMinutes: offsetMinutes(from, timeZone), days: 7 });
      return weather ? blendPv(profile, weather, openMeteoScale(history, weather, session.now())).blend : profile;
    },
    kind: system.vendor === "goodwe" ? "goodwe" : "alphaess",
    battery: {
      capacityKwh: capacity.kWh,
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
    dailyWriteBudget: opts.dailyWriteBudget,
    horizonHours: hours,
    utcOffsetMinutes: offsetMinutes(now, timeZone),
    now: () => session.now(),
    // Every cron run is a new process: earlier runs' writes to this device come from the audit log.
    pastWrites: (since) =>
      readAudit(ctx.paths.auditLog)
        .filter((e) => e.vendor === system.vendor && e.device === system.id && !e.dryRun && e.taken.some((t) => t.sent !== false))
        .map((e) => Date.parse(e.time) + skew)
        .filter((t) => t >= since),
  });
  const decision = await controller.cycle();
  if (decision.action === "write" && decision.plan) audit(ctx, system, decision);
  if (ctx.out.isJson) ctx.out.json({ ...decision, capacity });
  else printDecision(ctx, system, decision, notes);
  return decision.action === "write" && decision.result && !decision.result.ok ? ExitCode.partial : ExitCode.ok;
}

/** --capacity-kwh, else what the device reports, else `[automation] capacityKwh`; never an assumed size. */
async function capacityOf(
  system: EnergySystem,
  client: unknown,
  opts: AutomationCliOptions,
  configured: AutomationConfig,
): Promise<BatteryCapacity> {
  if (opts.capacityKwh !== undefined) return { kWh: opts.capacityKwh, source: "--capacity-kwh" };
  const found = await batteryCapacity(system, client, configured.capacityKwh);
  if (found) return found;
  throw new UsageError(
    `${system.vendor}:${system.id} does not report its battery capacity: pass --capacity-kwh or set [automation] capacityKwh (usable kWh).`,
    { field: "--capacity-kwh" },
  );
}

/** Open-Meteo's PV forecast for `[automation]`'s location, or undefined (none configured, or unavailable: a warning). */
async function openMeteoPv(ctx: CommandContext, configured: AutomationConfig) {
  if (!configured.pv) return undefined;
  const { OpenMeteo } = await import("../../automation/forecast/open-meteo.js");
  const { pvForecastFromIrradiance } = await import("../../automation/forecast/open-meteo-pv.js");
  const { baseUrl, ...array } = configured.pv;
  try {
    const client = new OpenMeteo({ baseUrl });
    const irradiance = await client.getIrradiance({ ...array, pastDays: 1, forecastDays: 2 });
    return pvForecastFromIrradiance(irradiance, array).intervals;
  } catch (error) {
    ctx.out.warn(
      `Open-Meteo PV forecast unavailable (${error instanceof Error ? error.message : String(error)}): using the history profile.`,
    );
    return undefined;
  }
}

/** The last seven local days of power samples, when the system keeps them (else none: the forecast is then flat zero). */
async function recentHistory(system: EnergySystem, timeZone: string, now: number): Promise<HistorySample[]> {
  if (!isPowerHistory(system)) return [];
  const out: HistorySample[] = [];
  for (let d = 7; d >= 0; d--) {
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
