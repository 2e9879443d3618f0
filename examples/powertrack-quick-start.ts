/**
 * PowerTrack quick start (the powertrack-sdk README's "Basic Usage"): a site's configuration,
 * its hardware, and everything about it in one call.
 *
 * Real account: set COOKIE and AE_S (or POWERTRACK_FETCH_FILE pointing at a browser "Copy as
 * fetch (Node.js)" snippet) and POWERTRACK_SITE_ID. Otherwise it runs against the built-in simulator.
 *
 *   npx tsx examples/powertrack-quick-start.ts
 */
import { PowerTrackClient } from "openpower/powertrack";
import { startPowerTrackSimulator } from "openpower/sim";

const real = Boolean(process.env.COOKIE || process.env.POWERTRACK_FETCH_FILE);
const sim = real ? null : await startPowerTrackSimulator({ sites: 5 });
const client = sim
  ? new PowerTrackClient({ auth: { ...sim.credentials, baseUrl: sim.url, env: {}, cookieFile: false, envFile: false } })
  : new PowerTrackClient(); // explicit > env > fetch snippet > cookie.txt > .env
const siteId = sim ? sim.sites[1]! : process.env.POWERTRACK_SITE_ID;
if (!siteId) throw new Error("Set POWERTRACK_SITE_ID to the site to show (e.g. S12345).");

try {
  console.log(sim ? `Simulator at ${sim.url}` : `PowerTrack at ${client.baseUrl}`);

  const config = await client.getSiteConfig(siteId);
  console.log(`Site: ${config.name} (${config.siteId}), ${config.city}, ${config.state} [${config.timeZone}]`);
  console.log(
    `Capacity: ${config.capacityAcKw ?? "?"} kW AC / ${config.capacityDcKw?.toFixed(1) ?? "?"} kW DC, installed ${config.installDate}`,
  );

  const hardware = await client.getHardwareList(siteId);
  for (const hw of hardware)
    console.log(`  ${hw.key.padEnd(10)} ${hw.typeName.padEnd(18)} ${hw.name}${hw.primaryMetric ? `  (${hw.primaryMetric})` : ""}`);

  const data = await client.getSiteData(siteId);
  console.log(`Hardware count: ${data.hardwareCount}`);
  console.log(`Active alert triggers: ${data.activeAlertsCount}`);
  console.log(`Modeled capacity: ${data.modeling?.totalCapacityKw ?? "?"} kW`);
  if (data.errors.length)
    console.log(`Parts that could not be read: ${data.errors.map((e) => `${e.part} ${e.key}: ${e.error.message}`).join("; ")}`);
} finally {
  client.close();
  await sim?.close();
}
