import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { readAudit } from "../audit-log.js";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../../sim/alphaess/index.js";
import { startAmberSimulator, type AmberSimulator } from "../../sim/amber/index.js";
import { startOpenMeteoSimulator, type OpenMeteoSimulator } from "../../sim/open-meteo/index.js";
import { runInProcess } from "../test-support/in-process.js";
import { tempHome, type TempHome } from "../test-support/run-cli.js";

// `openpower automation plan|run` against the AlphaESS, Amber and Open-Meteo simulators (real-time clocks, as a cron job sees them).

const SN = "AL7011023030601";
let alphaess: AlphaEssSimulator;
let amber: AmberSimulator;
let weather: OpenMeteoSimulator;
let home: TempHome;

beforeAll(async () => {
  [alphaess, amber, weather] = await Promise.all([
    startAlphaEssSimulator({ seed: 7, limits: "none", systems: [{ serialNumber: SN, model: "SMILE5-INV" }] }),
    startAmberSimulator({ seed: 7 }),
    startOpenMeteoSimulator({ seed: 7 }),
  ]);
  home = tempHome();
  home.writeConfig({
    alphaess: {
      appId: alphaess.credentials.appId,
      appSecret: alphaess.credentials.appSecret,
      baseUrl: alphaess.url,
      timeZone: "Australia/Sydney",
      minIntervalMs: 0,
      writeCooldownMs: 600_000,
    },
    amber: { token: amber.token, baseUrl: amber.url, site: amber.activeSiteId },
    automation: { latitude: -33.87, longitude: 151.21, pvKwp: 6.6, openMeteoUrl: weather.url },
  });
});
afterAll(async () => {
  await Promise.allSettled([alphaess.close(), amber.close(), weather.close()]);
  home.cleanup();
});

interface DecisionJson {
  action: string;
  reason: string;
  intervals?: { socEnd: number }[];
  capacity: { kWh: number; source: string };
}

describe("openpower automation", () => {
  it("plan: a table, a chart, the compiled schedule and why, for up to 48 h; capacity from the device; writes nothing", async () => {
    const r = await runInProcess(["automation", "plan", "--device", SN, "--hours", "36"], home.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`alphaess:${SN} — (advise|hold): `));
    expect(r.stdout).toMatch(/battery [\d.]+ kWh \(AlphaESS getEssList: cobat [\d.]+ kWh × usCapacity \d+ %\)/);
    expect(r.stdout).toMatch(/PV: Open-Meteo blended with history/);
    expect(r.stdout).toMatch(/Plan, \d+(\.5)? h from \d\d:\d\d/);
    expect(r.stdout).toMatch(/buy c.*battery W.*SOC/);
    expect(r.stdout).toMatch(/state of charge \(%\)[\s\S]*┤[\s\S]*buy price \(c\/kWh\)/);
    expect(r.stdout).toMatch(/Compiled schedule/);
    expect(r.stdout).toMatch(/plan cost -?\d+\.\d\d \$ against/);
    expect(readAudit(join(home.dataDir, "audit.jsonl"))).toEqual([]);
    const json = await runInProcess(["automation", "plan", "--device", SN, "--hours", "36", "--json"], home.env);
    const d = JSON.parse(json.stdout) as DecisionJson;
    // Amber's simulator publishes about a day ahead: the plan covers what it has, more than the default 24 h asked.
    expect(d.intervals!.length).toBeGreaterThan(24);
    expect(d.capacity.source).toMatch(/getEssList/);
  });

  it("run: writes once with read-back into the audit log; the next run respects the cool-down counted from that log", async () => {
    // A reserve above anything the simulator's schedule holds, so the first run has something to change.
    const first = await runInProcess(["automation", "run", "--device", SN, "--json", "--reserve", "0.9"], home.env);
    expect(first.code, first.stderr).toBe(0);
    const d1 = JSON.parse(first.stdout) as DecisionJson;
    expect(d1.action).toBe("write");
    const log = readAudit(join(home.dataDir, "audit.jsonl"));
    expect(log).toHaveLength(1);
    expect(log[0]!.ok).toBe(true);
    expect(log[0]!.taken.every((t) => t.sent && t.taken)).toBe(true);
    // A different plan a moment later (a reserve above the stop level just written, so the compiled schedule must change):
    // a new process, so only the audit log knows of the write.
    const second = await runInProcess(["automation", "run", "--device", SN, "--json", "--reserve", "0.95"], home.env);
    expect(second.code, second.stderr).toBe(0);
    const d2 = JSON.parse(second.stdout) as DecisionJson;
    expect([d2.action, d2.reason]).toEqual(["skip", expect.stringMatching(/write cool-down: \d+ s left/)]);
    expect(readAudit(join(home.dataDir, "audit.jsonl"))).toHaveLength(1);
  });
});
