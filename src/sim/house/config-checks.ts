import { ConfigurationError } from "../../core/errors/index.js";

// Checks of the house configuration and of time arguments, with the setting named in the error.

export function toMs(value: Date | number, name: string): number {
  const ms = typeof value === "number" ? value : value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a Date or epoch milliseconds, got ${String(value)}.`);
  return ms;
}

export function bad(setting: string, message: string): never {
  throw new ConfigurationError(`House config ${setting} ${message}`, { setting });
}

export function positive(value: unknown, setting: string, allowZero = false): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    bad(setting, `must be a number ${allowZero ? ">= 0" : "> 0"}, got ${String(value)}.`);
  }
  return value;
}

export function fraction(value: unknown, setting: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1)
    bad(setting, `must be a fraction from 0 to 1, got ${String(value)}.`);
  return value;
}
