import type { Clock } from "../../core/clock.js";
import { startHttpSimulator, VirtualClock, type FaultRule, type HttpSimulator } from "../kernel.js";
import { createPowerTrackHandler } from "./handler.js";
import { SimPortfolio } from "./portfolio.js";
import { PowerTrackSimState, type ExpiredResponse, type PowerTrackSimCredentials } from "./state.js";

export interface PowerTrackSimulatorOptions {
  /** The simulation clock (a `VirtualClock` to run fast or by hand). Default: a real-time `VirtualClock`. */
  clock?: Clock;
  /** Seed of the portfolio, the weather and the fault choices. Default 1. */
  seed?: number;
  /** Number of sites (default 50). Sites are generated on first use, so 5 000 start as fast as 5. */
  sites?: number;
  /** After this long (simulated ms) the session expires and requests get 419. Default: never. */
  sessionLifetimeMs?: number | null;
  /** What an expired session gets: "419" (default), "401", or "html" (the login page with 200). */
  expiredResponse?: ExpiredResponse;
  /** Refuse PUTs without a Referer naming a PowerTrack page (400). Default true. */
  requireReferer?: boolean;
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** Fault rules for the HTTP harness (latency, 5xx, resets, timeouts, truncated and malformed bodies). */
  faults?: FaultRule[];
}

/** A running PowerTrack simulator. */
export interface PowerTrackSimulator {
  /** Base URL for the client, like `https://apps.alsoenergy.com`: `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The credentials the server currently accepts (they change after `state.renewSession()`). */
  readonly credentials: PowerTrackSimCredentials;
  /** Customer keys: the root customer (every site) first, then the sub-customers. */
  readonly customers: readonly string[];
  /** Every site key (5- and 6-digit keys mixed). */
  readonly sites: readonly string[];
  readonly clock: Clock;
  /** The HTTP harness: recorded requests and fault injection. */
  readonly http: HttpSimulator;
  /** The server's data and session; read and change it in tests. */
  readonly state: PowerTrackSimState;
  close(): Promise<void>;
}

/**
 * Starts the PowerTrack web API on 127.0.0.1: cookie, `ae_s` and `ae_v` checked (401 when missing
 * or wrong, 419 once `sessionLifetimeMs` has passed), a Referer required on PUTs, a generated
 * portfolio with hardware of every function code, alerts, modeling and chart data from the PV
 * model, writes that change the state and echo as documented, and the real server's `"NaN"`
 * strings and mixed date formats.
 *
 * ```ts
 * const sim = await startPowerTrackSimulator({ sites: 20 });
 * const client = new PowerTrackClient({ auth: { ...sim.credentials, baseUrl: sim.url, envFile: false, cookieFile: false } });
 * ```
 */
export async function startPowerTrackSimulator(options: PowerTrackSimulatorOptions = {}): Promise<PowerTrackSimulator> {
  const seed = options.seed ?? 1;
  const clock = options.clock ?? new VirtualClock({ mode: "real" });
  const lifetime = options.sessionLifetimeMs ?? null;
  if (lifetime !== null && !(Number.isFinite(lifetime) && lifetime > 0))
    throw new RangeError(`sessionLifetimeMs must be > 0 ms or null, got ${String(options.sessionLifetimeMs)}.`);
  const expired = options.expiredResponse ?? "419";
  if (!["419", "401", "html"].includes(expired))
    throw new RangeError(`expiredResponse must be "419", "401" or "html", got ${JSON.stringify(options.expiredResponse)}.`);
  const portfolio = new SimPortfolio(seed, options.sites ?? 50);
  const state = new PowerTrackSimState(portfolio, clock, {
    sessionLifetimeMs: lifetime,
    expiredResponse: expired,
    requireReferer: options.requireReferer ?? true,
  });
  const http = await startHttpSimulator(createPowerTrackHandler(state), { port: options.port, seed, clock, faults: options.faults });
  return {
    url: http.url,
    get credentials() {
      return { ...state.credentials };
    },
    customers: portfolio.customers,
    sites: portfolio.siteKeys,
    clock,
    http,
    state,
    close: () => http.close(),
  };
}
