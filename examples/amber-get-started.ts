/**
 * Amber "Get started" (the Python original's README snippet): list the sites linked to a token and
 * print each active site's current prices.
 *
 *   AMBER_TOKEN=psk_… npx tsx examples/amber-get-started.ts   # your account
 *   npx tsx examples/amber-get-started.ts                     # the built-in simulator
 */
import { Amber, type AmberInterval } from "openpower/amber";
import { startAmberSimulator } from "openpower/sim";

const sim = process.env.AMBER_TOKEN ? null : await startAmberSimulator();
const api = new Amber(sim ? { token: sim.token, baseUrl: sim.url } : { token: process.env.AMBER_TOKEN });

try {
  const sites = await api.listSites();
  console.log(`${sites.length} site(s):`, sites.map((s) => `${s.id} (${s.status}, ${s.network}, ${s.intervalLength}-minute)`).join("; "));

  // Amber also lists closed and pending sites: only active ones have current prices.
  for (const site of sites.filter((s) => s.status === "active")) {
    const prices = await api.forSite(site.id).getCurrentPrices({ previous: 0, next: 0 });
    console.log(`Current prices are (site ${site.id}):`);
    for (const p of prices) console.log(`  ${describe(p)}`);
  }
  const limits = api.getRatelimits();
  if (limits)
    console.log(
      `Rate limit: ${limits.remaining}/${limits.limit} left, window ${limits.timeWindow()} s, resets at ${limits.estimatedReset()?.toISOString()}`,
    );
} finally {
  await sim?.close();
}

function describe(p: AmberInterval): string {
  // On feed-in Amber's perKwh is "what you pay": negative means you are paid.
  const price = p.channelType === "feedIn" ? `earns ${(-p.perKwh).toFixed(2)} c/kWh` : `costs ${p.perKwh.toFixed(2)} c/kWh`;
  const estimate = p.type === "CurrentInterval" && p.estimate ? " (estimate)" : "";
  return `${p.channelType.padEnd(14)} ${price}${estimate}, spot ${p.spotPerKwh.toFixed(2)} c/kWh, ${p.descriptor}, renewables ${p.renewables.toFixed(1)} %, until ${p.nemTime}`;
}
