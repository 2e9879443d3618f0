/**
 * Hardware health across a portfolio (the powertrack-sdk README's "Hardware Health Monitoring"),
 * done the bounded-concurrency way: every site's hardware list, then every device's diagnostics,
 * with progress, a report of what failed and why, and the devices that stopped communicating.
 *
 * Real account: COOKIE + AE_S (or POWERTRACK_FETCH_FILE) and POWERTRACK_CUSTOMER_ID. Otherwise the simulator.
 *
 *   npx tsx examples/powertrack-hardware-health.ts
 */
import { PowerTrackClient, readHardwareDiagnostics, readHardwareLists, SiteList, valuesOf } from "openpower/powertrack";
import { startPowerTrackSimulator } from "openpower/sim";

const real = Boolean(process.env.COOKIE || process.env.POWERTRACK_FETCH_FILE);
const sim = real ? null : await startPowerTrackSimulator({ sites: 25, seed: 4 });
const client = sim
  ? new PowerTrackClient({ auth: { ...sim.credentials, baseUrl: sim.url, env: {}, cookieFile: false, envFile: false }, concurrency: 8 })
  : new PowerTrackClient({ concurrency: 4 });
const customerId = sim ? sim.customers[0]! : process.env.POWERTRACK_CUSTOMER_ID;
if (!customerId) throw new Error("Set POWERTRACK_CUSTOMER_ID (e.g. C1234).");

try {
  const sites = await SiteList.fromCustomer(client, customerId);
  console.log(`${sites.length} sites of ${customerId}`);

  const lists = await readHardwareLists(client, sites, {
    onProgress: (p) => p.done % 10 === 0 && console.log(`  hardware lists: ${p.done}/${p.total}`),
  });
  console.log(`Hardware lists: ${lists.succeeded} read, ${lists.failed} failed${lists.aborted ? ` (stopped: ${lists.aborted})` : ""}`);
  for (const f of lists.failures) console.log(`  ${f.key}: ${f.error.name} ${f.error.status ?? ""} ${f.error.message}`);

  const devices = [...valuesOf(lists)].flatMap(([site, hardware]) => hardware.map((h) => ({ site, h })));
  const diagnostics = await readHardwareDiagnostics(
    client,
    devices.map((d) => d.h.key),
  );
  const byKey = valuesOf(diagnostics);
  const issues = devices
    .map(({ site, h }) => ({ site, h, d: byKey.get(h.key) }))
    .filter(({ h, d }) => h.outOfService !== true && d && (!d.isOnline || d.brokenRegisterCount > 0));

  console.log(`Diagnostics: ${diagnostics.succeeded} devices read, ${diagnostics.failed} failed`);
  console.log(`Found ${issues.length} hardware health issues:`);
  for (const { site, h, d } of issues.slice(0, 15)) {
    const last = d!.lastSuccess ? d!.lastSuccess.toISOString() : "never";
    console.log(
      `  ${site} ${h.key.padEnd(10)} ${h.typeName.padEnd(18)} last good read ${last}${d!.brokenRegisterCount ? `, ${d!.brokenRegisterCount} broken registers` : ""}`,
    );
  }
  if (issues.length > 15) console.log(`  … and ${issues.length - 15} more`);
} finally {
  client.close();
  await sim?.close();
}
