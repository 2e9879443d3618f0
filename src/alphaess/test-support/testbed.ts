import { afterEach } from "vitest";
import type { AlphaEssSimulator, AlphaEssSimulatorOptions } from "../../sim/alphaess/index.js";
import { startAlphaEssSimulator } from "../../sim/alphaess/index.js";
import { VirtualClock, type RecordedRequest } from "../../sim/kernel.js";
import { AlphaESS, type AlphaESSOptions } from "../client.js";

/** 12:00 in Sydney (AEST, UTC+10) on Tuesday 4 August 2026. */
export const NOON_SYDNEY = Date.parse("2026-08-04T02:00:00Z");

export interface AlphaEssTestbed {
  clock: VirtualClock;
  sim: AlphaEssSimulator;
  api: AlphaESS;
  /** Requests the simulator received, optionally only those to one endpoint. */
  requests(endpoint?: string): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A simulator and a client on one manual `VirtualClock` (time moves only when a test moves it), the
 * client with no pacing, no write cool-down and instant retries, and the simulator without its
 * live-like request interval and write cool-down (`limits: "none"`), unless the test says otherwise.
 * @internal for tests and examples
 */
export async function alphaEssTestbed(
  options: { sim?: AlphaEssSimulatorOptions; client?: Partial<AlphaESSOptions>; clock?: VirtualClock } = {},
): Promise<AlphaEssTestbed> {
  const clock = options.clock ?? new VirtualClock({ mode: "manual", start: NOON_SYDNEY });
  // The client here does not pace itself: the simulator opts out of its live-like limits too (a test asks for them with `sim: { limits: "live" }`).
  const sim = await startAlphaEssSimulator({ clock, limits: "none", ...options.sim });
  const api = new AlphaESS({
    ...sim.credentials,
    baseUrl: sim.url,
    timeZone: "Australia/Sydney",
    clock,
    pacing: { minIntervalMs: 0 },
    writeCooldownMs: 0,
    retry: { baseDelayMs: 0 },
    timeoutMs: 2000,
    ...options.client,
  });
  return {
    clock,
    sim,
    api,
    requests: (endpoint) => sim.http.requests.filter((r) => endpoint === undefined || r.path === `/api/${endpoint}`),
    close: () => sim.close(),
  };
}

/** Polls `condition` on real time until it holds (or fails after `tries`). */
export async function waitUntil(condition: () => boolean, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error("condition not met in time");
}

/** The simulator's two default systems. */
export const SN = "AL70110230306xx";
export const SN2 = "AL70110230302xx";

/** A `setup()` for a test file: each call starts a testbed, closed after the test that made it. */
export function useTestbed(): (...args: Parameters<typeof alphaEssTestbed>) => Promise<AlphaEssTestbed> {
  let bed: AlphaEssTestbed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });
  return async (...args) => {
    bed = await alphaEssTestbed(...args);
    return bed;
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}
