import { afterEach, describe, expect, it } from "vitest";
import { startDemoSources, type DemoSources } from "../../cli/commands/serve-demo.js";
import type { AmberSimulator } from "../../sim/amber/index.js";
import { Collector } from "../collector/collector.js";
import { SqliteStorage } from "../storage/sqlite.js";
import { createMetrics } from "./metrics.js";

const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

let demo: DemoSources | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

/** The value of one sample line of the exposition text, or undefined. */
function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf("}"));
    if (wanted.every((w) => inside.split(",").includes(w))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("metrics: vendor budget and backfill progress", () => {
  it("exposes the budget left per vendor account and each backfill's progress, and no secret", async () => {
    demo = await startDemoSources({ speed: 120, seed: 12, vendors: ["amber", "alphaess"] });
    const sim = demo.handles.find((h) => h.vendor === "amber")!.handle as AmberSimulator;
    const storage = new SqliteStorage(":memory:");
    const collector = new Collector({ storage, clock: demo.clock, sessions: demo.sessions, initialBackfillMs: 10 * 86_400_000 });
    const register = createMetrics(collector, { processMetrics: false });
    const done = new Set<string>();
    collector.on("poll", (p) => p.kind === "backfill" && p.ok && done.add(p.source));
    await collector.start();
    const usage = `amber:${sim.activeSiteId}/usage`;
    const deadline = Date.now() + 60_000;
    while (!done.has(usage) || ![...done].some((s) => s.startsWith("alphaess:"))) {
      if (Date.now() > deadline) throw new Error(`backfills not done: ${[...done].join(", ")}`);
      await realWait(100);
    }
    const text = await register.metrics();
    await collector.stop();

    const amberLeft = sampleValue(text, "openpower_vendor_budget_remaining", { vendor: "amber", account: `amber:${sim.activeSiteId}` });
    expect(amberLeft).toBeGreaterThanOrEqual(0);
    expect(amberLeft).toBeLessThan(50);
    expect(sampleValue(text, "openpower_vendor_budget_limit", { vendor: "amber" })).toBe(50);
    // Backfill progress: the usage backfill (10 days, 2 requests) is done, and the systems' too.
    expect(sampleValue(text, "openpower_backfill_progress_ratio", { source: usage })).toBe(1);
    expect(sampleValue(text, "openpower_backfill_remaining_steps", { source: usage })).toBe(0);
    expect(sampleValue(text, "openpower_backfill_rows_added", { source: usage })).toBeGreaterThan(0);
    const alpha = [...done].find((s) => s.startsWith("alphaess:"))!;
    expect(sampleValue(text, "openpower_backfill_progress_ratio", { source: alpha })).toBeGreaterThan(0);
    // Only ids and vendor names become labels.
    const section = demo.handles.find((h) => h.vendor === "amber")!.section as Record<string, unknown>;
    expect(text).not.toContain(String(section.token));
    await storage.close();
  }, 90_000);
});
