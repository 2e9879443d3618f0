import { startPowerTrackSimulator, type PowerTrackSimulator, type PowerTrackSimulatorOptions } from "../../sim/powertrack/index.js";
import { PowerTrackClient, type PowerTrackClientOptions } from "../client.js";

/**
 * A simulator and a client pointed at it, for tests: credentials passed explicitly, and no
 * environment, cookie file or .env consulted (so a developer's real credentials never leak in).
 */
export async function simAndClient(
  simOptions: PowerTrackSimulatorOptions = {},
  clientOptions: Omit<PowerTrackClientOptions, "auth"> = {},
): Promise<{ sim: PowerTrackSimulator; client: PowerTrackClient; close: () => Promise<void> }> {
  const sim = await startPowerTrackSimulator({ sites: 8, ...simOptions });
  const client = clientFor(sim, clientOptions);
  return {
    sim,
    client,
    close: async () => {
      client.close();
      await sim.close();
    },
  };
}

export function clientFor(sim: PowerTrackSimulator, options: Omit<PowerTrackClientOptions, "auth"> = {}): PowerTrackClient {
  return new PowerTrackClient({
    auth: { ...sim.credentials, baseUrl: sim.url, env: {}, cookieFile: false, envFile: false },
    clock: sim.clock,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 5_000,
    ...options,
  });
}

/** Requests the simulator received, excluding none: method and path. */
export function received(sim: PowerTrackSimulator): string[] {
  return sim.http.requests.map((r) => `${r.method} ${r.path}`);
}
