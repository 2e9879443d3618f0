/**
 * Portfolio analytics (the powertrack-sdk README's "Advanced Analytics" and "Portfolio
 * Analytics"): every site's availability and power, under-performers, totals, a site's energy
 * chart, and the alert summary by severity.
 *
 * Real account: COOKIE + AE_S (or POWERTRACK_FETCH_FILE) and POWERTRACK_CUSTOMER_ID. Otherwise the simulator.
 *
 *   npx tsx examples/powertrack-portfolio-analytics.ts
 */
import { PowerTrackClient } from "openpower/powertrack";
import { startPowerTrackSimulator } from "openpower/sim";

const real = Boolean(process.env.COOKIE || process.env.POWERTRACK_FETCH_FILE);
const sim = real ? null : await startPowerTrackSimulator({ sites: 40 });
const client = sim
  ? new PowerTrackClient({ auth: { ...sim.credentials, baseUrl: sim.url, env: {}, cookieFile: false, envFile: false } })
  : new PowerTrackClient();
const customerId = sim ? sim.customers[0]! : process.env.POWERTRACK_CUSTOMER_ID;
if (!customerId) throw new Error("Set POWERTRACK_CUSTOMER_ID (e.g. C1234; it is in the web app's URL).");

try {
  const portfolio = await client.getPortfolioOverview(customerId);
  console.log(`Portfolio ${customerId}: ${portfolio.totalSites} sites, ${portfolio.onlineSites.length} online`);
  for (const site of portfolio.sites.slice(0, 10)) {
    console.log(
      `  ${site.key.padEnd(8)} ${(site.name ?? "").slice(0, 40).padEnd(40)} ${fmt(site.availability, "%")} availability, ` +
        `${fmt(site.power, " kW")}, today ${fmt(site.today, " kWh")}, energy ratio ${fmt(site.energyRatio, "%")} (${site.performanceStatus})`,
    );
  }
  if (portfolio.sites.length > 10) console.log(`  … and ${portfolio.sites.length - 10} more`);

  const underperforming = portfolio.sites.filter((s) => s.availability !== null && s.availability < 95);
  console.log(`Underperforming sites (availability < 95 %): ${underperforming.length}`);
  console.log(
    `Total capacity: ${portfolio.totalCapacityAc.toFixed(0)} kW AC, today's production: ${portfolio.totalEnergyToday.toFixed(0)} kWh, now: ${portfolio.totalPower.toFixed(0)} kW`,
  );
  console.log(
    `Average availability: ${fmt(portfolio.averageAvailability, "%")}; sites with inverter faults: ${portfolio.sitesWithAlerts.map((s) => s.key).join(", ") || "none"}`,
  );
  if (portfolio.invalidRows.length) console.log(`Rows that could not be read: ${portfolio.invalidRows.length}`);

  const best = [...portfolio.sites].sort((a, b) => (b.pvCapacityAc ?? 0) - (a.pvCapacityAc ?? 0))[0]!;
  const config = await client.getSiteConfig(best.key);
  const chart = await client.getChartData(1, best.key, { binSize: 1440, timeZone: config.timeZone ?? "UTC" });
  console.log(`\nEnergy of ${best.key} from ${chart.startDate} to ${chart.endDate}:`);
  for (const series of chart.series)
    console.log(`  ${series.name}: ${series.dataPoints} points (${series.unitName ?? series.customUnit ?? "?"})`);
  const ratio = chart.performanceRatio;
  console.log(
    `  produced ${fmt(chart.energyProduction, " kWh")} of ${fmt(chart.expectedEnergy, " kWh")} expected${ratio !== null ? ` (${(ratio * 100).toFixed(1)} %)` : ""}`,
  );

  const alerts = await client.getAlertSummary({ customerId });
  console.log(
    `\nActive alerts: ${alerts.totalAlerts} on ${alerts.hardwareWithAlerts.length} devices; by severity: ${JSON.stringify(alerts.bySeverity)}`,
  );
  const critical = alerts.criticalHardware.slice(0, 5);
  for (const key of critical) {
    const triggers = await client.getAlertTriggers(key);
    console.log(
      `  ${key}: severity ${alerts.hardwareSummaries[key]!.severityLevel}, ${triggers.activeTriggers.length} active triggers (${triggers.activeTriggers.map((t) => t.name).join(", ")})`,
    );
  }
} finally {
  client.close();
  await sim?.close();
}

function fmt(value: number | null, unit: string): string {
  return value === null ? "n/a" : `${value.toFixed(1)}${unit}`;
}
