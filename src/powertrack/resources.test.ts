import { describe, expect, it } from "vitest";
import { simAndClient } from "./test-support/sim-client.js";

describe("resources (client.sites, client.hardware, …)", () => {
  it("the flat Python-seed methods delegate to the resources: same request, same answer", async () => {
    const { sim, client, close } = await simAndClient({ sites: 2, seed: 3 });
    try {
      const key = sim.sites[0]!;
      expect(await client.sites.getSiteConfig(key)).toEqual(await client.getSiteConfig(key));
      const list = await client.hardware.getHardwareList(key);
      expect(list.map((h) => h.key)).toEqual((await client.getHardwareList(key)).map((h) => h.key));
      expect(
        Object.keys(client).filter((k) => ["sites", "charts", "hardware", "alerts", "modeling", "reports", "account", "edits"].includes(k)),
      ).toHaveLength(8);
    } finally {
      await close();
    }
  });
});
