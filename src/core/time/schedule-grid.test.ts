import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors/index.js";
import {
  assertOnGrid,
  assertWindow,
  formatTimeOfDay,
  parseTimeOfDay,
  snapToGrid,
  windowContains,
  windowDurationMinutes,
  windowsOverlap,
} from "./schedule-grid.js";

describe("schedule grid", () => {
  it("parses only zero-padded 24-hour times", () => {
    expect(parseTimeOfDay("00:00")).toBe(0);
    expect(parseTimeOfDay("23:45")).toBe(1425);
    for (const bad of ["9:00", "24:00", "12:60", "1200", " 12:00", "12:00:00", 900])
      expect(() => parseTimeOfDay(bad)).toThrow(ValidationError);
  });

  it("round-trips every minute of the day (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1439 }), (m) => parseTimeOfDay(formatTimeOfDay(m)) === m));
  });

  it("accepts the 15-minute grid and says which neighbours to use otherwise", () => {
    expect(assertOnGrid("01:15", "start")).toBe(75);
    expect(() => assertOnGrid("01:10", "firstPeriod.start")).toThrow(
      /firstPeriod.start "01:10" is not on the 15-minute grid: use 01:00 or 01:15/,
    );
    expect(() => assertWindow({ start: "01:00", end: "05:07" }, "window")).toThrow(/window.end/);
    expect(() => assertOnGrid("23:59", "end")).toThrow(/grid: use 23:45\.$/);
    expect(() => assertWindow(null, "window")).toThrow(ValidationError);
  });

  it("snaps without producing 24:00", () => {
    expect(snapToGrid(61, "floor")).toBe(60);
    expect(snapToGrid(61, "ceil")).toBe(75);
    expect(snapToGrid(1439, "ceil")).toBe(1425);
  });

  it("treats windows as start-inclusive, end-exclusive and wrapping past midnight", () => {
    const night = { start: "22:00", end: "02:00" };
    expect(windowContains(night, parseTimeOfDay("23:30"))).toBe(true);
    expect(windowContains(night, parseTimeOfDay("01:59"))).toBe(true);
    expect(windowContains(night, parseTimeOfDay("02:00"))).toBe(false);
    expect(windowContains({ start: "00:00", end: "00:00" }, 0)).toBe(false);
    expect(windowDurationMinutes(night)).toBe(240);
    expect(windowsOverlap(night, { start: "01:00", end: "05:00" })).toBe(true);
    expect(windowsOverlap({ start: "01:00", end: "05:00" }, { start: "05:00", end: "06:00" })).toBe(false);
    expect(windowsOverlap({ start: "00:00", end: "00:00" }, { start: "00:00", end: "23:45" })).toBe(false);
  });
});
