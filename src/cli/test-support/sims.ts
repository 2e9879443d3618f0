import { startAlphaEssSimulator, type AlphaEssSimulator, type AlphaEssSimulatorOptions } from "../../sim/alphaess/index.js";
import { startAmberSimulator, type AmberSimulator } from "../../sim/amber/index.js";
import { startGoodWeSimulator, type GoodWeSimulator } from "../../sim/goodwe/index.js";
import { startPowerTrackSimulator, type PowerTrackSimulator } from "../../sim/powertrack/index.js";

export interface TestSims {
  alphaess: AlphaEssSimulator;
  amber: AmberSimulator;
  goodwe: GoodWeSimulator;
  powertrack: PowerTrackSimulator;
  /** The config sections pointing the CLI at these simulators (pacing off: the simulators do not throttle). */
  config(): Record<string, Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * Every vendor simulator on 127.0.0.1 with real-time clocks (the CLI subprocess signs and dates
 * with the wall clock, so the simulators must agree with it).
 */
export async function startTestSims(options: { alphaess?: AlphaEssSimulatorOptions } = {}): Promise<TestSims> {
  const [alphaess, amber, goodwe, powertrack] = await Promise.all([
    startAlphaEssSimulator({ seed: 7, limits: "none", ...options.alphaess }),
    startAmberSimulator({ seed: 7 }),
    startGoodWeSimulator({ profile: "ET", tcpPort: null, discoveryPort: null }),
    startPowerTrackSimulator({ seed: 7, sites: 6 }),
  ]);
  return {
    alphaess,
    amber,
    goodwe,
    powertrack,
    config: () => ({
      alphaess: {
        appId: alphaess.credentials.appId,
        appSecret: alphaess.credentials.appSecret,
        baseUrl: alphaess.url,
        timeZone: "Australia/Sydney",
        minIntervalMs: 0,
        writeCooldownMs: 0,
      },
      amber: { token: amber.token, baseUrl: amber.url, site: amber.activeSiteId },
      goodwe: { host: goodwe.host, port: goodwe.udpPort, protocol: "udp", family: "ET", timeZone: "Australia/Sydney" },
      powertrack: {
        cookie: powertrack.credentials.cookie,
        aeS: powertrack.credentials.aeS,
        aeV: powertrack.credentials.aeV,
        baseUrl: powertrack.url,
        sites: powertrack.sites.slice(0, 2),
        customer: powertrack.customers[0]!,
      },
    }),
    async close() {
      await Promise.allSettled([alphaess.close(), amber.close(), goodwe.close(), powertrack.close()]);
    },
  };
}
