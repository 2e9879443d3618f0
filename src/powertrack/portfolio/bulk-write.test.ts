import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PowerTrackSimulator } from "../../sim/powertrack/index.js";
import type { PowerTrackClient } from "../client.js";
import type { EditRequest } from "../edits.js";
import { simAndClient } from "../test-support/sim-client.js";
import { DirectoryBackupStore, MemoryBackupStore } from "./backups.js";
import { applyBulkPlan, bulkEdit, formatApplyReport, formatPlan, planBulkEdits, restoreFromBackups } from "./bulk-write.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
let sim: PowerTrackSimulator;
let client: PowerTrackClient;
let dir: string;
beforeAll(async () => {
  ({ sim, client } = await simAndClient({ sites: 6, seed: 23 }));
});
afterAll(async () => {
  client.close();
  await sim.close();
});
beforeEach(() => {
  sim.http.clearRequests();
  mkdirSync(join(repo, "tmp"), { recursive: true });
  dir = mkdtempSync(join(repo, "tmp", "powertrack-bulk-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const writes = () =>
  sim.http.requests.filter(
    (r) => r.method === "PUT" || r.method === "DELETE" || r.path === "/api/alerttrigger" || r.path === "/api/task/start",
  );
const VOLATILE = new Set(["ts", "outOfServiceUntil", "lastChanged"]);
const stable = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !VOLATILE.has(k)));

/** Every editable object of the given sites, volatile stamps removed. */
function snapshot(siteKeys: string[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const s of siteKeys) {
    out.set(`site:${s}`, stable(sim.state.siteConfig(s)));
    out.set(`modeling:${s}`, stable(sim.state.modeling(s)));
    for (const h of sim.state.portfolio.site(s)!.hardware) out.set(`hardware:${h.key}`, stable(sim.state.hardwareConfig(h.key)));
  }
  return out;
}

function edits(): { requests: EditRequest[]; inverters: string[] } {
  const [s1, s2] = [sim.sites[1]!, sim.sites[2]!];
  const inv1 = sim.state.portfolio
    .site(s1)!
    .hardware.filter((h) => h.functionCode === 1)
    .map((h) => h.key);
  const inv2 = sim.state.portfolio
    .site(s2)!
    .hardware.filter((h) => h.functionCode === 1)
    .map((h) => h.key);
  const inverters = [inv1[0]!, inv2[0]!];
  return {
    inverters,
    requests: [
      { target: "hardware", key: inverters[0]!, changes: { description: "INV A-1", capacityKw: 48 } },
      { target: "hardware", key: inverters[1]!, fields: { description: "INV B-1" } },
      { target: "site", key: s1, changes: { name: "Site One (renamed)", location: { elevation: 99 } } },
      { target: "modeling", key: s2, changes: { pvConfig: { inverters: [{ tilt: 33 }] } } },
      {
        target: "hardware",
        key: sim.state.portfolio.site(s1)!.hardware[0]!.key,
        changes: { description: sim.state.hardwareConfig(sim.state.portfolio.site(s1)!.hardware[0]!.key).description },
      },
      { target: "site", key: s2, changes: { acCapacityKw: 1 } },
      { target: "hardware", key: inverters[0]!, changes: { serialNum: "dup" } },
    ],
  };
}

describe("bulk writes: plan, diff, apply, restore", () => {
  it("a dry run gives the exact per-field diff and sends nothing", async () => {
    const { requests, inverters } = edits();
    const s1 = sim.sites[1]!;
    const s2 = sim.sites[2]!;
    const before = snapshot([s1, s2]);
    const { plan, report } = await bulkEdit(client, requests);
    expect(plan.summary).toEqual({ total: 7, ready: 4, unchanged: 1, invalid: 2, failed: 0, fieldChanges: 6 });
    const byId = Object.fromEntries(plan.items.map((i) => [i.id + (i.status === "invalid" ? `#${i.error?.message.slice(0, 20)}` : ""), i]));
    expect(byId[`hardware:${inverters[0]}`]!.changes).toEqual([
      { field: "description", before: before.get(`hardware:${inverters[0]}`)!.description, after: "INV A-1" },
      { field: "capacityKw", before: before.get(`hardware:${inverters[0]}`)!.capacityKw, after: 48 },
    ]);
    expect(byId[`hardware:${inverters[1]}`]!.changes).toEqual([
      { field: "description", before: before.get(`hardware:${inverters[1]}`)!.description, after: "INV B-1" },
    ]);
    expect(byId[`site:${s1}`]!.changes).toEqual([
      { field: "location.elevation", before: (before.get(`site:${s1}`)!.location as { elevation: number }).elevation, after: 99 },
      { field: "name", before: before.get(`site:${s1}`)!.name, after: "Site One (renamed)" },
    ]);
    expect(byId[`modeling:${s2}`]!.changes).toEqual([
      {
        field: "pvConfig.inverters[0].tilt",
        before: (before.get(`modeling:${s2}`)!.pvConfig as { inverters: Array<{ tilt: number }> }).inverters[0]!.tilt,
        after: 33,
      },
    ]);
    const invalid = plan.items.filter((i) => i.status === "invalid").map((i) => i.error!.message);
    expect(invalid[0]).toMatch(/no member "acCapacityKw"/);
    expect(invalid[1]).toMatch(/already changed by an earlier request/);
    const text = formatPlan(plan);
    expect(text).toContain(`PUT /api/edit/hardware  hardware:${inverters[0]}: 2 fields`);
    expect(text).toContain(`    description: ${JSON.stringify(before.get(`hardware:${inverters[0]}`)!.description)} -> "INV A-1"`);
    expect(text).toContain("7 object(s): 4 to change (6 fields), 1 unchanged, 2 invalid, 0 unreadable.");
    expect(report.dryRun).toBe(true);
    expect(report.counts).toEqual({ dryRun: 4, unchanged: 1, invalid: 2 });
    expect(writes()).toEqual([]);
    expect(snapshot([s1, s2])).toEqual(before);
  });

  it("apply changes exactly the planned fields of exactly the planned objects, and the backups restore them", async () => {
    const { requests } = edits();
    const keys = [sim.sites[1]!, sim.sites[2]!, sim.sites[3]!];
    const before = snapshot(keys);
    const plan = await planBulkEdits(client, requests);
    const progress: string[] = [];
    const report = await applyBulkPlan(client, plan, {
      backup: new DirectoryBackupStore(dir),
      onProgress: (p) => progress.push(`${p.done}/${p.total}`),
    });
    expect(report.counts).toEqual({ applied: 4, unchanged: 1, invalid: 2 });
    expect(report.ok).toBe(true);
    expect(progress).toHaveLength(7);
    expect(
      writes()
        .map((w) => w.path)
        .sort(),
    ).toEqual(["/api/edit/hardware", "/api/edit/hardware", "/api/edit/modeling", "/api/edit/site"]);
    expect(readdirSync(dir)).toHaveLength(4);
    expect(report.backups).toHaveLength(4);

    const after = snapshot(keys);
    const planned = new Map(plan.items.filter((i) => i.status === "ready").map((i) => [`${i.target}:${i.key}`, i.changes]));
    for (const [id, obj] of after) {
      const changes = planned.get(id);
      const was = before.get(id)!;
      if (!changes) {
        expect(obj, id).toEqual(was);
        continue;
      }
      // Setting every planned field back gives the original: nothing else moved.
      const undone = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
      const { setPath, getPath } = await import("../paths.js");
      for (const c of changes) {
        expect(getPath(obj, c.field), `${id} ${c.field}`).toEqual(c.after);
        setPath(undone, c.field, c.before);
      }
      expect(undone, id).toEqual(was);
    }

    sim.http.clearRequests();
    const restored = await restoreFromBackups(client, DirectoryBackupStore.load(dir));
    expect(restored.report.counts).toEqual({ applied: 4 });
    expect(snapshot(keys)).toEqual(before);
    expect(formatApplyReport(restored.report)).toContain("4 applied");
  });

  it("limit writes only the first N; re-running the plan resumes (done items are alreadyApplied)", async () => {
    const [s3, s4] = [sim.sites[3]!, sim.sites[4]!];
    const meters = [s3, s4].flatMap((s) =>
      sim.state.portfolio
        .site(s)!
        .hardware.filter((h) => h.functionCode === 1 || h.functionCode === 2)
        .map((h) => h.key),
    );
    const requests: EditRequest[] = meters.map((key, i) => ({ target: "hardware", key, changes: { serialNum: `SN-${i}` } }));
    const plan = await planBulkEdits(client, requests, { concurrency: 3 });
    const firstRun = await applyBulkPlan(client, plan, { limit: 2, backup: new MemoryBackupStore() });
    expect(firstRun.counts).toEqual({ applied: 2, skipped: meters.length - 2 });
    expect(firstRun.results.filter((r) => r.status === "skipped").every((r) => /limit of 2/.test(r.reason!))).toBe(true);
    expect(writes()).toHaveLength(2);
    const secondRun = await applyBulkPlan(client, plan);
    expect(secondRun.counts).toEqual({ alreadyApplied: 2, applied: meters.length - 2 });
    expect(writes()).toHaveLength(meters.length);
    meters.forEach((key, i) => expect(sim.state.hardwareConfig(key).serialNum).toBe(`SN-${i}`));
  });

  it("stops at an expired session and reports the rest as skipped", async () => {
    const s5 = sim.sites[5]!;
    const keys = sim.state.portfolio.site(s5)!.hardware.map((h) => h.key);
    const plan = await planBulkEdits(
      client,
      keys.map((key) => ({ target: "hardware", key, fields: { serialNum: "X" } })),
    );
    let n = 0;
    const report = await applyBulkPlan(client, plan, {
      onProgress: () => {
        if (++n === 2) sim.state.expireSession();
      },
    });
    try {
      expect(report.aborted).toMatch(/authentication failed/);
      expect(report.counts.applied).toBe(2);
      expect(report.counts.failed).toBe(1);
      expect(report.counts.skipped).toBe(keys.length - 3);
      expect(report.ok).toBe(false);
    } finally {
      sim.state.refreshSession();
    }
  });
});

describe("bulk writes: re-running, limits and restores over several runs", () => {
  it("re-running with the same limit writes the next N (already applied items do not count)", async () => {
    const s = sim.sites[4]!;
    const keys = sim.state.portfolio
      .site(s)!
      .hardware.slice(0, 6)
      .map((h) => h.key);
    const plan = await planBulkEdits(
      client,
      keys.map((key, i) => ({ target: "hardware", key, changes: { serialNum: `LIM-${i}` } })),
    );
    const runs = [];
    for (let run = 0; run < 3; run++) runs.push((await applyBulkPlan(client, plan, { limit: 2 })).counts);
    expect(runs).toEqual([
      { applied: 2, skipped: 4 },
      { alreadyApplied: 2, applied: 2, skipped: 2 },
      { alreadyApplied: 4, applied: 2 },
    ]);
    expect(writes()).toHaveLength(6);
    keys.forEach((key, i) => expect(sim.state.hardwareConfig(key).serialNum).toBe(`LIM-${i}`));
  });

  it("a dry run with a limit reports the first N as dryRun and the rest as skipped", async () => {
    const s = sim.sites[4]!;
    const keys = sim.state.portfolio
      .site(s)!
      .hardware.slice(0, 3)
      .map((h) => h.key);
    const plan = await planBulkEdits(
      client,
      keys.map((key) => ({ target: "hardware", key, changes: { serialNum: "DRY" } })),
    );
    expect((await applyBulkPlan(client, plan, { limit: 2, dryRun: true })).counts).toEqual({ dryRun: 2, skipped: 1 });
    expect(writes()).toEqual([]);
  });

  it("creates are numbered by position (stable ids), and re-running the plan creates nothing twice", async () => {
    const ws = sim.state.portfolio.site(sim.sites[3]!)!.hardware.find((h) => h.functionCode === 5)!.key;
    const requests: EditRequest[] = [
      { target: "alertTrigger", action: "create", key: "", hardwareKey: ws, changes: { alertTypeKey: "AI499", name: "Bulk A" } },
      { target: "alertTrigger", action: "create", key: "", hardwareKey: ws, changes: { alertTypeKey: "AI250", name: "Bulk B" } },
    ];
    const plan = await planBulkEdits(client, requests);
    expect(plan.items.map((i) => i.id)).toEqual([`alertTrigger:${ws}:new-1`, `alertTrigger:${ws}:new-2`]);
    expect((await planBulkEdits(client, requests)).items.map((i) => i.id)).toEqual(plan.items.map((i) => i.id));
    expect((await applyBulkPlan(client, plan)).counts).toEqual({ applied: 2 });
    expect((await applyBulkPlan(client, plan)).counts).toEqual({ alreadyApplied: 2 });
    expect(writes().filter((w) => w.method === "POST")).toHaveLength(2);
    expect(sim.state.triggers(ws).filter((t) => String(t.name).startsWith("Bulk "))).toHaveLength(2);
  });

  it("restoring a directory written by two runs takes each object back to its oldest original", async () => {
    const [a, b] = sim.state.portfolio.site(sim.sites[5]!)!.hardware.map((h) => h.key);
    const original = { a: sim.state.hardwareConfig(a!).description, b: stable(sim.state.hardwareConfig(b!)) };
    const run1 = await bulkEdit(client, [{ target: "hardware", key: a!, changes: { description: "Run one" } }], {
      apply: true,
      backup: new DirectoryBackupStore(dir),
    });
    const run2 = await bulkEdit(
      client,
      [
        { target: "hardware", key: a!, changes: { description: "Run two", serialNum: "R2" } },
        { target: "hardware", key: b!, changes: { description: "Only run two" } },
      ],
      { apply: true, backup: new DirectoryBackupStore(dir) },
    );
    expect([run1.report.counts, run2.report.counts]).toEqual([{ applied: 1 }, { applied: 2 }]);
    expect(readdirSync(dir)).toHaveLength(3);
    const serialBefore = run2.plan.items[0]!.changes.find((c) => c.field === "serialNum")!.before;

    const restored = await restoreFromBackups(client, DirectoryBackupStore.load(dir));
    expect(restored.plan.items.map((i) => i.id).sort()).toEqual([`restore:hardware:${a}`, `restore:hardware:${b}`]);
    expect(restored.report.counts).toEqual({ applied: 2 });
    expect(sim.state.hardwareConfig(a!)).toMatchObject({ description: original.a, serialNum: serialBefore });
    expect(stable(sim.state.hardwareConfig(b!))).toEqual(original.b);
  });

  it("restoring trigger writes: a created trigger is deleted, a deleted one comes back (with a new key)", async () => {
    const ws = sim.state.portfolio.site(sim.sites[2]!)!.hardware.find((h) => h.functionCode === 5)!.key;
    const doomed = sim.state.triggers(ws)[0]!;
    const store = new MemoryBackupStore();
    const { report } = await bulkEdit(
      client,
      [
        { target: "alertTrigger", action: "create", key: "", hardwareKey: ws, changes: { alertTypeKey: "AI499", name: "Restore me away" } },
        { target: "alertTrigger", action: "delete", key: String(doomed.key), hardwareKey: ws },
      ],
      { apply: true, backup: store },
    );
    expect(report.counts).toEqual({ applied: 2 });
    const createdKey = report.results[0]!.createdKey!;
    expect(store.entries.map((e) => [e.action, e.createdKey ?? e.key])).toEqual([
      ["create", createdKey],
      ["delete", doomed.key],
    ]);

    const restored = await restoreFromBackups(client, store.entries);
    expect(restored.plan.items.map((i) => [i.action, i.status])).toEqual([
      ["create", "ready"],
      ["delete", "ready"],
    ]);
    expect(restored.report.counts).toEqual({ applied: 2 });
    const now = sim.state.triggers(ws);
    expect(now.map((t) => t.key)).not.toContain(createdKey);
    const back = now.filter((t) => t.name === doomed.name && t.alertTypeKey === doomed.alertTypeKey);
    expect(back).toHaveLength(1);
    expect(back[0]!.key).not.toBe(doomed.key);
    const { key: _k, id: _i, lastChanged: _l, ...content } = doomed;
    expect(back[0]).toMatchObject(content);
  });
});
