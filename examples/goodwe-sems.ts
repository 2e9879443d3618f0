/**
 * Read a plant through the (unofficial) SEMS Portal cloud: power flow, today's totals and the day
 * chart. For inverters that are not reachable on the local network.
 *
 *   SEMS_EMAIL=you@example.com SEMS_PASSWORD=... SEMS_TIME_ZONE=Europe/Amsterdam npx tsx examples/goodwe-sems.ts
 *
 * Without credentials it starts the SEMS simulator on 127.0.0.1.
 */
import { SemsClient } from "openpower/goodwe";
import { VirtualClock, startSemsSimulator } from "openpower/sim";

const email = process.env.SEMS_EMAIL;
const password = process.env.SEMS_PASSWORD;
const timeZone = process.env.SEMS_TIME_ZONE ?? "Australia/Sydney";
// Simulated: a Sydney plant from midnight, fast-forwarded to 14:00 so that today's chart has points.
const clock = email && password ? null : new VirtualClock({ start: Date.parse("2026-01-19T13:00:00Z") });
const sim = clock ? await startSemsSimulator({ clock }) : null;
await clock?.advance(14 * 3600_000);

try {
  const client = new SemsClient({
    email: email ?? sim!.account.email,
    password: password ?? sim!.account.password,
    ...(sim ? { loginUrl: sim.loginUrl, clock: sim.clock } : {}),
  });
  const id = await client.getPowerStationIdByOwner();
  const station = client.forStation(id, { timeZone });
  const detail = await station.getMonitorDetail();
  const flow = await station.getPowerFlow();
  console.log(`${detail.stationName} (${id}), ${detail.capacityKwp} kWp, uploaded ${detail.time}`);
  console.log(
    `  PV ${flow.pvW} W | load ${flow.loadW} W | grid ${flow.gridW} W (+ import, − export) | battery ${flow.batteryW} W (+ discharge, − charge) | SOC ${flow.soc === null ? "n/a" : `${Math.round(flow.soc * 100)} %`}`,
  );
  const today = new Intl.DateTimeFormat("en-CA", { timeZone }).format(flow.observedAt);
  const totals = await station.getEnergyTotals(today);
  console.log(`  today ${today}: PV ${totals.pvKwh} kWh, import ${totals.importKwh} kWh, export ${totals.exportKwh} kWh`);
  const history = await station.getPowerHistory(today);
  console.log(`  chart: ${history.length} points, last at ${history.at(-1)?.observedAt.toISOString() ?? "-"}`);
} finally {
  await sim?.close();
}
