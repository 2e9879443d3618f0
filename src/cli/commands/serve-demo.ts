import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import { startSimulators } from "./sim.js";
import { loadPlugins } from "../vendors/registry.js";
import type { SimulatorHandle, VendorSession } from "../vendors/types.js";
import type { Vendor } from "../../model/types.js";

export interface DemoSources {
  clock: Clock & { speed?: number };
  sessions: VendorSession[];
  handles: SimulatorHandle[];
  /** Vendors whose simulator or client did not start, with the reason's class. */
  failures: { vendor: Vendor; error: unknown }[];
  close(): Promise<void>;
}

/**
 * Every simulator in-process on one accelerated clock and a client session for each, as the CLI's
 * demo builds them: the service then collects from them exactly as it would from the real vendors.
 */
export async function startDemoSources(options: {
  speed: number;
  seed: number;
  vendors?: Vendor[];
  logger?: Logger;
}): Promise<DemoSources> {
  const plugins = await loadPlugins();
  const sims = await startSimulators(plugins, { speed: options.speed, seed: options.seed, vendors: options.vendors });
  const sessions: VendorSession[] = [];
  const failures = [...sims.failures];
  await Promise.all(
    sims.handles.map(async (h) => {
      const plugin = plugins.find((p) => p.name === h.vendor)!;
      try {
        sessions.push(
          await plugin.connect(h.section, { cwd: process.cwd(), clock: sims.clock, logger: options.logger, timeoutMs: 10_000 }),
        );
      } catch (error) {
        failures.push({ vendor: h.vendor, error });
      }
    }),
  );
  return {
    clock: sims.clock,
    sessions,
    handles: sims.handles,
    failures,
    async close() {
      await Promise.allSettled(sessions.map((s) => s.close()));
      await sims.close();
    },
  };
}
