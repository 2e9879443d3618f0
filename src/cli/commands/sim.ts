import { stringify as stringifyToml } from "smol-toml";
import { realSleep } from "../../core/clock.js";
import type { Vendor } from "../../model/types.js";
import type { VirtualClock } from "../../sim/kernel.js";
import type { SectionValues } from "../config/settings.js";
import { writeConfigFile } from "../config/write.js";
import type { CommandContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { describeCause, ExitCode } from "../errors.js";
import type { SimulatorHandle, VendorPlugin } from "../vendors/types.js";
import { parseVendorList } from "./config.js";

export interface StartedSimulators {
  clock: VirtualClock;
  handles: SimulatorHandle[];
  failures: { vendor: Vendor; error: unknown }[];
  close(): Promise<void>;
}

/**
 * Starts the simulators of `vendors` (default: every vendor that has one) on one shared
 * accelerated clock. A simulator that fails to start is reported, not fatal.
 */
export async function startSimulators(
  plugins: readonly VendorPlugin[],
  options: { vendors?: readonly Vendor[]; speed: number; seed: number; port?: number },
): Promise<StartedSimulators> {
  const { VirtualClock } = await import("../../sim/kernel.js");
  const clock = new VirtualClock({ mode: "accelerated", speed: options.speed, start: Date.now() });
  const wanted = plugins.filter((p) => p.startSimulator && (!options.vendors || options.vendors.includes(p.name)));
  const handles: SimulatorHandle[] = [];
  const failures: { vendor: Vendor; error: unknown }[] = [];
  await Promise.all(
    wanted.map(async (plugin, i) => {
      try {
        handles.push(await plugin.startSimulator!({ clock, seed: options.seed, ...(options.port ? { port: options.port + i } : {}) }));
      } catch (error) {
        failures.push({ vendor: plugin.name, error });
      }
    }),
  );
  const order = (v: Vendor) => plugins.findIndex((p) => p.name === v);
  handles.sort((a, b) => order(a.vendor) - order(b.vendor));
  return {
    clock,
    handles,
    failures,
    async close() {
      await Promise.allSettled(handles.map((h) => h.close()));
    },
  };
}

/** The TOML config that points openpower at running simulators. */
export function simulatorConfig(handles: readonly SimulatorHandle[]): string {
  const sections: Record<string, SectionValues> = {};
  for (const h of handles) sections[h.vendor] = h.section;
  return stringifyToml(sections);
}

export async function sim(
  ctx: CommandContext,
  opts: { vendors?: string; speed: number; seed: number; port?: number; writeConfig?: string; duration?: string },
): Promise<number> {
  const vendors = parseVendorList(opts.vendors, "--vendors");
  const durationMs = opts.duration === undefined ? undefined : parseDuration(opts.duration, "--duration");
  const plugins = await ctx.plugins();
  const started = await startSimulators(plugins, { vendors, speed: opts.speed, seed: opts.seed, port: opts.port });
  try {
    for (const f of started.failures) ctx.out.warn(`${f.vendor} simulator did not start: ${describeCause(f.error)}`);
    if (started.handles.length === 0) {
      ctx.out.note("error: no simulator could be started.");
      return ExitCode.error;
    }
    const toml = simulatorConfig(started.handles);
    if (opts.writeConfig) writeConfigFile(opts.writeConfig, Object.fromEntries(started.handles.map((h) => [h.vendor, h.section])));
    if (ctx.out.isJson)
      ctx.out.json({
        speed: opts.speed,
        seed: opts.seed,
        simulators: started.handles.map((h) => ({ vendor: h.vendor, info: h.info, config: h.section })),
      });
    else {
      ctx.out.print(`# openpower simulators (speed ${opts.speed}×, seed ${opts.seed}). Save as a file and point OPENPOWER_CONFIG at it:`);
      ctx.out.print(toml);
    }
    for (const h of started.handles) ctx.out.note(h.info);
    if (opts.writeConfig) ctx.out.note(`Config written to ${opts.writeConfig}: OPENPOWER_CONFIG=${opts.writeConfig} openpower status`);
    ctx.out.note(durationMs === undefined ? "Running; Ctrl-C stops." : `Running for ${opts.duration}.`);
    const abort = new AbortController();
    const remove = ctx.io.onInterrupt(() => abort.abort());
    try {
      await realSleep(durationMs ?? 2_147_000_000, abort.signal).catch(() => undefined);
      if (durationMs === undefined) {
        // realSleep timers are capped; keep waiting until interrupted.
        while (!abort.signal.aborted) await realSleep(2_147_000_000, abort.signal).catch(() => undefined);
      }
    } finally {
      remove();
    }
    ctx.out.note("Simulators stopped.");
    return ExitCode.ok;
  } finally {
    await started.close();
  }
}
