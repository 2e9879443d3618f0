import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError, ValidationError } from "../core/errors/index.js";
import type { PowerTrackSimulator } from "../sim/powertrack/index.js";
import type { PowerTrackClient } from "./client.js";
import type { BackupEntry } from "./edits.js";
import { MemoryBackupStore } from "./portfolio/backups.js";
import { simAndClient } from "./test-support/sim-client.js";

let sim: PowerTrackSimulator;
let client: PowerTrackClient;
beforeAll(async () => {
  ({ sim, client } = await simAndClient({ sites: 6, seed: 11 }));
});
afterAll(async () => {
  client.close();
  await sim.close();
});
beforeEach(() => sim.http.clearRequests());

const writes = () => sim.http.requests.filter((r) => r.method !== "GET" && !["/api/view/chart", "/api/node", "/api/auditlog", "/api/view/reportconfigs"].includes(r.path));
const site = (i = 1) => sim.sites[i]!;
const hardwareOf = (siteKey: string, code: number) => sim.state.portfolio.site(siteKey)!.hardware.filter((h) => h.functionCode === code);

describe("updateSiteConfig", () => {
  it("GETs, changes exactly the given fields, PUTs the whole object to /api/edit/site with a Referer, reads back", async () => {
    const before = sim.state.siteConfig(site());
    const result = await client.updateSiteConfig(site(), { name: "Renamed site", location: { latitude: 41.5 } });
    expect(result).toMatchObject({ success: true, status: "applied", sent: true, taken: true, mismatches: [] });
    expect(result.changes.map((c) => c.field).sort()).toEqual(["location.latitude", "name"]);
    const [put] = writes();
    expect(put).toMatchObject({ method: "PUT", path: "/api/edit/site" });
    expect(put!.headers.referer).toBe(`${sim.url}/powertrack/${site()}/administration/config`);
    const sent = JSON.parse(put!.body) as Record<string, unknown>;
    expect(sent.key).toBe(site());
    const after = sim.state.siteConfig(site());
    expect(after.name).toBe("Renamed site");
    expect((after.location as { latitude: number }).latitude).toBe(41.5);
    // Nothing else moved (the server stamps a new ts).
    expect({ ...after, ts: null, name: null, location: { ...(after.location as object), latitude: null } }).toEqual({ ...before, ts: null, name: null, location: { ...(before.location as object), latitude: null } });
  });

  it("refuses members the object does not have (the SDK's acCapacityKw went nowhere), sending no write", async () => {
    await expect(client.updateSiteConfig(site(), { acCapacityKw: 500 })).rejects.toThrow(/no member "acCapacityKw"/);
    await expect(client.updateSiteConfig(site(), { location: { latitude: 95 } })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateSiteConfig(site(), { capacityAc: "500" })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateSiteConfig(site(), { key: "S1" })).rejects.toBeInstanceOf(ValidationError);
    expect(writes()).toEqual([]);
  });

  it("refuses bad keys and empty changes before sending anything at all", async () => {
    await expect(client.updateSiteConfig("H1", { name: "x" })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateHardwareConfig("S1", { description: "x" })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateSiteConfig(site(), {} as Record<string, unknown>)).resolves.toMatchObject({ status: "unchanged", sent: false });
    await expect(client.updateSiteConfig(site(), [] as unknown as Record<string, unknown>)).rejects.toBeInstanceOf(ValidationError);
    expect(writes()).toEqual([]);
  });

  it("dry run: plans and reports, sends no write", async () => {
    const result = await client.updateSiteConfig(site(2), { name: "Dry" }, { dryRun: true });
    expect(result).toMatchObject({ status: "dryRun", success: true, sent: false, dryRun: true });
    expect(result.changes).toEqual([{ field: "name", before: sim.state.siteConfig(site(2)).name, after: "Dry" }]);
    expect(writes()).toEqual([]);
  });
});

describe("updateHardwareConfig", () => {
  it("changes the fields and never rewrites hardwareId (the SDK replaced it with the H key)", async () => {
    const inverter = hardwareOf(site(), 1)[0]!;
    const original = sim.state.hardwareConfig(inverter.key);
    const result = await client.updateHardwareConfig(inverter.key, { description: "Inverter A", capacityKw: 60 });
    expect(result.status).toBe("applied");
    const stored = sim.state.hardwareConfig(inverter.key);
    expect(stored.hardwareId).toBe(original.hardwareId);
    expect(stored.hardwareId).toMatch(/^C\d+_S\d+_PV\d+$/);
    expect(JSON.parse(writes()[0]!.body).hardwareId).toBe(original.hardwareId);
    expect(writes()[0]!.path).toBe("/api/edit/hardware");
    await expect(client.updateHardwareConfig(inverter.key, { hardwareId: inverter.key })).rejects.toThrow(/identity/);
    expect(writes()).toHaveLength(1);
  });

  it("reports a change the server did not take", async () => {
    const meter = hardwareOf(site(), 2)[0]!;
    const put = sim.state.putHardware.bind(sim.state);
    sim.state.putHardware = (body: unknown) => put({ ...(body as object), serialNum: "server-kept-its-own" });
    try {
      const result = await client.updateHardwareConfig(meter.key, { serialNum: "NEW-123" });
      expect(result).toMatchObject({ status: "notTaken", success: false, sent: true, taken: false });
      expect(result.mismatches).toEqual([{ field: "serialNum", before: "NEW-123", after: "server-kept-its-own" }]);
    } finally {
      sim.state.putHardware = put;
    }
  });

  it("never retries a PUT: a 503 is reported once, with the read-back", async () => {
    const meter = hardwareOf(site(3), 2)[0]!;
    const remove = sim.http.faults.add({ method: "PUT", path: "/api/edit/hardware", kinds: ["http503"] });
    try {
      const result = await client.updateHardwareConfig(meter.key, { description: "Meter X" });
      expect(result).toMatchObject({ status: "failed", success: false, sent: true, taken: false });
      expect(result.error).toMatchObject({ name: "ApiError", status: 503 });
      expect(writes()).toHaveLength(1);
    } finally {
      remove();
    }
  });

  it("never retries a PUT whose connection broke after sending", async () => {
    const meter = hardwareOf(site(3), 2)[0]!;
    const remove = sim.http.faults.add({ method: "PUT", path: "/api/edit/hardware", kinds: ["reset"] });
    try {
      const result = await client.updateHardwareConfig(meter.key, { description: "Meter Y" });
      expect(result).toMatchObject({ status: "failed", sent: true });
      expect(writes()).toHaveLength(1);
    } finally {
      remove();
    }
  });

  it("saves the original to the backup store before the PUT is sent", async () => {
    const meter = hardwareOf(site(4), 2)[0]!;
    const seenAtSave: number[] = [];
    const store = new MemoryBackupStore();
    const save = store.save.bind(store);
    store.save = async (entry: BackupEntry) => {
      seenAtSave.push(writes().length);
      return save(entry);
    };
    const original = sim.state.hardwareConfig(meter.key);
    const result = await client.updateHardwareConfig(meter.key, { description: "Backed up" }, { backup: store });
    expect(seenAtSave).toEqual([0]);
    expect(result.backup).toBe("memory:0");
    expect({ ...store.entries[0]!.original, outOfServiceUntil: null }).toEqual({ ...original, outOfServiceUntil: null });
    expect(store.entries[0]!.fields).toEqual(["description"]);
  });
});

describe("updateSiteHardware", () => {
  it("merges rows by hardwareKey and PUTs /api/edit/sitehardware", async () => {
    const [a, b] = sim.state.portfolio.site(site(2))!.hardware;
    const result = await client.updateSiteHardware(site(2), [{ hardwareKey: b!.key, description: "Second device" }]);
    expect(result.status).toBe("applied");
    expect(result.changes.map((c) => c.field)).toEqual(["hardware[1].description"]);
    expect(writes()[0]!.path).toBe("/api/edit/sitehardware");
    expect(writes()[0]!.headers.referer).toBe(`${sim.url}/powertrack/${site(2)}/administration/hardware/list`);
    expect(sim.state.hardwareConfig(b!.key).description).toBe("Second device");
    expect(sim.state.hardwareConfig(a!.key).description).toBe(a!.description);
  });

  it("refuses a row that is not in the site's list", async () => {
    await expect(client.updateSiteHardware(site(2), [{ hardwareKey: "H1", description: "x" }])).rejects.toThrow(/no item with hardwareKey/);
    await expect(client.updateSiteHardware(site(2), [{ description: "x" } as never])).rejects.toBeInstanceOf(ValidationError);
    expect(writes()).toEqual([]);
  });
});

describe("modeling", () => {
  it("PUTs the whole site modeling to /api/edit/modeling (no id in the path)", async () => {
    const result = await client.updateModelingData(site(), { pvConfig: { inverters: [{ tilt: 25, derate: 0.92 }] } });
    expect(result.status).toBe("applied");
    expect(result.changes.map((c) => c.field).sort()).toEqual(["pvConfig.inverters[0].derate", "pvConfig.inverters[0].tilt"]);
    expect(writes()[0]!.path).toBe("/api/edit/modeling");
    expect(JSON.parse(writes()[0]!.body).key).toBe(site());
  });

  it("per-inverter model and bifacial ratio go through the inverter's modeling", async () => {
    const inverter = hardwareOf(site(), 1)[0]!;
    await client.updateInverterModel(inverter.key, { azimuth: 190 });
    await client.updateBifacialSettings(inverter.key, { bifacialRatio: 0.12 });
    expect(writes().map((w) => [w.path, JSON.parse(w.body).key])).toEqual([
      ["/api/edit/modeling", inverter.key],
      ["/api/edit/modeling", inverter.key],
    ]);
    const m = sim.state.modeling(inverter.key) as { pvConfig: { inverters: Array<{ azimuth: number; bifacialRatio: number }> } };
    expect(m.pvConfig.inverters[0]).toMatchObject({ azimuth: 190, bifacialRatio: 0.12 });
    await expect(client.updateBifacialSettings(inverter.key, { bifacialRatio: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateInverterModel(inverter.key, { derate: -1 })).rejects.toBeInstanceOf(ValidationError);
    expect(writes()).toHaveLength(2);
  });
});

describe("alert triggers", () => {
  it("update (PUT), add (POST) and delete (DELETE /{H}/{T}) at the documented paths", async () => {
    const ws = hardwareOf(site(), 5)[0]!;
    const existing = sim.state.triggers(ws.key)[0]!;
    const updated = await client.updateAlertTriggers(ws.key, { key: String(existing.key), delayHoursTrigger: 2 });
    expect(updated.status).toBe("applied");
    expect(writes()[0]).toMatchObject({ method: "PUT", path: "/api/alerttrigger" });
    expect(JSON.parse(writes()[0]!.body)).toMatchObject({ key: existing.key, id: existing.id, parentKey: ws.key, delayHoursTrigger: 2 });

    const added = await client.addAlertTrigger(ws.key, { alertTypeKey: "AI499", name: "Weather station check 2", delayHoursTrigger: 1 });
    expect(added).toMatchObject({ status: "applied", taken: true });
    expect(added.createdKey).toMatch(/^x[0-9a-f]{8}$/);
    const posted = JSON.parse(writes()[1]!.body) as Record<string, unknown>;
    expect(writes()[1]).toMatchObject({ method: "POST", path: "/api/alerttrigger" });
    expect(posted).toMatchObject({ key: "", id: 0, parentKey: ws.key, alertTypeKey: "AI499", name: "Weather station check 2" });
    // Started from the device's default trigger of the same type.
    expect(posted.description).toMatch(/weather station/i);

    const deleted = await client.deleteAlertTrigger(ws.key, added.createdKey!);
    expect(deleted).toMatchObject({ status: "applied", taken: true });
    expect(writes()[2]).toMatchObject({ method: "DELETE", path: `/api/alerttrigger/${ws.key}/${added.createdKey}` });
    expect(sim.state.triggers(ws.key).map((t) => t.key)).not.toContain(added.createdKey);
  });

  it("refuses a trigger key that is not there, and a new trigger without a type", async () => {
    const ws = hardwareOf(site(), 5)[0]!;
    await expect(client.updateAlertTriggers(ws.key, { key: "AS1", isActive: false })).rejects.toThrow(/does not exist/);
    await expect(client.deleteAlertTrigger(ws.key, "a/b")).rejects.toBeInstanceOf(ValidationError);
    await expect(client.addAlertTrigger(ws.key, { alertTypeKey: "nope" })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateAlertTriggers(ws.key, { key: String(sim.state.triggers(ws.key)[0]!.key), delayHoursTrigger: -1 })).rejects.toBeInstanceOf(ValidationError);
    expect(writes()).toEqual([]);
  });
});

describe("plan and apply", () => {
  it("applying the same plan twice writes once (alreadyApplied), and a moved field is a conflict", async () => {
    const meter = hardwareOf(site(5), 2)[0]!;
    const plan = await client.planEdit({ target: "hardware", key: meter.key, changes: { description: "Once" } });
    expect((await client.applyEdit(plan)).status).toBe("applied");
    expect((await client.applyEdit(plan)).status).toBe("alreadyApplied");
    expect(writes()).toHaveLength(1);
    const next = await client.planEdit({ target: "hardware", key: meter.key, changes: { description: "Twice" } });
    sim.state.setHardwareConfig(meter.key, { ...sim.state.hardwareConfig(meter.key), description: "Someone else" });
    const result = await client.applyEdit(next);
    expect(result.status).toBe("conflict");
    expect(result.mismatches).toEqual([{ field: "description", before: "Once", after: "Someone else" }]);
    expect(writes()).toHaveLength(1);
  });

  it("the simulator refuses a PUT without a Referer", async () => {
    const body = sim.state.siteConfig(site());
    const error = await client.putJson("/api/edit/site", body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
  });
});

describe("startReport", () => {
  it("POSTs /api/task/start once and returns the server's {}", async () => {
    const result = await client.startReport("F211147");
    expect(result).toEqual({ sent: true, request: { command: 2, reportConfig: null, sourceKey: "F211147" }, response: {} });
    expect(writes()).toHaveLength(1);
    expect(JSON.parse(writes()[0]!.body)).toEqual({ command: 2, reportConfig: null, sourceKey: "F211147" });
    expect((await client.startReport("F211147", { dryRun: true })).sent).toBe(false);
    expect(writes()).toHaveLength(1);
  });
});
