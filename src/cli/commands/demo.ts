import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readAudit } from "../audit-log.js";
import { CommandContext } from "../context.js";
import { describeCause, describeError, ExitCode } from "../errors.js";
import type { VendorSession } from "../vendors/types.js";
import { applyChange, controller, makePlan, printApplyResult, printPlan } from "./battery.js";
import { renderPrices } from "./prices.js";
import { startSimulators } from "./sim.js";
import { status } from "./status.js";

export const DEMO_INTENT = "charge 01:00–05:00 to 90 %";

/**
 * `openpower demo` (what `npm start` runs): every simulator in-process on one accelerated clock,
 * clients built against them (no config file, no credentials, no network), then status, prices
 * with the chart, a battery plan for the demo intent, its apply with read-back, and a summary.
 * The audit log goes to a temporary directory, so the demo never touches your real one.
 */
export async function demo(parent: CommandContext, opts: { speed: number; seed: number }): Promise<number> {
  const started = Date.now();
  const plugins = await parent.plugins();
  const out = parent.out;
  const c = out.c;
  const heading = (text: string) => {
    out.print();
    out.print(c.bold(c.cyan(`== ${text}`)));
  };
  out.print(c.bold("openpower demo: a simulated house, battery, EV charger, inverter, retailer and solar portfolio on 127.0.0.1"));
  const sims = await startSimulators(plugins, { speed: opts.speed, seed: opts.seed });
  const dataDir = mkdtempSync(join(tmpdir(), "openpower-demo-"));
  const sessions: VendorSession[] = [];
  let ctx: CommandContext | undefined;
  try {
    for (const f of sims.failures) out.warn(`${f.vendor} simulator did not start: ${describeCause(f.error)}`);
    for (const h of sims.handles) out.print(`  ${h.info}`);
    out.print(c.dim(`  simulated time runs ${opts.speed}× faster than real time; seed ${opts.seed}`));

    const connectFailures: string[] = [];
    await Promise.all(
      sims.handles.map(async (h) => {
        const plugin = plugins.find((p) => p.name === h.vendor)!;
        try {
          sessions.push(
            await plugin.connect(h.section, { cwd: parent.io.cwd, clock: sims.clock, logger: parent.logger, timeoutMs: 5_000 }),
          );
        } catch (error) {
          connectFailures.push(describeCause(error, { vendor: h.vendor }));
        }
      }),
    );
    for (const f of connectFailures) out.warn(f);
    const order = (s: VendorSession) => plugins.findIndex((p) => p.name === s.vendor);
    sessions.sort((a, b) => order(a) - order(b));
    ctx = new CommandContext({ ...parent.io, env: { ...parent.io.env, OPENPOWER_DATA_DIR: dataDir } }, parent.global, "table", {
      sessions,
      argv: ["demo"],
    });

    heading("openpower status: the power flow of every system");
    const statusCode = await status(ctx, {}).catch((error: unknown) => {
      out.print(c.red(describeError(error)));
      return ExitCode.partial;
    });

    const amber = sessions.find((s) => s.pricesAhead);
    let pricesShown = false;
    if (amber?.pricesAhead) {
      heading("openpower prices --next 12h: Amber prices ahead");
      try {
        await renderPrices(ctx, await amber.pricesAhead(12), { chart: true, hours: 12 });
        pricesShown = true;
      } catch (error) {
        out.print(c.red(describeError(error)));
      }
    }

    heading(`openpower battery plan "${DEMO_INTENT}"`);
    const alpha = sessions.find((s) => s.vendor === "alphaess");
    const device = alpha ? `alphaess:${(await alpha.systems())[0]?.id ?? ""}` : undefined;
    let applied: "took effect" | "not taken" | "failed" | "skipped" = "skipped";
    let writes = 0;
    try {
      const change = await makePlan(ctx, DEMO_INTENT, device);
      printPlan(ctx, change);
      writes = change.plan.writes.length;
      heading(`openpower battery apply "${DEMO_INTENT}" --yes: write, read back, audit`);
      const { result } = await applyChange(ctx, change, { yes: true });
      if (result) {
        printApplyResult(ctx, result);
        applied = result.ok ? "took effect" : result.results.some((r) => r.sent) ? "not taken" : "failed";
        const after = await controller(change.entry.system).getBatterySchedule();
        out.print(
          `read back: charge ${after.charge.windows.map((w) => `${w.start}-${w.end}`).join(", ") || "no windows"}, ${after.charge.fromGrid ? "from grid" : "no grid charging"}, stop at ${Math.round(after.charge.stopLevel * 100)} %`,
        );
        const entry = readAudit(ctx.paths.auditLog).at(-1);
        if (entry)
          out.print(
            c.dim(
              `audit log line (${ctx.paths.auditLog}): ${entry.time} ${entry.user}@${entry.host} ${entry.vendor}:${entry.device} ok=${entry.ok}`,
            ),
          );
      } else {
        applied = "took effect";
        out.print("The schedule was already in place: nothing to write.");
      }
    } catch (error) {
      applied = "failed";
      out.print(c.red(describeError(error)));
    }

    heading("summary");
    const systems = (await Promise.all(sessions.map((s) => s.systems().catch(() => [])))).flat();
    out.print(
      `simulators: ${sims.handles.map((h) => h.vendor).join(", ")}${sims.failures.length > 0 ? ` (not started: ${sims.failures.map((f) => f.vendor).join(", ")})` : ""}`,
    );
    out.print(`systems: ${systems.map((s) => `${s.vendor}:${s.id}`).join(", ")}`);
    out.print(
      `status: ${statusCode === ExitCode.ok ? "every system answered" : "some readings failed"}; prices: ${pricesShown ? "shown" : "not available"}`,
    );
    out.print(`battery: "${DEMO_INTENT}" on ${device ?? "(no AlphaESS system)"}: ${writes} write(s) planned, ${applied}`);
    out.print(
      `finished in ${((Date.now() - started) / 1000).toFixed(1)} s (simulated: ${Math.round((sims.clock.now() - started) / 60_000)} min)`,
    );
    out.print(
      c.dim(
        'Next: "openpower sim --write-config sim.toml" runs the simulators for your own commands; "openpower --help" lists everything.',
      ),
    );
    const ok = statusCode === ExitCode.ok && applied === "took effect" && sims.failures.length === 0 && connectFailures.length === 0;
    return ok ? ExitCode.ok : ExitCode.partial;
  } finally {
    await Promise.allSettled(sessions.map((s) => s.close()));
    await ctx?.close();
    await sims.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
