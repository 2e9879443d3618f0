/**
 * The next hours of prices as unified `PriceInterval`s, and a month of metered usage fetched in
 * 7-day chunks with progress, priced with what Amber charged.
 *
 *   AMBER_TOKEN=psk_… npx tsx examples/amber-prices-ahead.ts
 *   npx tsx examples/amber-prices-ahead.ts
 */
import { addDays, earningsPerKwhCents, nemDate } from "openpower";
import { Amber } from "openpower/amber";
import { startAmberSimulator } from "openpower/sim";

const sim = process.env.AMBER_TOKEN ? null : await startAmberSimulator();
const amber = new Amber(sim ? { token: sim.token, baseUrl: sim.url } : { token: process.env.AMBER_TOKEN });

try {
  const site = await amber.forActiveSite();
  console.log(`Site ${site.site}`);

  const ahead = await site.pricesAhead(3);
  const fmt = (d: Date) => d.toLocaleTimeString("en-AU", { timeZone: "Australia/Brisbane", hour: "2-digit", minute: "2-digit" });
  console.log("Next 3 hours (Brisbane time):");
  for (const p of ahead.filter((x) => x.channel === "general")) {
    const feedIn = ahead.find((x) => x.channel === "feedIn" && x.start.getTime() === p.start.getTime());
    const earn = feedIn ? `, export earns ${earningsPerKwhCents(feedIn).toFixed(2)}` : "";
    console.log(
      `  ${fmt(p.start)}-${fmt(p.end)} ${String(p.durationMin).padStart(2)} min  ${p.kind.padEnd(8)} import ${p.perKwhCents.toFixed(2)}${earn} c/kWh${p.estimate ? " (est.)" : ""}`,
    );
  }

  const end = addDays(nemDate(new Date()), -1);
  const start = addDays(end, -29);
  let kwh = 0;
  let cents = 0;
  for await (const chunk of site.iterateUsage({ start, end })) {
    for (const record of chunk.records) {
      if (record.channelType === "general") kwh += record.kwh;
      cents += record.cost;
    }
    console.log(`  usage ${chunk.start}..${chunk.end}: ${chunk.records.length} records (${Math.round(chunk.progress.fraction * 100)} %)`);
  }
  console.log(`30 days to ${end}: imported ${kwh.toFixed(1)} kWh, net cost $${(cents / 100).toFixed(2)} incl. GST (usage charges only)`);
  console.log("Budget left:", amber.getRatelimits()?.remaining);
} finally {
  await sim?.close();
}
