import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeStatus } from "../model/helpers.js";
import type { PowerTrackSimulator } from "../sim/powertrack/index.js";
import type { PowerTrackClient } from "./client.js";
import { simAndClient } from "./test-support/sim-client.js";

let sim: PowerTrackSimulator;
let client: PowerTrackClient;
beforeAll(async () => {
  ({ sim, client } = await simAndClient({ sites: 4, seed: 23 }));
});
afterAll(async () => {
  client.close();
  await sim.close();
});
beforeEach(() => sim.http.clearRequests());

const writes = () => sim.http.requests.filter((r) => r.method !== "GET" && r.path !== "/api/view/chart");
const site = (i = 1) => sim.sites[i]!;
const hardwareOf = (siteKey: string, code: number) => sim.state.portfolio.site(siteKey)!.hardware.filter((h) => h.functionCode === code);

describe("an edit's status follows sent/taken (the model's writeStatus)", () => {
  it("issue 12 #27: a PUT whose answer was lost but which was applied says applied (taken), never failed", async () => {
    const meter = hardwareOf(site(2), 2)[0]!;
    const remove = sim.http.faults.add({ method: "PUT", path: "/api/edit/hardware", kinds: ["lostResponse"], times: 1 });
    try {
      const result = await client.updateHardwareConfig(meter.key, { description: "Answer lost" });
      expect(sim.state.hardwareConfig(meter.key).description).toBe("Answer lost");
      expect(result).toMatchObject({ status: "applied", success: true, sent: true, taken: true, mismatches: [] });
      expect(writeStatus(result)).toBe("taken");
      expect(result.error).toBeUndefined();
      expect(result.detail.reason).toMatch(/answer was lost.*reading back shows the write applied/i);
      expect(writes()).toHaveLength(1);
    } finally {
      remove();
    }
  });

  it("a PUT whose answer was lost and could not be read back is unknown (sent: null), not taken, not resent", async () => {
    const meter = hardwareOf(site(2), 2)[1] ?? hardwareOf(site(2), 1)[0]!;
    const remove = sim.http.faults.add({ method: "PUT", path: "/api/edit/hardware", kinds: ["lostResponse"], times: 1 });
    try {
      const result = await client.updateHardwareConfig(meter.key, { description: "Unknown" }, { verify: false });
      expect(result).toMatchObject({ status: "failed", success: false, sent: null, taken: null });
      expect(writeStatus(result)).toBe("unknown");
      expect(result.errorCode).toMatch(/^ConnectionError/);
      expect(writes()).toHaveLength(1);
    } finally {
      remove();
    }
  });
});
