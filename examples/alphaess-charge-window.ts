/**
 * Charge the battery from the grid between 01:00 and 05:00, up to 90 %, then check it took.
 *
 * Against the simulator (no credentials): writes the setting, fast-forwards the night on an
 * accelerated clock and prints the state of charge rising through the window.
 *
 * With real credentials it only plans the change (a dry run) unless ALPHAESS_APPLY=1:
 *   ALPHAESS_APP_ID=... ALPHAESS_APP_SECRET=... ALPHAESS_SERIAL=AL... ALPHAESS_TIME_ZONE=Australia/Sydney \
 *   ALPHAESS_APPLY=1 npx tsx examples/alphaess-charge-window.ts
 */
import { AlphaESS } from "openpower/alphaess";
import { VirtualClock, startAlphaEssSimulator } from "openpower/sim";

const appId = process.env.ALPHAESS_APP_ID;
const appSecret = process.env.ALPHAESS_APP_SECRET;
const live = Boolean(appId && appSecret);
const timeZone = process.env.ALPHAESS_TIME_ZONE ?? "Australia/Sydney";

// Simulated: 00:30 on a winter night in Sydney; the clock runs 60 times faster than real time and
// jumps ahead an hour at a time below.
const clock = live ? undefined : new VirtualClock({ mode: "accelerated", speed: 60, start: Date.parse("2026-08-03T14:30:00Z") });
const sim = live ? null : await startAlphaEssSimulator({ clock, historyDays: 0 });

try {
  const api = new AlphaESS({
    appId: appId ?? sim!.credentials.appId,
    appSecret: appSecret ?? sim!.credentials.appSecret,
    timeZone,
    ...(sim ? { baseUrl: sim.url, clock } : {}),
  });
  const serialNumber = process.env.ALPHAESS_SERIAL ?? (await api.listSystems())[0]?.serialNumber;
  if (!serialNumber) throw new Error("No system is bound to this AppID.");
  const device = api.forDevice(serialNumber);

  const before = await device.getChargingSettings();
  console.log(
    `${serialNumber} now: grid charging ${before.useGrid ? "on" : "off"}, stop at ${before.stopLevel * 100} %, periods ${before.firstPeriod.start}-${before.firstPeriod.end} and ${before.secondPeriod.start}-${before.secondPeriod.end}`,
  );

  const dryRun = live && process.env.ALPHAESS_APPLY !== "1";
  const result = await device.setChargingSettings(
    { useGrid: true, stopLevel: 0.9, firstPeriod: { start: "01:00", end: "05:00" } },
    { verify: !dryRun, dryRun },
  );
  console.log(dryRun ? "Dry run (set ALPHAESS_APPLY=1 to send): would send" : "Sent", JSON.stringify(result.detail.payload));
  if (!dryRun)
    console.log(result.taken ? "The system took the change." : `The system did not take the change: ${JSON.stringify(result.mismatches)}`);

  if (sim && clock) {
    const soc = async () => Math.round(((await device.getRealtimePowerUsage()).soc ?? 0) * 1000) / 10;
    const start = await soc();
    console.log(`00:30  SOC ${start} %`);
    let atEnd = start;
    for (const label of ["01:30", "02:30", "03:30", "04:30", "05:30"]) {
      await clock.advance(3_600_000);
      const now = await soc();
      if (label === "04:30") atEnd = now;
      console.log(`${label}  SOC ${now} %`);
    }
    const history = await device.getHistoricalPowerUsage("2026-08-04");
    const peakImport = Math.max(...history.samples.map((s) => s.importW ?? 0));
    console.log(`Day series: ${history.samples.length} samples, peak grid import ${peakImport} W while the window was open.`);
    // Against the simulator the outcome is known: fail loudly (exit code 1) if the night did not go as set.
    if (!result.taken || atEnd < 89 || peakImport <= 0) {
      console.error(`Unexpected: taken ${result.taken}, SOC ${start} % -> ${atEnd} % by 04:30, peak import ${peakImport} W.`);
      process.exitCode = 1;
    }
  }
} finally {
  await sim?.close();
}
