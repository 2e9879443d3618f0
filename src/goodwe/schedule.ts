import { ValidationError } from "../core/errors/index.js";
import { assertWindow, formatTimeOfDay, isDisabledWindow, parseTimeOfDay, windowsOverlap } from "../core/time/schedule-grid.js";
import { assertFraction } from "../core/units.js";
import { WEEKDAYS, type Weekday } from "../model/capabilities.js";
import type { BatterySchedule, ConstraintCheck, ScheduleWindow } from "../model/types.js";
import { ALL_DAYS, ECO_GROUPS, WEEKDAY_NAMES, type EcoModeEncoding, type EcoModeGroup, type EcoModeGroupInput } from "./eco-mode.js";

/**
 * The unified battery schedule ↔ GoodWe eco groups. A window's `powerW` becomes the group's power
 * as a share of the inverter's rating (whole percent); its `weekdays` the group's day mask.
 * Absent `powerW` means the system's default share (100 % unless configured); absent `weekdays`
 * every day. Reading shows `powerW` only when a group runs below 100 %, and `weekdays` only when a
 * group is limited to some days, so that a plan without them reads back the same.
 */

const BACKEND = "GoodWe ET eco mode";

/** The battery schedule the eco groups express, and what had to be adjusted to express it. */
export interface GoodWeScheduleReading {
  schedule: BatterySchedule;
  /**
   * How groups the model cannot show exactly were shown: times off the 15-minute grid (snapped to
   * the nearest quarter hour), an all-day group (two 12-hour windows), month limits (ignored),
   * empty windows (left out), power when the rating is unknown. Planning this schedule writes the
   * adjusted form.
   */
  notes: string[];
}

/** One eco group to write, from one model window. */
export interface GroupInput {
  kind: "charge" | "discharge";
  group: EcoModeGroupInput;
  /** The power asked for, W, when the window named one. */
  powerW?: number;
}

function refuse(message: string, field: string): never {
  throw new ValidationError(`${BACKEND}: ${message}`, { field, vendor: "goodwe" });
}

/** Model weekdays → GoodWe day mask (bit 0 Sunday); every day when absent. */
export function weekdayMask(weekdays: readonly Weekday[] | undefined, field: string): number {
  if (weekdays === undefined) return ALL_DAYS;
  if (!Array.isArray(weekdays) || weekdays.length === 0)
    refuse(`${field} must list at least one weekday (${WEEKDAYS.join(", ")}); leave it out for every day.`, field);
  let mask = 0;
  for (const day of weekdays) {
    const bit = WEEKDAY_NAMES.indexOf(day as (typeof WEEKDAY_NAMES)[number]);
    if (bit < 0) refuse(`${field} has an unknown weekday ${JSON.stringify(day)}; use ${WEEKDAYS.join(", ")}.`, field);
    mask |= 1 << bit;
  }
  return mask;
}

/** GoodWe day mask → model weekdays (Monday first), or undefined for every day. */
export function weekdaysOf(mask: number): Weekday[] | undefined {
  if ((mask & ALL_DAYS) === ALL_DAYS) return undefined;
  return WEEKDAYS.filter((day) => mask & (1 << WEEKDAY_NAMES.indexOf(day)));
}

interface CheckedWindow extends ScheduleWindow {
  mask: number;
}

/** Validates a schedule against what eco groups can do; throws `ValidationError` naming the backend and why. */
export function validateSchedule(desired: BatterySchedule): ConstraintCheck[] {
  if (typeof desired !== "object" || desired === null || typeof desired.charge !== "object" || typeof desired.discharge !== "object") {
    throw new ValidationError("desired must be a BatterySchedule { charge, discharge }.", { field: "desired", vendor: "goodwe" });
  }
  const checks: ConstraintCheck[] = [];
  const windows = (list: unknown, field: string): CheckedWindow[] => {
    if (!Array.isArray(list)) throw new ValidationError(`${field} must be an array of windows.`, { field, vendor: "goodwe" });
    return list
      .map((w: ScheduleWindow, i) => {
        const at = `${field}[${i}]`;
        const window = assertWindow(w, at);
        if (w.powerW !== undefined && (typeof w.powerW !== "number" || !Number.isFinite(w.powerW) || w.powerW <= 0))
          refuse(`${at}.powerW must be a power in W above 0, got ${String(w.powerW)}.`, `${at}.powerW`);
        const mask = weekdayMask(w.weekdays, `${at}.weekdays`);
        return {
          ...window,
          ...(w.powerW !== undefined ? { powerW: w.powerW } : {}),
          ...(w.weekdays ? { weekdays: w.weekdays } : {}),
          mask,
        };
      })
      .filter((w) => !isDisabledWindow(w));
  };
  const charge = windows(desired.charge.windows, "charge.windows");
  const discharge = windows(desired.discharge.windows, "discharge.windows");
  checks.push({ name: "grid", ok: true, detail: "all window times on the 15-minute grid" });
  if (charge.length + discharge.length > ECO_GROUPS) {
    refuse(
      `there are ${ECO_GROUPS} eco groups for charge and discharge windows together; got ${charge.length} + ${discharge.length}.`,
      "windows",
    );
  }
  const all = [...charge, ...discharge];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [a, b] = [all[i]!, all[j]!];
      if ((a.mask & b.mask) !== 0 && windowsOverlap(a, b))
        refuse(`windows ${a.start}–${a.end} and ${b.start}–${b.end} overlap on a day they share.`, "windows");
    }
  }
  checks.push({ name: "overlap", ok: true, detail: "no windows overlap on a shared day" });
  if (charge.length > 0 && desired.charge.fromGrid !== true) {
    refuse("charge windows charge from PV and the grid: charge.fromGrid must be true when there are charge windows.", "charge.fromGrid");
  }
  if (desired.discharge.timeControl) {
    refuse(
      "discharging cannot be limited to windows: outside its eco groups the inverter runs self-use and discharges to cover the load (discharge.timeControl must be false).",
      "discharge.timeControl",
    );
  }
  assertFraction(desired.charge.stopLevel, "charge.stopLevel", { step: 0.01 });
  assertFraction(desired.discharge.stopLevel, "discharge.stopLevel", { min: 0.1, step: 0.01 });
  checks.push({
    name: "levels",
    ok: true,
    detail: `charge stop ${desired.charge.stopLevel}, discharge stop ${desired.discharge.stopLevel} (DoD at most 90 %)`,
  });
  return checks;
}

/** Checks every window's `powerW` against the inverter's rating (known once the device info is read). */
export function assertWindowPower(desired: BatterySchedule, ratedPowerW: number | null): void {
  for (const [kind, list] of [
    ["charge", desired.charge.windows],
    ["discharge", desired.discharge.windows],
  ] as const) {
    list.forEach((w, i) => {
      if (w.powerW === undefined || isDisabledWindow(w)) return;
      const field = `${kind}.windows[${i}].powerW`;
      if (!ratedPowerW) refuse(`${field} needs the inverter's rated power, which this model does not report; leave powerW out.`, field);
      if (w.powerW > ratedPowerW) refuse(`${field} ${w.powerW} W is above the inverter's rating of ${ratedPowerW} W.`, field);
    });
  }
}

/** GoodWe end time for a model window end ("00:00" = midnight → 23:59). */
function deviceEnd(end: string): string {
  return end === "00:00" ? "23:59" : end;
}

/** A window's power as a share of the rating in whole percent (at least 1 %), and a warning when that rounds. */
function shareOf(powerW: number, ratedPowerW: number, warnings: string[]): number {
  const share = Math.max(1, Math.round((powerW / ratedPowerW) * 100)) / 100;
  const written = Math.round(share * ratedPowerW);
  if (written !== powerW) warnings.push(`${powerW} W is written as ${Math.round(share * 100)} % of ${ratedPowerW} W (${written} W).`);
  return share;
}

/** The eco groups of a validated schedule, in order (charge windows first), padded with nulls to four. */
export function groupInputs(
  desired: BatterySchedule,
  defaultShare: number,
  encoding: EcoModeEncoding,
  ratedPowerW: number | null,
  warnings: string[],
): Array<GroupInput | null> {
  const out: Array<GroupInput | null> = [];
  const add = (kind: "charge" | "discharge", w: ScheduleWindow) => {
    const share = w.powerW !== undefined && ratedPowerW ? shareOf(w.powerW, ratedPowerW, warnings) : defaultShare;
    const soc = kind === "charge" ? desired.charge.stopLevel : 1;
    out.push({
      kind,
      group: {
        start: w.start,
        end: deviceEnd(w.end),
        days: weekdayMask(w.weekdays, "weekdays"),
        power: kind === "charge" ? -share : share,
        ...(encoding === "v2" ? { soc } : {}),
      },
      ...(w.powerW !== undefined ? { powerW: w.powerW } : {}),
    });
  };
  for (const w of desired.charge.windows.filter((x) => !isDisabledWindow(x))) add("charge", w);
  for (const w of desired.discharge.windows.filter((x) => !isDisabledWindow(x))) add("discharge", w);
  while (out.length < ECO_GROUPS) out.push(null);
  return out;
}

/** Minutes since midnight rounded to the nearest quarter hour (0..1440; 1440 is midnight at the end). */
const nearestQuarter = (minutes: number): number => Math.round(minutes / 15) * 15;

/** The model windows of one enabled group (times only), with a note for every adjustment. */
function windowsOfGroup(g: EcoModeGroup, name: string, notes: string[]): ScheduleWindow[] {
  const rawStart = parseTimeOfDay(g.start);
  // GoodWe's day ends at 23:59: that end is midnight, exactly.
  const rawEnd = g.end === "23:59" ? 1440 : parseTimeOfDay(g.end);
  const duration = (rawEnd - rawStart + 1440) % 1440 || (rawEnd === rawStart ? 0 : 1440);
  if (duration === 0) {
    notes.push(`${name} starts and ends at ${g.start}: an empty window, left out.`);
    return [];
  }
  const start = nearestQuarter(rawStart) % 1440;
  const end = nearestQuarter(rawEnd) % 1440;
  const shown = `${formatTimeOfDay(start)}–${formatTimeOfDay(end)}`;
  if (start === end) {
    if (duration < 720) {
      notes.push(`${name} (${g.start}–${g.end}) is shorter than the 15-minute grid can show: left out.`);
      return [];
    }
    const half = (start + 720) % 1440;
    notes.push(
      `${name} runs all day (${g.start}–${g.end}); a window cannot span 24 h, so it is shown as ${formatTimeOfDay(start)}–${formatTimeOfDay(half)} and ${formatTimeOfDay(half)}–${formatTimeOfDay(start)}.`,
    );
    return [
      { start: formatTimeOfDay(start), end: formatTimeOfDay(half) },
      { start: formatTimeOfDay(half), end: formatTimeOfDay(start) },
    ];
  }
  if (nearestQuarter(rawStart) !== rawStart || nearestQuarter(rawEnd) !== rawEnd)
    notes.push(`${name} (${g.start}–${g.end}) is off the 15-minute grid: shown as ${shown}.`);
  return [{ start: formatTimeOfDay(start), end: formatTimeOfDay(end) }];
}

/**
 * The battery schedule the eco groups express (enabled eco-type groups), with notes on what the
 * model cannot show exactly: times are snapped to the nearest quarter hour, an all-day group
 * becomes two 12-hour windows, month limits are ignored. Power below 100 % is shown as `powerW`
 * when `ratedPowerW` is known; a day mask as `weekdays`. The result always passes
 * `planBatterySchedule`'s checks (unless the groups themselves overlap or exceed four windows).
 */
export function readScheduleFromGroups(
  groups: readonly EcoModeGroup[],
  minSoc: number,
  ratedPowerW: number | null = null,
): GoodWeScheduleReading {
  const notes: string[] = [];
  const charge: ScheduleWindow[] = [];
  const discharge: ScheduleWindow[] = [];
  let chargeStop: number | null = null;
  for (const [i, g] of groups.entries()) {
    if (!g.enabled || g.unset || g.power === null || g.power === 0 || !g.start || !g.end) continue;
    if (g.scheduleType !== null && g.scheduleType !== 0 && g.scheduleType !== 6) continue;
    const name = `Eco group ${i + 1}`;
    if (g.months !== null && g.months !== 0 && g.months !== 0x0fff)
      notes.push(`${name} is limited to some months (mask 0x${g.months.toString(16)}); the schedule shows it all year.`);
    const share = Math.abs(g.power);
    let powerW: number | undefined;
    if (share < 1) {
      if (ratedPowerW) powerW = Math.round(share * ratedPowerW);
      else notes.push(`${name} runs at ${Math.round(share * 100)} % of a rating this inverter does not report: shown without powerW.`);
    }
    const weekdays = weekdaysOf(g.days);
    if (weekdays?.length === 0) {
      notes.push(`${name} runs on no day: left out.`);
      continue;
    }
    const windows = windowsOfGroup(g, name, notes).map((w) => ({
      ...w,
      ...(powerW !== undefined ? { powerW } : {}),
      ...(weekdays ? { weekdays } : {}),
    }));
    if (g.power < 0) {
      charge.push(...windows);
      if (windows.length > 0) chargeStop ??= g.soc;
    } else {
      discharge.push(...windows);
    }
  }
  return {
    schedule: {
      charge: { fromGrid: true, stopLevel: chargeStop ?? 1, windows: charge },
      discharge: { timeControl: false, stopLevel: Math.round(minSoc * 100) / 100, windows: discharge },
    },
    notes,
  };
}

/** The battery schedule the eco groups express (see `readScheduleFromGroups`, which also says what was adjusted). */
export function scheduleFromGroups(groups: readonly EcoModeGroup[], minSoc: number, ratedPowerW: number | null = null): BatterySchedule {
  return readScheduleFromGroups(groups, minSoc, ratedPowerW).schedule;
}
