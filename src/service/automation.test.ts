import { afterEach, describe, expect, it } from "vitest";
import { startDemoSources, type DemoSources } from "../cli/commands/serve-demo.js";
import type { AutomationDecision } from "../automation/controller.js";
import { isBatteryController } from "../model/capabilities.js";
import type { AlphaEssSimulator } from "../sim/alphaess/index.js";
import { startService, type RunningService } from "./service.js";
import { SqliteStorage } from "./storage/sqlite.js";
import type { Logger } from "../core/logger.js";

let demo: DemoSources | undefined;
let service: RunningService | undefined;
afterEach(async () => {
  await service?.stop();
  await demo?.close();
  service = undefined;
  demo = undefined;
});

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The demo's AlphaESS and Amber simulators on a fast clock, the service with `mode`, and the AlphaESS system's key. */
async function start(mode: "advise" | "control", logger?: Logger) {
  demo = await startDemoSources({ speed: 600, seed: 3, vendors: ["alphaess", "amber"] });
  const storage = new SqliteStorage(":memory:");
  service = await startService({
    storage,
    sessions: demo.sessions,
    clock: demo.clock,
    port: 0,
    processMetrics: false,
    logger,
    automation: { mode, dailyWriteBudget: 4, reserveSoc: 0.2, pv: demo.pv },
  });
  const key = [...service.collector.systems.keys()].find((k) => k.startsWith("alphaess:"))!;
  const controller = service.automation.controllers.get(key);
  expect(controller, "an automation controller for the AlphaESS system").toBeDefined();
  const sim = demo.handles.find((h) => h.vendor === "alphaess")!.handle as AlphaEssSimulator;
  const simState = () => sim.state(key.slice("alphaess:".length));
  return { storage, key, controller: controller!, running: service, simState };
}

describe("automation.mode in the service, on the accelerated clock with the simulators", () => {
  it("advise: records every decision with its explanation, serves the latest, and writes nothing", async () => {
    const { storage, key, controller, running, simState } = await start("advise");
    const acted = await until("a planned decision", () => controller.decisions.find((d) => d.action === "advise" || d.action === "hold"));
    expect(acted.explanation.length).toBeGreaterThan(0);
    expect(acted.schedule).toBeDefined();
    await until("several cycles", () => (controller.decisions.length >= 3 ? true : undefined));
    expect(controller.decisions.some((d) => d.action === "write")).toBe(false);
    expect(await storage.audit()).toEqual([]);
    expect(simState().appliedWrites).toBe(0);
    const body = (await (await fetch(`${running.url}/api/v1/automation`)).json()) as {
      mode: string;
      decisions: { system: string; action: string; explanation: string[] }[];
    };
    expect(body.mode).toBe("advise");
    const latest = body.decisions.find((d) => d.system === key);
    expect(latest).toBeDefined();
    expect(["advise", "hold", "skip"]).toContain(latest!.action);
    expect((await storage.latestDecisions(key))[0]?.action).toBe(latest!.action);
  }, 120_000);

  it("control: writes with read-back, audits each write, and never writes inside the device's cool-down", async () => {
    const { storage, key, controller, running, simState } = await start("control");
    const system = running.collector.systems.get(key)!;
    const coolDownMs = isBatteryController(system) ? system.batteryControl.minWriteIntervalS * 1000 : NaN;
    const write = await until("a write", () => controller.decisions.find((d) => d.action === "write"));
    expect(write.result?.ok).toBe(true);
    for (const r of write.result!.results) {
      expect(r.sent).toBe(true);
      expect(r.taken).toBe(true);
      expect(r.readBack).toBeDefined();
    }
    expect(simState().appliedWrites).toBeGreaterThan(0);
    const audit = await until("the write's audit entry", async () =>
      (await storage.audit(key)).length > 0 ? await storage.audit(key) : undefined,
    );
    expect(audit[0]!.action).toBe("apply");
    expect(audit[0]!.ok).toBe(true);
    expect((audit[0]!.request as { explanation: string[] }).explanation.length).toBeGreaterThan(0);
    // A few more cycles: the next re-plans may want to write again, but not before the cool-down ends.
    await until("more cycles", () => (controller.decisions.length >= 6 ? true : undefined));
    const writes: AutomationDecision[] = controller.decisions.filter((d) => d.action === "write");
    expect((await storage.audit(key)).length).toBe(writes.length);
    for (let i = 1; i < writes.length; i++)
      expect(writes[i]!.at.getTime() - writes[i - 1]!.at.getTime()).toBeGreaterThanOrEqual(coolDownMs);
  }, 120_000);

  it("the first cycle acts on fresh prices; forecasts are stored with their issue time, Open-Meteo blended; capacity from the device", async () => {
    const lines: { message: string; fields?: Record<string, unknown> }[] = [];
    const note = (message: string, fields?: Record<string, unknown>) => void lines.push({ message, fields });
    const { storage, key, controller } = await start("advise", { debug: note, info: note, warn: note, error: note });
    const first = await until("a first decision", () => controller.decisions[0]);
    expect(first.action, first.reason).not.toBe("skip");
    const capacity = lines.find((l) => l.message === "automation: battery capacity" && l.fields?.system === key);
    expect(capacity?.fields?.source).toMatch(/^AlphaESS getEssList: cobat [\d.]+ kWh × usCapacity \d+ %$/);
    const now = demo!.clock.now();
    const rows = await until("stored forecasts", async () => {
      const r = await storage.forecasts({ from: now - 86_400_000, to: now + 2 * 86_400_000, system: key });
      return r.some((x) => x.source === "blend") ? r : undefined;
    });
    const sources = new Set(rows.map((r) => `${r.quantity}/${r.source}`));
    expect([...sources].sort()).toEqual(["loadW/history", "pvW/blend", "pvW/history", "pvW/open-meteo"]);
    const issue = rows.filter((r) => r.source === "open-meteo" && r.issuedAt === rows[0]!.issuedAt);
    expect(issue.length).toBeGreaterThan(24);
    // Open-Meteo's simulator has sun by day: some interval of the issue forecasts PV, every night one none.
    expect(issue.some((r) => (r.value ?? 0) > 100)).toBe(true);
    for (const r of rows) expect(r.issuedAt).toBeLessThanOrEqual(r.start + r.minutes * 60_000);
  }, 120_000);
});
