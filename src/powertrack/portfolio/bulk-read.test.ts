import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError, AuthenticationError } from "../../core/errors/index.js";
import { systemClock } from "../../core/clock.js";
import type { PowerTrackSimulator } from "../../sim/powertrack/index.js";
import type { PowerTrackClient } from "../client.js";
import { simAndClient } from "../test-support/sim-client.js";
import {
  bulkRead,
  readAlertTriggers,
  readHardwareDiagnostics,
  readHardwareLists,
  readSiteConfigs,
  readSiteData,
  valuesOf,
} from "./bulk-read.js";
import { SiteList } from "./site-list.js";

let sim: PowerTrackSimulator;
let client: PowerTrackClient;
beforeAll(async () => {
  ({ sim, client } = await simAndClient({ sites: 10, seed: 5 }));
});
afterAll(async () => {
  client.close();
  await sim.close();
});
beforeEach(() => sim.http.clearRequests());

describe("bulk reads", () => {
  it("reads every site's hardware list, in input order, with progress", async () => {
    const progress: number[] = [];
    const report = await readHardwareLists(client, new SiteList(sim.sites.map((key) => ({ key }))), {
      concurrency: 4,
      onProgress: (p) => progress.push(p.done),
    });
    expect(report).toMatchObject({ total: 10, succeeded: 10, failed: 0, skipped: 0, failures: [] });
    expect(report.results.map((r) => r.key)).toEqual([...sim.sites]);
    expect(progress.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(valuesOf(report).get(sim.sites[0]!)!.length).toBeGreaterThan(10);
  });

  it("reports partial failures (which, and why) and resumes only those", async () => {
    const broken = [sim.sites[2]!, sim.sites[7]!];
    const removers = broken.flatMap((s) => [sim.http.faults.add({ path: `/api/view/sitehardwareproduction/${s}`, kinds: ["http500"] })]);
    const removeNode = sim.http.faults.add({ path: "/api/node", kinds: ["http503"] });
    const first = await readHardwareLists(client, sim.sites, { concurrency: 3 });
    expect(first.failed).toBe(2);
    expect(first.failures.map((f) => f.key)).toEqual(broken);
    expect(first.failures.every((f) => f.error.name === "ApiError" && f.error.status === 503)).toBe(true);
    removers.forEach((r) => r());
    removeNode();
    sim.http.clearRequests();
    const second = await readHardwareLists(client, sim.sites, { resumeFrom: first });
    expect(second).toMatchObject({ succeeded: 10, failed: 0 });
    expect(second.results.filter((r) => r.resumed)).toHaveLength(8);
    expect(new Set(sim.http.requests.map((r) => r.path))).toEqual(new Set(broken.map((s) => `/api/view/sitehardwareproduction/${s}`)));
  });

  it("stops at an authentication failure instead of failing every site", async () => {
    sim.state.expireSession();
    try {
      const report = await readHardwareLists(client, sim.sites, { concurrency: 2 });
      expect(report.aborted).toMatch(/authentication failed/);
      expect(report.failed).toBeLessThanOrEqual(2);
      expect(report.skipped).toBeGreaterThanOrEqual(8);
      expect(report.failures[0]!.error.name).toBe("AuthenticationError");
    } finally {
      sim.state.refreshSession();
    }
  });

  it("limit reads the first N", async () => {
    const report = await readSiteData(client, sim.sites, { limit: 2, includeAlerts: false, includeModeling: false });
    expect(report).toMatchObject({ succeeded: 2, skipped: 8 });
    expect(report.results[0]!.value!.hardwareCount).toBeGreaterThan(0);
    const keys = report.results[1]!.value!.hardwareList.map((h) => h.key);
    const diag = await readHardwareDiagnostics(client, keys);
    expect(diag.succeeded).toBe(keys.length);
  });

  it("limit with resumeFrom works through the list in batches", async () => {
    const first = await readSiteConfigs(client, sim.sites, { limit: 3 });
    expect(first).toMatchObject({ succeeded: 3, skipped: 7 });
    expect(valuesOf(first).get(sim.sites[0]!)!.siteId).toBe(sim.sites[0]);
    sim.http.clearRequests();
    const second = await readSiteConfigs(client, sim.sites, { limit: 3, resumeFrom: first });
    expect(second).toMatchObject({ succeeded: 6, skipped: 4 });
    expect(second.results.filter((r) => r.resumed).map((r) => r.key)).toEqual(sim.sites.slice(0, 3));
    expect(sim.http.requests.map((r) => r.path).sort()).toEqual(
      sim.sites
        .slice(3, 6)
        .map((s) => `/api/edit/site/${s}`)
        .sort(),
    );
    const third = await readSiteConfigs(client, sim.sites, { limit: 10, resumeFrom: second });
    expect(third).toMatchObject({ succeeded: 10, skipped: 0 });
  });

  it("readAlertTriggers reads every device's triggers", async () => {
    const devices = sim.state.portfolio.site(sim.sites[1]!)!.hardware.map((h) => h.key);
    const report = await readAlertTriggers(client, devices, { concurrency: 3 });
    expect(report).toMatchObject({ total: devices.length, succeeded: devices.length, failed: 0 });
    for (const key of devices)
      expect(
        valuesOf(report)
          .get(key)!
          .triggers.map((t) => t.key),
      ).toEqual(sim.state.triggers(key).map((t) => t.key));
  });

  it("never has more than `concurrency` reads in flight, and keeps order (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(5), { maxLength: 30 }), fc.integer({ min: 1, max: 6 }), async (delays, concurrency) => {
        let inFlight = 0;
        let peak = 0;
        const keys = delays.map((_, i) => `S${i + 1}`);
        const report = await bulkRead(
          { concurrency: 8, clock: systemClock },
          keys,
          async (key) => {
            inFlight++;
            peak = Math.max(peak, inFlight);
            await new Promise((r) => setTimeout(r, delays[Number(key.slice(1)) - 1]));
            inFlight--;
            if (key.endsWith("3")) throw new ApiError("boom", { status: 500 });
            return key.toLowerCase();
          },
          { concurrency },
        );
        expect(peak).toBeLessThanOrEqual(concurrency);
        expect(report.results.map((r) => r.key)).toEqual(keys);
        report.results.forEach((r) => expect(r.ok ? r.value : r.error?.status).toBe(r.key.endsWith("3") ? 500 : r.key.toLowerCase()));
      }),
      { numRuns: 25 },
    );
  });

  it("an AuthenticationError from any read stops the others from starting", async () => {
    let calls = 0;
    const report = await bulkRead({ concurrency: 1, clock: systemClock }, ["S1", "S2", "S3"], async (key) => {
      calls++;
      if (key === "S1") throw new AuthenticationError("expired");
      return 1;
    });
    expect(calls).toBe(1);
    expect(report.results.map((r) => (r.ok ? "ok" : r.skipped ? "skipped" : "failed"))).toEqual(["failed", "skipped", "skipped"]);
  });
});
