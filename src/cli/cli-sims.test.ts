import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAudit } from "./audit-log.js";
import { ANSI_RE, runCli, tempHome, type TempHome } from "./test-support/run-cli.js";
import { startTestSims, type TestSims } from "./test-support/sims.js";

// The built binary against every simulator: the acceptance list of the CLI issue.

const NORMAL = "AL7011023030601";
const IGNORES_WRITES = "AL7011023030602";

let sims: TestSims;
let home: TempHome;

beforeAll(async () => {
  sims = await startTestSims({
    alphaess: {
      systems: [
        { serialNumber: NORMAL, model: "SMILE5-INV", evCharger: { serialNumber: "EVTEST0001" } },
        // The newer AlphaESS backend answers Success to legacy writes and ignores them.
        { serialNumber: IGNORES_WRITES, model: "SMILE5-INV", legacyWritesIgnored: true },
      ],
    },
  });
  home = tempHome();
  home.writeConfig(sims.config());
});
afterAll(async () => {
  await sims.close();
  home.cleanup();
});

const posts = () => sims.alphaess.http.requests.filter((r) => r.method === "POST");

interface StatusJson {
  systems: { vendor: string; device: string; ok: boolean; flow: Record<string, unknown> | null; ageS: number | null; stale: boolean; error: string | null }[];
  price: { general: { channel: string; perKwhCents: number } | null; feedIn: unknown } | null;
}

describe.concurrent("status", () => {
  it("--json gives the unified power flow of every system, with age and staleness, and the current price", async () => {
    const r = await runCli(["status", "--json"], { env: home.env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as StatusJson;
    expect(json.systems.map((s) => `${s.vendor}:${s.device}`)).toEqual([
      `alphaess:${NORMAL}`,
      `alphaess:${IGNORES_WRITES}`,
      "goodwe:9010KETU00000000",
      `powertrack:${sims.powertrack.sites[0]}`,
      `powertrack:${sims.powertrack.sites[1]}`,
    ]);
    for (const s of json.systems) {
      expect(s.ok, s.device).toBe(true);
      expect(s.flow).toMatchObject({ observedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), source: { vendor: s.vendor, device: s.device } });
      expect(s.flow).not.toHaveProperty("raw");
      expect(typeof s.ageS).toBe("number");
    }
    const alpha = json.systems[0]!.flow!;
    // The unified signs: the flow balances, pv + grid + battery = load + ev.
    const balance = (alpha.pvW as number) + (alpha.gridW as number) + (alpha.batteryW as number) - (alpha.loadW as number) - ((alpha.evW as number | null) ?? 0);
    expect(Math.abs(balance)).toBeLessThan(60);
    expect(alpha.soc).toBeGreaterThanOrEqual(0);
    expect(alpha.soc).toBeLessThanOrEqual(1);
    expect(json.price?.general).toMatchObject({ channel: "general", perKwhCents: expect.any(Number) });
  });

  it("tables have no colour with NO_COLOR (even when forced) and colour with FORCE_COLOR", async () => {
    // Not on a terminal (a pipe) is covered by every other test here: no colour codes in JSON.
    const [forcedButNo, forced] = await Promise.all([
      runCli(["status", "--vendor", "goodwe"], { env: { ...home.env, FORCE_COLOR: "1", NO_COLOR: "1" } }),
      runCli(["status", "--vendor", "goodwe"], { env: { ...home.env, FORCE_COLOR: "1" } }),
    ]);
    for (const r of [forcedButNo, forced]) expect(r.code).toBe(0);
    expect(forcedButNo.stdout).toMatch(/goodwe:9010KETU00000000/);
    expect(forcedButNo.stdout).not.toMatch(ANSI_RE);
    expect(forced.stdout).toMatch(ANSI_RE);
  });

  it("one system failing is a partial failure: exit 3, its error in the row, the others reported", async () => {
    const h = tempHome();
    try {
      h.writeConfig({ ...sims.config(), alphaess: { ...sims.config().alphaess, serial: [NORMAL, "AL0000000000000"] }, goodwe: undefined as never, powertrack: undefined as never });
      const r = await runCli(["status", "--json"], { env: h.env });
      expect(r.code).toBe(3);
      const json = JSON.parse(r.stdout) as StatusJson;
      expect(json.systems.find((s) => s.device === NORMAL)?.ok).toBe(true);
      const failed = json.systems.find((s) => s.device === "AL0000000000000")!;
      expect(failed.ok).toBe(false);
      expect(failed.error).toMatch(/AL0000000000000/);
      expect(r.stderr).toMatch(/^error: 1 of 3 readings failed/);
    } finally {
      h.cleanup();
    }
  });
});

describe.concurrent("history, prices, watch, ev, vendor groups", () => {
  it("history --csv gives one row per sample for each day; --json the totals per local day", async () => {
    const [csv, json] = await Promise.all([
      runCli(["history", `alphaess:${NORMAL}`, "--from", "yesterday", "--to", "today", "--csv"], { env: home.env }),
      runCli(["history", NORMAL, "--from", "yesterday", "--energy", "--json"], { env: home.env }),
    ]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toBe("time,date,pvW,loadW,gridW,batteryW,soc,evW");
    expect(lines.length).toBeGreaterThan(200);
    const days = new Set(lines.slice(1).map((l) => l.split(",")[1]));
    expect(days.size).toBe(2);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { vendor: string; device: string; timeZone: string; days: { date: string; totals: { pvKwh: number; date: string }; samples: null; error: null }[] };
    expect(parsed).toMatchObject({ vendor: "alphaess", device: NORMAL, timeZone: "Australia/Sydney" });
    expect(parsed.days).toHaveLength(1);
    expect(parsed.days[0]!.totals.date).toBe(parsed.days[0]!.date);
    expect(parsed.days[0]!.totals.pvKwh).toBeGreaterThan(0);
    expect(parsed.days[0]!.samples).toBeNull();
  });

  it("prices --json gives unified intervals ahead; the table has the chart", async () => {
    const [json, table] = await Promise.all([runCli(["prices", "--next", "6h", "--json"], { env: home.env }), runCli(["prices", "--next", "6h"], { env: home.env })]);
    expect(json.code).toBe(0);
    const intervals = (JSON.parse(json.stdout) as { intervals: { channel: string; kind: string; start: string; end: string; perKwhCents: number }[] }).intervals;
    expect(intervals.some((i) => i.channel === "general" && i.kind === "current")).toBe(true);
    expect(intervals.some((i) => i.channel === "feedIn")).toBe(true);
    const last = Math.max(...intervals.map((i) => Date.parse(i.start)));
    expect(last - Date.now()).toBeLessThan(6 * 3_600_000);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Amber prices, now and the next 6 h/);
    expect(table.stdout).toMatch(/[┤┼]/);
    expect(table.stdout).toMatch(/renewables \d+ %/);
  });

  it("watch --once prints one plain line per system when not on a terminal, and exits 0", async () => {
    const r = await runCli(["watch", "--once", "--vendor", "alphaess"], { env: home.env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-.*Z alphaess:${NORMAL} pv=.* soc=\\d+ %`));
    expect(r.stdout).not.toMatch(ANSI_RE);
  });

  it("ev list shows the chargers of every system", async () => {
    const r = await runCli(["ev", "list", "--json"], { env: home.env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      chargers: [{ vendor: "alphaess", id: "EVTEST0001", system: NORMAL, model: "SMILE-EVCT11", status: expect.stringMatching(/^(available|preparing|charging|suspendedEV|suspendedEVSE|finishing)$/), currentLimitA: 32 }],
    });
  });

  it("vendor groups expose client methods with JSON and CSV out", async () => {
    const [systems, portfolio] = await Promise.all([
      runCli(["alphaess", "list-systems", "--csv"], { env: home.env }),
      runCli(["powertrack", "portfolio", sims.powertrack.customers[0]!, "--csv"], { env: home.env }),
    ]);
    expect(systems.code).toBe(0);
    expect(systems.stdout.split("\n")[0]).toMatch(/^serialNumber,inverterModel,/);
    expect(systems.stdout).toContain(`${NORMAL},SMILE5-INV`);
    expect(portfolio.code).toBe(0);
    const rows = portfolio.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^key,id,name,/);
    expect(rows.length - 1).toBe(sims.powertrack.sites.length);
  });
});

describe("battery plan and apply", () => {
  it("plan prints the writes and sends none", async () => {
    const before = posts().length;
    const r = await runCli(["battery", "plan", "charge 01:00–05:00 to 90 %", "--device", NORMAL], { env: home.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/write 1\/1: POST updateChargeConfigInfo/);
    expect(r.stdout).toMatch(/batHighCap: 100 → 90/);
    expect(r.stdout).toMatch(/Nothing was written/);
    expect(posts().length).toBe(before);
    expect(sims.alphaess.state(NORMAL).appliedWrites).toBe(0);
    const json = JSON.parse((await runCli(["battery", "plan", "charge 01:00-05:00 to 90%", "-d", NORMAL, "--json"], { env: home.env })).stdout) as { plan: { vendor: string; device: string; writes: { target: string; changes: { field: string }[] }[] } };
    expect(json.plan).toMatchObject({ vendor: "alphaess", device: NORMAL });
    expect(json.plan.writes.map((w) => w.target)).toEqual(["POST updateChargeConfigInfo"]);
    expect(posts().length).toBe(before);
  });

  it("apply without --yes and without a terminal refuses (exit 2) and writes nothing", async () => {
    const before = posts().length;
    const r = await runCli(["battery", "apply", "charge 01:00-05:00 to 90%", "--device", NORMAL], { env: home.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot ask for confirmation: nothing was written. Re-run with --yes/);
    expect(posts().length).toBe(before);
    expect(readAudit(join(home.dataDir, "audit.jsonl"))).toEqual([]);
  });

  it("apply --yes writes, reads back, reports the ApplyResult, and appends to the audit log", async () => {
    const r = await runCli(["battery", "apply", "charge 01:00-05:00 to 90%; discharge 17:00-21:00 down to 20%", "--device", NORMAL, "--yes", "--json"], { env: home.env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { vendor: string; device: string; dryRun: boolean; ok: boolean; results: { write: { target: string }; sent: boolean; taken: boolean | null }[] };
    expect(result).toMatchObject({ vendor: "alphaess", device: NORMAL, dryRun: false, ok: true });
    expect(result.results.map((x) => [x.write.target, x.sent, x.taken])).toEqual([
      ["POST updateChargeConfigInfo", true, true],
      ["POST updateDisChargeConfigInfo", true, true],
    ]);
    const state = sims.alphaess.state(NORMAL);
    expect(state.charge).toMatchObject({ gridCharge: 1, timeChaf1: "01:00", timeChae1: "05:00", batHighCap: 90 });
    expect(state.discharge).toMatchObject({ ctrDis: 1, timeDisf1: "17:00", timeDise1: "21:00", batUseCap: 20 });
    const audit = readAudit(join(home.dataDir, "audit.jsonl"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      vendor: "alphaess",
      device: NORMAL,
      dryRun: false,
      ok: true,
      user: expect.any(String),
      host: expect.any(String),
      command: expect.stringContaining("openpower battery apply"),
      taken: [
        { target: "POST updateChargeConfigInfo", sent: true, taken: true },
        { target: "POST updateDisChargeConfigInfo", sent: true, taken: true },
      ],
    });
    expect(audit[0]!.before).toMatchObject({ "POST updateChargeConfigInfo": { batHighCap: 100 } });
    expect(audit[0]!.after).toMatchObject({ "POST updateChargeConfigInfo": { batHighCap: 90 } });
    expect(JSON.stringify(audit)).not.toContain(sims.alphaess.credentials.appSecret);

    // The same intent again: nothing to change, nothing sent.
    const before = posts().length;
    const again = await runCli(["battery", "apply", "charge 01:00-05:00 to 90%", "--device", NORMAL, "--yes"], { env: home.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already has this schedule: nothing to write/);
    expect(posts().length).toBe(before);
  });

  it("a write the device does not take is reported per write, exit 3, and audited as not taken", async () => {
    const r = await runCli(["battery", "apply", "charge 02:00-04:00 to 80%", "--device", IGNORES_WRITES, "--yes"], { env: { ...home.env, NO_COLOR: "1" } });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/POST updateChargeConfigInfo: sent, read back: NOT taken \(stopLevel: wrote 0.8, reads 1; useGrid: wrote true, reads false/);
    expect(r.stderr).toMatch(/^error: Some writes did not take effect/);
    const entry = readAudit(join(home.dataDir, "audit.jsonl")).find((e) => e.device === IGNORES_WRITES)!;
    expect(entry).toMatchObject({ ok: false, taken: [{ target: "POST updateChargeConfigInfo", sent: true, taken: false }] });
  });
});

describe("powertrack bulk-update", () => {
  const hw = () => sims.powertrack.state;
  it("dry run plans every row, reports them, and sends no write", async () => {
    const [a, b] = [sims.powertrack.sites[0]!, sims.powertrack.sites[1]!];
    const keys = await hardwareKeys(a, b);
    const file = join(home.dir, "edits.csv");
    writeFileSync(file, `key,description\n${keys[0]},Inverter one renamed\n${keys[1]},Inverter two renamed\nH9999999,Nope\n`);
    sims.powertrack.http.clearRequests();
    const r = await runCli(["powertrack", "bulk-update", "--file", file], { env: home.env });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`hardware:${keys[0]} .*ready .*description: ".*" → "Inverter one renamed"`));
    expect(r.stdout).toMatch(/hardware:H9999999 .*failed/);
    expect(r.stdout).toMatch(/Dry run: nothing was written/);
    expect(sims.powertrack.http.requests.filter((x) => x.method !== "GET" && x.method !== "POST")).toEqual([]);
    expect(hw().hardwareConfig(keys[0]!).description).not.toBe("Inverter one renamed");
  });

  it("--apply writes the rows up to --limit, saves the originals, reads back, and reports each item", async () => {
    const keys = await hardwareKeys(sims.powertrack.sites[0]!, sims.powertrack.sites[1]!);
    const file = join(home.dir, "edits-apply.csv");
    writeFileSync(file, `key,description\n${keys[0]},Applied one\n${keys[1]},Applied two\n${keys[2]},Applied three\n`);
    sims.powertrack.http.clearRequests();
    const r = await runCli(["powertrack", "bulk-update", "--file", file, "--apply", "--limit", "2", "--yes", "--json"], { env: home.env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = (JSON.parse(r.stdout) as { report: { results: { id: string; status: string; taken: boolean | null; backup: string | null }[] } }).report;
    expect(report.results.map((x) => [x.id, x.status])).toEqual([
      [`hardware:${keys[0]}`, "applied"],
      [`hardware:${keys[1]}`, "applied"],
      [`hardware:${keys[2]}`, "skipped"],
    ]);
    expect(sims.powertrack.http.requests.filter((x) => x.method === "PUT")).toHaveLength(2);
    expect(hw().hardwareConfig(keys[0]!).description).toBe("Applied one");
    expect(hw().hardwareConfig(keys[2]!).description).not.toBe("Applied three");
    for (const x of report.results.slice(0, 2)) expect(existsSync(x.backup!)).toBe(true);
    expect(readdirSync(join(home.dataDir, "powertrack-backups"))).toHaveLength(2);
    const audit = readAudit(join(home.dataDir, "audit.jsonl")).filter((e) => e.vendor === "powertrack");
    expect(audit.at(-1)).toMatchObject({ ok: false, taken: [{ target: `hardware:${keys[0]}`, sent: true, taken: true }, { sent: true, taken: true }, { sent: false }] });
  });
});

async function hardwareKeys(...sites: string[]): Promise<string[]> {
  const { PowerTrackClient } = await import("../powertrack/index.js");
  const client = new PowerTrackClient({ auth: { ...sims.powertrack.credentials, baseUrl: sims.powertrack.url, envFile: false, cookieFile: false, env: {} } });
  try {
    const keys: string[] = [];
    for (const site of sites) keys.push(...(await client.getHardwareList(site)).filter((h) => h.functionCode === 1).map((h) => h.key));
    return keys;
  } finally {
    client.close();
  }
}
