import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import type { PowerTrackSimulator } from "../sim/powertrack/index.js";
import type { PowerTrackClient } from "./client.js";
import { simAndClient } from "./test-support/sim-client.js";

// Issue 12 #19: numbers sent to PowerTrack are finite and in range, checked before anything is sent.
let sim: PowerTrackSimulator;
let client: PowerTrackClient;
beforeAll(async () => {
  ({ sim, client } = await simAndClient({ sites: 2, seed: 29 }));
});
afterAll(async () => {
  client.close();
  await sim.close();
});
beforeEach(() => sim.http.clearRequests());

const sentWrites = () =>
  sim.http.requests.filter((r) => r.method === "PUT" || r.method === "DELETE" || (r.method === "POST" && r.path !== "/api/view/chart"));
const BAD: Array<[string, number]> = [
  ["location.latitude", Number.NaN],
  ["location.latitude", Number.POSITIVE_INFINITY],
  ["location.latitude", Number.NEGATIVE_INFINITY],
  ["location.latitude", 90.5],
  ["location.longitude", -180.01],
  ["location.longitude", Number.NaN],
  ["capacityAc", Number.NaN],
  ["capacityAc", Number.POSITIVE_INFINITY],
  ["capacityAc", -1],
];

describe("edits refuse non-finite and out-of-range numbers before sending (issue 12 #19)", () => {
  it.each(BAD)("updateSiteConfig refuses %s = %s with a ValidationError naming the field", async (field, value) => {
    const [head, tail] = field.split(".") as [string, string | undefined];
    const changes = tail ? { [head]: { [tail]: value } } : { [head]: value };
    const error = await client.updateSiteConfig(sim.sites[0]!, changes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(sentWrites()).toEqual([]);
  });

  it.each(BAD)(
    "the CLI's path (planEdit with text fields, coerced) refuses %s = %s: an invalid plan that applyEdit never sends",
    async (field, value) => {
      const plan = await client.planEdit({ target: "site", key: sim.sites[0]!, fields: { [field]: String(value) }, coerce: true });
      expect(plan.status).toBe("invalid");
      expect(plan.error).toMatchObject({ name: "ValidationError", field });
      const result = await client.applyEdit(plan);
      expect(result).toMatchObject({ status: "invalid", sent: false });
      expect(sentWrites()).toEqual([]);
    },
  );

  it("planEdit with typed fields refuses 1e999 (Infinity) for a latitude", async () => {
    const plan = await client.planEdit({ target: "site", key: sim.sites[0]!, fields: { "location.latitude": Number("1e999") } });
    expect(plan).toMatchObject({ status: "invalid", error: { field: "location.latitude" } });
  });

  it("takes a finite, in-range value", async () => {
    const result = await client.updateSiteConfig(sim.sites[0]!, { location: { latitude: 45.25 }, capacityAc: 120 });
    expect(result).toMatchObject({ status: "applied", sent: true, taken: true });
  });
});
