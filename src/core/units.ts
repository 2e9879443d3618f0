import { ValidationError } from "./errors/index.js";

/**
 * Units used across openpower. These aliases document intent in signatures; the numbers are plain.
 * Power is in watts, energy in kilowatt-hours, prices in cents per kWh including GST, and state of
 * charge and levels are fractions 0..1 (never percent).
 */
export type Watts = number;
export type KilowattHours = number;
export type Fraction = number;
export type CentsPerKwh = number;
export type Amperes = number;

/** Vendor percent (0..100) to a fraction (0..1). `null` stays `null`. */
export function percentToFraction(percent: number | null | undefined): Fraction | null {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return null;
  return roundTo(percent / 100, 6);
}

/** A fraction (0..1) to vendor percent (0..100), rounded to 0.01 % to avoid float noise like 90.00000000000001. */
export function fractionToPercent(fraction: Fraction): number {
  return roundTo(fraction * 100, 2);
}

/**
 * Checks a 0..1 level supplied by a caller; throws `ValidationError` (nothing sent) otherwise.
 * `step` (e.g. 0.01 for devices that store whole percent) also requires the value to be a
 * multiple of it, so that what is written is exactly what the caller asked for.
 */
export function assertFraction(value: unknown, field: string, range: { min?: number; max?: number; step?: number } = {}): Fraction {
  const min = range.min ?? 0;
  const max = range.max ?? 1;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    const hint =
      typeof value === "number" && value > 1 && value <= 100 ? ` (levels are fractions: write ${value / 100} for ${value} %)` : "";
    throw new ValidationError(`${field} must be a number from ${min} to ${max}, got ${String(value)}${hint}.`, { field });
  }
  if (range.step !== undefined && !isMultipleOf(value, range.step)) {
    throw new ValidationError(
      `${field} must be a multiple of ${range.step} (the device stores ${range.step === 0.01 ? "whole percent" : `steps of ${range.step}`}), got ${value}.`,
      { field },
    );
  }
  return value;
}

/** Checks a whole number within [min, max]; throws `ValidationError` otherwise. */
export function assertInteger(value: unknown, field: string, min: number, max: number, unit = ""): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${field} must be a whole number from ${min} to ${max}${unit ? ` ${unit}` : ""}, got ${String(value)}.`, {
      field,
    });
  }
  return value;
}

function isMultipleOf(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

/** Checks a finite number within [min, max]. */
export function assertNumberInRange(value: unknown, field: string, min: number, max: number, unit = ""): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new ValidationError(`${field} must be a number from ${min} to ${max}${unit ? ` ${unit}` : ""}, got ${String(value)}.`, { field });
  }
  return value;
}

export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const wattsToKilowatts = (w: Watts): number => w / 1000;
export const kilowattsToWatts = (kw: number): Watts => kw * 1000;
/** Energy of a constant power held for `ms` milliseconds, in kWh. */
export const energyKwh = (w: Watts, ms: number): KilowattHours => (w * ms) / 3_600_000_000;
