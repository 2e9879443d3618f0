import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { PowerTrackClient } from "./client.js";
import { PowerTrackSite } from "./system.js";
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

describe("derived clients: withOptions and forSite", () => {
  it("forSite(key) is a scoped client (as in Amber) sharing credentials, transport and budget; site() is its façade", async () => {
    const { sim, client, close } = await simAndClient({ sites: 2, seed: 3 });
    try {
      const key = sim.sites[1]!;
      const scoped = client.forSite(key.toLowerCase());
      expect(scoped).toBeInstanceOf(PowerTrackClient);
      expect(scoped.siteKey).toBe(key);
      expect(scoped.transport).toBe(client.transport);
      expect(scoped.limiter).toBe(client.limiter);
      expect(scoped.auth).toBe(client.auth);
      const facade = scoped.site();
      expect(facade).toBeInstanceOf(PowerTrackSite);
      expect(facade.id).toBe(key);
      expect((await facade.getPowerFlow()).source).toEqual({ vendor: "powertrack", device: key });
      expect(() => client.site()).toThrow(ValidationError);
      expect(() => client.forSite("../x")).toThrow(ValidationError);
      // Closing the parent closes what was derived from it.
      client.close();
      expect(scoped.closed).toBe(true);
      await expect(facade.getPowerFlow()).rejects.toThrow(/closed/);
    } finally {
      await close();
    }
  });

  it("withOptions(overrides) derives a client with its own time-out that shares the transport and budget", async () => {
    const { sim, client, close } = await simAndClient({ sites: 2, seed: 3 });
    try {
      const quick = client.withOptions({ timeoutMs: 1_000 });
      expect(quick.transport).toBe(client.transport);
      expect(quick.limiter).toBe(client.limiter);
      const logged: string[] = [];
      const chatty = client.withOptions({ logger: { debug: (m) => logged.push(m), info: () => {}, warn: () => {}, error: () => {} } });
      expect(chatty.transport).not.toBe(client.transport);
      expect(chatty.limiter).toBe(client.limiter);
      expect(await chatty.getSiteConfig(sim.sites[0]!)).toEqual(await client.getSiteConfig(sim.sites[0]!));
      expect(logged.length).toBeGreaterThan(0);
      expect(await quick.getSiteConfig(sim.sites[0]!)).toEqual(await client.getSiteConfig(sim.sites[0]!));
    } finally {
      await close();
    }
  });
});
