import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { formatTimeOfDay } from "../core/time/schedule-grid.js";
import { fromBatterySchedule } from "./adapter.js";
import {
  assertCode,
  assertCurrentLimit,
  assertSerial,
  validateChargingInput,
  validateCompleteCharging,
  validateWeeklySchedule,
} from "./validate.js";

const onGrid = fc.integer({ min: 0, max: 95 }).map((q) => formatTimeOfDay(q * 15));
const offGrid = fc
  .integer({ min: 0, max: 1439 })
  .filter((m) => m % 15 !== 0)
  .map((m) => formatTimeOfDay(m));

function expectValidation(fn: () => unknown, field?: string | RegExp): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    if (field !== undefined) expect((error as ValidationError).field).toMatch(field);
    return error as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

describe("AlphaESS input validation", () => {
  it("serial numbers: accepts real and redacted forms, refuses empty, spaces and URL characters", () => {
    for (const sn of ["AL70110230306xx", "AK1510**********", "ALG000000000000", "EV123"]) expect(assertSerial(sn)).toBe(sn);
    for (const bad of ["", " AL1", "AL 1", "AL1/../x", "AL1?x=1", "x".repeat(65), 42, null, undefined])
      expectValidation(() => assertSerial(bad), "serialNumber");
  });

  it("charge input: any on-grid period and level passes; off-grid minutes, 24:00, unpadded times and percents fail", () => {
    fc.assert(
      fc.property(onGrid, onGrid, fc.integer({ min: 0, max: 100 }), (start, end, pct) => {
        const v = validateChargingInput({ firstPeriod: { start, end }, stopLevel: pct / 100 });
        expect(v.firstPeriod).toEqual({ start, end });
        expect(v.stopLevel! * 100).toBeCloseTo(pct, 9);
      }),
    );
    fc.assert(
      fc.property(
        offGrid,
        (t) => void expectValidation(() => validateChargingInput({ firstPeriod: { start: t, end: "05:00" } }), "firstPeriod.start"),
      ),
    );
    for (const t of ["24:00", "9:00", "09:00:00", "", "23:60"])
      expectValidation(() => validateChargingInput({ secondPeriod: { start: "01:00", end: t } }), "secondPeriod.end");
    const e = expectValidation(() => validateChargingInput({ stopLevel: 90 }), "stopLevel");
    expect(e.message).toContain("0.9");
    expectValidation(() => validateChargingInput({ stopLevel: -0.01 }), "stopLevel");
    expectValidation(() => validateChargingInput({ stopLevel: Number.NaN }), "stopLevel");
    expectValidation(() => validateChargingInput({ useGrid: 1 }), "useGrid");
    expectValidation(() => validateChargingInput({ stoplevel: 0.9 }), /stoplevel/);
    expectValidation(
      () =>
        validateCompleteCharging(
          { stopLevel: 0.9, useGrid: true, firstPeriod: { start: "01:00", end: "05:00" }, secondPeriod: { start: "04:00", end: "06:00" } },
          "settings",
        ),
      "settings.periods",
    );
  });

  it("the unified schedule maps to two slots, padding with disabled periods and refusing a third window", () => {
    const m = fromBatterySchedule({
      charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }] },
      discharge: { timeControl: false, stopLevel: 0.1, windows: [] },
    });
    expect(m.charging).toEqual({
      stopLevel: 0.9,
      useGrid: true,
      firstPeriod: { start: "01:00", end: "05:00" },
      secondPeriod: { start: "00:00", end: "00:00" },
    });
    expect(m.discharging.firstPeriod).toEqual({ start: "00:00", end: "00:00" });
    const three = [
      { start: "01:00", end: "02:00" },
      { start: "03:00", end: "04:00" },
      { start: "05:00", end: "06:00" },
    ];
    expectValidation(
      () =>
        fromBatterySchedule({
          charge: { fromGrid: true, stopLevel: 0.9, windows: three },
          discharge: { timeControl: false, stopLevel: 0.1, windows: [] },
        }),
      "charge.windows",
    );
  });

  it("EV current limit: 6..100 A", () => {
    expect(assertCurrentLimit(16)).toBe(16);
    for (const bad of [0, 5.9, 101, -1, Number.POSITIVE_INFINITY, "16"]) expectValidation(() => assertCurrentLimit(bad), "amps");
    expect(assertCurrentLimit(16.04)).toBe(16);
  });

  it("check and verification codes: letters and digits, trimmed; a bad one is never echoed", () => {
    expect(assertCode(" AB12cd ", "checkCode")).toBe("AB12cd");
    expect(assertCode("123456", "verificationCode")).toBe("123456");
    for (const bad of ["", "   ", "ab cd", "12-34", "x".repeat(33), 123456, null]) {
      const e = expectValidation(() => assertCode(bad, "checkCode"), "checkCode");
      if (typeof bad === "string" && bad.trim() !== "") expect(e.message).not.toContain(bad);
      expect(e.message).toMatch(/Nothing was sent/);
    }
  });

  it("with the system's configs, windows it holds keep their slots and free slots keep its disabled periods", () => {
    const current = {
      charging: { firstPeriod: { start: "05:00", end: "05:00" }, secondPeriod: { start: "01:00", end: "05:00" } },
      discharging: { firstPeriod: { start: "17:00", end: "21:00" }, secondPeriod: { start: "13:10", end: "13:10" } },
    };
    const schedule = {
      charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }] },
      discharge: {
        timeControl: true,
        stopLevel: 0.2,
        windows: [
          { start: "22:00", end: "23:00" },
          { start: "17:00", end: "21:00" },
        ],
      },
    };
    const m = fromBatterySchedule(schedule, current);
    expect([m.charging.firstPeriod, m.charging.secondPeriod]).toEqual([
      { start: "05:00", end: "05:00" },
      { start: "01:00", end: "05:00" },
    ]);
    // 17:00-21:00 stays in slot 1; the new window takes slot 2 (an off-grid disabled period is not kept).
    expect([m.discharging.firstPeriod, m.discharging.secondPeriod]).toEqual([
      { start: "17:00", end: "21:00" },
      { start: "22:00", end: "23:00" },
    ]);
    const none = fromBatterySchedule({ ...schedule, discharge: { ...schedule.discharge, windows: [] } }, current);
    expect([none.discharging.firstPeriod, none.discharging.secondPeriod]).toEqual([
      { start: "00:00", end: "00:00" },
      { start: "00:00", end: "00:00" },
    ]);
    // Without the current configs: packed into slot 1 and padded with 00:00-00:00.
    expect(fromBatterySchedule(schedule).charging.firstPeriod).toEqual({ start: "01:00", end: "05:00" });
  });

  describe("weekly schedule (setTimeChargeBySn)", () => {
    const charge = { start: "01:00", end: "05:00", weekdays: [1, 2, 3, 4, 5], powerW: 5000, limit: 0.9 };
    const discharge = { start: "17:00", end: "21:00", weekdays: [1, 2, 3, 4, 5], powerW: 5000, limit: 0.2 };

    it("builds the documented request body", () => {
      const { body } = validateWeeklySchedule({
        cycle: "weekly",
        gridCharge: true,
        dischargeTimeControl: true,
        charge: [charge],
        discharge: [discharge],
      });
      expect(body).toEqual({
        executeCycleType: 1,
        chargeTimeList: [{ beginTime: "01:00", endTime: "05:00", weeks: [1, 2, 3, 4, 5], chargePower: 5000, chargeLimit: 90 }],
        dischargeTimeList: [{ beginTime: "17:00", endTime: "21:00", weeks: [1, 2, 3, 4, 5], chargePower: 5000, chargeLimit: 20 }],
        gridChargeCycle: 1,
        ctrDisCycle: 1,
      });
      const daily = validateWeeklySchedule({
        cycle: "daily",
        charge: [{ start: "01:00", end: "05:00", limit: 0.9 }],
        discharge: [{ start: "17:00", end: "21:00", limit: 0.2 }],
      });
      expect(daily.body).toEqual({
        executeCycleType: 0,
        chargeTimeList: [{ beginTime: "01:00", endTime: "05:00", chargeLimit: 90 }],
        dischargeTimeList: [{ beginTime: "17:00", endTime: "21:00", chargeLimit: 20 }],
      });
    });

    it("refuses what the API refuses, before sending", () => {
      expectValidation(() => validateWeeklySchedule({ cycle: "monthly", charge: [charge], discharge: [discharge] }), "cycle");
      expectValidation(() => validateWeeklySchedule({ cycle: "weekly", charge: [], discharge: [discharge] }), "charge");
      expectValidation(() => validateWeeklySchedule({ cycle: "weekly", charge: [charge] }), "discharge");
      expectValidation(
        () => validateWeeklySchedule({ cycle: "weekly", charge: [{ ...charge, limit: 0.05 }], discharge: [discharge] }),
        "charge[0].limit",
      );
      expectValidation(
        () => validateWeeklySchedule({ cycle: "weekly", charge: [{ ...charge, limit: 90 }], discharge: [discharge] }),
        "charge[0].limit",
      );
      expectValidation(
        () => validateWeeklySchedule({ cycle: "weekly", charge: [{ ...charge, weekdays: undefined }], discharge: [discharge] }),
        "charge[0].weekdays",
      );
      expectValidation(
        () => validateWeeklySchedule({ cycle: "weekly", charge: [{ ...charge, weekdays: [0, 1] }], discharge: [discharge] }),
        "charge[0].weekdays",
      );
      expectValidation(
        () => validateWeeklySchedule({ cycle: "weekly", charge: [{ ...charge, weekdays: [1, 1] }], discharge: [discharge] }),
        "charge[0].weekdays",
      );
      expectValidation(() => validateWeeklySchedule({ cycle: "daily", charge: [charge], discharge: [discharge] }), "charge[0].weekdays");
      expectValidation(
        () => validateWeeklySchedule({ cycle: "weekly", charge: [{ ...charge, start: "01:10" }], discharge: [discharge] }),
        "charge[0].start",
      );
      expectValidation(
        () => validateWeeklySchedule({ cycle: "weekly", charge: [{ ...charge, end: "01:00" }], discharge: [discharge] }),
        "charge[0].end",
      );
      expectValidation(
        () => validateWeeklySchedule({ cycle: "weekly", charge: [{ ...charge, powerW: 1.5 }], discharge: [discharge] }),
        "charge[0].powerW",
      );
      const overlap = expectValidation(
        () => validateWeeklySchedule({ cycle: "weekly", charge: [charge], discharge: [{ ...discharge, start: "04:00", end: "06:00" }] }),
        "discharge[0]",
      );
      expect(overlap.message).toMatch(/overlap/);
      // Different weekdays do not overlap...
      validateWeeklySchedule({
        cycle: "weekly",
        charge: [charge],
        discharge: [{ ...discharge, start: "04:00", end: "06:00", weekdays: [6, 7] }],
      });
      // ...but a window past Sunday midnight runs into Monday's.
      expectValidation(
        () =>
          validateWeeklySchedule({
            cycle: "weekly",
            charge: [charge],
            discharge: [{ ...discharge, start: "23:00", end: "02:00", weekdays: [7] }],
          }),
        "discharge[0]",
      );
      const seven = Array.from({ length: 7 }, (_, i) => ({
        start: formatTimeOfDay(i * 60),
        end: formatTimeOfDay(i * 60 + 30),
        limit: 0.5,
      }));
      const tooMany = expectValidation(() =>
        validateWeeklySchedule({ cycle: "daily", charge: seven.slice(0, 4), discharge: seven.slice(4) }),
      );
      expect(tooMany.message).toMatch(/at most 6/);
      const days = (d: number[]) => d;
      const five = Array.from({ length: 5 }, (_, i) => ({
        start: formatTimeOfDay(i * 120),
        end: formatTimeOfDay(i * 120 + 60),
        weekdays: days([1, 2, 3, 4, 5, 6, 7]),
        limit: 0.5,
      }));
      expect(
        expectValidation(() => validateWeeklySchedule({ cycle: "weekly", charge: five.slice(0, 3), discharge: five.slice(3) })).message,
      ).toMatch(/at most 28/);
    });

    it("property: accepted schedules have no overlapping minute and at most 6 periods on any day", () => {
      const period = fc.record({
        start: fc.integer({ min: 0, max: 95 }),
        length: fc.integer({ min: 1, max: 24 }),
        weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        limit: fc.integer({ min: 10, max: 100 }),
      });
      const toInput = (p: { start: number; length: number; weekdays: number[]; limit: number }) => ({
        start: formatTimeOfDay(p.start * 15),
        end: formatTimeOfDay((p.start + p.length) * 15),
        weekdays: p.weekdays,
        limit: p.limit / 100,
      });
      fc.assert(
        fc.property(fc.array(period, { minLength: 1, maxLength: 4 }), fc.array(period, { minLength: 1, maxLength: 4 }), (c, d) => {
          const input = { cycle: "weekly" as const, charge: c.map(toInput), discharge: d.map(toInput) };
          let accepted: ReturnType<typeof validateWeeklySchedule> | null = null;
          try {
            accepted = validateWeeklySchedule(input);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
          }
          // Independent check on a minute-of-week bitmap.
          const used = new Uint8Array(7 * 1440);
          const perDay = new Array(8).fill(0);
          let clash = false;
          for (const p of [...c, ...d]) {
            for (const day of p.weekdays) {
              perDay[day]++;
              for (let m = 0; m < p.length * 15; m++) {
                const idx = ((day - 1) * 1440 + p.start * 15 + m) % (7 * 1440);
                if (used[idx]) clash = true;
                used[idx] = 1;
              }
            }
          }
          const total = [...c, ...d].reduce((n, p) => n + p.weekdays.length, 0);
          const valid = !clash && perDay.every((n) => n <= 6) && total <= 28;
          expect(accepted !== null).toBe(valid);
          if (accepted) {
            expect(accepted.body.chargeTimeList).toHaveLength(c.length);
            for (const item of [...accepted.body.chargeTimeList, ...accepted.body.dischargeTimeList]) {
              expect(item.chargeLimit).toBeGreaterThanOrEqual(10);
              expect(item.chargeLimit).toBeLessThanOrEqual(100);
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
