/**
 * Read a GoodWe inverter's power flow and today's counters over the local network.
 *
 *   GOODWE_HOST=192.168.1.14 GOODWE_TIME_ZONE=Australia/Sydney npx tsx examples/goodwe-power-flow.ts
 *   GOODWE_HOST=192.168.1.14 GOODWE_PORT=502 npx tsx examples/goodwe-power-flow.ts   # Modbus/TCP dongles
 *
 * Without GOODWE_HOST it starts the simulated ET inverter (a Sydney house) on 127.0.0.1 and reads
 * it over both UDP and Modbus/TCP.
 */
import { GoodWeInverter, GoodWeSystem, type EtRuntimeData } from "openpower/goodwe";
import { VirtualClock, startGoodWeSimulator } from "openpower/sim";

const host = process.env.GOODWE_HOST;
const timeZone = process.env.GOODWE_TIME_ZONE ?? "Australia/Sydney";
// Simulated: a Sydney house from 07:00, fast-forwarded to 13:00 (the house integrates the morning).
const clock = host ? null : new VirtualClock({ start: Date.parse("2026-01-19T20:00:00Z") });
const sim = clock ? await startGoodWeSimulator({ clock }) : null;
await clock?.advance(6 * 3600_000);
const targets = host
  ? [{ port: Number(process.env.GOODWE_PORT ?? 8899), label: process.env.GOODWE_PORT === "502" ? "Modbus/TCP" : "UDP 8899" }]
  : [
      { port: sim!.udpPort, transport: "udp" as const, label: "UDP (simulator)" },
      { port: sim!.tcpPort!, transport: "tcp" as const, label: "Modbus/TCP (simulator)" },
    ];

try {
  for (const target of targets) {
    const inverter = await GoodWeInverter.connect({
      host: host ?? sim!.host,
      ...target,
      discoveryPort: sim?.discoveryPort ?? undefined,
      timeZone,
      clock: clock ?? undefined,
    });
    const system = new GoodWeSystem(inverter);
    const flow = await system.getPowerFlow();
    const info = inverter.deviceInfo!;
    console.log(`${info.modelName} (${info.family}, ${info.serialNumber}) over ${target.label}, measured ${flow.observedAt.toISOString()}`);
    console.log(
      `  PV ${flow.pvW} W | load ${flow.loadW} W | grid ${flow.gridW} W (+ import, − export) | battery ${flow.batteryW} W (+ discharge, − charge) | SOC ${flow.soc === null ? "n/a" : `${Math.round(flow.soc * 100)} %`}`,
    );
    const raw = flow.raw as EtRuntimeData;
    if (raw.family === "ET")
      console.log(
        `  today: PV ${raw.running.eDay} kWh, import ${raw.running.eDayImp} kWh, export ${raw.running.eDayExp} kWh; battery ${raw.labels.batteryMode ?? "?"}`,
      );
    await inverter.close();
  }
} finally {
  await sim?.close();
}
