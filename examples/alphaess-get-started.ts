/**
 * AlphaESS "Get started" (the Python original's first snippet): list the systems bound to your
 * developer account and print what each one is drawing from or feeding into the grid.
 *
 *   ALPHAESS_APP_ID=alpha... ALPHAESS_APP_SECRET=... ALPHAESS_TIME_ZONE=Australia/Sydney npx tsx examples/alphaess-get-started.ts
 *
 * Without credentials it runs against the built-in simulator.
 */
import { AlphaESS } from "openpower/alphaess";
import { startAlphaEssSimulator } from "openpower/sim";

const appId = process.env.ALPHAESS_APP_ID;
const appSecret = process.env.ALPHAESS_APP_SECRET;
const sim = appId && appSecret ? null : await startAlphaEssSimulator();

try {
  const api = new AlphaESS({
    appId: appId ?? sim!.credentials.appId,
    appSecret: appSecret ?? sim!.credentials.appSecret,
    timeZone: process.env.ALPHAESS_TIME_ZONE ?? "Australia/Sydney",
    ...(sim ? { baseUrl: sim.url } : {}),
  });
  console.log(sim ? `Using the AlphaESS simulator at ${sim.url}` : "Using the AlphaESS Open API");

  const systems = await api.listSystems();
  console.log(
    `${systems.length} system(s):`,
    systems.map((s) => `${s.serialNumber} (${s.inverterModel ?? "?"}, ${s.batteryCapacityKwh ?? "?"} kWh)`).join(", "),
  );

  for (const system of systems) {
    const power = await api.forDevice(system.serialNumber).getRealtimePowerUsage();
    if (power.allNull) {
      console.log(`${system.serialNumber}: this model reports no real-time data (all null).`);
      continue;
    }
    const grid = power.gridW ?? 0;
    const direction = grid >= 0 ? "consuming from the grid" : "feeding in";
    console.log(
      `${system.serialNumber}: currently ${direction}: ${Math.abs(grid)} W ` +
        `(PV ${power.pvW} W, load ${power.loadW} W, battery ${power.batteryW} W, SOC ${power.soc === null ? "?" : Math.round(power.soc * 100)} %)`,
    );
  }
} finally {
  await sim?.close();
}
