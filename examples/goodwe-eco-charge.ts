/**
 * Charge the battery from the grid between 01:00 and 05:00 at 50 % of the inverter's rating, up to
 * 100 %, with a GoodWe eco-mode group, and watch it work.
 *
 * Against the simulator (no GOODWE_HOST): writes the group (read back), then runs the night on an
 * accelerated clock and prints the state of charge through the window.
 *
 * On a real ET-family inverter it only shows what it would write (a dry run) unless GOODWE_APPLY=1:
 *   GOODWE_HOST=192.168.1.14 GOODWE_TIME_ZONE=Australia/Sydney GOODWE_APPLY=1 npx tsx examples/goodwe-eco-charge.ts
 * Note: switching to eco mode can reset schedules made in the SolarGo app.
 */
import { GoodWeInverter } from "openpower/goodwe";
import { VirtualClock, startGoodWeSimulator } from "openpower/sim";

const host = process.env.GOODWE_HOST;
const timeZone = process.env.GOODWE_TIME_ZONE ?? "Australia/Sydney";
// Simulated: 00:30 on a summer night in Sydney (AEDT), the clock running 1800 times real time,
// a 10 kWh battery at 20 %.
const clock = host ? undefined : new VirtualClock({ mode: "accelerated", speed: 1800, start: Date.parse("2026-01-19T13:30:00Z") });
const sim = host
  ? null
  : await startGoodWeSimulator({
      clock,
      house: {
        seed: 7,
        timeZone,
        latitude: -33.87,
        longitude: 151.21,
        pv: { capacityW: 8000 },
        load: { dailyKwh: 16 },
        battery: {
          capacityKwh: 10,
          maxChargeW: 5000,
          maxDischargeW: 5000,
          roundTripEfficiency: 0.9,
          minSoc: 0.1,
          maxSoc: 1,
          initialSoc: 0.2,
        },
      },
    });

try {
  const inverter = await GoodWeInverter.connect({
    host: host ?? sim!.host,
    port: Number(process.env.GOODWE_PORT ?? sim?.udpPort ?? 8899),
    discoveryPort: sim?.discoveryPort ?? undefined,
    timeZone,
    clock,
  });
  const dryRun = Boolean(host) && process.env.GOODWE_APPLY !== "1";
  console.log(
    `${inverter.deviceInfo!.modelName}: eco mode ${(await inverter.ecoModeEncoding()).toUpperCase()}, work mode ${await inverter.getOperationMode()}`,
  );
  const result = await inverter.setEcoModeGroup(1, { start: "01:00", end: "05:00", power: -0.5, soc: 1 }, { activate: true, dryRun });
  for (const w of result.results)
    console.log(
      `  ${w.write.target}: ${w.write.description} — ${w.sent ? (w.taken ? "taken" : w.taken === false ? "NOT taken" : "sent") : w.sent === null ? "unknown" : "not sent (dry run)"}`,
    );
  for (const note of result.sideEffects) console.log(`  side effect: ${note}`);
  if (sim && clock) {
    for (let i = 0; i < 6; i++) {
      const flow = await inverter.readPowerFlow();
      const local = new Intl.DateTimeFormat("en-AU", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
        flow.observedAt,
      );
      console.log(`  ${local}  SOC ${Math.round(flow.soc! * 100)} %  battery ${flow.batteryW} W  grid ${flow.gridW} W`);
      await clock.sleep(50 * 60_000); // 50 simulated minutes ≈ 1.7 s
    }
  }
  await inverter.close();
} finally {
  await sim?.close();
}
