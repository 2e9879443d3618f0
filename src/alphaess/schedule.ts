import { ValidationError } from "../core/errors/index.js";
import { assertWindow, windowsOverlap } from "../core/time/schedule-grid.js";
import { WEEKDAYS, type BatteryControlLimits, type Weekday } from "../model/capabilities.js";
import type { BatterySchedule, ScheduleWindow } from "../model/types.js";
import { VENDOR } from "./envelope.js";
import type { SchedulePeriod, WeeklySchedule, WeeklyScheduleInput } from "./models.js";
import { assertBoolean, assertLevel, MAX_PERIODS_PER_DAY, validateWeeklySchedule } from "./validate.js";
import type { SetTimeChargeBody, TimeChargeBodyItem } from "./wire.js";

/**
 * The unified `BatterySchedule` on the two AlphaESS backends, validated once before anything is
 * read or sent. `legacy`: the charge and discharge configs (`update(Dis)ChargeConfigInfo`), two
 * windows a side, no per-window power or weekdays (the default and China backend). `weekly`: the
 * periodic schedule (`setTimeChargeBySn`), the only write that takes effect on the AU/NZ/UK backend.
 * The semantics the spec leaves open are decided here and documented in docs/alphaess.md.
 */
export type AlphaEssBackend = "legacy" | "weekly";

export const BACKEND_NAMES: Readonly<Record<AlphaEssBackend, string>> = Object.freeze({
  legacy: "AlphaESS charge/discharge settings (default backend)",
  weekly: "AlphaESS AU/NZ/UK weekly schedule",
});

/** The largest power a weekly period may ask for, W (the validator's bound; the device caps it at its own maximum). */
const MAX_PERIOD_POWER_W = 1_000_000;

export function batteryControlLimits(backend: AlphaEssBackend, minWriteIntervalS: number): BatteryControlLimits {
  const weekly = backend === "weekly";
  return {
    maxChargeWindows: weekly ? MAX_PERIODS_PER_DAY : 2,
    maxDischargeWindows: weekly ? MAX_PERIODS_PER_DAY : 2,
    ...(weekly ? { maxWindowsTotal: MAX_PERIODS_PER_DAY } : {}),
    gridMinutes: 15,
    minWriteIntervalS,
    windowPower: weekly,
    ...(weekly ? { maxPowerW: MAX_PERIOD_POWER_W } : {}),
    weekdays: weekly,
    backend: BACKEND_NAMES[backend],
  };
}

function refuse(limits: BatteryControlLimits, field: string, why: string): never {
  throw new ValidationError(`${limits.backend} cannot take this schedule: ${why}. Nothing was sent.`, { vendor: VENDOR, field });
}

const WINDOW_KEYS = new Set(["start", "end", "powerW", "weekdays"]);

function validateWindow(value: unknown, field: string, limits: BatteryControlLimits): ScheduleWindow {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(`${field} must be a window { start, end }, got ${JSON.stringify(value)}. Nothing was sent.`, {
      vendor: VENDOR,
      field,
    });
  }
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !WINDOW_KEYS.has(k));
  if (unknown !== undefined) {
    throw new ValidationError(`${field} has an unknown field "${unknown}" (expected start, end, powerW, weekdays). Nothing was sent.`, {
      vendor: VENDOR,
      field: `${field}.${unknown}`,
    });
  }
  const window: ScheduleWindow = assertWindow({ start: o.start, end: o.end }, field);
  if (o.powerW !== undefined) {
    if (!limits.windowPower)
      refuse(limits, `${field}.powerW`, `${field} asks for ${String(o.powerW)} W, and this backend has no per-window power`);
    const max = limits.maxPowerW ?? MAX_PERIOD_POWER_W;
    if (typeof o.powerW !== "number" || !Number.isInteger(o.powerW) || o.powerW <= 0 || o.powerW > max) {
      throw new ValidationError(
        `${field}.powerW must be a whole number of watts from 1 to ${max}, got ${JSON.stringify(o.powerW)}. Nothing was sent.`,
        {
          vendor: VENDOR,
          field: `${field}.powerW`,
        },
      );
    }
    window.powerW = o.powerW;
  }
  if (o.weekdays !== undefined) {
    if (!limits.weekdays)
      refuse(limits, `${field}.weekdays`, `${field} is limited to some weekdays, and this backend runs every window every day`);
    const days = o.weekdays;
    if (
      !Array.isArray(days) ||
      days.length === 0 ||
      !days.every((d) => (WEEKDAYS as readonly unknown[]).includes(d)) ||
      new Set(days).size !== days.length
    ) {
      throw new ValidationError(
        `${field}.weekdays must list distinct days from ${WEEKDAYS.join(", ")}, got ${JSON.stringify(days)}. Nothing was sent.`,
        { vendor: VENDOR, field: `${field}.weekdays` },
      );
    }
    // Every day is the same as no limit: normalised away, so that it reads back the same.
    if (days.length < WEEKDAYS.length) window.weekdays = WEEKDAYS.filter((d) => (days as Weekday[]).includes(d));
  }
  return window;
}

/**
 * Checks a unified schedule against what the backend can do and returns it normalised (levels
 * without float noise, zero-length windows dropped, every-day weekdays dropped). Throws
 * `ValidationError` naming the backend and why; reads and sends nothing.
 */
export function validateUnifiedSchedule(desired: unknown, limits: BatteryControlLimits): BatterySchedule {
  const d = desired as Partial<BatterySchedule> | null;
  if (typeof d !== "object" || d === null || typeof d.charge !== "object" || !d.charge || typeof d.discharge !== "object" || !d.discharge) {
    throw new ValidationError("desired must be a BatterySchedule { charge: {...}, discharge: {...} }. Nothing was sent.", {
      vendor: VENDOR,
      field: "desired",
    });
  }
  const weekly = limits.weekdays;
  const minLevel = weekly ? 0.1 : 0;
  const windowsOf = (side: "charge" | "discharge", max: number): ScheduleWindow[] => {
    const list = (d[side] as { windows?: unknown }).windows;
    if (!Array.isArray(list))
      throw new ValidationError(`${side}.windows must be a list of { start, end } windows. Nothing was sent.`, {
        vendor: VENDOR,
        field: `${side}.windows`,
      });
    const windows = list.map((w, i) => validateWindow(w, `${side}.windows[${i}]`, limits)).filter((w) => w.start !== w.end);
    if (windows.length > max)
      refuse(limits, `${side}.windows`, `${side} has ${windows.length} windows and this backend holds at most ${max}`);
    if (!weekly) {
      for (let i = 0; i < windows.length; i++)
        for (let j = i + 1; j < windows.length; j++)
          if (windowsOverlap(windows[i]!, windows[j]!))
            throw new ValidationError(
              `${side}.windows ${windows[i]!.start}-${windows[i]!.end} and ${windows[j]!.start}-${windows[j]!.end} overlap. Use separate windows. Nothing was sent.`,
              { vendor: VENDOR, field: `${side}.windows` },
            );
    }
    return windows;
  };
  const schedule: BatterySchedule = {
    charge: {
      fromGrid: assertBoolean(d.charge.fromGrid, "charge.fromGrid"),
      stopLevel: assertLevel(d.charge.stopLevel, "charge.stopLevel", minLevel, 1),
      windows: windowsOf("charge", limits.maxChargeWindows),
    },
    discharge: {
      timeControl: assertBoolean(d.discharge.timeControl, "discharge.timeControl"),
      stopLevel: assertLevel(d.discharge.stopLevel, "discharge.stopLevel", minLevel, 1),
      windows: windowsOf("discharge", limits.maxDischargeWindows),
    },
  };
  if (weekly) {
    for (const [side, on, flag] of [
      ["charge", schedule.charge.fromGrid, "fromGrid"],
      ["discharge", schedule.discharge.timeControl, "timeControl"],
    ] as const) {
      const count = schedule[side].windows.length;
      if (count === 0)
        refuse(
          limits,
          `${side}.windows`,
          `${side} has no windows: the API refuses an empty list ("time list is null") and its on/off flags read back as 0, so "no ${side} windows" can be neither written nor verified`,
        );
      if (!on)
        refuse(
          limits,
          `${side}.${flag}`,
          `${side}.${flag} is false with ${count} window(s): a listed period is always active on this backend (its on/off flag reads back as 0); leave ${flag} true`,
        );
    }
    try {
      validateWeeklySchedule(toWeeklyInput(schedule));
    } catch (error) {
      if (error instanceof ValidationError) refuse(limits, error.field ?? "desired", error.message.replace(/ Nothing was sent\.$/, ""));
      throw error;
    }
  }
  return schedule;
}

/** ISO weekday numbers (1 = Monday) of a window, every day when it has none. */
function isoDays(w: ScheduleWindow): number[] {
  return (w.weekdays ?? WEEKDAYS).map((d) => WEEKDAYS.indexOf(d) + 1);
}

/**
 * A unified schedule as the periodic schedule: "weekly" when any window is limited to some days
 * (every other window then runs all seven), else "daily"; each period's limit is its side's stop
 * level; `powerW` becomes `chargePower`; the flags are on for a side with windows.
 */
export function toWeeklyInput(schedule: BatterySchedule): WeeklyScheduleInput {
  const weekly = [...schedule.charge.windows, ...schedule.discharge.windows].some((w) => w.weekdays !== undefined);
  const period = (w: ScheduleWindow, limit: number): SchedulePeriod => ({
    start: w.start,
    end: w.end,
    ...(weekly ? { weekdays: isoDays(w) } : {}),
    ...(w.powerW !== undefined ? { powerW: w.powerW } : {}),
    limit,
  });
  return {
    cycle: weekly ? "weekly" : "daily",
    gridCharge: schedule.charge.fromGrid,
    dischargeTimeControl: schedule.discharge.timeControl,
    charge: schedule.charge.windows.map((w) => period(w, schedule.charge.stopLevel)),
    discharge: schedule.discharge.windows.map((w) => period(w, schedule.discharge.stopLevel)),
  };
}

/**
 * The periodic schedule as a unified schedule. The read answers 0 for both on/off flags whatever
 * was written, so a side is taken as on when it lists periods. A side's stop level is the highest
 * charge limit (the lowest discharge limit) of its periods; with no periods, 1 and 0.1.
 */
export function fromWeeklySchedule(
  read: Pick<WeeklySchedule, "cycle" | "gridCharge" | "dischargeTimeControl" | "charge" | "discharge">,
): BatterySchedule {
  const window = (p: SchedulePeriod): ScheduleWindow => {
    const w: ScheduleWindow = { start: p.start, end: p.end };
    if (p.powerW !== undefined) w.powerW = p.powerW;
    const days = read.cycle === "weekly" ? [...new Set(p.weekdays ?? [])] : [];
    if (days.length > 0 && days.length < 7) w.weekdays = WEEKDAYS.filter((_, i) => days.includes(i + 1));
    return w;
  };
  const limits = (list: SchedulePeriod[]) => list.map((p) => p.limit);
  return {
    charge: {
      fromGrid: read.gridCharge ?? read.charge.length > 0,
      stopLevel: read.charge.length > 0 ? Math.max(...limits(read.charge)) : 1,
      windows: read.charge.map(window),
    },
    discharge: {
      timeControl: read.dischargeTimeControl ?? read.discharge.length > 0,
      stopLevel: read.discharge.length > 0 ? Math.min(...limits(read.discharge)) : 0.1,
      windows: read.discharge.map(window),
    },
  };
}

/** A `setTimeChargeBySn` body (as planned) back as the client's input. */
export function weeklyInputFromBody(body: Partial<SetTimeChargeBody>): WeeklyScheduleInput {
  const weekly = body.executeCycleType === 1;
  const period = (item: TimeChargeBodyItem): SchedulePeriod => ({
    start: item.beginTime,
    end: item.endTime,
    ...(weekly && item.weeks ? { weekdays: item.weeks } : {}),
    ...(item.chargePower !== undefined ? { powerW: item.chargePower } : {}),
    limit: item.chargeLimit / 100,
  });
  const input: WeeklyScheduleInput = {
    cycle: weekly ? "weekly" : "daily",
    charge: Array.isArray(body.chargeTimeList) ? body.chargeTimeList.map(period) : [],
    discharge: Array.isArray(body.dischargeTimeList) ? body.dischargeTimeList.map(period) : [],
  };
  if (body.gridChargeCycle !== undefined) input.gridCharge = body.gridChargeCycle === 1;
  if (body.ctrDisCycle !== undefined) input.dischargeTimeControl = body.ctrDisCycle === 1;
  return input;
}

/** Two unified schedules the same up to window order and float noise in levels. */
export function sameSchedule(a: BatterySchedule, b: BatterySchedule): boolean {
  const side = (s: { stopLevel: number; windows: ScheduleWindow[] }, flag: boolean) =>
    JSON.stringify([
      flag,
      Math.round(s.stopLevel * 100),
      s.windows.map((w) => JSON.stringify([w.start, w.end, w.powerW ?? null, w.weekdays ?? null])).sort(),
    ]);
  return (
    side(a.charge, a.charge.fromGrid) === side(b.charge, b.charge.fromGrid) &&
    side(a.discharge, a.discharge.timeControl) === side(b.discharge, b.discharge.timeControl)
  );
}
