import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPowerTrackSimulator, type PowerTrackSimulator } from "../../sim/powertrack/index.js";
import { readAudit } from "../audit-log.js";
import { main } from "../program.js";
import { fakeIo } from "../test-support/fake-io.js";
import { runInProcess } from "../test-support/in-process.js";
import { runCli, tempHome, type TempHome } from "../test-support/run-cli.js";

let sim: PowerTrackSimulator;
let home: TempHome;

beforeAll(async () => {
  sim = await startPowerTrackSimulator({ seed: 21, sites: 4 });
  home = tempHome();
  home.writeConfig({
    powertrack: {
      cookie: sim.credentials.cookie,
      aeS: sim.credentials.aeS,
      aeV: sim.credentials.aeV,
      baseUrl: sim.url,
      customer: sim.customers[0]!,
    },
  });
});
afterAll(async () => {
  await sim.close();
  home.cleanup();
});

const run = (args: string[]) => runInProcess(args, home.env);

describe("openpower powertrack", () => {
  it("bulk-restore puts back what a bulk-update changed (a dry run first, then --apply)", async () => {
    const site = sim.sites[1]!;
    const nameOf = async () => (JSON.parse((await run(["powertrack", "site-config", site])).stdout) as { name: string }).name;
    const original = await nameOf();
    const backups = join(home.dir, "restore-backups");
    const file = join(home.dir, "rename.csv");
    writeFileSync(file, `key,name\n${site},Renamed for restore\n`);
    const env = { ...home.env, OPENPOWER_POWERTRACK_BACKUP_DIR: backups };
    const update = await runInProcess(["powertrack", "bulk-update", "--file", file, "--apply", "--yes", "--json"], env);
    expect(update.code).toBe(0);
    expect(await nameOf()).toBe("Renamed for restore");
    const dry = await runInProcess(["powertrack", "bulk-restore", "--json"], env);
    expect(dry.code).toBe(0);
    expect(await nameOf()).toBe("Renamed for restore");
    const restore = await runInProcess(["powertrack", "bulk-restore", "--from", backups, "--apply", "--yes", "--json"], env);
    expect(restore.stderr).toBe("");
    expect(restore.code).toBe(0);
    expect(await nameOf()).toBe(original);
  });

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
    expect(typo.stderr).not.toMatch(/\.\./); // one full stop, not two

    const done = await run(["powertrack", "update-site-config", site, "--field", "name=Renamed by test", "--yes"]);
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ status: "applied", sent: true, taken: true });
    expect(sim.state.siteConfig(site).name).toBe("Renamed by test");
    expect(readAudit(join(home.dataDir, "audit.jsonl")).at(-1)).toMatchObject({
      vendor: "powertrack",
      device: site,
      ok: true,
      after: { "PUT /api/edit/site": [{ field: "name", value: "Renamed by test" }] },
    });
  });
});

/** Runs on a terminal (stdout piped); when the question appears, `during` runs, then `answer` is typed. */
async function runAsked(args: string[], answer: "y" | "n", during: (stderr: string) => void = () => {}) {
  const f = fakeIo({ env: { ...home.env, TZ: "Australia/Sydney" }, tty: true, stdoutTty: false });
  const done = main(args, f.io);
  for (let i = 0; i < 400 && !/\(y\/N\)/.test(f.stderr()); i++) await new Promise((r) => setTimeout(r, 25));
  expect(f.stderr()).toMatch(/\(y\/N\)/);
  during(f.stderr());
  f.type(`${answer}\n`);
  return { code: await done, stdout: f.stdout(), stderr: f.stderr() };
}

describe("asking before PowerTrack writes", () => {
  it("--field edits show the planned change before asking, and apply that plan (a change in between is a conflict)", async () => {
    const site = sim.sites[2]!;
    sim.http.clearRequests();
    const declined = await runAsked(["powertrack", "update-site-config", site, "--field", "name=Asked first"], "n", (stderr) => {
      expect(stderr).toMatch(/PUT \/api\/edit\/site\n {2}name: .* → Asked first\n/);
    });
    expect(declined.code).toBe(1);
    expect(sim.http.requests.filter((r) => r.method === "PUT")).toEqual([]);

    const conflict = await runAsked(["powertrack", "update-site-config", site, "--field", "name=Asked first"], "y", () => {
      // Someone renames the site while the question is on the screen.
      sim.state.setSiteConfig(site, { ...sim.state.siteConfig(site), name: "Renamed meanwhile" });
    });
    expect(JSON.parse(conflict.stdout)).toMatchObject({ status: "conflict", sent: false });
    expect(sim.state.siteConfig(site).name).toBe("Renamed meanwhile");
  });

  it("bulk-update --apply shows the plan table before asking", async () => {
    const { PowerTrackClient } = await import("../../powertrack/index.js");
    const c = new PowerTrackClient({ auth: { ...sim.credentials, baseUrl: sim.url, envFile: false, cookieFile: false, env: {} } });
    const key = (await c.getHardwareList(sim.sites[0]!)).find((h) => h.functionCode === 1)!.key;
    c.close();
    const file = join(home.dir, "asked.csv");
    writeFileSync(file, `key,description\n${key},Asked in bulk\n`);
    const writes = sim.state.writes.length;
    const r = await runAsked(["powertrack", "bulk-update", "--file", file, "--apply", "--json"], "n", (stderr) => {
      expect(stderr).toMatch(new RegExp(`hardware:${key} .*ready .*description: ".*" → "Asked in bulk"`));
      expect(stderr).toMatch(/1 item\(s\): 1 to change/);
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(sim.state.writes.length).toBe(writes);
  });
});

describe("PowerTrack credentials", () => {
  const config = () => ({
    cookie: sim.credentials.cookie,
    aeS: sim.credentials.aeS,
    aeV: sim.credentials.aeV,
    baseUrl: sim.url,
    customer: sim.customers[0]!,
  });

  it("a bare BASE_URL (shell or .env) does not redirect the cookie: ignored with one warning, the configured URL is used", async () => {
    const h = tempHome();
    try {
      h.writeConfig({ powertrack: config() });
      sim.http.clearRequests();
      const shell = await runCli(["powertrack", "user-preferences"], {
        env: { ...h.env, BASE_URL: "http://127.0.0.1:9/elsewhere" },
        cwd: h.dir,
      });
      expect(shell.code).toBe(0);
      expect(shell.stderr.trim().split("\n")).toHaveLength(1);
      expect(shell.stderr).toMatch(
        /^warning: BASE_URL=http:\/\/127\.0\.0\.1:9\/elsewhere is ignored: a PowerTrack base URL other than https:\/\/apps\.alsoenergy\.com is taken only from the config file/,
      );
      expect(sim.http.requests.length).toBeGreaterThan(0);

      writeFileSync(join(h.dir, ".env"), "BASE_URL=http://127.0.0.1:9/from-dotenv\n");
      const dotenv = await runCli(["powertrack", "user-preferences"], { env: h.env, cwd: h.dir });
      expect(dotenv.code).toBe(0);
      expect(dotenv.stderr).toMatch(/^warning: BASE_URL=http:\/\/127\.0\.0\.1:9\/from-dotenv is ignored: .*\(from .*\.env\)\n$/);

      // The real web app's URL is harmless, and taken (environment over file) without a warning.
      const real = await runCli(["config", "show", "--json"], { env: { ...h.env, BASE_URL: "https://apps.alsoenergy.com" }, cwd: h.dir });
      expect(real.stderr).not.toMatch(/BASE_URL/);
      expect((JSON.parse(real.stdout) as { sources: Record<string, string> }).sources["powertrack.baseUrl"]).toBe("env BASE_URL");

      // Someone who does not use PowerTrack is not nagged about an unrelated BASE_URL.
      const other = tempHome();
      try {
        other.writeConfig({ amber: { token: "psk_unused_token_00000001", baseUrl: "http://127.0.0.1:9" } });
        const r = await runCli(["config", "path"], { env: { ...other.env, BASE_URL: "http://127.0.0.1:9/x" }, cwd: other.dir });
        expect(r.stderr).toBe("");
      } finally {
        other.cleanup();
      }
    } finally {
      h.cleanup();
    }
  });

  it("the PowerTrack client reads no cookie.txt of its own: credentials come from the configuration only", async () => {
    const h = tempHome();
    try {
      const { cookie: _cookie, ...withoutCookie } = config();
      h.writeConfig({ powertrack: withoutCookie });
      writeFileSync(join(h.dir, "cookie.txt"), sim.credentials.cookie);
      const r = await runCli(["powertrack", "user-preferences"], { env: h.env, cwd: h.dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/PowerTrack credentials are incomplete: no cookie found/);
      // It names where the CLI looks, not a process environment the client was told not to read.
      expect(r.stderr).toMatch(/the openpower configuration/);
      expect(r.stderr).not.toMatch(/environment COOKIE\/AE_S/);
      expect(r.stdout + r.stderr).not.toContain(sim.credentials.cookie);
      // The documented variable does work.
      const env = await runCli(["powertrack", "user-preferences"], { env: { ...h.env, COOKIE: sim.credentials.cookie }, cwd: h.dir });
      expect(env.code).toBe(0);
    } finally {
      h.cleanup();
    }
  });

  it("upload-pan reads a PVsyst text file, asks unless --yes, posts once, finds the new id, and audits; a second upload sends nothing", async () => {
    const file = join(home.dir, "module.PAN");
    writeFileSync(
      file,
      [
        "PVObject_=pvModule",
        "  PVObject_Commercial=pvCommercial",
        "    Manufacturer=Testmaker",
        "    Model=TM-400",
        "  End of PVObject pvCommercial",
        "  Technol=mtSiMono",
        "  NCelS=72",
        "  NCelP=1",
        "  Isc=10.5",
        "  muISC=5.25",
        "  Voc=49.2",
        "  Imp=9.9",
        "  Vmp=40.4",
        "  muPmpReq=-0.35",
        "  RShunt=400",
        "  Rp_0=2000",
        "  Rp_Exp=5.5",
        "  RSerie=0.3",
        "  CellArea=244.3",
        "End of PVObject pvModule",
      ].join("\n"),
    );
    const site = sim.sites[0]!;
    sim.http.clearRequests();
    const posts = () => sim.http.requests.filter((r) => r.method === "POST" && r.path === "/api/edit/pvsystmodule");
    const dry = await run(["powertrack", "upload-pan", file, "--verify-key", site, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      status: "dryRun",
      sent: false,
      request: { manufacturer: "Testmaker", model: "TM-400", muIsc: 0.05 },
    });
    expect((await run(["powertrack", "upload-pan", file, "--verify-key", site])).code).toBe(2); // no terminal to ask
    expect(posts()).toEqual([]);

    const done = await run(["powertrack", "upload-pan", file, "--verify-key", site, "--yes"]);
    expect(done.code).toBe(0);
    const result = JSON.parse(done.stdout) as { status: string; createdKey: number };
    expect(result).toMatchObject({ status: "applied", sent: true, taken: true });
    expect(posts()).toHaveLength(1);
    const audit = readAudit(join(home.dataDir, "audit.jsonl"));
    expect(audit.at(-1)).toMatchObject({
      vendor: "powertrack",
      ok: true,
      taken: [{ target: "POST /api/edit/pvsystmodule", sent: true, taken: true }],
    });

    const again = await run(["powertrack", "upload-pan", file, "--verify-key", site, "--yes"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "alreadyApplied", sent: false, createdKey: result.createdKey });
    expect(posts()).toHaveLength(1);
  });

  it("report-config-template and create-report-config make a report configuration from a file", async () => {
    const template = await run(["powertrack", "report-config-template"]);
    expect(template.code).toBe(0);
    const file = join(home.dir, "report.json");
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(template.stdout) as object), reportTitle: "CLI report", parentKey: "D1" }));
    const done = await run(["powertrack", "create-report-config", "--file", file, "--yes"]);
    expect(done.stderr).toBe("");
    expect(JSON.parse(done.stdout)).toMatchObject({
      status: "applied",
      sent: true,
      taken: true,
      createdKey: expect.stringMatching(/^RC/) as string,
    });
    const bad = await run(["powertrack", "create-report-config", "--file", file.replace("report.json", "missing.json"), "--yes"]);
    expect(bad.code).toBe(2);
  });

  it("update-hardware-driver plans a driver-setting change from a file (--dry-run sends nothing) and writes it with --yes", async () => {
    const device = sim.state.portfolio.site(sim.sites[2]!)!.hardware.find((h) => h.functionCode === 1)!;
    const file = join(home.dir, "driver.json");
    writeFileSync(file, JSON.stringify({ settings: [{ name: "dev:baud", value: 19200 }] }));
    sim.http.clearRequests();
    const dry = await run(["powertrack", "update-hardware-driver", device.key, "--file", file, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ status: "dryRun", sent: false, changes: [{ after: 19200 }] });
    expect(sim.http.requests.filter((r) => r.method === "PUT")).toEqual([]);
    const done = await run(["powertrack", "update-hardware-driver", device.key, "--file", file, "--yes"]);
    expect(JSON.parse(done.stdout)).toMatchObject({ status: "applied", sent: true, taken: true });
    expect(sim.http.requests.filter((r) => r.method === "PUT").map((r) => r.path)).toEqual(["/api/edit/hardware"]);
  });
});
