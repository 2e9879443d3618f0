/**
 * Find GoodWe WiFi/LAN dongles and what they are, then read each inverter's device info.
 *
 * On your network (broadcast to UDP 48899):
 *   GOODWE_DISCOVER=1 npx tsx examples/goodwe-discover.ts
 * or ask one dongle:
 *   GOODWE_HOST=192.168.1.14 npx tsx examples/goodwe-discover.ts
 *
 * Without either, it starts two simulated dongles on 127.0.0.1 (a classic one and a Kit-20 DTLS
 * one) and discovers them.
 */
import { discover, GoodWeInverter, type DiscoveredDongle } from "openpower/goodwe";
import { startGoodWeSimulator } from "openpower/sim";

const host = process.env.GOODWE_HOST;
const live = Boolean(host || process.env.GOODWE_DISCOVER);
const sims = live ? [] : await Promise.all([startGoodWeSimulator(), startGoodWeSimulator({ dtls: true })]);

try {
  const found: Array<{ dongle: DiscoveredDongle; port: number; discoveryPort?: number }> = [];
  if (live) {
    // Kit-20 LAN dongles (ccm@… replies) often serve only Modbus/TCP on 502.
    for (const dongle of await discover({ address: host ?? "255.255.255.255", timeoutMs: 3000 }))
      found.push({ dongle, port: Number(process.env.GOODWE_PORT ?? (dongle.kind === "kit20" ? 502 : 8899)) });
  } else {
    for (const sim of sims) {
      for (const dongle of await discover({ address: sim.host, port: sim.discoveryPort!, timeoutMs: 1000 }))
        found.push({ dongle, port: sim.udpPort, discoveryPort: sim.discoveryPort! });
    }
  }
  console.log(`Found ${found.length} dongle(s):`);
  for (const { dongle, port, discoveryPort } of found) {
    console.log(
      `- ${dongle.address}: ${dongle.kind}${dongle.mac ? ` MAC ${dongle.mac}` : ""}${dongle.name ? ` "${dongle.name}"` : ""}${dongle.inverterSerial ? ` inverter ${dongle.inverterSerial}` : ""}`,
    );
    try {
      const inverter = await GoodWeInverter.connect({ host: dongle.address, port, discoveryPort, timeoutMs: 1000 });
      const info = inverter.deviceInfo!;
      console.log(
        `  ${info.family} ${info.modelName} serial ${info.serialNumber}, ${info.ratedPowerW ?? "?"} W, firmware ${info.firmware}`,
      );
      await inverter.close();
    } catch (error) {
      console.log(`  cannot connect: ${(error as Error).message}`);
    }
  }
} finally {
  await Promise.all(sims.map((s) => s.close()));
}
