/**
 * The README's quick start: the power flow of every AlphaESS system, then Amber prices ahead.
 * Uses ALPHAESS_APP_ID / ALPHAESS_APP_SECRET and AMBER_TOKEN when set, the built-in simulators
 * otherwise.
 */
import { AlphaESS } from "openpower/alphaess";
import { Amber } from "openpower/amber";
import { startAlphaEssSimulator, startAmberSimulator } from "openpower/sim";

const alphaSim = process.env.ALPHAESS_APP_ID ? null : await startAlphaEssSimulator();
const amberSim = process.env.AMBER_TOKEN ? null : await startAmberSimulator();
if (alphaSim) console.error("ALPHAESS_APP_ID and ALPHAESS_APP_SECRET are not set: using the built-in AlphaESS simulator.");
if (amberSim) console.error("AMBER_TOKEN is not set: using the built-in Amber simulator.");
try {
  const alpha = new AlphaESS({
    appId: process.env.ALPHAESS_APP_ID ?? alphaSim!.credentials.appId,
    appSecret: process.env.ALPHAESS_APP_SECRET ?? alphaSim!.credentials.appSecret,
    timeZone: "Australia/Sydney",
    ...(alphaSim ? { baseUrl: alphaSim.url } : {}),
  });
  for (const system of await alpha.listSystems()) {
    const flow = await alpha.system(system.serialNumber).getPowerFlow();
    console.log(system.serialNumber, `grid ${flow.gridW} W (+ import)`, `battery ${flow.batteryW} W (+ discharge)`, `SOC ${flow.soc}`);
  }

  const amber = new Amber({ token: process.env.AMBER_TOKEN ?? amberSim!.token, ...(amberSim ? { baseUrl: amberSim.url } : {}) });
  const site = await amber.getActiveSite();
  const prices = await amber.forSite(site.id).priceSource().getPriceIntervals({ next: 24 });
  const general = prices.filter((p) => p.channel === "general");
  console.log(
    `Amber site ${site.id}: ${general.length} general-channel intervals, now ${general.find((p) => p.kind === "current")?.perKwhCents} c/kWh`,
  );
} finally {
  await alphaSim?.close();
  await amberSim?.close();
}
