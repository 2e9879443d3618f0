import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import type { BatterySchedule } from "./types.js";
import { applyIntent, describeIntent, INTENT_EXAMPLES, parseBatteryIntent } from "./battery-intent.js";

const current: BatterySchedule = {
  charge: { fromGrid: false, stopLevel: 1, windows: [] },
  discharge: { timeControl: false, stopLevel: 0.1, windows: [{ start: "06:00", end: "08:00" }] },
};

describe("parseBatteryIntent", () => {
  it("reads the issue's example with an en dash, a hyphen or an em dash, with or without a space before %", () => {
    for (const text of [
      "charge 01:00–05:00 to 90 %",
      "charge 01:00-05:00 to 90%",
      "Charge 1:00 — 5:00 TO 90 percent",
      "charge 01:00 to 05:00 to 90%",
    ]) {
      expect(parseBatteryIntent(text).charge, text).toEqual({
        kind: "windows",
        windows: [{ start: "01:00", end: "05:00" }],
        stopLevel: 0.9,
      });
    }
  });

  it('reads "discharge 17:00–21:00 down to 20%"', () => {
    expect(parseBatteryIntent("discharge 17:00–21:00 down to 20%").discharge).toEqual({
      kind: "windows",
      windows: [{ start: "17:00", end: "21:00" }],
      stopLevel: 0.2,
    });
  });

  it("reads several clauses and several windows", () => {
    const intent = parseBatteryIntent("charge 01:00-03:00 and 13:00-15:00 to 80% from grid; discharge 17:00-21:00 down to 20%");
    expect(intent.charge).toEqual({
      kind: "windows",
      windows: [
        { start: "01:00", end: "03:00" },
        { start: "13:00", end: "15:00" },
      ],
      stopLevel: 0.8,
      fromGrid: true,
    });
    expect(intent.discharge).toEqual({ kind: "windows", windows: [{ start: "17:00", end: "21:00" }], stopLevel: 0.2 });
    const commas = parseBatteryIntent("charge 01:00-03:00, 13:00-15:00 to 80%, then discharge 17:00-21:00");
    expect(commas.charge).toMatchObject({
      windows: [
        { start: "01:00", end: "03:00" },
        { start: "13:00", end: "15:00" },
      ],
    });
    expect(commas.discharge).toEqual({ kind: "windows", windows: [{ start: "17:00", end: "21:00" }] });
  });

  it("reads am/pm, noon, midnight and 24:00 as an end, and wrapping windows", () => {
    expect(parseBatteryIntent("charge 1am-5am to 90%").charge).toMatchObject({ windows: [{ start: "01:00", end: "05:00" }] });
    expect(parseBatteryIntent("discharge 5:30pm-9pm").discharge).toMatchObject({ windows: [{ start: "17:30", end: "21:00" }] });
    expect(parseBatteryIntent("charge noon-midnight to 100%").charge).toMatchObject({ windows: [{ start: "12:00", end: "00:00" }] });
    // Midnight starts a window as well as it ends one; only a literal 24:00 cannot start one.
    expect(parseBatteryIntent("charge midnight-5am to 90%").charge).toEqual({
      kind: "windows",
      windows: [{ start: "00:00", end: "05:00" }],
      stopLevel: 0.9,
    });
    expect(parseBatteryIntent("charge between midnight and 5am").charge).toMatchObject({ windows: [{ start: "00:00", end: "05:00" }] });
    expect(() => parseBatteryIntent("charge 24:00-05:00")).toThrow(/cannot start at 24:00/);
    expect(parseBatteryIntent("charge 22:00-24:00").charge).toMatchObject({ windows: [{ start: "22:00", end: "00:00" }] });
    expect(parseBatteryIntent("charge 23:00-02:00 to 50%").charge).toMatchObject({ windows: [{ start: "23:00", end: "02:00" }] });
    expect(parseBatteryIntent("charge between 01:00 and 05:00").charge).toMatchObject({ windows: [{ start: "01:00", end: "05:00" }] });
  });

  it("reads the charge source and the off/anytime/never forms", () => {
    expect(parseBatteryIntent("charge 11:00-14:00 to 100% from solar").charge).toMatchObject({ fromGrid: false, stopLevel: 1 });
    expect(parseBatteryIntent("charge 11:00-14:00 solar only").charge).toMatchObject({ fromGrid: false });
    expect(parseBatteryIntent("charge off").charge).toEqual({ kind: "off" });
    expect(parseBatteryIntent("no charge").charge).toEqual({ kind: "off" });
    expect(parseBatteryIntent("discharge anytime").discharge).toEqual({ kind: "anytime" });
    expect(parseBatteryIntent("discharge any time down to 15%").discharge).toEqual({ kind: "anytime", stopLevel: 0.15 });
    expect(parseBatteryIntent("discharge never").discharge).toEqual({ kind: "never" });
  });

  it("accepts every documented example", () => {
    for (const example of INTENT_EXAMPLES) expect(() => parseBatteryIntent(example), example).not.toThrow();
  });

  const rejects: [string, RegExp][] = [
    ["charge 01:10-05:00 to 90%", /not on the 15-minute grid: use 01:00 or 01:15/],
    ["charge 01:00-05:00 to 90", /needs a % sign: write 90%/],
    ["charge 01:00-05:00 to 0.9", /needs a % sign: write 90%/],
    ["charge 01:00-05:00 to 120%", /outside 0-100 %/],
    ["charge 01:00-01:00", /is empty/],
    ["charge 01:00-05:00 and 04:00-06:00", /overlap/],
    ["discharge off", /ambiguous/],
    ["charge to 90%", /needs at least one time window/],
    ["charge 01:00-05:00; charge 13:00-14:00", /given twice/],
    ["charge 25:00-05:00", /not a time of day/],
    ["charge 13pm-2pm", /hour is 1 to 12/],
    ["boost the battery", /expected "charge" or "discharge"/],
    ["charge 01:00-05:00 to 90% quickly", /unexpected "quickly"/],
    ["discharge 17:00-21:00 from grid", /applies to charging only/],
    ["charge 01:00 05:00", /separate windows with "and"|expected the end/],
    ["", /empty/],
    ["charge 01:00-05:00 ~", /unexpected "~"/],
  ];
  it.each(rejects)("rejects %j with a usage error saying what to write", (text, message) => {
    let error: unknown;
    try {
      parseBatteryIntent(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });
});

const gridTime = fc
  .integer({ min: 0, max: 95 })
  .map((q) => `${String(Math.floor(q / 4)).padStart(2, "0")}:${String((q % 4) * 15).padStart(2, "0")}`);
const dash = fc.constantFrom("-", "–", "—", " - ", " to ");

describe("parseBatteryIntent (properties)", () => {
  it("reads back any on-grid window and whole-percent level it is given", () => {
    fc.assert(
      fc.property(gridTime, gridTime, fc.integer({ min: 0, max: 100 }), dash, fc.boolean(), (start, end, pct, d, space) => {
        fc.pre(start !== end);
        const intent = parseBatteryIntent(`charge ${start}${d}${end} to ${pct}${space ? " " : ""}%`);
        expect(intent.charge).toEqual({ kind: "windows", windows: [{ start, end }], stopLevel: pct / 100 });
        // The normalised description parses to the same intent.
        expect(parseBatteryIntent(describeIntent(intent)).charge).toEqual({ ...intent.charge, fromGrid: true });
      }),
    );
  });

  it("never throws anything but a ValidationError, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseBatteryIntent(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            "charge",
            "discharge",
            "01:00",
            "05:00",
            "-",
            "to",
            "90%",
            "and",
            ";",
            "off",
            "from",
            "solar",
            "down",
            "13:15",
            "24:00",
            "7pm",
            "x",
          ),
          { maxLength: 12 },
        ),
        (words) => {
          try {
            parseBatteryIntent(words.join(" "));
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("applyIntent", () => {
  it("changes only what the intent names and charges from the grid by default", () => {
    const next = applyIntent(current, parseBatteryIntent("charge 01:00-05:00 to 90%"));
    expect(next.charge).toEqual({ fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }] });
    expect(next.discharge).toEqual(current.discharge);
  });

  it("keeps the current stop level when the intent has none", () => {
    expect(applyIntent(current, parseBatteryIntent("charge 01:00-05:00")).charge.stopLevel).toBe(1);
    expect(applyIntent(current, parseBatteryIntent("discharge 17:00-21:00")).discharge).toEqual({
      timeControl: true,
      stopLevel: 0.1,
      windows: [{ start: "17:00", end: "21:00" }],
    });
  });

  it("turns charging off, discharge time control off (anytime) and on without windows (never)", () => {
    const withCharge = applyIntent(current, parseBatteryIntent("charge 01:00-05:00 to 90%"));
    expect(applyIntent(withCharge, parseBatteryIntent("charge off")).charge).toEqual({ fromGrid: false, stopLevel: 0.9, windows: [] });
    expect(applyIntent(current, parseBatteryIntent("discharge anytime")).discharge).toEqual({ ...current.discharge, timeControl: false });
    expect(applyIntent(current, parseBatteryIntent("discharge never")).discharge).toEqual({
      timeControl: true,
      stopLevel: 0.1,
      windows: [],
    });
  });

  it("does not modify the schedule it is given", () => {
    const copy = structuredClone(current);
    applyIntent(current, parseBatteryIntent("charge 01:00-05:00 to 90%; discharge never"));
    expect(current).toEqual(copy);
  });
});
