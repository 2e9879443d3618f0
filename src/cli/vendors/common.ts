import { ConfigurationError } from "../../core/errors/index.js";
import type { RateLimitState } from "../../core/rate-limit/limiter.js";
import { parseBoolean, type SectionValues, type SettingSpec } from "../config/settings.js";
import { UsageError } from "../errors.js";

/** A required string setting, or a ConfigurationError naming the env variable and config key to set. */
export function required(section: SectionValues, spec: readonly SettingSpec[], vendor: string, key: string, help: string): string {
  const value = section[key];
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  const setting = spec.find((s) => s.key === key);
  const env = setting?.env?.[0];
  throw new ConfigurationError(
    `${vendor}.${key} is not set: ${env ? `set ${env}, ` : ""}add ${key} to the [${vendor}] section of the config file, or run "openpower config init". ${help}`,
    { vendor, setting: env ?? `${vendor}.${key}` },
  );
}

export function optionalString(section: SectionValues, key: string): string | undefined {
  const value = section[key];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function optionalNumber(section: SectionValues, key: string): number | undefined {
  const value = section[key];
  return typeof value === "number" ? value : undefined;
}

export function optionalList(section: SectionValues, key: string): string[] {
  const value = section[key];
  if (Array.isArray(value)) return value;
  if (typeof value === "string" && value.trim() !== "")
    return value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
  return [];
}

/**
 * The interval, ms, at which `requests` requests per refresh stay inside a limiter's window budget,
 * and later if the budget is nearly used up (wait for its reset).
 */
export function budgetIntervalMs(state: RateLimitState, requests: number, now: number): number {
  let interval = 0;
  if (state.limit && state.windowMs) interval = (state.windowMs / state.limit) * requests;
  if (state.remaining !== null && state.remaining < requests && state.resetAt) interval = Math.max(interval, state.resetAt.getTime() - now);
  interval = Math.max(interval, state.nextAt.getTime() - now);
  return Math.max(0, interval);
}

/** A whole positive number from a command-line argument. */
export function intArg(value: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`, { field: name });
  return n;
}

/** A number from a command-line argument. */
export function numberArg(value: unknown, name: string): number {
  const n = typeof value === "number" ? value : Number(value);
  if (value === undefined || value === "" || !Number.isFinite(n))
    throw new UsageError(`${name} must be a number, got ${JSON.stringify(value)}.`, { field: name });
  return n;
}

/** "90%" or "0.9" → 0.9; levels on the command line may be written either way. */
export function levelArg(value: unknown, name: string): number {
  const text = String(value).trim();
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  const n = pct ? Number(pct[1]) / 100 : Number(text);
  if (text === "" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new UsageError(`${name} must be a level like 90% or 0.9, got ${JSON.stringify(value)}.`, { field: name });
  return n;
}

/** "on/off/true/false/yes/no/1/0" → boolean. */
export function boolArg(value: unknown, name: string): boolean {
  const b = parseBoolean(String(value));
  if (b === undefined) throw new UsageError(`${name} must be on or off, got ${JSON.stringify(value)}.`, { field: name });
  return b;
}

/**
 * A value fetched once per session and then reused; a failure is not kept, so the next call
 * tries again (a long-running `watch` recovers from a vendor that was down).
 */
export function memo<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}

/** "01:00-05:00" (hyphen or en dash) → { start, end }; validation is left to the client. */
export function windowArg(value: unknown, name: string): { start: string; end: string } {
  const m = /^\s*(\d{1,2}:\d{2})\s*[-\u2013\u2014]\s*(\d{1,2}:\d{2})\s*$/.exec(String(value));
  if (!m) throw new UsageError(`${name} must be a window like 01:00-05:00, got ${JSON.stringify(value)}.`, { field: name });
  const pad = (t: string) => t.padStart(5, "0");
  return { start: pad(m[1]!), end: pad(m[2]!) };
}
