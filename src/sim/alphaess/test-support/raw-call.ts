import { createHash } from "node:crypto";
import { afterEach } from "vitest";
import { VirtualClock } from "../../kernel.js";
import { startAlphaEssSimulator, type AlphaEssSimulator, type AlphaEssSimulatorOptions } from "../index.js";

// What the simulator's own tests share: a simulator per test on a manual clock, and requests
// signed independently of the client code.

export const SN = "AL70110230306xx";
export const NOON_SYDNEY = Date.parse("2026-08-04T02:00:00Z");

/** A `start()` for a test file: each call starts a simulator, closed after the test that made it. */
export function useSimulator(): (options?: AlphaEssSimulatorOptions) => Promise<{ sim: AlphaEssSimulator; clock: VirtualClock }> {
  let sim: AlphaEssSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  return async (options = {}) => {
    const clock = options.clock instanceof VirtualClock ? options.clock : new VirtualClock({ mode: "manual", start: NOON_SYDNEY });
    // Most tests send requests back to back: they opt out of the live-like limits explicitly (the tests of the limits set them).
    sim = await startAlphaEssSimulator({ clock, limits: "none", ...options });
    return { sim, clock };
  };
}

export interface Raw {
  status: number;
  text: string;
  json: Record<string, unknown>;
  headers: Headers;
}

/** A request signed independently of the client code (SHA-512 of appId + appSecret + timeStamp). */
export async function call(
  s: AlphaEssSimulator,
  endpoint: string,
  options: {
    method?: string;
    query?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
    ts?: string;
    headers?: Record<string, string | undefined>;
    secret?: string;
  } = {},
): Promise<Raw> {
  const ts = options.ts ?? String(Math.floor(s.clock.now() / 1000));
  const { appId, appSecret } = s.credentials;
  const sign = createHash("sha512")
    .update(appId + (options.secret ?? appSecret) + ts)
    .digest("hex");
  const headers: Record<string, string> = { appId, timeStamp: ts, sign };
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    delete headers[k];
    if (v !== undefined) headers[k] = v;
  }
  const url = new URL(`${s.url}/${endpoint}`);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const method = options.method ?? "GET";
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown>, headers: response.headers };
}
