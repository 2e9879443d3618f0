import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import { startSimulators } from "./sim.js";
import { loadPlugins } from "../vendors/registry.js";
import type { SimulatorHandle, VendorSession } from "../vendors/types.js";
import type { Vendor } from "../../model/types.js";
import type { PvForecastSettings } from "../../service/automation-forecast.js";

export interface DemoSources {
  clock: Clock & { speed?: number };
  sessions: VendorSession[];
  handles: SimulatorHandle[];
  /** Vendors whose simulator or client did not start, with the reason's class. */
  failures: { vendor: Vendor; error: unknown }[];
  /** The Open-Meteo simulator's PV forecast for the demo house (Sydney, 6.6 kWp facing north), for the automation. */
  pv?: PvForecastSettings;
  close(): Promise<void>;
}

/** The demo house's array, as `[automation]` would configure it. */
export const DEMO_PV_ARRAY = { latitude: -33.87, longitude: 151.21, kWp: 6.6, tiltDeg: 20, azimuthDeg: 180 } as const;

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
  // Open-Meteo is not a vendor plugin: its simulator runs beside them, on the same clock, so the demo exercises the PV blend offline.
  const { startOpenMeteoSimulator } = await import("../../sim/open-meteo/index.js");
  const { OpenMeteo } = await import("../../automation/forecast/open-meteo.js");
  const weather = await startOpenMeteoSimulator({ clock: sims.clock, seed: options.seed }).catch((error: unknown) => {
    options.logger?.warn("Open-Meteo simulator did not start", { errorClass: error instanceof Error ? error.name : typeof error });
    return undefined;
  });
  return {
    clock: sims.clock,
    sessions,
    handles: sims.handles,
    failures,
    pv: weather && {
      client: new OpenMeteo({ baseUrl: weather.url, clock: sims.clock, logger: options.logger, timeoutMs: 10_000 }),
      array: DEMO_PV_ARRAY,
    },
    async close() {
      await Promise.allSettled(sessions.map((s) => s.close()));
      await Promise.allSettled([weather?.close()]);
      await sims.close();
    },
  };
}
