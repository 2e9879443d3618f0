import type { Clock } from "../../core/clock.js";
import { startHttpSimulator, VirtualClock, type FaultRule, type HttpSimulator } from "../kernel.js";
import { OpenMeteoApi } from "./handler.js";

export interface OpenMeteoSimulatorOptions {
  /** The simulation clock. Default: a real-time `VirtualClock`. */
  clock?: Clock;
  /** Seed of the clouds and temperatures. Default 1. */
  seed?: number;
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** Fault rules for the HTTP harness (5xx, resets, timeouts, truncated and malformed bodies). */
  faults?: FaultRule[];
}

export interface OpenMeteoSimulator {
  /** Base URL for the client, like `https://api.open-meteo.com/v1`: `http://127.0.0.1:<port>/v1`. */
  readonly url: string;
  readonly clock: Clock;
  readonly http: HttpSimulator;
  readonly api: OpenMeteoApi;
  close(): Promise<void>;
}

/** Starts a keyless Open-Meteo forecast server on 127.0.0.1 (`GET /v1/forecast`). */
export async function startOpenMeteoSimulator(options: OpenMeteoSimulatorOptions = {}): Promise<OpenMeteoSimulator> {
  const seed = options.seed ?? 1;
  const clock = options.clock ?? new VirtualClock({ mode: "real" });
  const api = new OpenMeteoApi(seed, clock);
  const http = await startHttpSimulator(api.handle, { port: options.port, seed, clock, faults: options.faults });
  return { url: `${http.url}/v1`, clock, http, api, close: () => http.close() };
}
