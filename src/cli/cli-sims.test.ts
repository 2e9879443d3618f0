import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAudit } from "./audit-log.js";
import { ANSI_RE, runCli, spawnCli, tempHome, type TempHome } from "./test-support/run-cli.js";
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
const GOODWE = "9010KETU00000000";
const goodweWrites = () => sims.goodwe.requests.filter((r) => r.kind === "write").length;
const auditLog = () => readAudit(join(home.dataDir, "audit.jsonl"));

interface StatusJson {
  systems: {
    vendor: string;
    device: string;
    ok: boolean;
    flow: Record<string, unknown> | null;
    ageS: number | null;
    stale: boolean;
    error: string | null;
  }[];
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
      expect(s.flow).toMatchObject({
        observedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        source: { vendor: s.vendor, device: s.device },
      });
      expect(s.flow).not.toHaveProperty("raw");
      // Every vendor's flow has evW (null when it has no charger reading).
      expect(s.flow, s.device).toHaveProperty("evW");
      expect(typeof s.ageS).toBe("number");
    }
    const alpha = json.systems[0]!.flow!;
    // The unified signs: the flow balances, pv + grid + battery = load + ev.
    const balance =
      (alpha.pvW as number) +
      (alpha.gridW as number) +
      (alpha.batteryW as number) -
      (alpha.loadW as number) -
      ((alpha.evW as number | null) ?? 0);
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
      h.writeConfig({
        ...sims.config(),
        alphaess: { ...sims.config().alphaess, serial: [NORMAL, "AL0000000000000"] },
        goodwe: undefined as never,
        powertrack: undefined as never,
      });
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
    const parsed = JSON.parse(json.stdout) as {
      vendor: string;
      device: string;
      timeZone: string;
      days: { date: string; totals: { pvKwh: number; date: string }; samples: null; error: null }[];
    };
    expect(parsed).toMatchObject({ vendor: "alphaess", device: NORMAL, timeZone: "Australia/Sydney" });
    expect(parsed.days).toHaveLength(1);
    expect(parsed.days[0]!.totals.date).toBe(parsed.days[0]!.date);
    expect(parsed.days[0]!.totals.pvKwh).toBeGreaterThan(0);
    expect(parsed.days[0]!.samples).toBeNull();
  });

  it("prices --json gives unified intervals ahead; the table has the chart", async () => {
    const [json, table] = await Promise.all([
      runCli(["prices", "--next", "6h", "--json"], { env: home.env }),
      runCli(["prices", "--next", "6h"], { env: home.env }),
    ]);
    expect(json.code).toBe(0);
    const intervals = (
      JSON.parse(json.stdout) as { intervals: { channel: string; kind: string; start: string; end: string; perKwhCents: number }[] }
    ).intervals;
    expect(intervals.some((i) => i.channel === "general" && i.kind === "current")).toBe(true);
    expect(intervals.some((i) => i.channel === "feedIn")).toBe(true);
    const last = Math.max(...intervals.map((i) => Date.parse(i.start)));
    expect(last - Date.now()).toBeLessThan(6 * 3_600_000);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Amber prices, now and the next 6 h/);
    expect(table.stdout).toMatch(/[┤┼]/);
    expect(table.stdout).toMatch(/renewables \d+ %/);
  });

  it("prices --time-zone shows interval times in that zone (a UTC server must not print Brisbane's prices at UTC times)", async () => {
    const r = await runCli(["prices", "--next", "2h", "--no-chart", "--time-zone", "Australia/Brisbane"], { env: home.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/times in Australia\/Brisbane/);
    const first = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})/.exec(r.stdout)!;
    // Brisbane is UTC+10 all year: the first row (the current interval) starts within the last half hour.
    const startMs = Date.UTC(+first[1]!, +first[2]! - 1, +first[3]!, +first[4]!, +first[5]!) - 10 * 3_600_000;
    expect(Math.abs(Date.now() - startMs)).toBeLessThan(35 * 60_000);
    const bad = await runCli(["prices", "--time-zone", "Mars/Olympus"], { env: home.env });
    expect(bad.code).toBe(2);
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
      chargers: [
        {
          vendor: "alphaess",
          id: "EVTEST0001",
          system: NORMAL,
          model: "SMILE-EVCT11",
          status: expect.stringMatching(/^(available|preparing|charging|suspendedEV|suspendedEVSE|finishing)$/),
          currentLimitA: 32,
        },
      ],
    });
  });

  it("vendor groups expose client methods with JSON and CSV out", async () => {
    const [systems, portfolio, sites] = await Promise.all([
      runCli(["alphaess", "list-systems", "--csv"], { env: home.env }),
      runCli(["powertrack", "portfolio", sims.powertrack.customers[0]!, "--csv"], { env: home.env }),
      // JSON is the default; saying --json anyway is fine.
      runCli(["amber", "list-sites", "--json"], { env: home.env }),
    ]);
    expect(sites.code, sites.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(sites.stdout))).toBe(true);
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
    const json = JSON.parse(
      (await runCli(["battery", "plan", "charge 01:00-05:00 to 90%", "-d", NORMAL, "--json"], { env: home.env })).stdout,
    ) as { plan: { vendor: string; device: string; writes: { target: string; changes: { field: string }[] }[] } };
    expect(json.plan).toMatchObject({ vendor: "alphaess", device: NORMAL });
    expect(json.plan.writes.map((w) => w.target)).toEqual(["POST updateChargeConfigInfo"]);
    expect(posts().length).toBe(before);
  });

  it("midnight starts a window", async () => {
    const r = await runCli(["battery", "plan", "charge midnight-5am to 90%", "--device", NORMAL, "--json"], { env: home.env });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { desired: { charge: { windows: unknown[] } } }).desired.charge.windows).toEqual([
      { start: "00:00", end: "05:00" },
    ]);
  });

  it("apply --dry-run sends nothing, reports the plan's checks as ok, and is not audited", async () => {
    const before = posts().length;
    const applied = sims.alphaess.state(NORMAL).appliedWrites;
    const r = await runCli(["battery", "apply", "charge 02:00-06:00 to 85%", "--device", NORMAL, "--dry-run", "--json"], { env: home.env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { dryRun: boolean; ok: boolean; results: { sent: boolean }[] };
    expect(result).toMatchObject({ dryRun: true, ok: true });
    expect(result.results.map((x) => x.sent)).toEqual([false]);
    expect(posts().length).toBe(before);
    expect(sims.alphaess.state(NORMAL).appliedWrites).toBe(applied);
    expect(auditLog()).toEqual([]);
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
    const r = await runCli(
      ["battery", "apply", "charge 01:00-05:00 to 90%; discharge 17:00-21:00 down to 20%", "--device", NORMAL, "--yes", "--json"],
      { env: home.env },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as {
      vendor: string;
      device: string;
      dryRun: boolean;
      ok: boolean;
      results: { write: { target: string }; sent: boolean; taken: boolean | null }[];
    };
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

  it("the write cool-down counts the writes of earlier runs, from the audit log", async () => {
    // Each command is a new process and client: these writes (no cool-down in this config) are
    // known to the next commands only from the audit log.
    const env = { ...home.env, NO_COLOR: "1" };
    for (const args of [
      ["set-charging-settings", "--stop-level", "91%"],
      ["set-discharging-settings", "--stop-level", "25%"],
    ]) {
      const w = await runCli(["alphaess", ...args, "--serial", NORMAL, "--yes"], { env });
      expect(w.code, w.stderr).toBe(0);
    }
    const cooldown = ["--set", "alphaess.writeCooldownMs=600000"];
    const before = posts().length;
    const auditLines = auditLog().length;
    const plan = await runCli([...cooldown, "battery", "plan", "charge 03:00-05:00 to 90%", "--device", NORMAL], { env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(
      /✗ cooldown: updateChargeConfigInfo was written to AL7011023030601 \d+ s ago \(audit log\); the next write is allowed at /,
    );
    const dry = await runCli([...cooldown, "battery", "apply", "charge 03:00-05:00 to 90%", "--device", NORMAL, "--dry-run"], { env });
    expect(dry.code).toBe(1);
    expect(dry.stderr).toMatch(/dry run: the plan would not pass its checks \(cooldown: /);
    const apply = await runCli([...cooldown, "battery", "apply", "charge 03:00-05:00 to 90%", "--device", NORMAL, "--yes"], { env });
    expect(apply.code).toBe(1);
    expect(apply.stderr.trim()).toMatch(
      /^error: Refused: updateChargeConfigInfo was written to AL7011023030601 \d+ s ago \(audit log\).*Nothing was sent/,
    );
    const group = await runCli([...cooldown, "alphaess", "set-discharging-settings", "--stop-level", "30%", "--serial", NORMAL, "--yes"], {
      env,
    });
    expect(group.code).toBe(1);
    expect(group.stderr).toMatch(/Refused: updateDisChargeConfigInfo was written to AL7011023030601/);
    expect(posts().length).toBe(before);
    expect(auditLog()).toHaveLength(auditLines);
    // Another system, or the default cool-down of this test's config (0), is not held back.
    const other = await runCli([...cooldown, "battery", "plan", "charge 03:00-05:00 to 90%", "--device", IGNORES_WRITES], { env });
    expect(other.stdout).toMatch(/✓ cooldown/);
    const without = await runCli(["battery", "plan", "charge 03:00-05:00 to 90%", "--device", NORMAL], { env });
    expect(without.stdout).toMatch(/✓ cooldown/);
  });

  it("a write the device does not take is reported per write, exit 3, and audited as not taken", async () => {
    const r = await runCli(["battery", "apply", "charge 02:00-04:00 to 80%", "--device", IGNORES_WRITES, "--yes"], {
      env: { ...home.env, NO_COLOR: "1" },
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(
      /POST updateChargeConfigInfo: sent, read back: NOT taken \(stopLevel: wrote 0.8, reads 1; useGrid: wrote true, reads false/,
    );
    expect(r.stderr).toMatch(/^error: Some writes did not take effect/);
    const entry = readAudit(join(home.dataDir, "audit.jsonl")).find((e) => e.device === IGNORES_WRITES)!;
    expect(entry).toMatchObject({ ok: false, taken: [{ target: "POST updateChargeConfigInfo", sent: true, taken: false }] });
  });
});

describe("battery show and GoodWe schedules", () => {
  it("show lists every system that has a schedule (AlphaESS, GoodWe ET), not the PowerTrack sites", async () => {
    const r = await runCli(["battery", "show", "--json"], { env: home.env });
    expect(r.code).toBe(0);
    const systems = (
      JSON.parse(r.stdout) as {
        systems: { vendor: string; device: string; schedule: { charge: { windows: unknown[] } } | null; error: string | null }[];
      }
    ).systems;
    expect(systems.map((x) => `${x.vendor}:${x.device}`).sort()).toEqual(
      [`alphaess:${IGNORES_WRITES}`, `alphaess:${NORMAL}`, `goodwe:${GOODWE}`].sort(),
    );
    for (const x of systems) expect(x.error, x.device).toBeNull();
    const table = await runCli(["battery", "show", `goodwe:${GOODWE}`], { env: { ...home.env, NO_COLOR: "1" } });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^goodwe:${GOODWE}\n  charge: .*\n  discharge: `));
  });

  it("a GoodWe ET plan writes eco groups; apply --yes writes, reads back and audits; again, nothing is sent", async () => {
    // GoodWe cannot keep the battery from discharging outside windows: "discharge anytime".
    const intent = "charge 01:00-05:00 to 90%; discharge anytime down to 20%";
    const writes = goodweWrites();
    const plan = await runCli(["battery", "plan", intent, "--device", `goodwe:${GOODWE}`, "--json"], { env: home.env });
    expect(plan.code).toBe(0);
    const planned = (JSON.parse(plan.stdout) as { plan: { vendor: string; writes: { target: string }[] } }).plan;
    expect(planned.vendor).toBe("goodwe");
    expect(planned.writes.length).toBeGreaterThan(0);
    expect(goodweWrites()).toBe(writes);

    const r = await runCli(["battery", "apply", intent, "--device", `goodwe:${GOODWE}`, "--yes", "--json"], { env: home.env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { ok: boolean; results: { sent: boolean; taken: boolean | null }[] };
    expect(result.ok).toBe(true);
    expect(result.results.every((x) => x.sent === true && x.taken === true)).toBe(true);
    expect(goodweWrites()).toBeGreaterThan(writes);
    expect(auditLog().at(-1)).toMatchObject({ vendor: "goodwe", device: GOODWE, ok: true });

    const shown = JSON.parse((await runCli(["battery", "show", `goodwe:${GOODWE}`, "--json"], { env: home.env })).stdout) as {
      systems: {
        schedule: { charge: { windows: unknown[]; stopLevel: number }; discharge: { timeControl: boolean; stopLevel: number } };
      }[];
    };
    expect(shown.systems[0]!.schedule.charge).toMatchObject({ windows: [{ start: "01:00", end: "05:00" }], stopLevel: 0.9 });
    expect(shown.systems[0]!.schedule.discharge).toMatchObject({ timeControl: false, stopLevel: 0.2 });
    const after = goodweWrites();
    const again = await runCli(["battery", "apply", intent, "--device", `goodwe:${GOODWE}`, "--yes"], { env: home.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already has this schedule: nothing to write/);
    expect(goodweWrites()).toBe(after);
  });

  it("history of a GoodWe inverter (today's counters only) refuses other days up front (exit 2)", async () => {
    const r = await runCli(["history", `goodwe:${GOODWE}`, "--from", "yesterday", "--to", "today"], { env: home.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: goodwe:9010KETU00000000 keeps today's energy counters only .*use --from today/);
    expect(r.stdout).toBe("");
    const today = await runCli(["history", `goodwe:${GOODWE}`, "--from", "today", "--json"], { env: home.env });
    expect(today.code).toBe(0);
    expect((JSON.parse(today.stdout) as { days: { error: null; totals: { pvKwh: number } }[] }).days).toMatchObject([
      { error: null, totals: { pvKwh: expect.any(Number) } },
    ]);
  });

  it("a command about one device connects only the vendors that can have it", async () => {
    sims.goodwe.clearRequests();
    // vendor:id names the vendor: GoodWe (UDP detection) is not even contacted.
    const history = await runCli(["history", `alphaess:${NORMAL}`, "--from", "today", "--energy", "--json"], { env: home.env });
    expect(history.code).toBe(0);
    // EV chargers: only AlphaESS has them.
    const ev = await runCli(["ev", "list", "--json"], { env: home.env });
    expect(ev.code).toBe(0);
    expect(sims.goodwe.requests).toEqual([]);
  });
});

describe("ev start and stop", () => {
  it("stop and start are written, read back, reported and audited", async () => {
    for (const action of ["stop", "start"] as const) {
      const r = await runCli(["ev", action, "EVTEST0001", "--yes", "--json"], { env: home.env });
      // The model's WriteResult: the write (target, before, after, changes), sent, taken, readBack.
      const outcome = JSON.parse(r.stdout) as { write: { target: string }; sent: boolean; taken: boolean | null };
      expect(outcome).toMatchObject({ write: { target: "remoteControlEvCharger" }, sent: true });
      // A start without a car plugged in is sent but does not take: exit 3, as reported.
      expect(r.code, r.stderr).toBe(outcome.taken === false ? 3 : 0);
      expect(auditLog().at(-1)).toMatchObject({
        vendor: "alphaess",
        device: "EVTEST0001",
        request: { action },
        taken: [{ target: "remoteControlEvCharger", sent: true }],
      });
    }
    const dry = await runCli(["ev", "start", "alphaess:EVTEST0001", "--dry-run", "--json"], { env: home.env });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ sent: false });
  });

  it("limit counts the write cool-down of the charger's system from the audit log", async () => {
    const first = await runCli(["ev", "limit", "EVTEST0001", "16", "--yes", "--json"], { env: home.env });
    expect(first.code, first.stderr).toBe(0);
    const before = posts().length;
    const again = await runCli(["--set", "alphaess.writeCooldownMs=600000", "ev", "limit", "EVTEST0001", "20", "--yes"], { env: home.env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Refused: setEvChargerCurrentsBySn was written to EVTEST0001 \d+ s ago \(audit log\)/);
    expect(posts().length).toBe(before);
    // A dry run is not held back.
    expect(
      (await runCli(["--set", "alphaess.writeCooldownMs=600000", "ev", "limit", "EVTEST0001", "20", "--dry-run"], { env: home.env })).code,
    ).toBe(0);
  });
});

describe("watch in a real process", () => {
  it("Ctrl-C (SIGINT) stops it with exit code 0", async () => {
    const p = spawnCli(["watch", "--vendor", "alphaess", "--interval", "1s"], { env: home.env });
    try {
      await p.waitForOutput(new RegExp(`alphaess:${NORMAL} pv=`));
      p.child.kill("SIGINT");
      expect(await p.exited).toBe(0);
    } finally {
      p.child.kill("SIGKILL");
    }
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
    const writesBefore = hw().writes.length;
    const r = await runCli(["powertrack", "bulk-update", "--file", file], { env: home.env });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`hardware:${keys[0]} .*ready .*description: ".*" → "Inverter one renamed"`));
    expect(r.stdout).toMatch(/hardware:H9999999 .*failed/);
    expect(r.stdout).toMatch(/Dry run: nothing was written/);
    // The simulator's log of accepted writes (PUT, POST and DELETE alike) is unchanged.
    expect(hw().writes.length).toBe(writesBefore);
    expect(sims.powertrack.http.requests.filter((x) => x.method === "PUT" || x.method === "DELETE")).toEqual([]);
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
    const report = (
      JSON.parse(r.stdout) as { report: { results: { id: string; status: string; taken: boolean | null; backup: string | null }[] } }
    ).report;
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
    // A run that did what --limit asked for is a success (exit 0), and the audit log says so.
    expect(audit.at(-1)).toMatchObject({
      ok: true,
      taken: [{ target: `hardware:${keys[0]}`, sent: true, taken: true }, { sent: true, taken: true }, { sent: false }],
    });
  });
});

async function hardwareKeys(...sites: string[]): Promise<string[]> {
  const { PowerTrackClient } = await import("../powertrack/index.js");
  const client = new PowerTrackClient({
    auth: { ...sims.powertrack.credentials, baseUrl: sims.powertrack.url, envFile: false, cookieFile: false, env: {} },
  });
  try {
    const keys: string[] = [];
    for (const site of sites) keys.push(...(await client.getHardwareList(site)).filter((h) => h.functionCode === 1).map((h) => h.key));
    return keys;
  } finally {
    client.close();
  }
}
