import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import type { ClientOptions } from "../core/client-options.js";
import { RateLimiter } from "../core/rate-limit/limiter.js";
import type { AlphaESSOptions } from "./client.js";
import { alphaEssTestbed, type AlphaEssTestbed } from "./test-support/testbed.js";

const SN = "AL70110230306xx";
let bed: AlphaEssTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe("AlphaESS options: ClientOptions, withOptions and forDevice", () => {
  it("AlphaESSOptions extends the shared ClientOptions", () => {
    expectTypeOf<AlphaESSOptions>().toExtend<ClientOptions>();
  });

  it("withOptions derives a client with its own transport settings that keeps the scope and shares the budget", async () => {
    const userAgents: string[] = [];
    bed = await alphaEssTestbed({ client: { pacing: { minIntervalMs: 0, limit: 3, windowMs: 3_600_000, onLimit: "throw" } } });
    const device = bed.api.forDevice(SN, { timeZone: "Australia/Perth" });
    const derived = device.withOptions({ userAgent: "my-app/1.0", timeoutMs: 5000 });
    expect(derived).not.toBe(device);
    expect(derived.serialNumber).toBe(SN);
    expect(derived.timeZone).toBe("Australia/Perth");
    await device.getSystemSummary();
    await derived.getSystemSummary();
    for (const r of bed.requests("getSumDataForCustomer")) userAgents.push(r.headers["user-agent"] ?? "");
    expect(userAgents[0]).not.toMatch(/my-app/);
    expect(userAgents[1]).toMatch(/my-app\/1\.0/);
    // One budget of 3 for the account: the parent's and the derived client's requests count together.
    expect(bed.api.rateLimitState().account.remaining).toBe(1);
    await derived.getSystemSummary();
    await expect(bed.api.getSystemSummary(SN)).rejects.toMatchObject({ name: "RateLimitError", local: true });
  });

  it("rateLimit: a limiter shared with another client, or null for no account budget", async () => {
    bed = await alphaEssTestbed();
    const shared = new RateLimiter({ name: "account", limit: 2, windowMs: 3_600_000, onLimit: "throw", clock: bed.clock });
    const one = bed.api.withOptions({}).forDevice(SN);
    const { AlphaESS } = await import("./client.js");
    const a = new AlphaESS({
      ...bed.sim.credentials,
      baseUrl: bed.sim.url,
      clock: bed.clock,
      rateLimit: shared,
      pacing: { minIntervalMs: 0 },
      serialNumber: SN,
    });
    const b = new AlphaESS({
      ...bed.sim.credentials,
      baseUrl: bed.sim.url,
      clock: bed.clock,
      rateLimit: shared,
      pacing: { minIntervalMs: 0 },
      serialNumber: SN,
    });
    await a.getSystemSummary();
    await b.getSystemSummary();
    await expect(a.getSystemSummary()).rejects.toMatchObject({ local: true });
    const free = new AlphaESS({
      ...bed.sim.credentials,
      baseUrl: bed.sim.url,
      clock: bed.clock,
      rateLimit: null,
      pacing: { minIntervalMs: 0 },
      serialNumber: SN,
    });
    await Promise.all(Array.from({ length: 8 }, () => free.getSystemSummary()));
    expect(free.rateLimitState().account.limit).toBeNull();
    expect(one.serialNumber).toBe(SN);
  });
});
