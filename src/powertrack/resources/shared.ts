import { ValidationError } from "../../core/errors/index.js";
import { isValidTimeZone, localDate } from "../../core/time/zoned.js";
import { parseWith, z } from "../../core/validation.js";
import { FULL_PAYLOAD, type DateInput } from "../client-types.js";
import { parseCalendarDay } from "../values.js";
import { lookupList } from "../wire/common.js";

// Helpers shared by the client's resources.

export const LAST_CHANGED = { lastChanged: FULL_PAYLOAD };
/** The members of `edit/hardware` that make up a device's driver configuration. */
export const DRIVER_MEMBERS = ["driverId", "settings", "registerOffsets"];

const lookupOrWrapped = z.union([
  lookupList,
  z.looseObject({ curves: lookupList }),
  z.looseObject({ modules: lookupList }),
  z.looseObject({ list: lookupList }),
]);

export function lookup(body: unknown, operation: string): Array<{ name: string; value: number | string } & Record<string, unknown>> {
  const parsed = parseWith(lookupOrWrapped, body, { vendor: "powertrack", operation });
  if (Array.isArray(parsed)) return parsed;
  return (
    (parsed as { curves?: never[]; modules?: never[]; list?: never[] }).curves ??
    (parsed as { modules?: never[] }).modules ??
    (parsed as { list?: never[] }).list ??
    []
  );
}

export function dateInput(value: DateInput, timeZone: string, field: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(`${field} is an invalid Date.`, { field, vendor: "powertrack" });
    return localDate(value, timeZone);
  }
  const day = parseCalendarDay(value);
  if (!day)
    throw new ValidationError(`${field} must be "YYYY-MM-DD" (or a date-time), got ${JSON.stringify(value)}.`, {
      field,
      vendor: "powertrack",
    });
  return day;
}

export function safeZone(tz: string): string {
  return isValidTimeZone(tz) ? tz : "UTC";
}
