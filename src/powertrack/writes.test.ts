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

const writes = () =>
  sim.http.requests.filter(
    (r) => r.method !== "GET" && !["/api/view/chart", "/api/node", "/api/auditlog", "/api/view/reportconfigs"].includes(r.path),
  );
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
    expect({ ...after, ts: null, name: null, location: { ...(after.location as object), latitude: null } }).toEqual({
      ...before,
      ts: null,
      name: null,
      location: { ...(before.location as object), latitude: null },
    });
  });

  it("refuses members the object does not have (the SDK's acCapacityKw went nowhere), sending no write", async () => {
    await expect(client.updateSiteConfig(site(), { acCapacityKw: 500 })).rejects.toThrow(
      /no member "acCapacityKw". PowerTrack calls it capacityAc/,
    );
    // The SDK README's own examples name the real members in the error.
    await expect(client.updateSiteConfig(site(), { latitude: 40.7 })).rejects.toThrow(/PowerTrack calls it location\.latitude/);
    await expect(client.updateHardwareConfig(hardwareOf(site(), 1)[0]!.key, { name: "Updated Inverter Name" })).rejects.toThrow(
      /PowerTrack calls it description/,
    );
    await expect(client.updateSiteConfig(site(), { location: { latitude: 95 } })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateSiteConfig(site(), { capacityAc: "500" })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateSiteConfig(site(), { key: "S1" })).rejects.toBeInstanceOf(ValidationError);
    expect(writes()).toEqual([]);
  });

  it("refuses bad keys and empty changes before sending anything at all", async () => {
    await expect(client.updateSiteConfig("H1", { name: "x" })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateHardwareConfig("S1", { description: "x" })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateSiteConfig(site(), {} as Record<string, unknown>)).resolves.toMatchObject({
      status: "unchanged",
      sent: false,
    });
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

  it("refuses to rewrite any identity or owner: trigger id and parentKey, a device's parentKey, a row's hardwareKey", async () => {
    const inverter = hardwareOf(site(), 1)[0]!;
    const trigger = sim.state.triggers(inverter.key)[0]!;
    // A changed id would PUT over another trigger; a changed parentKey would move the object.
    await expect(client.updateAlertTriggers(inverter.key, { key: String(trigger.key), id: Number(trigger.id) + 1 })).rejects.toThrow(
      /id is an identity/,
    );
    await expect(client.updateAlertTriggers(inverter.key, { key: String(trigger.key), parentKey: "H1" })).rejects.toThrow(
      /parentKey is an identity/,
    );
    await expect(client.updateHardwareConfig(inverter.key, { parentKey: site(2) })).rejects.toThrow(/parentKey is an identity/);
    // Repeating the current values (the SDK's "send the whole trigger" style) is fine.
    await expect(
      client.updateAlertTriggers(inverter.key, { key: String(trigger.key), id: trigger.id, parentKey: inverter.key }, { dryRun: true }),
    ).resolves.toMatchObject({ status: "unchanged" });
    const row = `hardware[hardwareKey=${inverter.key}]`;
    const byField = await client.planEdit({ target: "siteHardware", key: site(), fields: { [`${row}.hardwareKey`]: "H1" } });
    expect(byField).toMatchObject({ status: "invalid" });
    // Setting the whole row at once must keep the identity inside it too.
    const current = (sim.state.siteHardware(site()).hardware as Array<Record<string, unknown>>).find(
      (h) => h.hardwareKey === inverter.key,
    )!;
    const whole = await client.planEdit({
      target: "siteHardware",
      key: site(),
      fields: { [row]: { ...current, hardwareKey: "H1", description: "x" } },
    });
    expect(whole.status).toBe("invalid");
    expect(whole.error?.message).toMatch(/hardwareKey is an identity/);
    expect(writes()).toEqual([]);
  });

  it("updateHardwareDriver (the SDK's update_hardware_driver) changes driver settings through PUT /api/edit/hardware", async () => {
    const inverter = hardwareOf(site(3), 1)[0]!;
    const original = sim.state.hardwareConfig(inverter.key);
    const baud = (original.settings as Array<{ name: string; value: unknown }>).find((s) => s.name === "dev:baud")!;
    const result = await client.updateHardwareDriver(inverter.key, { settings: [{ name: "dev:baud", value: 19200 }] });
    expect(result).toMatchObject({ status: "applied", taken: true });
    expect(result.changes.map((c) => [c.before, c.after])).toEqual([[baud.value, 19200]]);
    expect(writes().map((w) => `${w.method} ${w.path}`)).toEqual(["PUT /api/edit/hardware"]);
    const stored = sim.state.hardwareConfig(inverter.key);
    expect((stored.settings as Array<{ name: string; value: unknown }>).find((s) => s.name === "dev:baud")!.value).toBe(19200);
    expect(stored.hardwareId).toBe(original.hardwareId);
    await expect(client.updateHardwareDriver(inverter.key, { description: "not a driver member" })).rejects.toThrow(/updateHardwareConfig/);
    await expect(client.updateHardwareDriver(inverter.key, { settings: [{ name: "dev:noSuchSetting", value: 1 }] })).rejects.toBeInstanceOf(
      ValidationError,
    );
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
      // The server answered 503 and the read-back shows the old value: sent, not taken.
      expect(result).toMatchObject({ status: "notTaken", success: false, sent: true, taken: false, errorCode: "ApiError" });
      expect(result.detail.errorInfo).toMatchObject({ name: "ApiError", status: 503 });
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
      // A reset after sending: unknown (sent: null), and the read-back shows the old value.
      expect(result).toMatchObject({ status: "notTaken", sent: null, taken: false });
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
    expect(result.changes.map((c) => c.field)).toEqual([`hardware[hardwareKey=${b!.key}].description`]);
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
    await expect(
      client.updateAlertTriggers(ws.key, { key: String(sim.state.triggers(ws.key)[0]!.key), delayHoursTrigger: -1 }),
    ).rejects.toBeInstanceOf(ValidationError);
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

describe("after a write is sent, the result always says so", () => {
  it("a failed read-back after a successful PUT: sent, unverified, not thrown (the value is on the server)", async () => {
    const meter = hardwareOf(site(3), 2)[1] ?? hardwareOf(site(3), 1)[0]!;
    const put = sim.state.putHardware.bind(sim.state);
    let remove: (() => void) | undefined;
    // The read-back GET fails (every retry), once the PUT has been stored.
    sim.state.putHardware = (body: unknown) => {
      const saved = put(body);
      remove = sim.http.faults.add({ method: "GET", path: `/api/edit/hardware/${meter.key}`, kinds: ["http500"] });
      return saved;
    };
    try {
      const result = await client.updateHardwareConfig(meter.key, { description: "Read-back fails" });
      expect(result).toMatchObject({ status: "failed", success: false, sent: true, taken: null });
      expect(result.detail.errorInfo).toMatchObject({ name: "ApiError", status: 500 });
      expect(result.reason).toMatch(/sent and answered, but reading it back failed/);
      expect(sim.state.hardwareConfig(meter.key).description).toBe("Read-back fails");
      expect(writes()).toHaveLength(1);
    } finally {
      sim.state.putHardware = put;
      remove?.();
    }
    // Planning again finds the write made: nothing is resent.
    await expect(client.updateHardwareConfig(meter.key, { description: "Read-back fails" })).resolves.toMatchObject({
      status: "unchanged",
      sent: false,
    });
    expect(writes()).toHaveLength(1);
  });

  it("a create whose response is lost: sent, the new trigger found by its new key and backed up; never resent", async () => {
    const ws = hardwareOf(site(4), 5)[0]!;
    const before = sim.state.triggers(ws.key).map((t) => t.key);
    const store = new MemoryBackupStore();
    const remove = sim.http.faults.add({ method: "POST", path: "/api/alerttrigger", kinds: ["lostResponse"], times: 1 });
    try {
      const result = await client.addAlertTrigger(ws.key, { alertTypeKey: "AI499", name: "Lost response" }, { backup: store });
      const created = sim.state.triggers(ws.key).filter((t) => !before.includes(t.key));
      expect(created).toHaveLength(1);
      // Issue 12 #27: the answer was lost but the read-back found the trigger: applied, not failed.
      expect(result).toMatchObject({ status: "applied", sent: true, taken: true, createdKey: created[0]!.key });
      expect(result.error).toBeUndefined();
      expect(result.detail.reason).toMatch(/answer was lost/);
      expect(store.entries).toEqual([expect.objectContaining({ action: "create", createdKey: created[0]!.key })]);
      expect(writes()).toHaveLength(1);
    } finally {
      remove();
    }
  });

  it("a create whose read-back fails: sent, with the echoed key; applying the plan again does not duplicate it", async () => {
    const ws = hardwareOf(site(4), 5)[0]!;
    const plan = await client.planEdit({
      target: "alertTrigger",
      action: "create",
      hardwareKey: ws.key,
      key: "",
      changes: { alertTypeKey: "AI499", name: "Read-back fails" },
    });
    const post = sim.state.postTrigger.bind(sim.state);
    let remove: (() => void) | undefined;
    sim.state.postTrigger = (body: unknown) => {
      const created = post(body);
      remove = sim.http.faults.add({ method: "GET", path: `/api/alerttrigger/${ws.key}`, kinds: ["http500"] });
      return created;
    };
    let first;
    try {
      first = await client.applyEdit(plan);
    } finally {
      sim.state.postTrigger = post;
      remove?.();
    }
    expect(first).toMatchObject({ status: "failed", sent: true, taken: null });
    expect(first.createdKey).toMatch(/^x[0-9a-f]{8}$/);
    const again = await client.applyEdit(plan);
    expect(again).toMatchObject({ status: "alreadyApplied", sent: false, createdKey: first.createdKey });
    expect(sim.state.triggers(ws.key).filter((t) => t.name === "Read-back fails")).toHaveLength(1);
    expect(writes()).toHaveLength(1);
  });
});

describe("creating triggers", () => {
  it("re-running a plan that creates a trigger creates it once", async () => {
    const ws = hardwareOf(site(5), 5)[0]!;
    const plan = await client.planEdit({
      target: "alertTrigger",
      action: "create",
      hardwareKey: ws.key,
      key: "",
      changes: { alertTypeKey: "AI499", name: "Once only" },
    });
    expect(plan.id).toBe(`alertTrigger:${ws.key}:new`);
    const first = await client.applyEdit(plan);
    expect(first).toMatchObject({ status: "applied", sent: true });
    const second = await client.applyEdit(plan);
    expect(second).toMatchObject({ status: "alreadyApplied", sent: false, createdKey: first.createdKey });
    expect(writes().filter((w) => w.method === "POST")).toHaveLength(1);
    expect(sim.state.triggers(ws.key).filter((t) => t.name === "Once only")).toHaveLength(1);
  });

  it("an identical trigger that existed when planning is not mistaken for the one created", async () => {
    const ws = hardwareOf(site(5), 5)[0]!;
    const template = { alertTypeKey: "AI499", name: "Twin" };
    await client.addAlertTrigger(ws.key, template);
    const plan = await client.planEdit({ target: "alertTrigger", action: "create", hardwareKey: ws.key, key: "", changes: template });
    expect((await client.applyEdit(plan)).status).toBe("applied");
    expect(sim.state.triggers(ws.key).filter((t) => t.name === "Twin")).toHaveLength(2);
  });

  it("without a key in the POST answer, the created key is the one new key, not a same-named older trigger", async () => {
    const ws = hardwareOf(site(2), 5)[0]!;
    const existing = sim.state.triggers(ws.key).find((t) => t.alertTypeKey === "AI499")!;
    const post = sim.state.postTrigger.bind(sim.state);
    sim.state.postTrigger = (body: unknown) => ({ ...post(body), key: "" });
    const store = new MemoryBackupStore();
    let result;
    try {
      // Same type and name as the existing trigger: the SDK-style lookup by name picks the old one.
      result = await client.addAlertTrigger(ws.key, { alertTypeKey: "AI499", name: String(existing.name) }, { backup: store });
    } finally {
      sim.state.postTrigger = post;
    }
    const created = sim.state.triggers(ws.key).filter((t) => t.name === existing.name && t.key !== existing.key);
    expect(created).toHaveLength(1);
    expect(result).toMatchObject({ status: "applied", taken: true, createdKey: created[0]!.key });
    expect(store.entries[0]!.createdKey).toBe(created[0]!.key);
    // Restoring deletes the created trigger, and only it.
    const { restoreFromBackups } = await import("./portfolio/bulk-write.js");
    const restored = await restoreFromBackups(client, store.entries);
    expect(restored.report.counts).toEqual({ applied: 1 });
    expect(sim.state.triggers(ws.key).map((t) => t.key)).toContain(existing.key);
    expect(sim.state.triggers(ws.key).map((t) => t.key)).not.toContain(created[0]!.key);
  });

  it("refuses a member the type's default trigger does not have (a typo), unless there is no default", async () => {
    const ws = hardwareOf(site(2), 5)[0]!;
    await expect(client.addAlertTrigger(ws.key, { alertTypeKey: "AI499", delayHourTrigger: 2 })).rejects.toThrow(
      /no member "delayHourTrigger"/,
    );
    expect(writes()).toEqual([]);
    await expect(
      client.addAlertTrigger(ws.key, { alertTypeKey: "AI499", delayHourTrigger: 2 }, { allowNewFields: true, dryRun: true }),
    ).resolves.toMatchObject({ status: "dryRun" });
    // No default trigger of this type on the device: every member is the caller's to give.
    const result = await client.addAlertTrigger(ws.key, { alertTypeKey: "AI777", name: "Custom rule", customThreshold: 3 });
    expect(result).toMatchObject({ status: "applied", taken: true });
  });
});

describe("list items are named by their identity", () => {
  it("a change planned on one setting lands on it even when the server reorders the list", async () => {
    const meter = hardwareOf(site(1), 1)[1] ?? hardwareOf(site(1), 1)[0]!;
    const config = sim.state.hardwareConfig(meter.key);
    const a = { index: 0, name: "dev:a", value: "1", originalValue: "1", type: 0 };
    const b = { index: 1, name: "dev:b", value: "1", originalValue: "1", type: 0 };
    sim.state.setHardwareConfig(meter.key, { ...config, settings: [a, b] });
    const plan = await client.planEdit({ target: "hardware", key: meter.key, fields: { "settings[name=dev:b].value": "2" } });
    expect(plan.changes).toEqual([{ field: "settings[index=1].value", before: "1", after: "2" }]);
    sim.state.setHardwareConfig(meter.key, { ...sim.state.hardwareConfig(meter.key), settings: [b, a] });
    const result = await client.applyEdit(plan);
    expect(result).toMatchObject({ status: "applied", taken: true });
    const settings = sim.state.hardwareConfig(meter.key).settings as Array<{ name: string; value: unknown }>;
    expect(settings.map((s) => [s.name, s.value])).toEqual([
      ["dev:b", "2"],
      ["dev:a", "1"],
    ]);
  });

  it("the planning read honours the caller's signal", async () => {
    const meter = hardwareOf(site(1), 2)[0]!;
    const stop = new AbortController();
    stop.abort();
    const plan = await client.planEdit({ target: "hardware", key: meter.key, changes: { description: "x" } }, { signal: stop.signal });
    expect(plan.status).toBe("failed");
    expect(sim.http.requests).toEqual([]);
  });
});
