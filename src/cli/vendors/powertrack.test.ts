import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPowerTrackSimulator, type PowerTrackSimulator } from "../../sim/powertrack/index.js";
import { readAudit } from "../audit-log.js";
import { runInProcess } from "../test-support/in-process.js";
import { tempHome, type TempHome } from "../test-support/run-cli.js";

let sim: PowerTrackSimulator;
let home: TempHome;

beforeAll(async () => {
  sim = await startPowerTrackSimulator({ seed: 21, sites: 4 });
  home = tempHome();
  home.writeConfig({ powertrack: { cookie: sim.credentials.cookie, aeS: sim.credentials.aeS, aeV: sim.credentials.aeV, baseUrl: sim.url, customer: sim.customers[0]! } });
});
afterAll(async () => {
  await sim.close();
  home.cleanup();
});

const run = (args: string[]) => runInProcess(args, home.env);

describe("openpower powertrack", () => {
  it("bulk-read reads every site of the customer and lists each failure (exit 3)", async () => {
    const all = await run(["powertrack", "bulk-read", "site-configs"]);
    expect(all.code).toBe(0);
    const report = JSON.parse(all.stdout) as { total: number; succeeded: number; results: { key: string; ok: boolean }[] };
    expect(report.total).toBe(sim.sites.length);
    expect(report.succeeded).toBe(sim.sites.length);
    expect(report.results.map((r) => r.key).sort()).toEqual([...sim.sites].sort());

    const some = await run(["powertrack", "bulk-read", "site-configs", sim.sites[0]!, "S999999"]);
    expect(some.code).toBe(3);
    expect(JSON.parse(some.stdout)).toMatchObject({ total: 2, succeeded: 1, failed: 1, failures: [{ key: "S999999" }] });
    expect(some.stderr).toMatch(/1 of 2 reads failed/);
  });

  it("update-site-config --field plans, asks, writes, reads back and audits; --dry-run sends nothing", async () => {
    const site = sim.sites[1]!;
    sim.http.clearRequests();
    const dry = await run(["powertrack", "update-site-config", site, "--field", "name=Renamed by test", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ status: "dryRun", sent: false, changes: [{ field: "name", after: "Renamed by test" }] });
    expect(sim.http.requests.filter((r) => r.method === "PUT")).toEqual([]);

    const refused = await run(["powertrack", "update-site-config", site, "--field", "name=Renamed by test"]);
    expect(refused.code).toBe(2);
    expect(sim.http.requests.filter((r) => r.method === "PUT")).toEqual([]);

    const typo = await run(["powertrack", "update-site-config", site, "--field", "nmae=x", "--yes"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/no field "nmae"/);

    const done = await run(["powertrack", "update-site-config", site, "--field", "name=Renamed by test", "--yes"]);
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ status: "applied", sent: true, taken: true });
    expect(sim.state.siteConfig(site).name).toBe("Renamed by test");
    expect(readAudit(join(home.dataDir, "audit.jsonl")).at(-1)).toMatchObject({ vendor: "powertrack", device: site, ok: true, after: { "PUT /api/edit/site": [{ field: "name", value: "Renamed by test" }] } });
  });
});
