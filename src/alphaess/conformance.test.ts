import { describeConformance } from "../model/test-support/conformance.js";
import type { BatterySchedule } from "../model/types.js";
import { alphaEssTestbed } from "./test-support/testbed.js";

const SN = "AL70110230306xx";
const HISTORY_DATE = "2026-08-03";

/** The simulator opts out of its live-like pacing and write cool-down: the suite reads and writes back to back. */
const FAST_SIM = { limits: "none" } as const;

describeConformance({
  name: "AlphaESS, default backend (charge and discharge configs)",
  expected: ["powerFlow", "energyTotals", "powerHistory", "batterySchedule", "evCharger"],
  historyDate: HISTORY_DATE,
  async setup() {
    const bed = await alphaEssTestbed({ sim: { ...FAST_SIM, systems: [{ serialNumber: SN, evCharger: true }] } });
    return { system: bed.api.system(SN), close: () => bed.close() };
  },
  roundTrip: {
    charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }] },
    discharge: {
      timeControl: true,
      stopLevel: 0.2,
      windows: [
        { start: "17:00", end: "21:00" },
        { start: "22:00", end: "23:30" },
      ],
    },
  },
  refused: {
    schedule: {
      charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00", powerW: 3000 }] },
      discharge: { timeControl: false, stopLevel: 0.1, windows: [] },
    },
    message: /AlphaESS charge\/discharge settings \(default backend\) cannot take this schedule: .*no per-window power/,
  },
});

const weeklyRoundTrip: BatterySchedule = {
  charge: {
    fromGrid: true,
    stopLevel: 0.9,
    windows: [
      { start: "01:00", end: "05:00", powerW: 3000, weekdays: ["mon", "tue", "wed", "thu", "fri"] },
      { start: "02:00", end: "06:00" },
    ],
  },
  discharge: { timeControl: true, stopLevel: 0.2, windows: [{ start: "17:00", end: "21:00" }] },
};

describeConformance({
  name: "AlphaESS, AU/NZ/UK backend (weekly schedule)",
  expected: ["powerFlow", "energyTotals", "powerHistory", "batterySchedule", "evCharger"],
  historyDate: HISTORY_DATE,
  async setup() {
    const bed = await alphaEssTestbed({ sim: { ...FAST_SIM, systems: [{ serialNumber: SN, legacyWritesIgnored: true }] } });
    return { system: bed.api.system(SN, { backend: "weekly" }), close: () => bed.close() };
  },
  // 01:00-05:00 on weekdays and 02:00-06:00 every day would overlap on Monday to Friday: the
  // second window is limited to the weekend.
  roundTrip: {
    ...weeklyRoundTrip,
    charge: {
      ...weeklyRoundTrip.charge,
      windows: [weeklyRoundTrip.charge.windows[0]!, { start: "02:00", end: "06:00", weekdays: ["sat", "sun"] }],
    },
  },
  refused: {
    schedule: weeklyRoundTrip,
    message: /AlphaESS AU\/NZ\/UK weekly schedule cannot take this schedule: .*overlap/,
  },
});
