import { describe, expect, it } from "vitest";
import type { RateLimitState } from "../../core/rate-limit/limiter.js";
import { startAmberSimulator } from "../../sim/amber/index.js";
import { budgetIntervalMs, levelArg, windowArg } from "./common.js";
import { loadPlugins, VENDORS } from "./registry.js";

const state = (over: Partial<RateLimitState>): RateLimitState => ({
  name: "x",
  limit: null,
  windowMs: null,
  remaining: null,
  resetAt: null,
  inFlight: 0,
  queued: 0,
  nextAt: new Date(0),
  observedAt: null,
  ...over,
});

describe("budgetIntervalMs", () => {
  it("spreads the requests of a refresh over the window", () => {
    expect(budgetIntervalMs(state({ limit: 50, windowMs: 300_000 }), 1, 0)).toBe(6_000);
    expect(budgetIntervalMs(state({ limit: 50, windowMs: 300_000 }), 5, 0)).toBe(30_000);
    expect(budgetIntervalMs(state({}), 3, 0)).toBe(0);
  });
  it("waits for the reset when the budget is nearly used, and for the limiter's next slot", () => {
    expect(budgetIntervalMs(state({ limit: 50, windowMs: 300_000, remaining: 0, resetAt: new Date(200_000) }), 1, 0)).toBe(200_000);
    expect(budgetIntervalMs(state({ nextAt: new Date(9_000) }), 1, 1_000)).toBe(8_000);
  });
});

describe("argument parsers", () => {
  it("levels accept 90% and 0.9; windows accept hyphens and en dashes", () => {
    expect(levelArg("90%", "--x")).toBe(0.9);
    expect(levelArg("0.25", "--x")).toBe(0.25);
    expect(() => levelArg("90", "--x")).toThrow(/level like 90% or 0.9/);
    expect(windowArg("1:00–5:00", "--w")).toEqual({ start: "01:00", end: "05:00" });
    expect(() => windowArg("1-5", "--w")).toThrow(/window like 01:00-05:00/);
  });
});

describe("vendor plugins", () => {
  it("every vendor has settings with env variables, commands with unique kebab-case names, and a simulator", async () => {
    const plugins = await loadPlugins();
    expect(plugins.map((p) => p.name)).toEqual([...VENDORS]);
    for (const plugin of plugins) {
      expect(
        plugin.settings.some((s) => s.secret),
        plugin.name,
      ).toBe(true);
      for (const s of plugin.settings) expect(s.env?.[0], `${plugin.name}.${s.key}`).toMatch(/^OPENPOWER_[A-Z_]+$/);
      const names = plugin.commands().map((c) => c.name);
      expect(new Set(names).size, plugin.name).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(typeof plugin.startSimulator).toBe("function");
      expect(plugin.isConfigured(undefined)).toBe(false);
    }
  });

  it("no vendor command option is shadowed by a global option (those are parsed anywhere on the line)", async () => {
    const global = [
      "-c",
      "--config",
      "--dotenv",
      "--env-file",
      "-s",
      "--set",
      "--no-color",
      "--color",
      "--debug",
      "-V",
      "--version",
      "-h",
      "--help",
    ];
    for (const plugin of await loadPlugins()) {
      for (const command of plugin.commands()) {
        for (const option of command.options ?? []) {
          const flags = option.flags.split(/[ ,|]+/).filter((f) => f.startsWith("-"));
          for (const flag of flags) expect(global, `${plugin.name} ${command.name} ${flag}`).not.toContain(flag);
        }
      }
    }
  });

  it("Amber's watch interval respects its budget: never under a minute, longer when the budget is spent", async () => {
    const sim = await startAmberSimulator({ seed: 5, rateLimit: { limit: 3, windowMs: 600_000 } });
    try {
      const amber = (await loadPlugins()).find((x) => x.name === "amber")!;
      const session = await amber.connect({ token: sim.token, baseUrl: sim.url, site: sim.activeSiteId }, { cwd: process.cwd() });
      expect(session.refreshIntervalMs(1)).toBeGreaterThanOrEqual(60_000);
      for (let i = 0; i < 3; i++) await session.pricesAhead!(1);
      // Three requests of a budget of three: the next refresh waits for the window to reset.
      expect(session.refreshIntervalMs(1)).toBeGreaterThan(120_000);
      await session.close();
    } finally {
      await sim.close();
    }
  });
});
