import { localDate } from "../core/time/zoned.js";
import { describeConformance } from "../model/test-support/conformance.js";
import type { BatterySchedule } from "../model/types.js";
import { startGoodWeSimulator, type GoodWeProfile } from "../sim/goodwe/inverter-simulator.js";
import { startSemsSimulator } from "../sim/goodwe/sems-simulator.js";
import { VirtualClock } from "../sim/kernel.js";
import { GoodWeInverter } from "./inverter.js";
import { SemsClient } from "./sems/client.js";
import { GoodWeSystem } from "./system.js";

const TZ = "Australia/Sydney";
// Midday in Sydney: a day with PV, and far from midnight so "today" is the same everywhere.
const START = Date.parse("2026-01-20T02:00:00Z");

async function local(profile: GoodWeProfile) {
  const clock = new VirtualClock({ mode: "manual", start: START });
  const s = await startGoodWeSimulator({ profile, clock });
  const inverter = await GoodWeInverter.connect({
    host: s.host,
    port: s.udpPort,
    discoveryPort: s.discoveryPort!,
    timeoutMs: 300,
    timeZone: TZ,
    clock: s.clock,
  });
  return {
    system: new GoodWeSystem(inverter),
    close: async () => {
      await inverter.close();
      await s.close();
    },
  };
}

const today = localDate(START, TZ);

// Window power and weekdays travel through the eco groups (10 kW unit: 4 kW = 40 %).
const plan: BatterySchedule = {
  charge: { fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00", powerW: 4000 }] },
  discharge: {
    timeControl: false,
    stopLevel: 0.2,
    windows: [
      { start: "17:00", end: "20:00", weekdays: ["mon", "tue", "wed", "thu", "fri"] },
      { start: "16:00", end: "21:00", powerW: 2500, weekdays: ["sat", "sun"] },
    ],
  },
};

describeConformance({
  name: "GoodWe ET (local, simulator)",
  expected: ["powerFlow", "energyTotals", "batterySchedule"],
  setup: () => local("ET"),
  historyDate: today,
  roundTrip: plan,
  refused: {
    schedule: { ...plan, discharge: { ...plan.discharge, timeControl: true } },
    message: /GoodWe ET eco mode: discharging cannot be limited to windows/,
  },
});

describeConformance({
  name: "GoodWe ES (local AA55, simulator)",
  expected: ["powerFlow", "energyTotals"],
  setup: () => local("ES"),
  historyDate: today,
});

describeConformance({
  name: "GoodWe DT (local, simulator)",
  expected: ["powerFlow", "energyTotals"],
  setup: () => local("DT"),
  historyDate: today,
});

describeConformance({
  name: "GoodWe SEMS station (simulator)",
  expected: ["powerFlow", "energyTotals", "powerHistory"],
  setup: async () => {
    const clock = new VirtualClock({ mode: "manual", start: START });
    const s = await startSemsSimulator({ clock });
    // The house's history starts with the clock: two hours of today's 5-minute chart.
    await clock.advance(2 * 3600_000);
    const client = new SemsClient({
      email: s.account.email,
      password: s.account.password,
      loginUrl: s.loginUrl,
      clock: s.clock,
      timeoutMs: 2000,
    });
    return { system: client.forStation(s.powerStationId, { timeZone: TZ }), close: () => s.close() };
  },
  historyDate: today,
});
