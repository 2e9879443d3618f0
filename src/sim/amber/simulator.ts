import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { startHttpSimulator, VirtualClock, type FaultRule, type HttpSimulator } from "../kernel.js";
import { AmberApi, type AmberSimStats } from "./handler.js";
import { DEFAULT_AMBER_SITES, amberWireSite, type AmberSimSite } from "./sites.js";

export interface AmberSimulatorOptions {
  /** The simulation clock (a `VirtualClock` to run fast or by hand). Default: a real-time `VirtualClock`. */
  clock?: Clock;
  /** Seed of the prices, usage and fault choices. Default 1. */
  seed?: number;
  /** Accepted API tokens, each with its own rate-limit window. Default: one token derived from the seed. */
  tokens?: string[];
  /** Default: a closed site, an active 5-minute Energex site (general + feed-in) and an active 30-minute Jemena site (general + controlled load). */
  sites?: AmberSimSite[];
  /** Per-token budget. Default 50 per 300 000 ms, Amber's; `false` for none. */
  rateLimit?: { limit?: number; windowMs?: number } | false;
  /** Seconds into a 5-minute interval before its current price stops being an estimate. Default 30. */
  estimateSeconds?: number;
  /** Answer with header-less edge 429s: `true` until turned off, a number for that many requests. Default off. */
  gatewayThrottle?: boolean | number;
  /** A fixed forecast horizon in hours; default AEMO's (to the end of today NEM, or of tomorrow after 12:30 NEM). */
  forecastHorizonHours?: number;
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** Fault rules for the HTTP harness (5xx, resets, timeouts, truncated and malformed bodies). */
  faults?: FaultRule[];
}

/** A running Amber simulator. */
export interface AmberSimulator {
  /** Base URL for the client, like `https://api.amber.com.au/v1`: `http://127.0.0.1:<port>/v1`. */
  readonly url: string;
  /** The first accepted token. */
  readonly token: string;
  readonly tokens: readonly string[];
  /** The sites as `/sites` lists them. */
  readonly sites: ReadonlyArray<Record<string, unknown>>;
  /** The simulated sites with their hidden settings (region, tariff, household). */
  readonly simSites: readonly AmberSimSite[];
  /** Id of the first active site. */
  readonly activeSiteId: string;
  readonly clock: Clock;
  /** The HTTP harness: recorded requests and fault injection. */
  readonly http: HttpSimulator;
  /** The Amber behaviour behind it (pricing model, counters). */
  readonly api: AmberApi;
  setGatewayThrottle(value: boolean | number): void;
  resetRateLimits(): void;
  stats(): AmberSimStats;
  close(): Promise<void>;
}

/** A token like Amber's (`psk_` and 32 hex characters), derived from the seed. */
export function amberSimulatorToken(seed: number, index = 0): string {
  return `psk_${createHash("sha256").update(`openpower-amber-simulator:${seed}:${index}`).digest("hex").slice(0, 32)}`;
}

/**
 * Starts an Amber API server on 127.0.0.1 driven by the NEM price model and the given clock.
 * Point a client at it with `new Amber({ token: sim.token, baseUrl: sim.url, clock: sim.clock })`.
 */
export async function startAmberSimulator(options: AmberSimulatorOptions = {}): Promise<AmberSimulator> {
  const seed = options.seed ?? 1;
  const clock = options.clock ?? new VirtualClock({ mode: "real" });
  const tokens = options.tokens && options.tokens.length > 0 ? [...options.tokens] : [amberSimulatorToken(seed)];
  const sites = options.sites ?? DEFAULT_AMBER_SITES;
  const rate =
    options.rateLimit === false ? null : { limit: options.rateLimit?.limit ?? 50, windowMs: options.rateLimit?.windowMs ?? 300_000 };
  if (rate && (!Number.isInteger(rate.limit) || rate.limit < 1 || !(rate.windowMs >= 1000))) {
    throw new RangeError(`rateLimit needs a whole limit >= 1 and windowMs >= 1000, got ${JSON.stringify(options.rateLimit)}.`);
  }
  const api = new AmberApi({
    seed,
    tokens,
    sites,
    rateLimit: rate,
    estimateSeconds: options.estimateSeconds ?? 30,
    forecastHorizonHours: options.forecastHorizonHours,
  });
  if (options.gatewayThrottle) api.setGatewayThrottle(options.gatewayThrottle);
  const http = await startHttpSimulator(api.handle, { port: options.port, seed, clock, faults: options.faults });
  const active = sites.find((s) => s.status === "active");
  return {
    url: `${http.url}/v1`,
    token: tokens[0]!,
    tokens,
    sites: sites.map(amberWireSite),
    simSites: sites,
    activeSiteId: active?.id ?? "",
    clock,
    http,
    api,
    setGatewayThrottle: (value) => api.setGatewayThrottle(value),
    resetRateLimits: () => api.resetRateLimits(),
    stats: () => api.stats(),
    close: () => http.close(),
  };
}
